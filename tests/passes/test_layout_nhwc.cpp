// layout_nhwc: chosen convs run with channels_last = 1 between Transposes that sink through
// layout-agnostic readers and cancel. Outputs must be bit-identical on the reference backend
// (the NHWC reference is the NCHW computation permuted), graph outputs keep their names and NCHW
// layout, and Transposes survive only at region edges. Covers a small random convnet with odd
// channel counts (raw and after the default pipeline), elementwise constants, Split / Slice /
// Concat axis remapping, Resize, partial conversion, what it leaves alone, and ResNet-50 /
// YOLOv8n when models/ exists.
#include <filesystem>

#include "ir/onnx/importer.h"
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

using Ints = std::vector<int64_t>;
constexpr double kExact = 0.0;

ValueId ConvOf(GraphBuilder& b, ValueId x, int64_t in_ch, int64_t out_ch, int64_t k, uint64_t seed,
               const std::string& name, bool bias = true) {
  std::vector<ValueId> in = {x, b.Weight(name + ".w", RandomTensor(DType::kF32, {out_ch, in_ch, k, k}, seed))};
  if (bias) in.push_back(b.Weight(name + ".b", RandomTensor(DType::kF32, {out_ch}, seed + 1)));
  const int64_t pad = k / 2;
  return b.Op(OpKind::kConv, in, Attrs({{"pads", Ints{pad, pad, pad, pad}}}), 1, name);
}

// x [2, 3, 10, 9] -> conv(5) -> relu -> maxpool /2 -> [conv 1x1 (7) ; pool] concat (12) -> *scale
// -> nearest resize x2 -> conv(5) -> relu -> conv(5) + residual -> GAP -> flatten -> gemm [2, 3].
Graph SmallConvnet(bool second_output = false) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 10, 9});
  const ValueId r1 = b.Op(OpKind::kRelu, {ConvOf(b, x, 3, 5, 3, 1, "conv1")});
  const ValueId p1 =
      b.Op(OpKind::kMaxPool, {r1}, Attrs({{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}), 1, "pool1");
  const ValueId c2 = ConvOf(b, p1, 5, 7, 1, 3, "conv2");
  const ValueId cat = b.Op(OpKind::kConcat, {c2, p1}, Attrs({{"axis", int64_t{1}}}), 1, "cat");
  const ValueId scaled = b.Op(OpKind::kMul, {cat, b.Weight("scale", RandomTensor(DType::kF32, {12, 1, 1}, 5))});
  const ValueId up = b.Op(OpKind::kResize, {scaled, kNoValue, b.Weight("scales", testing::F32({4}, {1, 1, 2, 2}))},
                          Attrs({{"mode", std::string("nearest")}}), 1, "up");
  const ValueId c3 = ConvOf(b, up, 12, 5, 3, 7, "conv3");
  const ValueId c4 = ConvOf(b, b.Op(OpKind::kRelu, {c3}), 5, 5, 3, 9, "conv4");
  const ValueId res = b.Op(OpKind::kAdd, {c4, c3}, {}, 1, "residual");
  const ValueId gap = b.Op(OpKind::kGlobalAveragePool, {res}, {}, 1, "gap");
  const ValueId flat = b.Op(OpKind::kFlatten, {gap}, Attrs({{"axis", int64_t{1}}}));
  b.Output(b.Op(OpKind::kGemm, {flat, b.Weight("fc.w", RandomTensor(DType::kF32, {5, 3}, 11))}, {}, 1, "fc"));
  if (second_output) b.Output(res);
  return b.Build();
}

Graph Layout(const Graph& g, const LayoutNhwcOptions& options = {}, std::vector<RewriteRecord>* records = nullptr) {
  return ExpectPreservesOutputs(
      g,
      [&](Graph& h) {
        PassContext ctx = TestPassContext();
        RunLayoutNhwc(h, ctx, options);
        h.Compact();
        Status s = InferShapes(h);
        EXPECT_TRUE(s.ok()) << s.message();
        if (records) *records = ctx.rewrites;
      },
      7, kExact);
}

int CountChannelsLast(const Graph& g) {
  int n = 0;
  for (const Node& node : g.nodes()) n += !node.dead && node.attrs.GetInt("channels_last", 0) == 1;
  return n;
}

