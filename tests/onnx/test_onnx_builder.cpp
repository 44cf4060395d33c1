// OnnxModelBuilder writes exactly the protobuf fields it is asked for, including broken ones.
#include <gtest/gtest.h>

#include "onnx_test_util.h"

namespace mrt::testing {
namespace {

onnx::ModelProto Reparse(const OnnxModelBuilder& b) {
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromString(b.Serialize()));
  return m;
}

TEST(OnnxBuilder, WritesModelHeaderAndOpsets) {
  OnnxModelBuilder b(11, "g1");
  b.AddOpsetImport("com.microsoft", 1).SetIrVersion(6);
  const onnx::ModelProto m = Reparse(b);
  EXPECT_EQ(m.ir_version(), 6);
  ASSERT_EQ(m.opset_import_size(), 2);
  EXPECT_EQ(m.opset_import(0).domain(), "");
  EXPECT_EQ(m.opset_import(0).version(), 11);
  EXPECT_EQ(m.opset_import(1).domain(), "com.microsoft");
  EXPECT_EQ(m.graph().name(), "g1");
  b.SetOpset(15);
  EXPECT_EQ(Reparse(b).opset_import(0).version(), 15);
}

TEST(OnnxBuilder, WritesInputsWithStaticSymbolicAndUnknownDims) {
  OnnxModelBuilder b;
  b.AddInput("x", DType::kF16, std::vector<OnnxDim>{"batch", 3, OnnxDim::Unknown()});
  b.AddInput("no_shape", DType::kI64);
  b.AddOutputWithElemType("y", 8 /*STRING*/, std::vector<OnnxDim>{2});
  b.AddValueInfo("v", DType::kBool, std::vector<OnnxDim>{});
  const onnx::ModelProto m = Reparse(b);
  const auto& x = m.graph().input(0).type().tensor_type();
  EXPECT_EQ(x.elem_type(), 10);  // FLOAT16
  ASSERT_EQ(x.shape().dim_size(), 3);
  EXPECT_EQ(x.shape().dim(0).dim_param(), "batch");
  EXPECT_FALSE(x.shape().dim(0).has_dim_value());
  EXPECT_EQ(x.shape().dim(1).dim_value(), 3);
  EXPECT_FALSE(x.shape().dim(2).has_dim_value());
  EXPECT_FALSE(x.shape().dim(2).has_dim_param());
  EXPECT_FALSE(m.graph().input(1).type().tensor_type().has_shape());
  EXPECT_EQ(m.graph().output(0).type().tensor_type().elem_type(), 8);
  EXPECT_TRUE(m.graph().value_info(0).type().tensor_type().has_shape());
  EXPECT_EQ(m.graph().value_info(0).type().tensor_type().shape().dim_size(), 0);
}

TEST(OnnxBuilder, WritesInitializersInEveryForm) {
  OnnxModelBuilder b;
  b.AddInitializer("raw", Tensor::FromVector<float>(DType::kF32, {2}, {1.5f, -2.f}));
  b.AddTypedInitializer("typed", Tensor::FromVector<int64_t>(DType::kI64, {3}, {7, 8, 9}));
  b.AddTypedInitializer("half", Tensor::FromVector<uint16_t>(DType::kF16, {1}, {0x3C00}));
  b.AddRawInitializer("bad", 1, {4}, std::string(3, 'x'));
  b.AddExternalInitializer("ext", DType::kF32, {2, 2}, "w.bin", 16, 16);
  b.AddExternalInitializerEntries("odd", DType::kI8, {1}, {{"location", "a"}, {"offset", "x"}});
  const onnx::ModelProto m = Reparse(b);
  const auto& inits = m.graph().initializer();
  ASSERT_EQ(inits.size(), 6);
  EXPECT_EQ(inits[0].raw_data().size(), 8u);
  EXPECT_EQ(inits[0].data_type(), 1);
  EXPECT_EQ(inits[1].int64_data_size(), 3);
  EXPECT_EQ(inits[1].int64_data(2), 9);
  EXPECT_EQ(inits[2].int32_data(0), 0x3C00);  // f16 bits travel in int32_data
  EXPECT_EQ(inits[3].raw_data(), "xxx");
  EXPECT_EQ(inits[4].data_location(), onnx::TensorProto_DataLocation_EXTERNAL);
  ASSERT_EQ(inits[4].external_data_size(), 3);
  EXPECT_EQ(inits[4].external_data(0).key(), "location");
  EXPECT_EQ(inits[4].external_data(0).value(), "w.bin");
  EXPECT_EQ(inits[4].external_data(1).value(), "16");
  EXPECT_EQ(inits[5].external_data(1).value(), "x");
}

TEST(OnnxBuilder, WritesNodesWithTypedAttributes) {
  OnnxModelBuilder b;
  b.AddNode("Conv", {"x", "w"}, {"y"}, "c1")
      .AttrInt("group", 2)
      .AttrFloat("f", 0.25f)
      .AttrString("auto_pad", "VALID")
      .AttrInts("pads", {1, 2})
      .AttrFloats("fs", {1.f})
      .AttrStrings("ss", {"a", "b"})
      .AttrTensor("t", Tensor::Scalar(3.f))
      .AttrOfType("g", onnx::AttributeProto::GRAPH);
  b.AddNode("Foo", {}, {"z"}).Domain("com.example");
  const onnx::ModelProto m = Reparse(b);
  const onnx::NodeProto& n = m.graph().node(0);
  EXPECT_EQ(n.name(), "c1");
  EXPECT_EQ(n.op_type(), "Conv");
  ASSERT_EQ(n.input_size(), 2);
  ASSERT_EQ(n.attribute_size(), 8);
  EXPECT_EQ(n.attribute(0).type(), onnx::AttributeProto::INT);
  EXPECT_EQ(n.attribute(0).i(), 2);
  EXPECT_EQ(n.attribute(1).f(), 0.25f);
  EXPECT_EQ(n.attribute(2).s(), "VALID");
  EXPECT_EQ(n.attribute(3).ints(1), 2);
  EXPECT_EQ(n.attribute(5).strings(1), "b");
  EXPECT_EQ(n.attribute(6).t().raw_data().size(), 4u);
  EXPECT_EQ(n.attribute(7).type(), onnx::AttributeProto::GRAPH);
  EXPECT_FALSE(m.graph().node(1).has_name());
  EXPECT_EQ(m.graph().node(1).domain(), "com.example");
}

TEST(OnnxBuilder, WriteToFileRoundTrips) {
  TempDir dir;
  OnnxModelBuilder b;
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutput("y", DType::kF32);
  ASSERT_TRUE(b.WriteToFile(dir.File("m.onnx")).ok());
  std::ifstream in(dir.File("m.onnx"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, b.Serialize());
  // Output files go through ir/output_file.h, which creates a missing folder (and refuses a
  // device, FIFO or folder in the file's place).
  EXPECT_TRUE(b.WriteToFile(dir.File("new/folder/m.onnx")).ok());
  EXPECT_FALSE(b.WriteToFile(dir.File("new")).ok());
}

}  // namespace
}  // namespace mrt::testing
