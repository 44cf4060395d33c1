// The memory planner on small graphs checked by hand: lifetimes, best-fit placement, the three
// aliasing rules (views, Concat slices, in-place elementwise) and where each must NOT apply, the
// disabled plan, errors, and the checker catching broken plans.
#include <gtest/gtest.h>

#include "passes/memory_plan.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

constexpr int64_t kAlign = 256;

MemoryPlan Plan(const Graph& g, MemoryPlanOptions options = {}) {
  auto plan = PlanMemory(g, options);
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  if (!plan.ok()) return {};
  Status checked = CheckMemoryPlan(g, *plan);
  EXPECT_TRUE(checked.ok()) << checked.message();
  return *plan;
}

ValueId Unary(GraphBuilder& b, OpKind op, ValueId x) { return b.Op(op, {x}); }

// x -> Relu -> Relu -> Relu -> y, every value 64 floats = 256 bytes.
TEST(MemoryPlan, ChainReusesTwoSlotsAndWorksInPlace) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 64});
  const ValueId r1 = Unary(b, OpKind::kRelu, x);
  const ValueId r2 = Unary(b, OpKind::kRelu, r1);
  const ValueId r3 = Unary(b, OpKind::kRelu, r2);
  b.Output(r3);
  const Graph g = b.Build();

  // In place: r2 over r1 (r1 dies at node 1), r3 over r2; never over the graph input x.
  const MemoryPlan p = Plan(g);
  EXPECT_EQ(p.alias_kind[r1], AliasKind::kNone);
  EXPECT_EQ(p.alias_of[r2], r1);
  EXPECT_EQ(p.alias_kind[r2], AliasKind::kInPlace);
  EXPECT_EQ(p.alias_of[r3], r2);
  EXPECT_EQ(p.offsets[r1], p.offsets[r3]);
  EXPECT_NE(p.offsets[x], p.offsets[r1]);
  EXPECT_EQ(p.num_buffers, 2);
  EXPECT_EQ(p.live_from[x], -1);
  EXPECT_EQ(p.live_until[x], 0);
  EXPECT_EQ(p.live_from[r2], 0);  // the group's range: r1's write to r3's copy-out
  EXPECT_EQ(p.live_until[r2], 3);
  EXPECT_EQ(p.arena_bytes, 2 * 256);
  EXPECT_EQ(p.peak_live_bytes, 2 * 256);
  EXPECT_EQ(p.naive_bytes, 4 * 256);

  // Without in-place: x [-1,0] r1 [0,1] r2 [1,2] r3 [2,3] ping-pong between two slots.
  MemoryPlanOptions no_reuse;
  no_reuse.reuse_elementwise_inputs = false;
  const MemoryPlan q = Plan(g, no_reuse);
  EXPECT_EQ(q.num_buffers, 4);
  EXPECT_EQ(q.arena_bytes, 2 * 256);
  EXPECT_EQ(q.offsets[r2], q.offsets[x]);
  EXPECT_EQ(q.offsets[r3], q.offsets[r1]);

  // Disabled: one slot per value, in value order.
  MemoryPlanOptions off;
  off.enabled = false;
  const MemoryPlan d = Plan(g, off);
  EXPECT_EQ(d.arena_bytes, 4 * 256);
  EXPECT_EQ(d.naive_bytes, d.arena_bytes);
  EXPECT_EQ(d.offsets[x], 0);
  EXPECT_EQ(d.offsets[r1], 256);
  EXPECT_EQ(d.offsets[r3], 768);
  for (ValueId v : {x, r1, r2, r3}) EXPECT_EQ(d.alias_of[v], kNoValue);
}

