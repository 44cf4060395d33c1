#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

// BatchNormalization's four constant inputs for `c` channels, with non-trivial statistics.
std::vector<ValueId> BatchNormParams(GraphBuilder& b, int64_t c, uint64_t seed) {
  return {b.Weight("gamma", RandomTensor(DType::kF32, {c}, seed, 0.5, 1.5)),
          b.Weight("beta", RandomTensor(DType::kF32, {c}, seed + 1, -0.5, 0.5)),
          b.Weight("mean", RandomTensor(DType::kF32, {c}, seed + 2, -0.5, 0.5)),
          b.Weight("var", RandomTensor(DType::kF32, {c}, seed + 3, 0.2, 2.0))};
}

ValueId AddBatchNorm(GraphBuilder& b, ValueId x, int64_t c, uint64_t seed) {
  std::vector<ValueId> in = {x};
  for (ValueId v : BatchNormParams(b, c, seed)) in.push_back(v);
  return b.Op(OpKind::kBatchNormalization, in, Attrs({{"epsilon", 1e-3f}}));
}

Graph FoldAll(const Graph& g, PassContext* out_ctx = nullptr) {
  return ExpectPreservesOutputs(g, [&](Graph& h) {
    PassContext ctx = TestPassContext();
    EXPECT_TRUE(RunOnePass(h, RunFoldBatchNorm, ctx));
    if (out_ctx) *out_ctx = ctx;
  });
}

TEST(FoldBatchNorm, IntoGroupedConvWithAndWithoutBias) {
  for (bool with_bias : {false, true}) {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {2, 6, 7, 5});
    std::vector<ValueId> conv_in = {x, b.Weight("w", RandomTensor(DType::kF32, {4, 3, 3, 3}, 11))};
    if (with_bias) conv_in.push_back(b.Weight("b", RandomTensor(DType::kF32, {4}, 12)));
    const ValueId y = b.Op(OpKind::kConv, conv_in, Attrs({{"group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
    b.Output(AddBatchNorm(b, y, 4, 20));
    PassContext ctx;
    const Graph after = FoldAll(b.Build(), &ctx);
    EXPECT_EQ(CountOps(after, OpKind::kBatchNormalization), 0);
    EXPECT_EQ(after.CountLiveNodes(), 1u);
    ASSERT_EQ(ctx.rewrites.size(), 1u);
    EXPECT_EQ(ctx.rewrites[0].kind, "Conv+BatchNormalization");
  }
}

TEST(FoldBatchNorm, IntoGroupedConvTranspose) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 4, 5, 6});
  // W is [Cin=4, Cout/group=3, 2, 2] with group 2: 6 output channels.
  const ValueId y = b.Op(OpKind::kConvTranspose, {x, b.Weight("w", RandomTensor(DType::kF32, {4, 3, 2, 2}, 3))},
                         Attrs({{"group", int64_t{2}}, {"strides", std::vector<int64_t>{2, 2}}}));
  b.Output(AddBatchNorm(b, y, 6, 30));
  const Graph after = FoldAll(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kBatchNormalization), 0);
}

TEST(FoldBatchNorm, IntoGemmBothTransposes) {
  for (int64_t trans_b : {0, 1}) {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {3, 5});
    const ValueId w = b.Weight("w", RandomTensor(DType::kF32, trans_b ? std::vector<int64_t>{7, 5} : std::vector<int64_t>{5, 7}, 4));
    const ValueId y = b.Op(OpKind::kGemm, {x, w, b.Weight("c", RandomTensor(DType::kF32, {7}, 5))},
                           Attrs({{"transB", trans_b}, {"alpha", 0.5f}, {"beta", 2.0f}}));
    b.Output(AddBatchNorm(b, y, 7, 40));
    const Graph after = FoldAll(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kBatchNormalization), 0) << "transB=" << trans_b;
  }
}

TEST(FoldBatchNorm, LoneBatchNormBecomesScaleAndShift) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 4, 4});
  b.Output(AddBatchNorm(b, b.Op(OpKind::kRelu, {x}), 3, 50));
  const Graph after = FoldAll(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kBatchNormalization), 0);
  EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
  EXPECT_EQ(CountOps(after, OpKind::kAdd), 1);
}

TEST(FoldBatchNorm, ConvWithTwoReadersIsNotFolded) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 2, 4, 4});
  const ValueId y = b.Op(OpKind::kConv, {x, b.Weight("w", RandomTensor(DType::kF32, {3, 2, 1, 1}, 6))});
  b.Output(AddBatchNorm(b, y, 3, 60));
  b.Output(y);  // the conv's own output is needed too: folding would change it
  const Graph after = FoldAll(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kBatchNormalization), 0);  // lone-BN path: Mul + Add
  EXPECT_EQ(CountOps(after, OpKind::kConv), 1);
  EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
}

}  // namespace
}  // namespace mrt::testing