TEST(LayoutNhwc, SmallConvnetKeepsOnlyTheInputTranspose) {
  std::vector<RewriteRecord> records;
  const Graph before = SmallConvnet();
  const Graph after = Layout(before, {}, &records);
  // 4 convs, the max pool and the GAP run NHWC; the Transpose after the GAP moved only size-1 dims
  // ([2,1,1,5] -> [2,5,1,1]) and became a Reshape.
  EXPECT_EQ(CountChannelsLast(after), 6);
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 1);
  EXPECT_EQ(CountOps(after, OpKind::kReshape), 1);
  EXPECT_EQ(after.value(after.outputs[0]).name, before.value(before.outputs[0]).name);
  int conversions = 0;
  for (const RewriteRecord& r : records) conversions += r.kind == "Conv->NHWC";
  EXPECT_EQ(conversions, 4);
}

TEST(LayoutNhwc, AfterTheDefaultPipeline) {
  Graph g = SmallConvnet(/*second_output=*/true);
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunPipeline(g, ctx).ok());
  ASSERT_GT(CountOps(g, OpKind::kFusedConv), 0);
  const Graph after = Layout(g);
  // The input's Transpose and the one giving the residual graph output back in NCHW.
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 2);
  EXPECT_EQ(after.value(after.outputs[1]).shape, (Shape{2, 5, 10, 8}));
  EXPECT_EQ(after.value(after.outputs[1]).name, g.value(g.outputs[1]).name);
}

// Per-channel, per-pixel and scalar constants, PRelu slopes, Clip bounds, Where and Cast go
// through; Split, Slice (with and without axes, negative axes) and Concat remap their axes.
TEST(LayoutNhwc, ElementwiseConstantsAndAxisOps) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 4, 6, 5});
  const ValueId c = ConvOf(b, x, 4, 6, 3, 1, "conv");
  const ValueId a = b.Op(OpKind::kAdd, {c, b.Weight("bias", RandomTensor(DType::kF32, {6, 1, 1}, 2))});
  const ValueId m = b.Op(OpKind::kMul, {b.Weight("pix", RandomTensor(DType::kF32, {6, 5}, 3)), a});
  const ValueId s = b.Op(OpKind::kSub, {m, b.ScalarF32("half", 0.5f)});
  const ValueId pr = b.Op(OpKind::kPRelu, {s, b.Weight("slope", RandomTensor(DType::kF32, {6, 1, 1}, 4))});
  const ValueId cl = b.Op(OpKind::kClip, {pr, b.ScalarF32("lo", -0.3f), b.ScalarF32("hi", 0.8f)});
  const ValueId cond = b.Op(OpKind::kGreater, {cl, b.Weight("thr", RandomTensor(DType::kF32, {1, 6, 1, 1}, 5))});
  const ValueId wh = b.Op(OpKind::kWhere, {cond, cl, b.ScalarF32("zero", 0.f)});
  const ValueId cast = b.Op(OpKind::kCast, {b.Op(OpKind::kCast, {wh}, Attrs({{"to", int64_t{10}}}))},
                            Attrs({{"to", int64_t{1}}}));  // f16 and back
  const ValueId split = b.Op(OpKind::kSplit, {cast, b.Ints("sizes", {2, 4})}, Attrs({{"axis", int64_t{-3}}}), 2);
  const ValueId second = b.graph().node(b.graph().value(split).producer).outputs[1];
  const ValueId sl1 = b.Op(OpKind::kSlice, {second, b.Ints("st", {1, 1}), b.Ints("en", {3, 5}), b.Ints("ax", {-1, 2})});
  const ValueId sl2 = b.Op(OpKind::kSlice, {split, b.Ints("st2", {0, 0, 1, 0}), b.Ints("en2", {1, 2, 5, 2})});
  const ValueId cat = b.Op(OpKind::kConcat, {sl2, sl1}, Attrs({{"axis", int64_t{1}}}));
  b.Output(b.Op(OpKind::kSigmoid, {ConvOf(b, cat, 6, 3, 1, 6, "conv_out")}));
  const Graph before = b.Build();
  ASSERT_EQ(before.value(cat).shape, (Shape{1, 6, 4, 2}));
  const Graph after = Layout(before);
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 2);  // the input's and the output's
  EXPECT_EQ(CountChannelsLast(after), 2);
}

