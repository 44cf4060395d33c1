// precision_fp16: the graph computes in f16 with f32 inputs and outputs (names kept), f32 weights
// read as data become f16, separately typed inputs (Resize scales, Pow's exponent) stay f32,
// Cast(to=float) becomes Cast(to=float16), keep_fp32 nodes get Casts around them, and only exact
// Cast pairs cancel. Outputs agree with the f32 graph within 2e-2 of the largest magnitude and
// with cosine similarity >= 0.999: on a small random convnet (raw, after the pipeline, and with
// layout_nhwc), and on ResNet-50 / YOLOv8n when models/ exists.
#include <cmath>
#include <filesystem>

#include "ir/onnx/importer.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

using Ints = std::vector<int64_t>;
constexpr double kFp16Tolerance = 2e-2;
constexpr double kMinCosine = 0.999;
const int64_t kToFloat = 1, kToHalf = 10;  // ONNX TensorProto data types

// Weights uniform in +-sqrt(3 / fan_in) keep activations near unit scale layer after layer (as
// trained nets do), so the softmax does not saturate and f16 rounding is what the test sees.
double InitScale(int64_t fan_in) { return std::sqrt(3.0 / static_cast<double>(fan_in)); }

ValueId ConvOf(GraphBuilder& b, ValueId x, int64_t in_ch, int64_t out_ch, int64_t k, uint64_t seed,
               const std::string& name) {
  const double s = InitScale(in_ch * k * k);
  const ValueId w = b.Weight(name + ".w", RandomTensor(DType::kF32, {out_ch, in_ch, k, k}, seed, -s, s));
  const ValueId bias = b.Weight(name + ".b", RandomTensor(DType::kF32, {out_ch}, seed + 1));
  const int64_t pad = k / 2;
  return b.Op(OpKind::kConv, {x, w, bias}, Attrs({{"pads", Ints{pad, pad, pad, pad}}}), 1, name);
}

