// fuse_matmul_add: MatMul(A, B) + bias -> Gemm(A, B, bias).
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

// y = MatMul(x[m, 5], w[5, 7]) + bias (bias first when `bias_first`).
Graph Linear(std::vector<int64_t> bias_sizes, bool bias_first = false, int64_t m = 3) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {m, 5});
  const ValueId mm = b.Op(OpKind::kMatMul, {x, b.Weight("w", RandomTensor(DType::kF32, {5, 7}, 1))}, {}, 1, "fc");
  const ValueId bias = b.Weight("bias", RandomTensor(DType::kF32, bias_sizes, 2));
  b.Output(b.Op(OpKind::kAdd, bias_first ? std::vector<ValueId>{bias, mm} : std::vector<ValueId>{mm, bias}));
  return b.Build();
}

Graph Fuse(const Graph& g, PassContext* out_ctx = nullptr) {
  return ExpectPreservesOutputs(g, [&](Graph& h) {
    PassContext ctx = TestPassContext();
    RunOnePass(h, RunFuseMatMulAdd, ctx);
    if (out_ctx) *out_ctx = ctx;
  });
}

TEST(FuseMatMulAdd, VectorBiasEitherOrderBecomesGemm) {
  for (bool bias_first : {false, true}) {
    PassContext ctx;
    const Graph after = Fuse(Linear({7}, bias_first), &ctx);
    ASSERT_EQ(after.CountLiveNodes(), 1u);
    const Node& gemm = after.node(0);
    EXPECT_EQ(gemm.op, OpKind::kGemm);
    EXPECT_EQ(gemm.name, "fc");
    EXPECT_EQ(after.value(gemm.inputs[2]).name, "bias");
    EXPECT_EQ(gemm.attrs.GetInt("transB", -1), 0);
    EXPECT_EQ(after.value(gemm.outputs[0]).shape, (Shape{3, 7}));
    ASSERT_EQ(ctx.rewrites.size(), 1u);
    EXPECT_EQ(ctx.rewrites[0].kind, "MatMul+Add->Gemm");
  }
}

TEST(FuseMatMulAdd, EveryBiasShapeThatKeepsTheOutputShape) {
  for (const std::vector<int64_t>& sizes : std::vector<std::vector<int64_t>>{{}, {1}, {1, 7}, {3, 7}, {3, 1}, {1, 1}}) {
    const Graph after = Fuse(Linear(sizes));
    EXPECT_EQ(CountOps(after, OpKind::kGemm), 1) << SizesToString(sizes);
    EXPECT_EQ(after.CountLiveNodes(), 1u) << SizesToString(sizes);
  }
}

// Hand-checked: [1 2; 3 4] * [1 0 2; 0 1 1] + [10 20 30] = [11 22 34; 13 24 40].
TEST(FuseMatMulAdd, HandComputedValues) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 2});
  const ValueId w = b.Weight("w", Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 0, 2, 0, 1, 1}));
  const ValueId bias = b.Weight("bias", Tensor::FromVector<float>(DType::kF32, {3}, {10, 20, 30}));
  b.Output(b.Op(OpKind::kAdd, {b.Op(OpKind::kMatMul, {x, w}), bias}));
  Graph g = b.Build();
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunOnePass(g, RunFuseMatMulAdd, ctx));
  ASSERT_EQ(CountOps(g, OpKind::kGemm), 1);
  auto out = RunReference(g, {{"x", Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 2, 3, 4})}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->begin()->second.ToFloatVector(), (std::vector<float>{11, 22, 34, 13, 24, 40}));
}

TEST(FuseMatMulAdd, DynamicBatchFuses) {
  GraphBuilder b;
  Graph& g = b.graph();
  const ValueId x = g.AddValue("x", DType::kF32, Shape{Dim::Symbolic("batch"), 5});
  g.AddGraphInput(x);
  const ValueId mm = b.Op(OpKind::kMatMul, {x, b.Weight("w", RandomTensor(DType::kF32, {5, 7}, 1))});
  b.Output(b.Op(OpKind::kAdd, {mm, b.Weight("bias", RandomTensor(DType::kF32, {7}, 2))}));
  Graph built = b.Build();
  PassContext ctx = TestPassContext();
  EXPECT_TRUE(RunOnePass(built, RunFuseMatMulAdd, ctx));
  EXPECT_EQ(CountOps(built, OpKind::kGemm), 1);
  EXPECT_EQ(built.value(built.outputs[0]).shape, (Shape{Dim::Symbolic("batch"), 7}));
  EXPECT_TRUE(Verify(built).ok());
}

void ExpectUnchanged(const Graph& g) {
  PassContext ctx;
  const Graph after = Fuse(g, &ctx);
  EXPECT_TRUE(ctx.rewrites.empty());
  EXPECT_EQ(CountOps(after, OpKind::kGemm), 0);
  EXPECT_EQ(CountOps(after, OpKind::kMatMul), 1);
}

TEST(FuseMatMulAdd, BiasThatWouldGrowTheOutputIsNotFused) {
  ExpectUnchanged(Linear({2, 3, 7}));         // broadcasts the [3, 7] product to [2, 3, 7]
  ExpectUnchanged(Linear({1, 1, 7}));         // rank 3 result
  ExpectUnchanged(Linear({4, 7}, false, 1));  // [1, 7] product grows to [4, 7]
}

TEST(FuseMatMulAdd, BatchedOrNonConstantOperandsAreNotFused) {
  {  // A of rank 3
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {2, 3, 5});
    const ValueId mm = b.Op(OpKind::kMatMul, {x, b.Weight("w", RandomTensor(DType::kF32, {5, 7}, 1))});
    b.Output(b.Op(OpKind::kAdd, {mm, b.Weight("bias", RandomTensor(DType::kF32, {7}, 2))}));
    ExpectUnchanged(b.Build());
  }
  {  // B is an activation
    GraphBuilder b;
    const ValueId mm = b.Op(OpKind::kMatMul, {b.Input("x", DType::kF32, {3, 5}), b.Input("w", DType::kF32, {5, 7})});
    b.Output(b.Op(OpKind::kAdd, {mm, b.Weight("bias", RandomTensor(DType::kF32, {7}, 2))}));
    ExpectUnchanged(b.Build());
  }
  {  // the bias is an activation (a residual add)
    GraphBuilder b;
    const ValueId mm =
        b.Op(OpKind::kMatMul, {b.Input("x", DType::kF32, {3, 5}), b.Weight("w", RandomTensor(DType::kF32, {5, 7}, 1))});
    b.Output(b.Op(OpKind::kAdd, {mm, b.Input("r", DType::kF32, {3, 7})}));
    ExpectUnchanged(b.Build());
  }
}

TEST(FuseMatMulAdd, ProductReadElsewhereIsNotFused) {
  GraphBuilder b;
  const ValueId mm =
      b.Op(OpKind::kMatMul, {b.Input("x", DType::kF32, {3, 5}), b.Weight("w", RandomTensor(DType::kF32, {5, 7}, 1))});
  b.Output(b.Op(OpKind::kAdd, {mm, b.Weight("bias", RandomTensor(DType::kF32, {7}, 2))}));
  b.Output(b.Op(OpKind::kRelu, {mm}));
  ExpectUnchanged(b.Build());
}

}  // namespace
}  // namespace mrt::testing
