// Older opsets are converted to the IR's canonical (opset-18) form: attributes that later opsets
// turned into inputs become weights, Upsample and Resize-10 become Resize with their asymmetric /
// floor semantics, and Softmax before opset 13 keeps its flatten-to-2-D meaning.
#include <gtest/gtest.h>

#include <cmath>

#include "onnx_test_util.h"
#include "runtime/reference_backend.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

// x (declared dtype/dims) -> one node -> outputs; the node is returned for attributes.
struct OneNode {
  OnnxModelBuilder b;
  OnnxNodeRef node;
  OneNode(int64_t opset, const std::string& op, std::vector<std::string> inputs, std::vector<OnnxDim> dims,
          DType dtype = DType::kF32, std::vector<std::string> outputs = {"y"})
      : b(opset), node(nullptr) {
    b.AddInput("x", dtype, dims);
    node = b.AddNode(op, inputs, outputs, "n");
    for (const std::string& o : outputs) b.AddOutput(o, dtype);
  }
};

const Node& OnlyNode(const Graph& g, OpKind op) {
  auto nodes = NodesOf(g, op);
  EXPECT_EQ(nodes.size(), 1u) << "nodes of " << OpName(op);
  static const Node kNone;
  return nodes.empty() ? kNone : *nodes[0];
}

TEST(ImportOpsets, Clip6AttributesBecomeScalarInputsOfTheInputDtype) {
  OneNode m(10, "Clip", {"x"}, {4}, DType::kF16);
  m.node.AttrFloat("min", -1.f).AttrFloat("max", 2.5f);
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& clip = OnlyNode(*g, OpKind::kClip);
  ASSERT_EQ(clip.inputs.size(), 3u);
  EXPECT_TRUE(clip.attrs.all().empty());
  const Value& lo = g->value(clip.inputs[1]);
  EXPECT_EQ(lo.dtype, DType::kF16);
  EXPECT_EQ(lo.shape, Shape{});
  EXPECT_EQ(lo.weight->ElementAsDouble(0), -1.0);
  EXPECT_EQ(g->value(clip.inputs[2]).weight->ElementAsDouble(0), 2.5);
  EXPECT_EQ(lo.name, "n_min");
}

