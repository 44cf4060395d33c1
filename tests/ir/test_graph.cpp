#include <gtest/gtest.h>

#include "ir/dump.h"
#include "ir/infer_shapes.h"
#include "ir/op_table.h"
#include "ir/verify.h"

namespace mrt {
namespace {

// x -> Relu -> y -> Relu -> z, built by hand.
Graph TwoRelus() {
  Graph g;
  g.name = "two_relus";
  const ValueId x = g.AddValue("x", DType::kF32, Shape{2, 3});
  g.AddGraphInput(x);
  const ValueId y = g.AddValue("y");
  const ValueId z = g.AddValue("z");
  g.AddNode(OpKind::kRelu, "r1", {x}, {y});
  g.AddNode(OpKind::kRelu, "r2", {y}, {z});
  g.AddGraphOutput(z);
  return g;
}

TEST(OpTable, NamesRoundTrip) {
  for (int i = 0; i < kNumOpKinds; ++i) {
    const auto kind = static_cast<OpKind>(i);
    auto back = OpKindFromName(OpName(kind));
    ASSERT_TRUE(back.has_value()) << OpName(kind);
    EXPECT_EQ(*back, kind);
  }
  EXPECT_FALSE(OpKindFromName("NoSuchOp").has_value());
}

TEST(Graph, BuildInferVerify) {
  Graph g = TwoRelus();
  ASSERT_TRUE(InferShapes(g).ok());
  ASSERT_TRUE(Verify(g).ok()) << Verify(g).message();
  EXPECT_EQ(g.value(*g.FindValue("z")).shape, (Shape{2, 3}));
  EXPECT_EQ(g.value(*g.FindValue("z")).dtype, DType::kF32);
  EXPECT_NE(Dump(g).find("= Relu(%0)"), std::string::npos) << Dump(g);
  EXPECT_EQ(OpHistogram(g), "Relu: 2");
}

TEST(Graph, RemoveAndCompactRenumbers) {
  Graph g = TwoRelus();
  const ValueId x = *g.FindValue("x"), y = *g.FindValue("y");
  g.ReplaceAllUses(y, x);  // bypass r1
  g.RemoveNode(0);
  g.Compact();
  ASSERT_EQ(g.num_nodes(), 1u);
  EXPECT_EQ(g.node(0).name, "r2");
  EXPECT_FALSE(g.FindValue("y").has_value());
  ASSERT_TRUE(InferShapes(g).ok());
  EXPECT_TRUE(Verify(g).ok()) << Verify(g).message();
}

TEST(Graph, TopologicalSortReordersAndFindsCycles) {
  Graph g;
  const ValueId x = g.AddValue("x", DType::kF32, Shape{4});
  g.AddGraphInput(x);
  const ValueId a = g.AddValue("a"), b = g.AddValue("b");
  g.AddNode(OpKind::kRelu, "second", {a}, {b});
  g.AddNode(OpKind::kRelu, "first", {x}, {a});
  g.AddGraphOutput(b);
  EXPECT_FALSE(Verify(g).ok());  // 'second' uses 'a' before it is produced
  ASSERT_TRUE(g.TopologicalSort().ok());
  EXPECT_EQ(g.node(0).name, "first");
  ASSERT_TRUE(InferShapes(g).ok());
  EXPECT_TRUE(Verify(g).ok());

  Graph cyc;
  const ValueId p = cyc.AddValue("p", DType::kF32, Shape{1}), q = cyc.AddValue("q", DType::kF32, Shape{1});
  cyc.AddNode(OpKind::kRelu, "n1", {p}, {q});
  cyc.AddNode(OpKind::kRelu, "n2", {q}, {p});
  Status s = cyc.TopologicalSort();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cycle"), std::string::npos);
}

TEST(Shapes, BroadcastRules) {
  auto r = BroadcastShapes(Shape{2, 1, 4}, Shape{3, 1});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Shape{2, 3, 4}));
  auto sym = BroadcastShapes(Shape{Dim::Symbolic("batch"), 4}, Shape{1, 4});
  ASSERT_TRUE(sym.ok());
  EXPECT_EQ((*sym)[0].symbol, "batch");
  EXPECT_FALSE(BroadcastShapes(Shape{2, 3}, Shape{4, 3}).ok());
}

TEST(Half, RoundTripsAndRounds) {
  for (float f : {0.f, 1.f, -2.5f, 65504.f, 6.1035156e-05f, 5.9604645e-08f, 0.333333f})
    EXPECT_NEAR(HalfToFloat(FloatToHalf(f)), f, std::abs(f) * 1e-3 + 1e-7) << f;
  EXPECT_EQ(FloatToHalf(1.0f).bits, 0x3C00);
  EXPECT_EQ(FloatToHalf(65520.f).bits, 0x7C00);  // rounds to inf
  EXPECT_EQ(FloatToHalf(5.9604645e-08f).bits, 0x0001);  // smallest subnormal
  EXPECT_EQ(BFloat16ToFloat(FloatToBFloat16(1.5f)), 1.5f);
}

}  // namespace
}  // namespace mrt
