// Malformed models are refused with one clear line naming the file (and node, op, attribute
// where there is one), never a crash. One test per kind of defect.
#include <gtest/gtest.h>

#include "onnx_test_util.h"

namespace mrt::testing {
namespace {

// x[2] -> Relu -> y, the base most cases break in one place.
OnnxModelBuilder ReluModel(int64_t opset = 13) {
  OnnxModelBuilder b(opset);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"y"}, "r");
  b.AddOutput("y", DType::kF32);
  return b;
}

// The import error; the test fails when the import succeeded or the message spans several lines.
std::string ImportError(const OnnxModelBuilder& b, const ImportOptions& options = {}) {
  auto g = ImportBuilt(b, options);
  EXPECT_FALSE(g.ok()) << "the import should have failed";
  const std::string message = ErrorOf(g);
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  return message;
}

// --- not a model at all ---

TEST(ImportErrors, EmptyBytes) {
  EXPECT_EQ(ErrorOf(ImportOnnxBytes("", "", "model.onnx")), "model.onnx: the model is empty (0 bytes)");
}

TEST(ImportErrors, EmptyFile) {
  TempDir dir;
  const std::string path = dir.Write("empty.onnx", "");
  EXPECT_EQ(ErrorOf(ImportOnnxFile(path)), path + ": the file is empty");
}

TEST(ImportErrors, MissingFile) {
  TempDir dir;
  EXPECT_EQ(ErrorOf(ImportOnnxFile(dir.File("nope.onnx"))), dir.File("nope.onnx") + ": no such file");
  EXPECT_EQ(ErrorOf(ImportOnnxFile(dir.path().string())), dir.path().string() + ": not a regular file");
}

TEST(ImportErrors, TruncatedModel) {
  const std::string bytes = ReluModel().Serialize();
  for (size_t keep : {size_t{1}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    auto g = ImportOnnxBytes(bytes.substr(0, keep), "", "model.onnx");
    ASSERT_FALSE(g.ok()) << "kept " << keep << " of " << bytes.size() << " bytes";
    EXPECT_EQ(ErrorOf(g).rfind("model.onnx: ", 0), 0u) << ErrorOf(g);
    EXPECT_EQ(ErrorOf(g).find('\n'), std::string::npos);
  }
}

TEST(ImportErrors, TextFileIsNotAModel) {
  auto g = ImportOnnxBytes("name,value\nalpha,1\n", "", "model.onnx");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(ErrorOf(g).rfind("model.onnx: not an ONNX model: ", 0), 0u) << ErrorOf(g);
}

TEST(ImportErrors, ModelWithoutGraph) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  EXPECT_EQ(ErrorOf(ImportOnnxBytes(m.SerializeAsString(), "", "model.onnx")),
            "model.onnx: not an ONNX model: it has no graph");
}

TEST(ImportErrors, ModelWithoutIrVersion) {
  OnnxModelBuilder b = ReluModel();
  b.proto().clear_ir_version();
  EXPECT_EQ(ImportError(b),
            "model.onnx: not an ONNX model: it has no ir_version (truncated, or another kind of file?)");
}

// --- opsets and ops ---

TEST(ImportErrors, OpsetTooNew) {
  EXPECT_EQ(ImportError(ReluModel(22)), "model.onnx: opset 22 is not supported: mini-rt reads opsets 7 to 21");
}

TEST(ImportErrors, OpsetTooOldForAnOpThatChanged) {
  OnnxModelBuilder b(6);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Selu", {"x"}, {"s"}, "ok_since_6");
  b.AddNode("Add", {"s", "s"}, {"y"}, "add");
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b),
            "model.onnx: opset 6 is not supported: mini-rt reads opsets 7 to 21 (older models only when every op is "
            "unchanged since, and Add in node 'add' changed later)");
}

TEST(ImportErrors, NoDefaultDomainOpset) {
  OnnxModelBuilder b = ReluModel();
  b.proto().mutable_opset_import(0)->set_domain("com.example");
  EXPECT_EQ(ImportError(b), "model.onnx: the model imports no opset of the default ONNX domain");
}