TEST(LayoutNhwc, ResizeScalesSizesAndRoiMove) {
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    GraphBuilder b;
    const ValueId c = ConvOf(b, b.Input("x", DType::kF32, {1, 3, 5, 4}), 3, 5, 3, 1, "conv");
    ValueId up;
    if (variant == 0) {  // linear, scales
      up = b.Op(OpKind::kResize, {c, kNoValue, b.Weight("scales", testing::F32({4}, {1, 1, 2, 1.5f}))},
                Attrs({{"mode", std::string("linear")}}));
    } else if (variant == 1) {  // cubic, sizes
      up = b.Op(OpKind::kResize, {c, kNoValue, kNoValue, b.Ints("sizes", {1, 5, 7, 9})},
                Attrs({{"mode", std::string("cubic")}}));
    } else {  // tf_crop_and_resize with a roi
      const ValueId roi = b.Weight("roi", testing::F32({8}, {0, 0, 0.1f, 0.2f, 1, 1, 0.9f, 0.7f}));
      up = b.Op(OpKind::kResize, {c, roi, kNoValue, b.Ints("sizes", {1, 5, 6, 6})},
                Attrs({{"mode", std::string("linear")},
                       {"coordinate_transformation_mode", std::string("tf_crop_and_resize")}}));
    }
    b.Output(ConvOf(b, up, 5, 2, 3, 3, "conv_out"));
    const Graph after = Layout(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kTranspose), 2);
  }
}

TEST(LayoutNhwc, ThePredicateChoosesConvsAndRegionsMeetAtTransposes) {
  const Graph before = SmallConvnet();
  LayoutNhwcOptions options;
  options.convert = [](const Graph&, const Node& n) { return n.name != "conv3"; };
  const Graph after = Layout(before, options);
  EXPECT_EQ(CountOps(after, OpKind::kConv), 4);
  // conv3 stays NCHW: the input's Transpose, one into conv3, one from its Relu into conv4, and
  // one after conv4 for the residual Add, which reads NCHW conv3 and so stays NCHW.
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 4);
  options.convert = [](const Graph&, const Node&) { return false; };
  PassContext ctx = TestPassContext();
  Graph unchanged = before;
  EXPECT_FALSE(RunLayoutNhwc(unchanged, ctx, options));
  EXPECT_EQ(unchanged.CountLiveNodes(), before.CountLiveNodes());
}

// A reader that needs NCHW (Reshape) keeps the Transpose; a Relu -> Conv branch beside it still
// runs NHWC because its Transpose cancels further down.
TEST(LayoutNhwc, PartialSinkWhenAnotherReaderNeedsNchw) {
  GraphBuilder b;
  const ValueId c = ConvOf(b, b.Input("x", DType::kF32, {1, 3, 4, 4}), 3, 5, 3, 1, "conv1");
  b.Output(b.Op(OpKind::kReshape, {c, b.Ints("shape", {1, 80})}));
  b.Output(ConvOf(b, b.Op(OpKind::kRelu, {c}), 5, 2, 1, 3, "conv2"));
  const Graph after = Layout(b.Build());
  // input, before the Reshape, after conv2 (a graph output)
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 3);
  for (const Node& n : after.nodes()) {
    if (n.op == OpKind::kRelu) EXPECT_EQ(after.value(n.outputs[0]).shape, (Shape{1, 4, 4, 5}));
  }
}

TEST(LayoutNhwc, ConvOutputThatIsAlsoAGraphOutputStaysNchw) {
  GraphBuilder b;
  const ValueId c = ConvOf(b, b.Input("x", DType::kF32, {1, 3, 4, 4}), 3, 5, 3, 1, "conv1");
  b.Output(c);
  b.Output(ConvOf(b, c, 5, 2, 1, 3, "conv2"));
  const Graph before = b.Build();
  const Graph after = Layout(before);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(after.value(after.outputs[i]).name, before.value(before.outputs[i]).name);
    EXPECT_EQ(after.value(after.outputs[i]).shape, before.value(before.outputs[i]).shape);
  }
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 3);
}