// conv -> relu -> pool -> concat -> *scale -> resize -> conv -> relu -> conv + residual -> GAP ->
// flatten -> gemm -> softmax, odd channel counts.
Graph SmallConvnet() {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 10, 9});
  const ValueId r1 = b.Op(OpKind::kRelu, {ConvOf(b, x, 3, 5, 3, 1, "conv1")});
  const ValueId p1 = b.Op(OpKind::kMaxPool, {r1}, Attrs({{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  const ValueId cat =
      b.Op(OpKind::kConcat, {ConvOf(b, p1, 5, 7, 1, 3, "conv2"), p1}, Attrs({{"axis", int64_t{1}}}), 1, "cat");
  const ValueId scaled = b.Op(OpKind::kMul, {cat, b.Weight("scale", RandomTensor(DType::kF32, {12, 1, 1}, 5))});
  const ValueId up = b.Op(OpKind::kResize, {scaled, kNoValue, b.Weight("scales", testing::F32({4}, {1, 1, 2, 2}))},
                          Attrs({{"mode", std::string("linear")}}), 1, "up");
  const ValueId c3 = ConvOf(b, up, 12, 5, 3, 7, "conv3");
  const ValueId res = b.Op(OpKind::kAdd, {ConvOf(b, b.Op(OpKind::kRelu, {c3}), 5, 5, 3, 9, "conv4"), c3});
  const ValueId flat = b.Op(OpKind::kFlatten, {b.Op(OpKind::kGlobalAveragePool, {res})}, Attrs({{"axis", int64_t{1}}}));
  const ValueId logits =
      b.Op(OpKind::kGemm, {flat, b.Weight("fc.w", RandomTensor(DType::kF32, {5, 3}, 11, -4, 4))}, {}, 1, "fc");
  b.Output(b.Op(OpKind::kSoftmax, {logits}, Attrs({{"axis", int64_t{1}}}), 1, "prob"));
  b.Output(res);
  return b.Build();
}

double Cosine(const Tensor& a, const Tensor& b) {
  double dot = 0, na = 0, nb = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double x = a.ElementAsDouble(i), y = b.ElementAsDouble(i);
    dot += x * y, na += x * x, nb += y * y;
  }
  return na == 0 && nb == 0 ? 1.0 : dot / std::sqrt(na * nb);
}

void ExpectCosineClose(const Graph& f32, const Graph& f16) {
  const TensorMap inputs = RandomInputsFor(f32, 7);
  auto expected = RunReference(f32, inputs);
  auto actual = RunReference(f16, inputs);
  ASSERT_TRUE(expected.ok() && actual.ok());
  for (const auto& [name, t] : *expected) {
    EXPECT_EQ(actual->at(name).dtype(), t.dtype()) << name;
    const double cosine = Cosine(actual->at(name), t);
    std::printf("  %s: cosine %.6f, relative error %.2e\n", name.c_str(), cosine,
                Compare(actual->at(name), t).relative());
    EXPECT_GE(cosine, kMinCosine) << name;
  }
}

Graph ToFp16(const Graph& g, const PrecisionFp16Options& options = {}, std::vector<RewriteRecord>* records = nullptr) {
  const Graph after = ExpectPreservesOutputs(
      g,
      [&](Graph& h) {
        PassContext ctx = TestPassContext();
        EXPECT_TRUE(RunPrecisionFp16(h, ctx, options));
        h.Compact();
        Status s = InferShapes(h);
        EXPECT_TRUE(s.ok()) << s.message();
        if (records) *records = ctx.rewrites;
      },
      7, kFp16Tolerance);
  ExpectCosineClose(g, after);
  return after;
}

// Interface unchanged: same input / output names and dtypes.
void ExpectSameInterface(const Graph& before, const Graph& after) {
  ASSERT_EQ(before.inputs.size(), after.inputs.size());
  ASSERT_EQ(before.outputs.size(), after.outputs.size());
  for (size_t i = 0; i < before.inputs.size(); ++i) {
    EXPECT_EQ(after.value(after.inputs[i]).name, before.value(before.inputs[i]).name);
    EXPECT_EQ(after.value(after.inputs[i]).dtype, before.value(before.inputs[i]).dtype);
  }
  for (size_t i = 0; i < before.outputs.size(); ++i) {
    EXPECT_EQ(after.value(after.outputs[i]).name, before.value(before.outputs[i]).name);
    EXPECT_EQ(after.value(after.outputs[i]).dtype, before.value(before.outputs[i]).dtype);
  }
}

// f32 activations left: values that are not graph inputs / outputs, not weights.
int CountInternalF32(const Graph& g) {
  int n = 0;
  for (const Value& v : g.values())
    n += v.dtype == DType::kF32 && !v.is_weight() && !v.is_graph_input && !v.is_graph_output;
  return n;
}

const Node* NodeNamed(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes())
    if (!n.dead && n.name == name) return &n;
  return nullptr;
}

TEST(PrecisionFp16, SmallConvnetComputesInF16) {
  const Graph before = SmallConvnet();
  const Graph after = ToFp16(before);
  ExpectSameInterface(before, after);
  EXPECT_EQ(CountOps(after, OpKind::kCast), 3);  // the input's and one per output
  EXPECT_EQ(CountInternalF32(after), 0);
  // Weights read as data are f16; Resize's scales stay f32 (ONNX types them as tensor(float)).
  const Node* conv = NodeNamed(after, "conv1");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(after.value(conv->inputs[1]).dtype, DType::kF16);
  EXPECT_EQ(after.value(conv->inputs[2]).dtype, DType::kF16);
  const Node* up = NodeNamed(after, "up");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(after.value(up->inputs[0]).dtype, DType::kF16);
  EXPECT_EQ(after.value(up->inputs[2]).dtype, DType::kF32);
}

TEST(PrecisionFp16, AfterThePipelineAndWithLayoutNhwc) {
  Graph g = SmallConvnet();
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunPipeline(g, ctx).ok());
  const Graph half = ToFp16(g);
  EXPECT_EQ(CountOps(half, OpKind::kCast), 3);
  // Layout then precision and precision then layout both keep the outputs.
  Graph nhwc = g;
  ASSERT_TRUE(RunLayoutNhwc(nhwc, ctx));
  const Graph nhwc_half = ToFp16(nhwc);
  EXPECT_EQ(CountInternalF32(nhwc_half), 0);
  Graph half_nhwc = half;
  EXPECT_TRUE(RunLayoutNhwc(half_nhwc, ctx));
  EXPECT_TRUE(Verify(half_nhwc).ok());
  ExpectCosineClose(g, half_nhwc);
}

TEST(PrecisionFp16, KeepFp32NodesGetCastsAroundThem) {
  const Graph before = SmallConvnet();
  PrecisionFp16Options options;
  options.keep_fp32 = [](const Graph&, const Node& n) { return n.name == "fc" || n.name == "prob"; };
  const Graph after = ToFp16(before, options);
  const Node* fc = NodeNamed(after, "fc");
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(after.value(fc->inputs[0]).dtype, DType::kF32);
  EXPECT_EQ(after.value(fc->inputs[1]).dtype, DType::kF32);  // fc.w, read only by fc
  EXPECT_EQ(after.value(fc->outputs[0]).dtype, DType::kF32);
  ASSERT_NE(ProducerIf(after, fc->inputs[0], OpKind::kCast), nullptr);
  // input, into fc, and the residual output; the softmax output is f32 already
  EXPECT_EQ(CountOps(after, OpKind::kCast), 3);
}

TEST(PrecisionFp16, SharedWeightGetsAnF16CopyAndSeparateTypesStay) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 4});
  const ValueId w = b.Weight("w", RandomTensor(DType::kF32, {4}, 1));
  const ValueId a = b.Op(OpKind::kMul, {x, w}, {}, 1, "mul");
  const ValueId kept = b.Op(OpKind::kAdd, {a, w}, {}, 1, "add_kept");
  b.Output(b.Op(OpKind::kPow, {kept, b.ScalarF32("exponent", 2.f)}, {}, 1, "pow"));
  PrecisionFp16Options options;
  options.keep_fp32 = [](const Graph&, const Node& n) { return n.name == "add_kept"; };
  const Graph after = ToFp16(b.Build(), options);
  const Node* mul = NodeNamed(after, "mul");
  const Node* add = NodeNamed(after, "add_kept");
  const Node* pow = NodeNamed(after, "pow");
  ASSERT_TRUE(mul && add && pow);
  EXPECT_EQ(after.value(mul->inputs[1]).name, "w_f16");
  EXPECT_EQ(after.value(mul->inputs[1]).dtype, DType::kF16);
  EXPECT_EQ(after.value(add->inputs[1]).name, "w");
  EXPECT_EQ(after.value(add->inputs[1]).dtype, DType::kF32);
  EXPECT_EQ(after.value(pow->inputs[0]).dtype, DType::kF16);
  EXPECT_EQ(after.value(pow->inputs[1]).dtype, DType::kF32);  // Pow's exponent is typed T1
}