TEST(ImportErrors, UnsupportedOpsAreListedAllAtOnce) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("NonZero", {"x"}, {"a"}, "nz_1");
  b.AddNode("Relu", {"a"}, {"b"}, "fine");
  b.AddNode("Loop", {"b"}, {"c"}, "loop");
  b.AddNode("Foo", {"c"}, {"y"}, "f").Domain("com.microsoft");
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b),
            "model.onnx: 3 unsupported ops: NonZero (node 'nz_1'), Loop (node 'loop'), com.microsoft.Foo (node 'f')");
}

TEST(ImportErrors, ManyUnsupportedOpsAreGroupedWithCounts) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  std::string prev = "x";
  for (int i = 0; i < 5; ++i) {
    b.AddNode("NonZero", {prev}, {"v" + std::to_string(i)});  // unnamed: NonZero_<index>
    prev = "v" + std::to_string(i);
  }
  b.AddNode("Loop", {prev}, {"y"}, "loop");
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b),
            "model.onnx: 6 unsupported ops: NonZero x5 (nodes 'NonZero_0', 'NonZero_1', 'NonZero_2', ...), Loop (node "
            "'loop')");
}

TEST(ImportErrors, WrongNumberOfInputs) {
  OnnxModelBuilder b = ReluModel();
  b.proto().mutable_graph()->mutable_node(0)->add_input("x");
  EXPECT_EQ(ImportError(b), "model.onnx: node 'r' (Relu): has 2 inputs but Relu takes 1");
}

// --- attributes ---

TEST(ImportErrors, WrongAttributeType) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("LeakyRelu", {"x"}, {"y"}, "lr").AttrInt("alpha", 1);
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'lr' (LeakyRelu): attribute 'alpha' is INT but must be FLOAT");
}

TEST(ImportErrors, GraphAttributeWhereAnIntBelongs) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Flatten", {"x"}, {"y"}, "fl").AttrOfType("axis", onnx::AttributeProto::GRAPH);
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'fl' (Flatten): attribute 'axis' is GRAPH but must be INT");
}

TEST(ImportErrors, MissingRequiredAttribute) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Concat", {"x", "x"}, {"y"}, "cat");
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'cat' (Concat): required attribute 'axis' is missing");
}

TEST(ImportErrors, UnknownAttribute) {
  OnnxModelBuilder b = ReluModel();
  OnnxNodeRef(b.proto().mutable_graph()->mutable_node(0)).AttrInt("foo", 1);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'r' (Relu): unknown attribute 'foo'");
}

TEST(ImportErrors, AttributeGivenTwice) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Elu", {"x"}, {"y"}, "e").AttrFloat("alpha", 1.f).AttrFloat("alpha", 2.f);
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'e' (Elu): attribute 'alpha' is given twice");
}

TEST(ImportErrors, ConvKernelShapeAndDilationsDisagree) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 1, 8, 8});
  b.AddInput("w", DType::kF32, std::vector<OnnxDim>{1, 1, 3, 3});
  b.AddNode("Conv", {"x", "w"}, {"y"}, "Conv_17").AttrInts("kernel_shape", {3, 3}).AttrInts("dilations", {1, 1, 1});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'Conv_17' (Conv): kernel_shape has 2 dims but dilations has 3");
}

TEST(ImportErrors, ConvPadsAndWeightDisagree) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 1, 8, 8});
  b.AddInitializer("w", Tensor(DType::kF32, {1, 1, 3, 3}));
  b.AddNode("Conv", {"x", "w"}, {"y"}, "c").AttrInts("pads", {1, 1});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b),
            "model.onnx: node 'c' (Conv): the weight has 2 spatial dims but pads has 2 values (needs 4)");
  b.proto().mutable_graph()->mutable_node(0)->clear_attribute();
  OnnxNodeRef(b.proto().mutable_graph()->mutable_node(0)).AttrInts("kernel_shape", {3});
  EXPECT_EQ(ImportError(b), "model.onnx: node 'c' (Conv): kernel_shape has 1 dims but the weight has 2 spatial dims");
  b.proto().mutable_graph()->mutable_node(0)->clear_attribute();
  OnnxNodeRef(b.proto().mutable_graph()->mutable_node(0)).AttrInts("strides", {1, 0});
  EXPECT_EQ(ImportError(b), "model.onnx: node 'c' (Conv): strides holds 0; each value must be >= 1");
  b.proto().mutable_graph()->mutable_node(0)->clear_attribute();
  OnnxNodeRef(b.proto().mutable_graph()->mutable_node(0)).AttrString("auto_pad", "SAME");
  EXPECT_EQ(ImportError(b),
            "model.onnx: node 'c' (Conv): attribute 'auto_pad' is 'SAME'; expected one of 'NOTSET', 'SAME_UPPER', "
            "'SAME_LOWER', 'VALID'");
}

