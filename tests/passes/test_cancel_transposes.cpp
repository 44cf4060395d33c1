// cancel_transposes: Transpose(Transpose(x, p1), p2) -> Transpose(x, p1[p2[i]]) or nothing.
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

using Perm = std::vector<int64_t>;

Attributes PermAttr(const Perm& p) { return p.empty() ? Attributes() : Attrs({{"perm", p}}); }

// Relu(x[2, 3, 4, 5]) -> Transpose(p1) -> Transpose(p2) -> output (then Sigmoid when `reader`).
Graph Pair(const Perm& p1, const Perm& p2, bool reader = false) {
  GraphBuilder b;
  const ValueId x = b.Op(OpKind::kRelu, {b.Input("x", DType::kF32, {2, 3, 4, 5})});
  const ValueId t1 = b.Op(OpKind::kTranspose, {x}, PermAttr(p1), 1, "t1");
  ValueId y = b.Op(OpKind::kTranspose, {t1}, PermAttr(p2), 1, "t2");
  if (reader) y = b.Op(OpKind::kSigmoid, {y});
  b.Output(y);
  return b.Build();
}

Graph Cancel(const Graph& g, PassContext* out_ctx = nullptr) {
  return ExpectPreservesOutputs(g, [&](Graph& h) {
    PassContext ctx = TestPassContext();
    RunOnePass(h, RunCancelTransposes, ctx);
    if (out_ctx) *out_ctx = ctx;
  });
}

std::optional<Perm> OnlyTransposePerm(const Graph& g) {
  if (CountOps(g, OpKind::kTranspose) != 1) return std::nullopt;
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == OpKind::kTranspose) return n.attrs.GetInts("perm");
  return std::nullopt;
}

TEST(CancelTransposes, NchwNhwcRoundTripDisappears) {
  for (bool reader : {false, true}) {
    PassContext ctx;
    const Graph before = Pair({0, 2, 3, 1}, {0, 3, 1, 2}, reader);
    const Graph after = Cancel(before, &ctx);
    EXPECT_EQ(CountOps(after, OpKind::kTranspose), 0) << "reader " << reader;
    EXPECT_EQ(after.CountLiveNodes(), reader ? 2u : 1u);
    EXPECT_EQ(after.value(after.outputs[0]).name, before.value(before.outputs[0]).name);
    ASSERT_EQ(ctx.rewrites.size(), 1u);
    EXPECT_EQ(ctx.rewrites[0].kind, "Transpose+Transpose");
    EXPECT_EQ(ctx.rewrites[0].nodes, (std::vector<std::string>{"t1", "t2"}));
  }
}

// Hand-composed: x [2, 3, 4, 5] -> p1 (0, 2, 3, 1) -> [2, 4, 5, 3] -> p2 (1, 0, 2, 3) -> [4, 2, 5, 3],
// which is x transposed by (2, 0, 3, 1).
TEST(CancelTransposes, NonInversePairBecomesOneTranspose) {
  const Graph after = Cancel(Pair({0, 2, 3, 1}, {1, 0, 2, 3}));
  EXPECT_EQ(OnlyTransposePerm(after), (Perm{2, 0, 3, 1}));
  EXPECT_EQ(after.value(after.outputs[0]).shape, (Shape{4, 2, 5, 3}));
}

TEST(CancelTransposes, DefaultPermutationsReverseAndCancel) {
  const Graph after = Cancel(Pair({}, {}));
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 0);
  // A default perm against an explicit one: reverse (3, 2, 1, 0) then (1, 0, 3, 2) = (2, 3, 0, 1).
  EXPECT_EQ(OnlyTransposePerm(Cancel(Pair({}, {1, 0, 3, 2}))), (Perm{2, 3, 0, 1}));
}

TEST(CancelTransposes, ChainOfThreeMergesIntoOne) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 4});
  const ValueId t1 = b.Op(OpKind::kTranspose, {x}, PermAttr({1, 2, 0}));
  const ValueId t2 = b.Op(OpKind::kTranspose, {t1}, PermAttr({0, 2, 1}));
  b.Output(b.Op(OpKind::kTranspose, {t2}, PermAttr({2, 1, 0})));
  // (1,2,0) then (0,2,1) = (1,0,2); then (2,1,0) = (2,0,1).
  EXPECT_EQ(OnlyTransposePerm(Cancel(b.Build())), (Perm{2, 0, 1}));
}

TEST(CancelTransposes, GraphInputToGraphOutputBecomesIdentity) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 4});
  const ValueId t1 = b.Op(OpKind::kTranspose, {x}, PermAttr({2, 0, 1}));
  b.Output(b.Op(OpKind::kTranspose, {t1}, PermAttr({1, 2, 0})));
  const Graph after = Cancel(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 0);
  EXPECT_EQ(CountOps(after, OpKind::kIdentity), 1);  // the output keeps its own name
}

TEST(CancelTransposes, SharedFirstTransposeStaysForItsOtherReaders) {
  {  // the pair cancels: the second goes, the first stays for the Relu
    GraphBuilder b;
    const ValueId x = b.Op(OpKind::kRelu, {b.Input("x", DType::kF32, {2, 3, 4})});
    const ValueId t1 = b.Op(OpKind::kTranspose, {x}, PermAttr({1, 2, 0}));
    b.Output(b.Op(OpKind::kSigmoid, {b.Op(OpKind::kTranspose, {t1}, PermAttr({2, 0, 1}))}));
    b.Output(b.Op(OpKind::kRelu, {t1}));
    PassContext ctx;
    const Graph after = Cancel(b.Build(), &ctx);
    EXPECT_EQ(CountOps(after, OpKind::kTranspose), 1);
    EXPECT_EQ(ctx.rewrites.size(), 1u);
  }
  {  // it does not cancel: nothing to gain, nothing changes
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {2, 3, 4});
    const ValueId t1 = b.Op(OpKind::kTranspose, {x}, PermAttr({1, 2, 0}));
    b.Output(b.Op(OpKind::kTranspose, {t1}, PermAttr({0, 2, 1})));
    b.Output(t1);  // a graph output is a reader too
    PassContext ctx;
    const Graph after = Cancel(b.Build(), &ctx);
    EXPECT_EQ(CountOps(after, OpKind::kTranspose), 2);
    EXPECT_TRUE(ctx.rewrites.empty());
  }
}

TEST(CancelTransposes, TransposesSeparatedByAnotherOpAreLeftAlone) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 4});
  const ValueId t1 = b.Op(OpKind::kTranspose, {x}, PermAttr({1, 2, 0}));
  b.Output(b.Op(OpKind::kTranspose, {b.Op(OpKind::kRelu, {t1})}, PermAttr({2, 0, 1})));
  PassContext ctx;
  const Graph after = Cancel(b.Build(), &ctx);
  EXPECT_EQ(CountOps(after, OpKind::kTranspose), 2);
  EXPECT_TRUE(ctx.rewrites.empty());
}

}  // namespace
}  // namespace mrt::testing