TEST(LayoutNhwc, LeavesOtherConvsAlone) {
  GraphBuilder b;
  b.Output(b.Op(OpKind::kConv,
                {b.Input("x1", DType::kF32, {1, 3, 8}), b.Weight("w1", RandomTensor(DType::kF32, {2, 3, 3}, 1))}));
  b.Output(b.Op(OpKind::kConv, {b.Input("x3", DType::kF32, {1, 2, 3, 3, 3}),
                                b.Weight("w3", RandomTensor(DType::kF32, {2, 2, 1, 1, 1}, 2))}));
  b.Output(b.Op(OpKind::kConvTranspose, {b.Input("xt", DType::kF32, {1, 2, 3, 3}),
                                         b.Weight("wt", RandomTensor(DType::kF32, {2, 2, 3, 3}, 3))}));
  Graph g = b.Build();
  PassContext ctx = TestPassContext();
  EXPECT_FALSE(RunLayoutNhwc(g, ctx));
  // Symbolic batch: not static, left alone.
  Graph sym;
  const ValueId x = sym.AddValue("x", DType::kF32, Shape{Dim::Symbolic("N"), 3, 4, 4});
  sym.AddGraphInput(x);
  const ValueId y = sym.AddValue("y");
  sym.AddNode(OpKind::kConv, "conv", {x, sym.AddWeight("w", RandomTensor(DType::kF32, {2, 3, 1, 1}, 1))}, {y});
  sym.AddGraphOutput(y);
  ASSERT_TRUE(InferShapes(sym).ok());
  EXPECT_FALSE(RunLayoutNhwc(sym, ctx));
}

// ---- real models (models/, scripts/fetch_models.sh) ----

std::optional<Graph> OptimizedModel(const std::string& file, const std::map<std::string, Ints>& shapes,
                                    std::string* skip) {
  const std::string path = ModelsPath(file);
  if (!std::filesystem::exists(path)) {
    *skip = "no model file " + path + ": run scripts/fetch_models.sh";
    return std::nullopt;
  }
  ImportOptions options;
  for (const auto& [name, sizes] : shapes) options.input_shapes[name] = sizes;
  auto g = ImportOnnxFile(path, options);
  EXPECT_TRUE(g.ok()) << g.status().message();
  if (!g.ok()) return std::nullopt;
  PassContext ctx = TestPassContext();
  Status s = RunPipeline(*g, ctx);
  EXPECT_TRUE(s.ok()) << s.message();
  return std::move(*g);
}

// Layout() compares outputs exactly; this makes sure they are not trivially zero.
void ExpectNonzeroOutputs(const Graph& g) {
  auto outputs = RunReference(g, RandomInputsFor(g, 7));
  ASSERT_TRUE(outputs.ok()) << outputs.status().message();
  for (const auto& [name, t] : *outputs) EXPECT_GT(Compare(t, t).max_ref_magnitude, 0) << name;
}

TEST(LayoutNhwcModels, ResNet50LeavesOneTranspose) {
  std::string skip;
  std::optional<Graph> g = OptimizedModel("torch/resnet50.onnx", {{"input", {1, 3, 224, 224}}}, &skip);
  if (!g) GTEST_SKIP() << skip;
  const Graph after = Layout(*g);
  const int transposes = CountOps(after, OpKind::kTranspose);
  std::printf("ResNet-50 after layout_nhwc: %d Transpose, %d channels_last nodes\n", transposes,
              CountChannelsLast(after));
  EXPECT_EQ(transposes, 1);                     // the input's; the one after the GAP became a Reshape
  EXPECT_EQ(CountChannelsLast(after), 53 + 2);  // every conv, the max pool and the GAP
}

TEST(LayoutNhwcModels, YoloV8nKeepsTransposesAtTheHead) {
  std::string skip;
  std::optional<Graph> g = OptimizedModel("torch/yolov8n.onnx", {{"images", {1, 3, 320, 320}}}, &skip);
  if (!g) GTEST_SKIP() << skip;
  const int before = CountOps(*g, OpKind::kTranspose);
  const Graph after = Layout(*g);
  const int transposes = CountOps(after, OpKind::kTranspose);
  std::printf("YOLOv8n after layout_nhwc: %d Transpose (%d before), %d channels_last nodes\n", transposes, before,
              CountChannelsLast(after));
  // The input's; one per detection scale before the head's Reshape; the model's own DFL
  // Transpose and the one into the DFL's 1x1 conv (read from a Softmax over NCHW). The SPPF's
  // MaxPools and every Split / Concat / Resize of the neck run NHWC in between.
  EXPECT_EQ(before, 1);
  EXPECT_EQ(transposes, 6);
  EXPECT_EQ(CountChannelsLast(after), CountOps(after, OpKind::kConv) + CountOps(after, OpKind::kFusedConv) + 3);
  ExpectNonzeroOutputs(after);
}

}  // namespace
}  // namespace mrt::testing