TEST(ImportOpsets, Clip6WithOnlyMaxLeavesMinAbsent) {
  OneNode m(7, "Clip", {"x"}, {4});
  m.node.AttrFloat("max", 6.f);
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& clip = OnlyNode(*g, OpKind::kClip);
  ASSERT_EQ(clip.inputs.size(), 3u);
  EXPECT_EQ(clip.inputs[1], kNoValue);
  EXPECT_EQ(WeightFloats(*g, clip, 2), (std::vector<float>{6.f}));
  auto out = RunReference(*g, {{"x", Tensor::FromVector<float>(DType::kF32, {4}, {-9.f, 0.5f, 6.5f, 100.f})}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_EQ(out->at("y").ToFloatVector(), (std::vector<float>{-9.f, 0.5f, 6.f, 6.f}));
}

// The input of the Clip is computed: its dtype is known at import time only through the eager
// inference of the nodes before it (when shape inference is on).
TEST(ImportOpsets, Clip6OnAComputedF16ValueGetsF16Bounds) {
  OnnxModelBuilder b(10);
  b.AddInput("x", DType::kF16, std::vector<OnnxDim>{4});
  b.AddNode("Relu", {"x"}, {"r"});
  b.AddNode("Clip", {"r"}, {"y"}, "n").AttrFloat("min", 0.5f).AttrFloat("max", 2.f);
  b.AddOutput("y", DType::kF16);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& clip = OnlyNode(*g, OpKind::kClip);
  EXPECT_EQ(g->value(clip.inputs[1]).dtype, DType::kF16);
  EXPECT_EQ(g->value(clip.inputs[2]).dtype, DType::kF16);
  Tensor x(DType::kF16, {4});
  const float values[] = {-1.f, 0.75f, 1.f, 3.f};
  for (int i = 0; i < 4; ++i) StoreFromDouble(x.view(), i, values[i]);
  auto out = RunReference(*g, {{"x", x}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_EQ(out->at("y").ToFloatVector(), (std::vector<float>{0.5f, 0.75f, 1.f, 2.f}));
  // Without inference nothing tells the importer the dtype: the bounds fall back to f32.
  auto plain = ImportBuilt(b, NoInference());
  ASSERT_TRUE(plain.ok()) << ErrorOf(plain);
  EXPECT_EQ(plain->value(OnlyNode(*plain, OpKind::kClip).inputs[1]).dtype, DType::kF32);
}

TEST(ImportOpsets, Clip11PassesThrough) {
  OneNode m(11, "Clip", {"x", "", "hi"}, {4});
  m.b.AddInitializer("hi", Tensor::Scalar(1.f));
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& clip = OnlyNode(*g, OpKind::kClip);
  EXPECT_EQ(clip.inputs[1], kNoValue);
  EXPECT_EQ(g->value(clip.inputs[2]).name, "hi");
}

TEST(ImportOpsets, Squeeze11AxesBecomeAnInt64Input) {
  OneNode m(11, "Squeeze", {"x"}, {1, 3, 1, 2});
  m.node.AttrInts("axes", {0, -2});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& sq = OnlyNode(*g, OpKind::kSqueeze);
  EXPECT_EQ(g->value(sq.inputs[1]).dtype, DType::kI64);
  EXPECT_EQ(WeightInts(*g, sq, 1), (std::vector<int64_t>{0, -2}));
  EXPECT_FALSE(sq.attrs.has("axes"));
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{3, 2}));
}

TEST(ImportOpsets, Squeeze12WithoutAxesKeepsOneInput) {
  OneNode m(12, "Squeeze", {"x"}, {1, 3});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSqueeze).inputs.size(), 1u);
}

TEST(ImportOpsets, Unsqueeze11NeedsAxesAndConvertsThem) {
  OneNode m(11, "Unsqueeze", {"x"}, {3});
  m.node.AttrInts("axes", {0, 2});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(WeightInts(*g, OnlyNode(*g, OpKind::kUnsqueeze), 1), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{1, 3, 1}));
  OneNode missing(11, "Unsqueeze", {"x"}, {3});
  EXPECT_EQ(ErrorOf(ImportBuilt(missing.b)), "model.onnx: node 'n' (Unsqueeze): required attribute 'axes' is missing");
}

TEST(ImportOpsets, Squeeze11WithAnAxesInputIsRefused) {
  OneNode m(11, "Squeeze", {"x", "x"}, {1});
  EXPECT_EQ(ErrorOf(ImportBuilt(m.b)),
            "model.onnx: node 'n' (Squeeze): has 2 inputs but Squeeze at opset 11 takes 1 (axes is an attribute "
            "there)");
}

TEST(ImportOpsets, ReduceAxesAttributeBecomesInputOne) {
  // ReduceMean kept the attribute until opset 18, ReduceSum until 13.
  OneNode mean(13, "ReduceMean", {"x"}, {2, 3, 4});
  mean.node.AttrInts("axes", {1}).AttrInt("keepdims", 0);
  auto g = ImportBuilt(mean.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& r = OnlyNode(*g, OpKind::kReduceMean);
  EXPECT_EQ(WeightInts(*g, r, 1), (std::vector<int64_t>{1}));
  EXPECT_EQ(r.attrs.GetInt("keepdims", -1), 0);
  EXPECT_EQ(r.attrs.GetInt("noop_with_empty_axes", -1), 0);
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{2, 4}));

  OneNode sum11(11, "ReduceSum", {"x"}, {2, 3});
  sum11.node.AttrInts("axes", {-1});
  auto g11 = ImportBuilt(sum11.b);
  ASSERT_TRUE(g11.ok()) << ErrorOf(g11);
  EXPECT_EQ(WeightInts(*g11, OnlyNode(*g11, OpKind::kReduceSum), 1), (std::vector<int64_t>{-1}));
  EXPECT_EQ(OnlyNode(*g11, OpKind::kReduceSum).attrs.GetInt("keepdims"), 1);
  EXPECT_EQ(ValueNamed(*g11, "y").shape, (Shape{2, 1}));
}