TEST(MemoryPlan, SizesAreAlignedAndWeightsAreNotPlanned) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {25});  // 100 bytes -> one 256-byte unit
  const ValueId w = b.Weight("w", Tensor::FromVector<float>(DType::kF32, {25}, std::vector<float>(25, 1.f)));
  const ValueId y = b.Op(OpKind::kAdd, {x, w});
  b.Output(y);
  const Graph g = b.Build();
  MemoryPlanOptions options;
  options.alignment = 64;
  const MemoryPlan p = Plan(g, options);
  EXPECT_EQ(p.offsets[w], -1);
  EXPECT_FALSE(p.planned(w));
  EXPECT_EQ(p.offsets[x] % 64, 0);
  EXPECT_EQ(p.offsets[y] % 64, 0);
  EXPECT_EQ(p.arena_bytes, 2 * 128);  // x and y both live at node 0; 100 -> 128 bytes each
  const MemoryPlan q = Plan(g);
  EXPECT_EQ(q.arena_bytes, 2 * kAlign);
}

// x -> Relu a -> Reshape b -> Relu c (output): b is a's bytes; c then works in place over b.
TEST(MemoryPlan, ViewsAliasTheirInput) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 32});
  const ValueId a = Unary(b, OpKind::kRelu, x);
  const ValueId v = b.Op(OpKind::kReshape, {a, b.Ints("shape", {4, 16})});
  const ValueId fl = b.Op(OpKind::kFlatten, {v}, Attrs({{"axis", int64_t{1}}}));
  const ValueId c = Unary(b, OpKind::kRelu, fl);
  b.Output(c);
  const Graph g = b.Build();
  const MemoryPlan p = Plan(g);
  EXPECT_EQ(p.alias_kind[v], AliasKind::kView);
  EXPECT_EQ(p.alias_of[v], a);
  EXPECT_EQ(p.alias_of[fl], v);
  EXPECT_EQ(p.offsets[v], p.offsets[a]);
  EXPECT_EQ(p.offsets[fl], p.offsets[a]);
  EXPECT_EQ(p.alias_kind[c], AliasKind::kInPlace);
  EXPECT_EQ(p.num_buffers, 2);

  MemoryPlanOptions no_views;
  no_views.alias_views = false;
  no_views.reuse_elementwise_inputs = false;
  const MemoryPlan q = Plan(g, no_views);
  EXPECT_EQ(q.alias_of[v], kNoValue);
  EXPECT_NE(q.offsets[v], q.offsets[a]);  // both live at the Reshape
}

// Concat(axis=1) of [1,2,4,4] and [1,3,4,4] f32: slices at bytes 0 and 2*16*4 = 128 of the output.
TEST(MemoryPlan, ConcatProducersWriteIntoTheirSlices) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 2, 4, 4});
  const ValueId z = b.Input("z", DType::kF32, {1, 3, 4, 4});
  const ValueId a = Unary(b, OpKind::kRelu, x);
  const ValueId s = Unary(b, OpKind::kSigmoid, z);
  const ValueId c = b.Op(OpKind::kConcat, {a, s}, Attrs({{"axis", int64_t{1}}}));
  b.Output(Unary(b, OpKind::kTanh, c));
  const Graph g = b.Build();
  const MemoryPlan p = Plan(g);
  EXPECT_EQ(p.alias_kind[a], AliasKind::kConcatSlice);
  EXPECT_EQ(p.alias_of[a], c);
  EXPECT_EQ(p.offsets[a], p.offsets[c]);
  EXPECT_EQ(p.offsets[s], p.offsets[c] + 128);
  EXPECT_EQ(p.live_from[c], 0);  // the output's buffer is live from a's write

  // Graph inputs keep their own slot (they are copied in once, before any node).
  GraphBuilder b2;
  const ValueId x2 = b2.Input("x", DType::kF32, {1, 2, 4, 4});
  const ValueId a2 = Unary(b2, OpKind::kRelu, x2);
  const ValueId c2 = b2.Op(OpKind::kConcat, {x2, a2}, Attrs({{"axis", int64_t{-3}}}));
  b2.Output(c2);
  const Graph g2 = b2.Build();
  const MemoryPlan p2 = Plan(g2);
  EXPECT_EQ(p2.alias_kind[x2], AliasKind::kNone);
  EXPECT_EQ(p2.offsets[a2], p2.offsets[c2] + 128);
}

