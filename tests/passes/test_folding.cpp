// fold_shape_arithmetic, fold_constants, eliminate_identity, eliminate_dead_code.
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

// The pattern PyTorch emits for x.view(x.shape[0], -1):
//   Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0), [0]), [-1]))
Graph ExporterReshape() {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 4, 5});
  const ValueId shape = b.Op(OpKind::kShape, {x});
  const ValueId dim0 = b.Op(OpKind::kGather, {shape, b.Weight("zero", Tensor::FromVector<int64_t>(DType::kI64, {}, {0}))},
                            Attrs({{"axis", int64_t{0}}}));
  const ValueId unsq = b.Op(OpKind::kUnsqueeze, {dim0, b.Ints("axes0", {0})});
  const ValueId target = b.Op(OpKind::kConcat, {unsq, b.Ints("minus1", {-1})}, Attrs({{"axis", int64_t{0}}}));
  const ValueId y = b.Op(OpKind::kReshape, {x, target});
  b.Output(b.Op(OpKind::kRelu, {y}));
  return b.Build();
}

TEST(FoldShapeArithmetic, FoldsTheExporterReshapeChain) {
  const Graph g = ExporterReshape();
  // Before folding the Reshape target is unknown statically: only its rank is.
  const Graph after = ExpectPreservesOutputs(g, [](Graph& h) {
    PassContext ctx = TestPassContext();
    ASSERT_TRUE(RunPipeline(h, ctx).ok());
  });
  EXPECT_EQ(CountOps(after, OpKind::kShape), 0);
  EXPECT_EQ(CountOps(after, OpKind::kGather), 0);
  EXPECT_EQ(CountOps(after, OpKind::kConcat), 0);
  ASSERT_EQ(CountOps(after, OpKind::kReshape), 1);
  for (const Node& n : after.nodes())
    if (n.op == OpKind::kReshape) {
      ASSERT_TRUE(after.value(n.inputs[1]).is_weight());
      EXPECT_EQ(after.value(n.inputs[1]).weight->ToInt64Vector(), (std::vector<int64_t>{2, -1}));
      EXPECT_EQ(after.value(n.outputs[0]).shape, (Shape{2, 60}));
    }
}

TEST(FoldShapeArithmetic, LeavesDynamicShapesAlone) {
  GraphBuilder b;
  Graph& g = b.graph();
  const ValueId x = g.AddValue("x", DType::kF32, Shape{Dim::Symbolic("batch"), 4});
  g.AddGraphInput(x);
  b.Output(b.Op(OpKind::kShape, {x}));
  Graph built = b.Build();
  PassContext ctx = TestPassContext();
  EXPECT_FALSE(RunOnePass(built, RunFoldShapeArithmetic, ctx));
  EXPECT_EQ(CountOps(built, OpKind::kShape), 1);
}

TEST(FoldConstants, EvaluatesConstantSubgraphsAndRespectsTheSizeCap) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {3});
  const ValueId c = b.Op(OpKind::kAdd, {b.Weight("a", Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3})),
                                        b.ScalarF32("one", 1.f)});
  const ValueId big = b.Op(OpKind::kConstantOfShape, {b.Ints("huge", {1 << 20})});
  const ValueId y = b.Op(OpKind::kMul, {x, c});
  b.Output(y);
  b.Output(b.Op(OpKind::kReduceSum, {big}));
  Graph g = b.Build();
  PassContext ctx = TestPassContext();
  ctx.max_folded_bytes = 1024;  // the 4 MiB ConstantOfShape must stay a node
  EXPECT_TRUE(RunOnePass(g, RunFoldConstants, ctx));
  EXPECT_EQ(CountOps(g, OpKind::kAdd), 0);
  EXPECT_EQ(CountOps(g, OpKind::kConstantOfShape), 1);
  const Node& mul = g.node(1);  // ConstantOfShape, Mul, ReduceSum remain, in that order
  ASSERT_EQ(mul.op, OpKind::kMul);
  ASSERT_TRUE(g.value(mul.inputs[1]).is_weight());
  EXPECT_EQ(g.value(mul.inputs[1]).weight->ToFloatVector(), (std::vector<float>{2, 3, 4}));
  ASSERT_EQ(ctx.rewrites.size(), 1u);
  EXPECT_EQ(ctx.rewrites[0].kind, "constant");
}

TEST(EliminateIdentity, RemovesNoOpsAndKeepsOutputNames) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3});
  const ValueId a = b.Op(OpKind::kRelu, {x});
  const ValueId i1 = b.Op(OpKind::kIdentity, {a});
  const ValueId d = b.Op(OpKind::kDropout, {i1});
  const ValueId r = b.Op(OpKind::kReshape, {d, b.Ints("same", {2, 3})});
  const ValueId t = b.Op(OpKind::kTranspose, {r}, Attrs({{"perm", std::vector<int64_t>{0, 1}}}));
  const ValueId c = b.Op(OpKind::kCast, {t}, Attrs({{"to", int64_t{1}}}));  // f32 -> f32
  const ValueId real = b.Op(OpKind::kTranspose, {c});                         // default perm: a real one
  const ValueId out = b.Op(OpKind::kIdentity, {real});
  b.graph().value(out).name = "final";
  b.Output(out);
  const Graph g = b.Build();
  const Graph after = ExpectPreservesOutputs(g, [](Graph& h) {
    PassContext ctx = TestPassContext();
    EXPECT_TRUE(RunOnePass(h, RunEliminateIdentity, ctx));
  });
  EXPECT_EQ(after.CountLiveNodes(), 2u);  // Relu and the real Transpose
  EXPECT_EQ(after.value(after.outputs[0]).name, "final");
  EXPECT_EQ(after.node(1).op, OpKind::kTranspose);
}

TEST(EliminateIdentity, KeepsAnIdentityBetweenGraphInputAndOutput) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2});
  b.Output(b.Op(OpKind::kIdentity, {x}));
  Graph g = b.Build();
  PassContext ctx = TestPassContext();
  EXPECT_FALSE(RunOnePass(g, RunEliminateIdentity, ctx));  // removing it would rename the output
  EXPECT_EQ(g.CountLiveNodes(), 1u);
}

TEST(EliminateDeadCode, DropsUnusedChains) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {4});
  const ValueId dead = b.Op(OpKind::kExp, {b.Op(OpKind::kRelu, {x})});
  (void)dead;
  b.Output(b.Op(OpKind::kSigmoid, {x}));
  const Graph g = b.Build();
  const Graph after = ExpectPreservesOutputs(g, [](Graph& h) {
    PassContext ctx = TestPassContext();
    EXPECT_TRUE(RunOnePass(h, RunEliminateDeadCode, ctx));
    EXPECT_EQ(ctx.rewrites.size(), 2u);
  });
  EXPECT_EQ(after.CountLiveNodes(), 1u);
}

}  // namespace
}  // namespace mrt::testing