TEST(ImportErrors, CastToUnsupportedDtype) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Cast", {"x"}, {"y"}, "c").AttrInt("to", 8);
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'c' (Cast): to=8: dtype STRING is not supported");
}

TEST(ImportErrors, BatchNormalizationTrainingOutputs) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 2});
  for (const char* p : {"s", "bias", "m", "v"}) b.AddInitializer(p, Tensor(DType::kF32, {2}));
  b.AddNode("BatchNormalization", {"x", "s", "bias", "m", "v"}, {"y", "running_mean", "running_var"}, "bn");
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b),
            "model.onnx: node 'bn' (BatchNormalization): has 3 outputs: the training outputs (running/saved mean and "
            "variance) are not supported, only Y");
}

TEST(ImportErrors, StringAndSparseConstants) {
  OnnxModelBuilder b = ReluModel();
  b.AddNode("Constant", {}, {"s"}, "k").AttrString("value_string", "hello");
  EXPECT_EQ(ImportError(b),
            "model.onnx: node 'k' (Constant): attribute 'value_string': string constants are not "
            "supported");
  OnnxModelBuilder sparse = ReluModel();
  sparse.AddNode("Constant", {}, {"s"}, "k").AttrOfType("sparse_value", onnx::AttributeProto::SPARSE_TENSOR);
  EXPECT_EQ(ImportError(sparse),
            "model.onnx: node 'k' (Constant): attribute 'sparse_value': sparse constants are not supported");
}

// --- value names ---

TEST(ImportErrors, DanglingNodeInput) {
  OnnxModelBuilder b = ReluModel();
  b.AddNode("Add", {"y", "q"}, {"z"}, "add");
  EXPECT_EQ(ImportError(b),
            "model.onnx: node 'add' (Add): input 'q' is never produced (not a graph input, an initializer or a node "
            "output)");
}