TEST(ImportOpsets, ReduceSum13TakesAxesAsAnInput) {
  OneNode sum(13, "ReduceSum", {"x", "axes"}, {2, 3});
  sum.b.AddInitializer("axes", Int64TensorForTest({0}));
  auto g = ImportBuilt(sum.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->value(OnlyNode(*g, OpKind::kReduceSum).inputs[1]).name, "axes");
  OneNode attr(13, "ReduceSum", {"x"}, {2, 3});
  attr.node.AttrInts("axes", {0});
  EXPECT_EQ(ErrorOf(ImportBuilt(attr.b)), "model.onnx: node 'n' (ReduceSum): unknown attribute 'axes'");
  OneNode max18(18, "ReduceMax", {"x"}, {2, 3});
  max18.node.AttrInts("axes", {0});
  EXPECT_EQ(ErrorOf(ImportBuilt(max18.b)), "model.onnx: node 'n' (ReduceMax): unknown attribute 'axes'");
}

TEST(ImportOpsets, Split11SizesBecomeInputOne) {
  OneNode m(11, "Split", {"x"}, {5, 2}, DType::kF32, {"a", "b"});
  m.node.AttrInts("split", {2, 3});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& s = OnlyNode(*g, OpKind::kSplit);
  EXPECT_EQ(WeightInts(*g, s, 1), (std::vector<int64_t>{2, 3}));
  EXPECT_FALSE(s.attrs.has("num_outputs"));
  EXPECT_EQ(s.attrs.GetInt("axis", -1), 0);
  EXPECT_EQ(ValueNamed(*g, "b").shape, (Shape{3, 2}));
}

TEST(ImportOpsets, SplitWithoutSizesGetsNumOutputs) {
  OneNode m(13, "Split", {"x"}, {6}, DType::kF32, {"a", "b", "c"});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSplit).attrs.GetInt("num_outputs"), 3);
  EXPECT_EQ(ValueNamed(*g, "c").shape, (Shape{2}));
  OneNode bad(18, "Split", {"x"}, {6}, DType::kF32, {"a", "b"});
  bad.node.AttrInt("num_outputs", 3);
  EXPECT_EQ(ErrorOf(ImportBuilt(bad.b)), "model.onnx: node 'n' (Split): num_outputs is 3 but the node has 2 outputs");
}

TEST(ImportOpsets, Slice9AttributesBecomeInputs) {
  OneNode m(9, "Slice", {"x"}, {4, 5});
  m.node.AttrInts("starts", {1, 0}).AttrInts("ends", {3, 100}).AttrInts("axes", {0, 1});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& s = OnlyNode(*g, OpKind::kSlice);
  ASSERT_EQ(s.inputs.size(), 4u);
  EXPECT_EQ(WeightInts(*g, s, 1), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(WeightInts(*g, s, 2), (std::vector<int64_t>{3, 100}));
  EXPECT_EQ(WeightInts(*g, s, 3), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{2, 5}));
  OneNode bad(9, "Slice", {"x"}, {4});
  bad.node.AttrInts("starts", {1}).AttrInts("ends", {3, 4});
  EXPECT_EQ(ErrorOf(ImportBuilt(bad.b)), "model.onnx: node 'n' (Slice): starts has 1 values, ends 2; they must match");
}

