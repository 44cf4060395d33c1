// Importing well-formed models: attributes and their defaults, weights from initializers (every
// data field) and Constant nodes, declared shapes, node names, input shapes, and a real model
// from the ONNX test suite.
#include <gtest/gtest.h>

#include "ir/half.h"
#include "onnx_test_util.h"
#include "runtime/reference_backend.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

// x[1,2,5,5] -> Conv(w[3,2,3,3], b[3], pads 1) -> Relu -> y
OnnxModelBuilder ConvReluModel() {
  OnnxModelBuilder b(13, "conv_relu");
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 2, 5, 5});
  std::vector<float> w(3 * 2 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.5f * static_cast<float>(i % 7) - 1.f;
  b.AddInitializer("w", Tensor::FromVector(DType::kF32, {3, 2, 3, 3}, w));
  b.AddInitializer("b", Tensor::FromVector<float>(DType::kF32, {3}, {0.5f, -1.f, 2.f}));
  b.AddNode("Conv", {"x", "w", "b"}, {"c"}, "conv0").AttrInts("pads", {1, 1, 1, 1});
  b.AddNode("Relu", {"c"}, {"y"}, "relu0");
  b.AddOutput("y", DType::kF32, std::vector<OnnxDim>{1, 3, 5, 5});
  return b;
}