TEST(MemoryPlan, StridedAndRepeatedConcatInputsAreCopied) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 2, 4, 4});
  const ValueId a = Unary(b, OpKind::kRelu, x);
  const ValueId twice = b.Op(OpKind::kConcat, {a, a}, Attrs({{"axis", int64_t{1}}}));
  const ValueId strided = b.Op(OpKind::kConcat, {twice, twice}, Attrs({{"axis", int64_t{2}}}));  // outer = 1*4
  b.Output(strided);
  const Graph g = b.Build();
  const MemoryPlan p = Plan(g);
  EXPECT_EQ(p.alias_of[a], twice);  // the first use of a is in place, the second is a copy
  EXPECT_EQ(p.offsets[a], p.offsets[twice]);
  EXPECT_EQ(p.alias_kind[twice], AliasKind::kNone);  // axis 2 of [1,4,...]: strided slices
  EXPECT_FALSE(ConcatSliceByteOffsets(g, g.node(2)).has_value());
  ASSERT_TRUE(ConcatSliceByteOffsets(g, g.node(1)).has_value());
  EXPECT_EQ(*ConcatSliceByteOffsets(g, g.node(1)), (std::vector<int64_t>{0, 128}));
}

// a = Relu(x); s = Sigmoid(a); c = Add(a, s): a and s both die at the Add, which reuses a.
// With a later reader of a, the Add reuses s instead.
TEST(MemoryPlan, ElementwiseReusesAnInputThatDiesThere) {
  {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {3, 5});
    const ValueId a = Unary(b, OpKind::kRelu, x);
    const ValueId s = Unary(b, OpKind::kSigmoid, a);
    const ValueId c = b.Op(OpKind::kAdd, {a, s});
    b.Output(c);
    const MemoryPlan p = Plan(b.Build());
    EXPECT_EQ(p.alias_of[c], a);
    EXPECT_EQ(p.alias_kind[c], AliasKind::kInPlace);
  }
  {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {3, 5});
    const ValueId a = Unary(b, OpKind::kRelu, x);
    const ValueId s = Unary(b, OpKind::kSigmoid, a);
    const ValueId c = b.Op(OpKind::kAdd, {a, s});
    b.Output(b.Op(OpKind::kMul, {a, c}));
    const MemoryPlan p = Plan(b.Build());
    EXPECT_EQ(p.alias_of[c], s);
  }
}

TEST(MemoryPlan, NoInPlaceAcrossDtypesShapesOrGraphInputs) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {4, 4});
  const ValueId row = b.Input("row", DType::kF32, {1, 4});
  const ValueId a = Unary(b, OpKind::kRelu, x);  // over a graph input: no
  const ValueId r = Unary(b, OpKind::kRelu, row);
  const ValueId sum = b.Op(OpKind::kAdd, {r, a});  // r [1,4] is smaller than the output: reuse a
  const ValueId small = Unary(b, OpKind::kSigmoid, row);
  const ValueId big = b.Op(OpKind::kAdd, {small, b.Weight("w", RandomTensor(DType::kF32, {4, 4}, 3))});  // no
  const ValueId eq = b.Op(OpKind::kEqual, {sum, big});  // bool output: no
  b.Output(eq);
  const Graph g = b.Build();
  const MemoryPlan p = Plan(g);
  EXPECT_EQ(p.alias_of[a], kNoValue);
  EXPECT_EQ(p.alias_of[sum], a);
  EXPECT_EQ(p.alias_of[big], kNoValue);
  EXPECT_EQ(p.alias_of[eq], kNoValue);
  EXPECT_EQ(p.alias_of[r], kNoValue);
}