TEST(ImportErrors, DanglingGraphOutput) {
  OnnxModelBuilder b = ReluModel();
  b.AddOutput("ghost", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: graph output 'ghost' is never produced");
}

TEST(ImportErrors, TwoNodesProduceOneValue) {
  OnnxModelBuilder b = ReluModel();
  b.AddNode("Neg", {"x"}, {"y"}, "n");
  EXPECT_EQ(ImportError(b), "model.onnx: value 'y' has two producers: node 'r' (Relu) and node 'n' (Neg)");
}

TEST(ImportErrors, NodeOverwritesAGraphInput) {
  OnnxModelBuilder b = ReluModel();
  b.AddNode("Neg", {"y"}, {"x"}, "n");
  EXPECT_EQ(ImportError(b), "model.onnx: value 'x' has two producers: a graph input and node 'n' (Neg)");
}

TEST(ImportErrors, DuplicateInitializer) {
  OnnxModelBuilder b = ReluModel();
  b.AddInitializer("w", Tensor::Scalar(1.f));
  b.AddInitializer("w", Tensor::Scalar(2.f));
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 'w' is given twice");
}

TEST(ImportErrors, Cycle) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Add", {"x", "b"}, {"a"}, "n1");
  b.AddNode("Neg", {"a"}, {"b"}, "n2");
  b.AddOutput("b", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: node 'n1' (Add) is on a cycle: its inputs depend on its own outputs");
}

// --- types and dims ---

TEST(ImportErrors, UndefinedInputDtype) {
  OnnxModelBuilder b(13);
  b.AddInputWithElemType("x", 0, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: graph input 'x': dtype is undefined (elem_type 0)");
}

TEST(ImportErrors, StringInputDtype) {
  OnnxModelBuilder b(13);
  b.AddInputWithElemType("x", 8, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: graph input 'x': dtype STRING is not supported");
}

TEST(ImportErrors, UndefinedOutputDtype) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutputWithElemType("y", 0);
  EXPECT_EQ(ImportError(b), "model.onnx: graph output 'y': dtype is undefined (elem_type 0)");
}

TEST(ImportErrors, InputWithoutTypeOrNotATensor) {
  OnnxModelBuilder b = ReluModel();
  b.proto().mutable_graph()->mutable_input(0)->clear_type();
  EXPECT_EQ(ImportError(b), "model.onnx: graph input 'x' has no tensor type");
  OnnxModelBuilder seq = ReluModel();
  seq.proto().mutable_graph()->mutable_input(0)->mutable_type()->mutable_sequence_type();
  EXPECT_EQ(ImportError(seq), "model.onnx: graph input 'x': is a sequence; only tensors are supported");
}

TEST(ImportErrors, StringInitializer) {
  OnnxModelBuilder b = ReluModel();
  b.AddRawInitializer("s", 8, {1}, "a");
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 's': dtype STRING is not supported");
}

TEST(ImportErrors, NegativeInitializerDim) {
  OnnxModelBuilder b = ReluModel();
  b.AddRawInitializer("w", 1, {2, -1}, "");
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 'w': dims [2,-1] hold a negative size");
}

TEST(ImportErrors, OverflowingInitializerDims) {
  OnnxModelBuilder b = ReluModel();
  b.AddRawInitializer("w", 1, {int64_t{1} << 32, int64_t{1} << 32}, "");
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 'w': dims [4294967296,4294967296] overflow int64 elements");
  // Fits in int64 elements but not in bytes: refused before any allocation.
  OnnxModelBuilder huge = ReluModel();
  huge.AddRawInitializer("w", 11, {int64_t{1} << 61}, "");
  EXPECT_EQ(ImportError(huge), "model.onnx: initializer 'w': dims [2305843009213693952] are too large");
}

TEST(ImportErrors, NegativeValueInfoDim) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2, -3});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: graph input 'x': dim 1 is -3; sizes must be >= 0");
  OnnxModelBuilder vi = ReluModel();
  vi.AddValueInfo("y", DType::kF32, std::vector<OnnxDim>{-1});
  EXPECT_EQ(ImportError(vi), "model.onnx: value_info 'y': dim 0 is -1; sizes must be >= 0");
}

TEST(ImportErrors, OverflowingValueInfoDims) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{int64_t{1} << 40, "n", int64_t{1} << 40});
  b.AddNode("Relu", {"x"}, {"y"});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ImportError(b), "model.onnx: graph input 'x': dims overflow int64 elements at dim 2 (1099511627776)");
}

TEST(ImportErrors, RawDataOfTheWrongSize) {
  OnnxModelBuilder b = ReluModel();
  b.AddRawInitializer("w", 1, {4}, std::string(3, '\0'));
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 'w': raw_data has 3 bytes but dims [4] of FLOAT need 16");
}

TEST(ImportErrors, TypedFieldWithTheWrongCount) {
  OnnxModelBuilder b = ReluModel();
  b.AddTypedInitializer("w", Tensor(DType::kF32, {2}));
  b.proto().mutable_graph()->mutable_initializer(0)->add_dims(3);  // now [2,3]: needs 6 values
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 'w': typed data holds 2 values but dims [2,3] of FLOAT need 6");
}

TEST(ImportErrors, TypedDataInTheWrongField) {
  OnnxModelBuilder b = ReluModel();
  onnx::TensorProto& t = b.AddInitializerProto("w");
  t.set_data_type(1);  // FLOAT, but the values sit in int64_data
  t.add_dims(2);
  t.add_int64_data(1);
  t.add_int64_data(2);
  EXPECT_EQ(ImportError(b),
            "model.onnx: initializer 'w': float_data holds 0 values but the dims of this FLOAT tensor need 2");
}

TEST(ImportErrors, InitializerWithoutData) {
  OnnxModelBuilder b = ReluModel();
  onnx::TensorProto& t = b.AddInitializerProto("w");
  t.set_data_type(7);
  t.add_dims(2);
  EXPECT_EQ(ImportError(b), "model.onnx: initializer 'w': has dims [2] but no data");
}

}  // namespace
}  // namespace mrt::testing