TEST(ImportBasic, ConvReluRoundTripsWithDefaults) {
  auto g = ImportBuilt(ConvReluModel());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->name, "conv_relu");
  EXPECT_EQ(g->opset, 13);
  ASSERT_EQ(g->CountLiveNodes(), 2u);
  const Node& conv = g->node(0);
  EXPECT_EQ(conv.op, OpKind::kConv);
  EXPECT_EQ(conv.name, "conv0");
  EXPECT_EQ(conv.attrs.GetInts("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  // Defaults the importer fills in: per spatial dim from the weight's rank.
  EXPECT_EQ(conv.attrs.GetInts("strides"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(conv.attrs.GetInts("dilations"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(conv.attrs.GetInts("kernel_shape"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(conv.attrs.GetInt("group", -1), 1);
  EXPECT_EQ(conv.attrs.GetString("auto_pad"), "NOTSET");
  EXPECT_EQ(g->node(1).op, OpKind::kRelu);
  EXPECT_EQ(g->node(1).inputs[0], conv.outputs[0]);

  ASSERT_EQ(g->inputs.size(), 1u);
  EXPECT_EQ(g->value(g->inputs[0]).name, "x");
  ASSERT_EQ(g->outputs.size(), 1u);
  const Value& y = g->value(g->outputs[0]);
  EXPECT_EQ(y.name, "y");
  EXPECT_EQ(y.dtype, DType::kF32);
  EXPECT_EQ(y.shape, (Shape{1, 3, 5, 5}));
  const Value& b = ValueNamed(*g, "b");
  ASSERT_TRUE(b.is_weight());
  EXPECT_EQ(b.weight->ToFloatVector(), (std::vector<float>{0.5f, -1.f, 2.f}));
  EXPECT_EQ(ValueNamed(*g, "w").shape, (Shape{3, 2, 3, 3}));
  EXPECT_FALSE(ValueNamed(*g, "w").is_graph_input);
}

TEST(ImportBasic, InitializersListedAsInputsAreWeightsNotInputs) {
  OnnxModelBuilder b = ConvReluModel();
  b.AddInput("w", DType::kF32, std::vector<OnnxDim>{3, 2, 3, 3});  // IR < 4 style
  b.AddInput("b", DType::kF32, std::vector<OnnxDim>{3});
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  ASSERT_EQ(g->inputs.size(), 1u);
  EXPECT_EQ(g->value(g->inputs[0]).name, "x");
  EXPECT_TRUE(ValueNamed(*g, "w").is_weight());
}

// Every typed data field, the way older exporters wrote initializers.
TEST(ImportBasic, TypedDataFieldsBecomeExactWeights) {
  OnnxModelBuilder b(13);
  b.AddTypedInitializer("f32", Tensor::FromVector<float>(DType::kF32, {2}, {1.25f, -3.f}));
  b.AddTypedInitializer("f64", Tensor::FromVector<double>(DType::kF64, {1}, {0.1}));
  b.AddTypedInitializer("i64", Tensor::FromVector<int64_t>(DType::kI64, {2}, {-5, int64_t{1} << 40}));
  b.AddTypedInitializer("i32", Tensor::FromVector<int32_t>(DType::kI32, {1}, {-7}));
  b.AddTypedInitializer("i8", Tensor::FromVector<int8_t>(DType::kI8, {2}, {-128, 127}));
  b.AddTypedInitializer("u8", Tensor::FromVector<uint8_t>(DType::kU8, {1}, {255}));
  b.AddTypedInitializer("bool", Tensor::FromVector<uint8_t>(DType::kBool, {2}, {1, 0}));
  b.AddTypedInitializer("f16", Tensor::FromVector<uint16_t>(DType::kF16, {1}, {0xC100}));    // -2.5
  b.AddTypedInitializer("bf16", Tensor::FromVector<uint16_t>(DType::kBF16, {1}, {0x3FC0}));  // 1.5
  b.AddTypedInitializer("empty", Tensor(DType::kF32, {0, 3}));
  // Unused weights are dropped from the graph: make each one a graph output to keep it.
  for (const char* n : {"f32", "f64", "i64", "i32", "i8", "u8", "bool", "f16", "bf16", "empty"})
    b.AddOutput(n, DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  auto w = [&](const char* n) { return ValueNamed(*g, n).weight; };
  EXPECT_EQ(w("f32")->ToFloatVector(), (std::vector<float>{1.25f, -3.f}));
  EXPECT_EQ(w("f64")->data<double>()[0], 0.1);
  EXPECT_EQ(w("i64")->ToInt64Vector(), (std::vector<int64_t>{-5, int64_t{1} << 40}));
  EXPECT_EQ(w("i32")->ToInt64Vector(), (std::vector<int64_t>{-7}));
  EXPECT_EQ(w("i8")->ToInt64Vector(), (std::vector<int64_t>{-128, 127}));
  EXPECT_EQ(w("u8")->ToInt64Vector(), (std::vector<int64_t>{255}));
  EXPECT_EQ(w("bool")->ToInt64Vector(), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(w("f16")->ElementAsDouble(0), -2.5);
  EXPECT_EQ(w("bf16")->ElementAsDouble(0), 1.5);
  EXPECT_EQ(w("empty")->sizes(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(w("f16")->dtype(), DType::kF16);
}

TEST(ImportBasic, ConstantNodesBecomeWeights) {
  OnnxModelBuilder b(13);
  b.AddNode("Constant", {}, {"t"}).AttrTensor("value", Tensor::FromVector<int32_t>(DType::kI32, {2, 1}, {4, 5}));
  b.AddNode("Constant", {}, {"f"}).AttrFloat("value_float", 2.5f);
  b.AddNode("Constant", {}, {"fs"}).AttrFloats("value_floats", {1.f, 2.f, 3.f});
  b.AddNode("Constant", {}, {"i"}).AttrInt("value_int", -9);
  b.AddNode("Constant", {}, {"is"}).AttrInts("value_ints", {7, 8});
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{3});
  b.AddNode("Add", {"x", "fs"}, {"y"});
  b.AddOutput("y", DType::kF32);
  b.AddOutput("i", DType::kI64);
  for (const char* n : {"t", "f", "is"}) b.AddOutput(n, DType::kF32);  // keeps the unused constants
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->CountLiveNodes(), 1u);  // only the Add: Constants left no nodes
  const Value& t = ValueNamed(*g, "t");
  ASSERT_TRUE(t.is_weight());
  EXPECT_EQ(t.dtype, DType::kI32);
  EXPECT_EQ(t.shape, (Shape{2, 1}));
  EXPECT_EQ(t.weight->ToInt64Vector(), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(ValueNamed(*g, "f").shape, Shape{});
  EXPECT_EQ(ValueNamed(*g, "f").weight->ToFloatVector(), (std::vector<float>{2.5f}));
  EXPECT_EQ(ValueNamed(*g, "fs").shape, (Shape{3}));
  EXPECT_EQ(ValueNamed(*g, "i").dtype, DType::kI64);
  EXPECT_EQ(ValueNamed(*g, "i").weight->ToInt64Vector(), (std::vector<int64_t>{-9}));
  EXPECT_TRUE(ValueNamed(*g, "i").is_graph_output);
  EXPECT_EQ(ValueNamed(*g, "is").weight->ToInt64Vector(), (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{3}));
}

TEST(ImportBasic, NodesWithoutNamesGetOpTypeAndIndex) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"a"});
  b.AddNode("Sigmoid", {"a"}, {"s"}, "named");
  b.AddNode("Relu", {"s"}, {"y"});
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).name, "Relu_0");
  EXPECT_EQ(g->node(1).name, "named");
  EXPECT_EQ(g->node(2).name, "Relu_2");
}

TEST(ImportBasic, DeclaredDimsAreStaticSymbolicOrDynamic) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF16, std::vector<OnnxDim>{"batch", 3, OnnxDim::Unknown()});
  b.AddInput("r", DType::kF32);  // no shape: unknown rank
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddNode("Neg", {"r"}, {"z"});
  b.AddValueInfo("y", DType::kF16, std::vector<OnnxDim>{"batch", 3, "w"});
  b.AddOutput("y", DType::kF16);
  b.AddOutput("z", DType::kF32);
  auto g = ImportBuilt(b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Value& x = ValueNamed(*g, "x");
  EXPECT_EQ(x.dtype, DType::kF16);
  EXPECT_EQ(x.shape, (Shape{Dim::Symbolic("batch"), 3, Dim()}));
  EXPECT_TRUE(ValueNamed(*g, "r").shape.unknown_rank());
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{Dim::Symbolic("batch"), 3, Dim::Symbolic("w")}));
  // With inference the unnamed dim of x flows to y, where value_info's name fills it in.
  auto inferred = ImportBuilt(b);
  ASSERT_TRUE(inferred.ok()) << ErrorOf(inferred);
  EXPECT_EQ(ValueNamed(*inferred, "y").shape, (Shape{Dim::Symbolic("batch"), 3, Dim::Symbolic("w")}));
  EXPECT_EQ(ValueNamed(*inferred, "y").dtype, DType::kF16);
}

OnnxModelBuilder DynamicReluModel() {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{"n", 3, OnnxDim::Unknown()});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutput("y", DType::kF32);
  return b;
}

TEST(ImportBasic, InputShapesOptionFixesDynamicDims) {
  ImportOptions o;
  o.input_shapes["x"] = {2, 3, 7};
  auto g = ImportBuilt(DynamicReluModel(), o);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(ValueNamed(*g, "x").shape, (Shape{2, 3, 7}));
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{2, 3, 7}));
}