TEST(ImportOpsets, Pad2AttributesBecomeInputs) {
  OneNode m(10, "Pad", {"x"}, {2, 2});
  m.node.AttrInts("pads", {0, 1, 0, 2}).AttrFloat("value", 1.5f);
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& p = OnlyNode(*g, OpKind::kPad);
  EXPECT_EQ(WeightInts(*g, p, 1), (std::vector<int64_t>{0, 1, 0, 2}));
  EXPECT_EQ(WeightFloats(*g, p, 2), (std::vector<float>{1.5f}));
  EXPECT_EQ(p.attrs.GetString("mode"), "constant");
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{2, 5}));
  auto out = RunReference(*g, {{"x", Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 2, 3, 4})}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_EQ(out->at("y").ToFloatVector(), (std::vector<float>{1.5f, 1, 2, 1.5f, 1.5f, 1.5f, 3, 4, 1.5f, 1.5f}));
}

TEST(ImportOpsets, Pad2WithZeroValueAndReflectMode) {
  OneNode m(7, "Pad", {"x"}, {3});
  m.node.AttrInts("pads", {1, 1}).AttrString("mode", "reflect");
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& p = OnlyNode(*g, OpKind::kPad);
  EXPECT_EQ(p.inputs.size(), 2u);  // value 0 is the opset-11 default: no constant_value input
  EXPECT_EQ(p.attrs.GetString("mode"), "reflect");
  OneNode wrap(10, "Pad", {"x"}, {3});
  wrap.node.AttrInts("pads", {1, 1}).AttrString("mode", "wrap");
  EXPECT_EQ(ErrorOf(ImportBuilt(wrap.b)),
            "model.onnx: node 'n' (Pad): attribute 'mode' is 'wrap'; expected one of 'constant', 'reflect', 'edge'");
}