TEST(PrecisionFp16, CastToFloatBecomesCastToHalf) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {3, 5});
  const ValueId idx = b.Input("idx", DType::kI32, {3, 5});
  const ValueId as_float = b.Op(OpKind::kCast, {idx}, Attrs({{"to", kToFloat}}), 1, "cast_idx");
  b.Output(b.Op(OpKind::kMul, {x, as_float}));
  const Graph after = ToFp16(b.Build());
  const Node* cast = NodeNamed(after, "cast_idx");
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(cast->attrs.GetInt("to"), kToHalf);
  EXPECT_EQ(after.value(cast->outputs[0]).dtype, DType::kF16);
}

// An f16 -> f32 -> f16 round trip is exact and cancels; f32 -> f16 -> f32 rounds and stays.
TEST(PrecisionFp16, OnlyExactCastPairsCancel) {
  {
    GraphBuilder b;
    const ValueId h = b.Input("h", DType::kF16, {4, 4});
    const ValueId up = b.Op(OpKind::kCast, {h}, Attrs({{"to", kToFloat}}), 1, "to_f32");
    const ValueId down = b.Op(OpKind::kCast, {up}, Attrs({{"to", kToHalf}}), 1, "to_f16");
    b.Output(b.Op(OpKind::kRelu, {down}));
    PrecisionFp16Options options;  // keep the widening Cast so the pair survives planning
    options.keep_fp32 = [](const Graph&, const Node& n) { return n.name == "to_f32"; };
    std::vector<RewriteRecord> records;
    const Graph after = ToFp16(b.Build(), options, &records);
    EXPECT_EQ(CountOps(after, OpKind::kCast), 0);
    bool cancelled = false;
    for (const RewriteRecord& r : records) cancelled = cancelled || r.kind == "Cast+Cast";
    EXPECT_TRUE(cancelled);
  }
  {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {4, 4});
    const ValueId down = b.Op(OpKind::kCast, {x}, Attrs({{"to", kToHalf}}));
    b.Output(b.Op(OpKind::kCast, {down}, Attrs({{"to", kToFloat}})));
    const Graph before = b.Build();
    const Graph after = ToFp16(before);
    EXPECT_EQ(CountOps(after, OpKind::kCast), 2);
    ExpectSameInterface(before, after);
  }
}

// ---- real models (models/, scripts/fetch_models.sh) ----

std::optional<Graph> OptimizedModel(const std::string& file, const std::string& input, const Ints& shape,
                                    std::string* skip) {
  const std::string path = ModelsPath(file);
  if (!std::filesystem::exists(path)) {
    *skip = "no model file " + path + ": run scripts/fetch_models.sh";
    return std::nullopt;
  }
  ImportOptions options;
  options.input_shapes[input] = shape;
  auto g = ImportOnnxFile(path, options);
  EXPECT_TRUE(g.ok()) << g.status().message();
  if (!g.ok()) return std::nullopt;
  PassContext ctx = TestPassContext();
  Status s = RunPipeline(*g, ctx);
  EXPECT_TRUE(s.ok()) << s.message();
  return std::move(*g);
}

TEST(PrecisionFp16Models, ResNet50) {
  std::string skip;
  std::optional<Graph> g = OptimizedModel("torch/resnet50.onnx", "input", {1, 3, 224, 224}, &skip);
  if (!g) GTEST_SKIP() << skip;
  const Graph half = ToFp16(*g);
  std::printf("ResNet-50 fp16: %d Casts, %d internal f32 values\n", CountOps(half, OpKind::kCast),
              CountInternalF32(half));
  EXPECT_EQ(CountOps(half, OpKind::kCast), 2);
  EXPECT_EQ(CountInternalF32(half), 0);
  ExpectSameInterface(*g, half);
}

TEST(PrecisionFp16Models, YoloV8n) {
  std::string skip;
  std::optional<Graph> g = OptimizedModel("torch/yolov8n.onnx", "images", {1, 3, 320, 320}, &skip);
  if (!g) GTEST_SKIP() << skip;
  const Graph half = ToFp16(*g);
  std::printf("YOLOv8n fp16: %d Casts, %d internal f32 values\n", CountOps(half, OpKind::kCast),
              CountInternalF32(half));
  EXPECT_EQ(CountOps(half, OpKind::kCast), 2);
  ExpectSameInterface(*g, half);
}

}  // namespace
}  // namespace mrt::testing