TEST(ImportBasic, InputShapesOptionRejectsContradictions) {
  ImportOptions o;
  o.input_shapes["x"] = {2, 4, 7};
  EXPECT_EQ(ErrorOf(ImportBuilt(DynamicReluModel(), o)),
            "model.onnx: input 'x' dim 1 is 3 in the model but the given shape [2,4,7] says 4");
  o.input_shapes["x"] = {2, 3};
  EXPECT_EQ(ErrorOf(ImportBuilt(DynamicReluModel(), o)),
            "model.onnx: input 'x' has rank 3 [n,3,?] but the given shape [2,3] has 2 dims");
  o.input_shapes.clear();
  o.input_shapes["images"] = {1};
  EXPECT_EQ(ErrorOf(ImportBuilt(DynamicReluModel(), o)),
            "model.onnx: a shape is given for 'images' but the model has no input of that name (inputs: 'x')");
}

TEST(ImportBasic, NodesOutOfOrderAreSorted) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Neg", {"a"}, {"y"}, "second");
  b.AddNode("Relu", {"x"}, {"a"}, "first");
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).name, "first");
  EXPECT_EQ(g->node(1).name, "second");
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{2}));
}

TEST(ImportBasic, EmptyOptionalInputNamesAreAbsent) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{4});
  b.AddInitializer("hi", Tensor::Scalar(1.f));
  b.AddNode("Clip", {"x", "", "hi"}, {"y"});
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& clip = g->node(0);
  ASSERT_EQ(clip.inputs.size(), 3u);
  EXPECT_EQ(clip.inputs[1], kNoValue);
  EXPECT_EQ(g->value(clip.inputs[2]).name, "hi");
}