TEST(ImportOpsets, TopK9KBecomesAnInput) {
  OneNode m(9, "TopK", {"x"}, {2, 6}, DType::kF32, {"values", "indices"});
  m.node.AttrInt("k", 3);
  auto g = ImportBuilt(m.b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& t = OnlyNode(*g, OpKind::kTopK);
  EXPECT_EQ(WeightInts(*g, t, 1), (std::vector<int64_t>{3}));
  EXPECT_EQ(g->value(t.inputs[1]).shape, (Shape{1}));
  EXPECT_EQ(t.attrs.GetInt("axis"), -1);
  EXPECT_EQ(t.attrs.GetInt("largest"), 1);
  EXPECT_EQ(t.attrs.GetInt("sorted"), 1);
  EXPECT_EQ(t.outputs.size(), 2u);
}

TEST(ImportOpsets, Dropout10RatioBecomesAnInput) {
  OneNode m(10, "Dropout", {"x"}, {3}, DType::kF32, {"y", "mask"});
  m.node.AttrFloat("ratio", 0.25f);
  auto g = ImportBuilt(m.b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& d = OnlyNode(*g, OpKind::kDropout);
  EXPECT_EQ(WeightFloats(*g, d, 1), (std::vector<float>{0.25f}));
  EXPECT_EQ(d.outputs.size(), 2u);
  EXPECT_TRUE(d.attrs.all().empty());
}

TEST(ImportOpsets, Upsample7ScalesAttributeBecomesResize) {
  OneNode m(7, "Upsample", {"x"}, {1, 1, 2, 2});
  m.node.AttrFloats("scales", {1.f, 1.f, 2.f, 3.f}).AttrString("mode", "linear");
  auto g = ImportBuilt(m.b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& r = OnlyNode(*g, OpKind::kResize);
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_EQ(r.inputs[1], kNoValue);  // roi absent
  EXPECT_EQ(WeightFloats(*g, r, 2), (std::vector<float>{1.f, 1.f, 2.f, 3.f}));
  EXPECT_EQ(r.attrs.GetString("mode"), "linear");
  EXPECT_EQ(r.attrs.GetString("coordinate_transformation_mode"), "asymmetric");
  EXPECT_EQ(r.attrs.GetString("nearest_mode"), "floor");
  EXPECT_EQ(r.attrs.GetFloat("cubic_coeff_a"), -0.75f);
}

// x = [[1,2],[3,4]] upsampled by (2,3): out[i][j] = x[floor(i/2)][floor(j/3)].
TEST(ImportOpsets, Upsample9NearestMatchesFloorOfAsymmetricCoordinates) {
  OneNode m(9, "Upsample", {"x", "scales"}, {1, 1, 2, 2});
  m.b.AddInitializer("scales", Tensor::FromVector<float>(DType::kF32, {4}, {1.f, 1.f, 2.f, 3.f}));
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{1, 1, 4, 6}));
  auto out = RunReference(*g, {{"x", Tensor::FromVector<float>(DType::kF32, {1, 1, 2, 2}, {1, 2, 3, 4})}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_EQ(out->at("y").ToFloatVector(), (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,  //
                                                              3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
}

TEST(ImportOpsets, ConformanceUpsampleNearestRuns) {
  const std::string dir = std::string(MRT_ONNX_TESTDATA_DIR) + "/node/test_upsample_nearest";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "libonnx-testdata is not installed";
  auto g = ImportOnnxFile(dir + "/model.onnx");
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  auto x = ReadTensorProtoFile(dir + "/test_data_set_0/input_0.pb");
  auto scales = ReadTensorProtoFile(dir + "/test_data_set_0/input_1.pb");
  auto expected = ReadTensorProtoFile(dir + "/test_data_set_0/output_0.pb");
  ASSERT_TRUE(x.ok() && scales.ok() && expected.ok());
  auto out = RunReference(*g, {{"X", *x}, {"scales", *scales}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_TRUE(AllClose(out->at("Y"), *expected));
}

TEST(ImportOpsets, Resize10BecomesAsymmetricFloorResize) {
  OneNode m(10, "Resize", {"x", "scales"}, {1, 1, 2, 2});
  m.b.AddInitializer("scales", Tensor::FromVector<float>(DType::kF32, {4}, {1.f, 1.f, 2.f, 2.f}));
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& r = OnlyNode(*g, OpKind::kResize);
  EXPECT_EQ(r.inputs[1], kNoValue);
  EXPECT_EQ(g->value(r.inputs[2]).name, "scales");
  EXPECT_EQ(r.attrs.GetString("coordinate_transformation_mode"), "asymmetric");
  EXPECT_EQ(r.attrs.GetString("nearest_mode"), "floor");
  EXPECT_EQ(r.attrs.GetString("mode"), "nearest");
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{1, 1, 4, 4}));
}

TEST(ImportOpsets, Resize11EmptyRoiAndScalesCountAsAbsent) {
  OneNode m(11, "Resize", {"x", "roi", "scales", "sizes"}, {1, 1, 2, 2});
  m.b.AddInitializer("roi", Tensor(DType::kF32, {0}));
  m.b.AddInitializer("scales", Tensor(DType::kF32, {0}));
  m.b.AddInitializer("sizes", Int64TensorForTest({1, 1, 3, 5}));
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& r = OnlyNode(*g, OpKind::kResize);
  ASSERT_EQ(r.inputs.size(), 4u);
  EXPECT_EQ(r.inputs[1], kNoValue);
  EXPECT_EQ(r.inputs[2], kNoValue);
  EXPECT_EQ(g->value(r.inputs[3]).name, "sizes");
  EXPECT_EQ(r.attrs.GetString("coordinate_transformation_mode"), "half_pixel");
  EXPECT_EQ(r.attrs.GetString("nearest_mode"), "round_prefer_floor");
  EXPECT_EQ(r.attrs.GetString("keep_aspect_ratio_policy"), "stretch");
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{1, 1, 3, 5}));
}

TEST(ImportOpsets, Resize13EmptyNamesAndMissingSizes) {
  OneNode m(13, "Resize", {"x", "", "", "sizes"}, {1, 1, 2, 2});
  m.b.AddInitializer("sizes", Int64TensorForTest({1, 1, 4, 4}));
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(OnlyNode(*g, OpKind::kResize).inputs[2], kNoValue);
  OneNode neither(13, "Resize", {"x", "", ""}, {1, 1, 2, 2});
  EXPECT_EQ(ErrorOf(ImportBuilt(neither.b)),
            "model.onnx: node 'n' (Resize): needs scales (input 2) or sizes (input 3); both are absent");
  OneNode mode(13, "Resize", {"x", "", "", "sizes"}, {1, 1, 2, 2});
  mode.b.AddInitializer("sizes", Int64TensorForTest({1, 1, 4, 4}));
  mode.node.AttrString("mode", "bicubic");
  EXPECT_EQ(ErrorOf(ImportBuilt(mode.b)),
            "model.onnx: node 'n' (Resize): attribute 'mode' is 'bicubic'; expected one of 'nearest', 'linear', "
            "'cubic'");
}

TEST(ImportOpsets, Softmax11OnTheLastAxisIsOneSoftmax) {
  OneNode m(11, "Softmax", {"x"}, {2, 5});  // default axis 1 = last dim of a 2-D input
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  ASSERT_EQ(g->CountLiveNodes(), 1u);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSoftmax).attrs.GetInt("axis"), -1);
  OneNode neg(12, "LogSoftmax", {"x"}, {2, 3, 4});
  neg.node.AttrInt("axis", -1);
  auto gn = ImportBuilt(neg.b);
  ASSERT_TRUE(gn.ok()) << ErrorOf(gn);
  EXPECT_EQ(gn->CountLiveNodes(), 1u);
  EXPECT_EQ(OnlyNode(*gn, OpKind::kLogSoftmax).attrs.GetInt("axis"), -1);
}

// Softmax-11 at axis 1 of a [1,2,2] input normalizes all 4 elements together (one row of the
// [1,4] coercion): with x = ln(1..4) the result is (1,2,3,4)/10. Opset 13's axis-1 softmax would
// instead pair x[0,0,j] with x[0,1,j], giving (1,3)/4 and (2,4)/6.
TEST(ImportOpsets, Softmax11OnAnInnerAxisKeepsFlattenSemantics) {
  OneNode m(11, "Softmax", {"x"}, {1, 2, 2});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->CountLiveNodes(), 3u);  // x's dims are static: Reshape takes a constant shape
  EXPECT_EQ(OnlyNode(*g, OpKind::kFlatten).attrs.GetInt("axis"), 1);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSoftmax).attrs.GetInt("axis"), 1);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSoftmax).name, "n");
  EXPECT_EQ(WeightInts(*g, OnlyNode(*g, OpKind::kReshape), 1), (std::vector<int64_t>{1, 2, 2}));
  EXPECT_EQ(ValueNamed(*g, "y").shape.ToString(), "[1,2,2]");
  const std::vector<float> logs = {std::log(1.f), std::log(2.f), std::log(3.f), std::log(4.f)};
  auto out = RunReference(*g, {{"x", Tensor::FromVector(DType::kF32, {1, 2, 2}, logs)}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_TRUE(AllClose(out->at("y"), Tensor::FromVector<float>(DType::kF32, {1, 2, 2}, {0.1f, 0.2f, 0.3f, 0.4f})));
}

TEST(ImportOpsets, Softmax11AfterGemmKnowsTheRankAndStaysOneNode) {
  OnnxModelBuilder b(11);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{"n", 4});
  b.AddInitializer("w", Tensor(DType::kF32, {4, 10}));
  b.AddNode("Gemm", {"x", "w"}, {"logits"});
  b.AddNode("Softmax", {"logits"}, {"y"}, "n");
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->CountLiveNodes(), 2u);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSoftmax).attrs.GetInt("axis"), -1);
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{Dim::Symbolic("n"), 10}));
}