// Transpose is not elementwise: its output never lands on its input.
TEST(MemoryPlan, NonElementwiseOutputsNeverOverlapTheirInputs) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {4, 4});
  const ValueId a = Unary(b, OpKind::kRelu, x);
  const ValueId t = b.Op(OpKind::kTranspose, {a}, Attrs({{"perm", std::vector<int64_t>{1, 0}}}));
  b.Output(Unary(b, OpKind::kRelu, t));
  const MemoryPlan p = Plan(b.Build());
  EXPECT_NE(p.offsets[t], p.offsets[a]);
  EXPECT_EQ(p.alias_of[t], kNoValue);
}

TEST(MemoryPlan, DynamicShapesAreAnErrorNamingTheValue) {
  GraphBuilder b;
  Graph& g = b.graph();
  const ValueId x = g.AddValue("images", DType::kF32, Shape{Dim::Symbolic("batch"), 4});
  g.AddGraphInput(x);
  b.Output(Unary(b, OpKind::kRelu, x));
  const Graph built = b.Build();
  auto plan = PlanMemory(built);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("'images'"), std::string::npos) << plan.status().message();
  EXPECT_NE(plan.status().message().find("[batch,4]"), std::string::npos) << plan.status().message();
  MemoryPlanOptions bad;
  bad.alignment = 0;
  EXPECT_FALSE(PlanMemory(built, bad).ok());
}

// Broken plans the checker must reject.
TEST(CheckMemoryPlan, RejectsOverlapsThatClobberLiveValues) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 64});
  const ValueId a = Unary(b, OpKind::kRelu, x);
  const ValueId s = Unary(b, OpKind::kSigmoid, a);
  const ValueId t = b.Op(OpKind::kTranspose, {s}, Attrs({{"perm", std::vector<int64_t>{1, 0}}}));
  const ValueId c = b.Op(OpKind::kAdd, {a, b.Op(OpKind::kReshape, {t, b.Ints("shape", {1, 64})})});
  b.Output(c);
  const Graph g = b.Build();
  const MemoryPlan good = Plan(g);

  MemoryPlan p = good;  // s written over a, which the Add still reads
  p.offsets[s] = p.offsets[a];
  Status st = CheckMemoryPlan(g, p);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("clobbers 'v"), std::string::npos) << st.message();

  p = good;  // a Transpose (not elementwise) on top of its dying input
  p.offsets[t] = p.offsets[s];
  EXPECT_FALSE(CheckMemoryPlan(g, p).ok());

  p = good;  // past the arena's end
  p.offsets[c] = p.arena_bytes;
  st = CheckMemoryPlan(g, p);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("past the arena"), std::string::npos) << st.message();

  p = good;  // a planned value without storage
  p.offsets[a] = -1;
  EXPECT_FALSE(CheckMemoryPlan(g, p).ok());

  p = good;  // the graph input placed over the output (written at the Add while x... is dead: fine)
  p.offsets[c] = p.offsets[x];
  EXPECT_TRUE(CheckMemoryPlan(g, p).ok()) << "x is dead after node 0; reusing its bytes for c is legal";
}

TEST(CheckMemoryPlan, RejectsInPlaceOverAValueReadLater) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {8});
  const ValueId a = Unary(b, OpKind::kRelu, x);
  const ValueId s = Unary(b, OpKind::kSigmoid, a);  // would overwrite a ...
  b.Output(b.Op(OpKind::kAdd, {a, s}));             // ... which is read here
  const Graph g = b.Build();
  MemoryPlan p = Plan(g);
  EXPECT_NE(p.offsets[s], p.offsets[a]);
  p.offsets[s] = p.offsets[a];
  EXPECT_FALSE(CheckMemoryPlan(g, p).ok());
}

TEST(MemoryPlan, SummaryNamesTheThreeNumbers) {
  MemoryPlan p;
  p.arena_bytes = 3 << 20;
  p.peak_live_bytes = 2 << 20;
  p.naive_bytes = 10 << 20;
  p.num_buffers = 7;
  EXPECT_EQ(MemoryPlanSummary(p),
            "arena 3.00 MiB (peak live 2.00 MiB, arena/peak 1.500; 10.00 MiB without reuse), 7 buffers");
}

}  // namespace
}  // namespace mrt::testing