TEST(ImportBasic, AttributeWithoutTypeFieldIsReadFromItsValue) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{4});
  onnx::NodeProto& n = b.AddNode("LeakyRelu", {"x"}, {"y"}).proto();
  onnx::AttributeProto* a = n.add_attribute();  // IR version 1 style: no `type`
  a->set_name("alpha");
  a->set_f(0.3f);
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetFloat("alpha"), 0.3f);
}

TEST(ImportBasic, SpecDefaultsAreFilled) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2, 3});
  b.AddNode("LeakyRelu", {"x"}, {"a"});
  b.AddNode("Gemm", {"a", "a"}, {"g"}).AttrInt("transB", 1);
  b.AddNode("Selu", {"g"}, {"y"});
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetFloat("alpha"), 0.01f);
  const Attributes& gemm = g->node(1).attrs;
  EXPECT_EQ(gemm.GetFloat("alpha"), 1.f);
  EXPECT_EQ(gemm.GetFloat("beta"), 1.f);
  EXPECT_EQ(gemm.GetInt("transA", -1), 0);
  EXPECT_EQ(gemm.GetInt("transB"), 1);
  EXPECT_FLOAT_EQ(g->node(2).attrs.GetFloat("alpha"), 1.6732632f);
  EXPECT_FLOAT_EQ(g->node(2).attrs.GetFloat("gamma"), 1.0507010f);
}

std::string ConformanceDir(const std::string& test) { return std::string(MRT_ONNX_TESTDATA_DIR) + "/node/" + test; }

TEST(ImportBasic, ConformanceReluModelImportsAndRuns) {
  const std::string dir = ConformanceDir("test_relu");
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "libonnx-testdata is not installed";
  auto g = ImportOnnxFile(dir + "/model.onnx");
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  ASSERT_EQ(g->CountLiveNodes(), 1u);
  EXPECT_EQ(g->node(0).op, OpKind::kRelu);
  std::string input_name;
  auto x = ReadTensorProtoFile(dir + "/test_data_set_0/input_0.pb", &input_name);
  ASSERT_TRUE(x.ok()) << ErrorOf(x);
  EXPECT_EQ(input_name, "x");
  EXPECT_EQ(x->sizes(), (std::vector<int64_t>{3, 4, 5}));
  auto expected = ReadTensorProtoFile(dir + "/test_data_set_0/output_0.pb");
  ASSERT_TRUE(expected.ok()) << ErrorOf(expected);
  // Relu by hand: max(x, 0).
  for (int64_t i = 0; i < x->numel(); ++i)
    EXPECT_EQ(expected->ElementAsDouble(i), std::max(0.0, x->ElementAsDouble(i)));
  auto out = RunReference(*g, {{"x", *x}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_TRUE(AllClose(out->at("y"), *expected));
}

TEST(ImportBasic, ReadTensorProtoFileRejectsMissingAndGarbageFiles) {
  TempDir dir;
  EXPECT_EQ(ErrorOf(ReadTensorProtoFile(dir.File("none.pb"))), dir.File("none.pb") + ": no such file");
  const std::string garbage = dir.Write("g.pb", std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(ErrorOf(ReadTensorProtoFile(garbage)), garbage + ": not a serialized TensorProto");
  onnx::TensorProto t;
  t.set_data_type(1);
  t.add_dims(3);
  t.add_float_data(1.f);
  const std::string short_data = dir.Write("s.pb", t.SerializeAsString());
  EXPECT_EQ(ErrorOf(ReadTensorProtoFile(short_data)),
            short_data + ": typed data holds 1 values but dims [3] of FLOAT need 3");
}

}  // namespace
}  // namespace mrt::testing