TEST(ImportOpsets, Softmax11WithDynamicDimsReshapesToShapeOfX) {
  OneNode m(11, "LogSoftmax", {"x"}, {"n", 2, 2});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  ASSERT_EQ(g->CountLiveNodes(), 4u);
  const Node& shape = OnlyNode(*g, OpKind::kShape);
  EXPECT_EQ(g->value(shape.inputs[0]).name, "x");
  EXPECT_EQ(OnlyNode(*g, OpKind::kReshape).inputs[1], shape.outputs[0]);
  EXPECT_EQ(ValueNamed(*g, "y").shape.rank(), 3u);
  auto out = RunReference(*g, {{"x", Tensor::FromVector<float>(DType::kF32, {1, 2, 2}, {0, 0, 0, 0})}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_TRUE(
      AllClose(out->at("y"), Tensor::FromVector<float>(DType::kF32, {1, 2, 2}, std::vector<float>(4, -std::log(4.f)))));
}

TEST(ImportOpsets, Softmax11WithUnknownRankUsesTheFlattenForm) {
  OnnxModelBuilder b(11);
  b.AddInput("x", DType::kF32);  // no shape
  b.AddNode("Softmax", {"x"}, {"y"}, "n").AttrInt("axis", 0);
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b, NoInference());
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(OnlyNode(*g, OpKind::kFlatten).attrs.GetInt("axis"), 0);
  EXPECT_EQ(NodesOf(*g, OpKind::kReshape).size(), 1u);
}

TEST(ImportOpsets, Softmax11AxisOutOfRangeIsAnError) {
  OneNode m(11, "Softmax", {"x"}, {2, 3});
  m.node.AttrInt("axis", 2);
  auto g = ImportBuilt(m.b);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(ErrorOf(g).rfind("model.onnx: node 'n' (Softmax): ", 0), 0u) << ErrorOf(g);
}

TEST(ImportOpsets, Softmax13DefaultsToTheLastAxis) {
  OneNode m(13, "Softmax", {"x"}, {2, 3, 4});
  auto g = ImportBuilt(m.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(OnlyNode(*g, OpKind::kSoftmax).attrs.GetInt("axis"), -1);
}

TEST(ImportOpsets, BatchNormalization7IgnoresSpatialAndMomentum) {
  OnnxModelBuilder b(7);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 2, 3});
  for (const char* p : {"s", "bias", "m", "v"}) b.AddInitializer(p, Tensor(DType::kF32, {2}));
  b.AddNode("BatchNormalization", {"x", "s", "bias", "m", "v"}, {"y"}, "bn")
      .AttrInt("spatial", 1)
      .AttrFloat("momentum", 0.5f);
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Node& bn = OnlyNode(*g, OpKind::kBatchNormalization);
  EXPECT_FLOAT_EQ(bn.attrs.GetFloat("epsilon"), 1e-5f);
  EXPECT_FALSE(bn.attrs.has("spatial"));
  EXPECT_FALSE(bn.attrs.has("momentum"));
  b.proto().mutable_graph()->mutable_node(0)->mutable_attribute(0)->set_i(0);
  EXPECT_EQ(ErrorOf(ImportBuilt(b)),
            "model.onnx: node 'bn' (BatchNormalization): spatial=0 (per-activation statistics) is not supported; only "
            "spatial=1");
}

TEST(ImportOpsets, OpsetSixModelWithOnlyUnchangedOpsIsRead) {
  OnnxModelBuilder b(6);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{3});
  b.AddNode("Selu", {"x"}, {"s"});
  b.AddNode("Softplus", {"s"}, {"y"});
  b.AddOutput("y", DType::kF32);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->opset, 6);
  EXPECT_EQ(g->CountLiveNodes(), 2u);
}

}  // namespace
}  // namespace mrt::testing
