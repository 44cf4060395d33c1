// fuse_pad_into_conv: Pad(zeros) + Conv -> Conv with larger pads.
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

struct PadSpec {
  std::vector<int64_t> pads;
  std::vector<int64_t> axes;   // empty: no axes input
  std::optional<float> value;  // constant_value input when set
  std::string mode = "constant";
};

// Conv(Pad(x[2, 3, 7, 6]), w[4, 3, 3, 2]) with the given Conv attributes.
Graph PadConv(const PadSpec& p, Attributes conv_attrs = {}, std::vector<int64_t> x_sizes = {2, 3, 7, 6}) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, x_sizes);
  std::vector<ValueId> pad_in = {x, b.Ints("pads", p.pads)};
  if (p.value || !p.axes.empty()) pad_in.push_back(p.value ? b.ScalarF32("value", *p.value) : kNoValue);
  if (!p.axes.empty()) pad_in.push_back(b.Ints("axes", p.axes));
  const ValueId padded = b.Op(OpKind::kPad, pad_in, Attrs({{"mode", p.mode}}), 1, "pad");
  std::vector<int64_t> w_sizes = {4, x_sizes[1], 3};
  if (x_sizes.size() == 4) w_sizes.push_back(2);
  const ValueId w = b.Weight("w", RandomTensor(DType::kF32, w_sizes, 1));
  b.Output(b.Op(OpKind::kConv, {padded, w, b.Weight("bias", RandomTensor(DType::kF32, {4}, 2))}, std::move(conv_attrs),
                1, "conv"));
  return b.Build();
}

Graph Fuse(const Graph& g, PassContext* out_ctx = nullptr) {
  return ExpectPreservesOutputs(g, [&](Graph& h) {
    PassContext ctx = TestPassContext();
    RunOnePass(h, RunFusePadIntoConv, ctx);
    if (out_ctx) *out_ctx = ctx;
  });
}

std::vector<int64_t> ConvPads(const Graph& g) {
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == OpKind::kConv) return n.attrs.GetInts("pads");
  return {};
}

TEST(FusePadIntoConv, AsymmetricPadAddsToConvPads) {
  // Pad begins [0, 0, 1, 2], ends [0, 0, 3, 0]; Conv pads [1, 1, 1, 1] (h_begin, w_begin, h_end, w_end).
  PassContext ctx;
  const Graph after =
      Fuse(PadConv({{0, 0, 1, 2, 0, 0, 3, 0}}, Attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}})), &ctx);
  EXPECT_EQ(CountOps(after, OpKind::kPad), 0);
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(ConvPads(after), (std::vector<int64_t>{2, 3, 4, 1}));
  ASSERT_EQ(ctx.rewrites.size(), 1u);
  EXPECT_EQ(ctx.rewrites[0].kind, "Pad+Conv");
  EXPECT_EQ(ctx.rewrites[0].nodes, (std::vector<std::string>{"pad", "conv"}));
}

TEST(FusePadIntoConv, ConvWithoutPadsAttributeAndStrides) {
  const Graph after = Fuse(PadConv({{0, 0, 2, 0, 0, 0, 1, 1}}, Attrs({{"strides", std::vector<int64_t>{2, 2}}})));
  EXPECT_EQ(CountOps(after, OpKind::kPad), 0);
  EXPECT_EQ(ConvPads(after), (std::vector<int64_t>{2, 0, 1, 1}));
}

TEST(FusePadIntoConv, ExplicitZeroValueAndAxesInput) {
  PadSpec p{{1, 2, 0, 3}, {-1, 2}, 0.f};  // axes w (-1), h (2): w begins 1, h begins 2, w ends 0, h ends 3
  const Graph after = Fuse(PadConv(p));
  EXPECT_EQ(CountOps(after, OpKind::kPad), 0);
  EXPECT_EQ(ConvPads(after), (std::vector<int64_t>{2, 1, 3, 0}));
}

TEST(FusePadIntoConv, OneDimensionalConv) {
  const Graph after = Fuse(PadConv({{0, 0, 2, 0, 0, 1}}, Attrs({{"dilations", std::vector<int64_t>{2}}}), {1, 3, 9}));
  EXPECT_EQ(CountOps(after, OpKind::kPad), 0);
  EXPECT_EQ(ConvPads(after), (std::vector<int64_t>{2, 1}));
}

void ExpectUnchanged(const Graph& g) {
  PassContext ctx;
  const Graph after = Fuse(g, &ctx);
  EXPECT_TRUE(ctx.rewrites.empty());
  EXPECT_EQ(CountOps(after, OpKind::kPad), 1);
}

TEST(FusePadIntoConv, NonZeroValueOtherModesOrChannelPadsAreNotFused) {
  ExpectUnchanged(PadConv({{0, 0, 1, 1, 0, 0, 1, 1}, {}, 0.5f}));
  for (const char* mode : {"reflect", "edge"}) {
    PadSpec p{{0, 0, 1, 1, 0, 0, 1, 1}};
    p.mode = mode;
    ExpectUnchanged(PadConv(p));
  }
  // Padding the batch dim adds images, which Conv pads cannot express.
  ExpectUnchanged(PadConv({{1, 0, 1, 1, 0, 0, 1, 1}}));
}

TEST(FusePadIntoConv, NegativePadsAreNotFused) {
  ExpectUnchanged(PadConv({{0, 0, -1, 1, 0, 0, 1, 1}}, Attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}})));
}

TEST(FusePadIntoConv, AutoPadConvIsNotFused) {
  ExpectUnchanged(PadConv({{0, 0, 1, 1, 0, 0, 1, 1}}, Attrs({{"auto_pad", std::string("SAME_UPPER")}})));
}

TEST(FusePadIntoConv, PadReadTwiceOrFeedingMaxPoolIsNotFused) {
  {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {1, 2, 5, 5});
    const ValueId padded = b.Op(OpKind::kPad, {x, b.Ints("pads", {0, 0, 1, 1, 0, 0, 1, 1})});
    b.Output(b.Op(OpKind::kConv, {padded, b.Weight("w", RandomTensor(DType::kF32, {3, 2, 3, 3}, 1))}));
    b.Output(b.Op(OpKind::kRelu, {padded}));
    ExpectUnchanged(b.Build());
  }
  {  // MaxPool pads with -inf, so zero padding is not the same (the inputs include negatives)
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {1, 2, 5, 5});
    const ValueId padded = b.Op(OpKind::kPad, {x, b.Ints("pads", {0, 0, 1, 1, 0, 0, 1, 1})});
    b.Output(b.Op(OpKind::kMaxPool, {padded}, Attrs({{"kernel_shape", std::vector<int64_t>{3, 3}}})));
    ExpectUnchanged(b.Build());
  }
}

TEST(FusePadIntoConv, PadOfTheWeightsIsNotFused) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 2, 5, 5});
  const ValueId w = b.Input("w", DType::kF32, {3, 2, 1, 1});
  const ValueId padded_w = b.Op(OpKind::kPad, {w, b.Ints("pads", {0, 0, 1, 1, 0, 0, 1, 1})});
  b.Output(b.Op(OpKind::kConv, {x, padded_w}));
  ExpectUnchanged(b.Build());
}

}  // namespace
}  // namespace mrt::testing
