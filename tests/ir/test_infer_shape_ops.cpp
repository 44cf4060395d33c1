// Static shape inference of the shape and data-movement ops and Resize: symbolic dims pass
// through, unknown input values still give the rank (and whatever dims are knowable), known
// values give exact shapes, and inconsistencies are errors.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "ir/infer_shapes.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::Attr;
using Ints = std::vector<int64_t>;

// One input of the node under test: dtype, shape and optionally its value.
struct In {
  DType dtype = DType::kUndefined;  // kUndefined: an absent optional input
  Shape shape;
  std::optional<Tensor> value;
};
In Data(Shape s, DType dtype = DType::kF32) { return In{dtype, std::move(s), std::nullopt}; }
In Known(const Ints& v) {
  const auto n = static_cast<int64_t>(v.size());
  return In{DType::kI64, Shape{n}, Tensor::FromVector(DType::kI64, {n}, v)};
}
In KnownF32(const std::vector<float>& v) {
  const auto n = static_cast<int64_t>(v.size());
  return In{DType::kF32, Shape{n}, Tensor::FromVector(DType::kF32, {n}, v)};
}
In UnknownInts(int64_t length) { return In{DType::kI64, Shape{length}, std::nullopt}; }
In Absent() { return In{}; }

Dim Sym(const std::string& name) { return Dim::Symbolic(name); }

Expected<std::vector<ValueInfo>> Infer(OpKind op, const std::vector<In>& inputs, Attributes attrs = {},
                                       int num_outputs = 1) {
  Node node;
  node.op = op;
  node.name = "n";
  node.attrs = std::move(attrs);
  std::vector<ValueInfo> infos;
  std::vector<TensorView> views(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const bool present = inputs[i].dtype != DType::kUndefined;
    node.inputs.push_back(present ? static_cast<ValueId>(i) : kNoValue);
    if (!present) {
      infos.push_back(ValueInfo{});
      continue;
    }
    if (inputs[i].value) views[i] = inputs[i].value->view();
    infos.push_back(ValueInfo{inputs[i].dtype, inputs[i].shape, inputs[i].value ? &views[i] : nullptr});
  }
  for (int i = 0; i < num_outputs; ++i) node.outputs.push_back(static_cast<ValueId>(100 + i));
  return InferNode(node, std::move(infos));
}

// The inferred shape of output `i`, or a failure naming the error.
#define EXPECT_SHAPE(expr, expected)                                    \
  do {                                                                  \
    auto r_ = (expr);                                                   \
    ASSERT_TRUE(r_.ok()) << r_.status().message();                      \
    EXPECT_EQ((*r_)[0].shape, (expected)) << (*r_)[0].shape.ToString(); \
  } while (0)

void ExpectError(const Expected<std::vector<ValueInfo>>& r, const std::string& text) {
  ASSERT_FALSE(r.ok()) << "expected an error containing '" << text << "'";
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().rfind("node 'n' (", 0), 0u) << "errors carry the node prefix once";
}

const Shape kBatch34{Sym("batch"), 3, 4};

TEST(InferReshape, SymbolicDimsCancel) {
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(kBatch34), Known({0, -1})}), (Shape{Sym("batch"), 12}));
  // -1 alone takes the one dynamic dim left over when the static parts match (12 == 12).
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(kBatch34), Known({-1, 12})}), (Shape{Sym("batch"), 12}));
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(kBatch34), Known({-1, 4})}), (Shape{Dim(), 4}));
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(kBatch34), Known({0, 3, 2, 2})}), (Shape{Sym("batch"), 3, 2, 2}));
}

TEST(InferReshape, UnknownTargetGivesRank) {
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(kBatch34), UnknownInts(3)}), (Shape{Dim(), Dim(), Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(kBatch34), In{DType::kI64, Shape{Dim()}, std::nullopt}}),
               Shape::UnknownRank());
  EXPECT_SHAPE(Infer(OpKind::kReshape, {Data(Shape::UnknownRank()), Known({2, 0, -1})}), (Shape{2, Dim(), Dim()}));
}

TEST(InferReshape, StaticErrors) {
  ExpectError(Infer(OpKind::kReshape, {Data(Shape{2, 3, 4}), Known({5, -1})}), "do not divide");
  ExpectError(Infer(OpKind::kReshape, {Data(Shape{2, 3, 4}), Known({5, 5})}), "24 elements");
  ExpectError(Infer(OpKind::kReshape, {Data(kBatch34), In{DType::kI64, Shape{1, 2}, std::nullopt}}), "1-D");
}

TEST(InferFlatten, ProductsKeepASingleSymbol) {
  EXPECT_SHAPE(Infer(OpKind::kFlatten, {Data(kBatch34)}), (Shape{Sym("batch"), 12}));
  EXPECT_SHAPE(Infer(OpKind::kFlatten, {Data(kBatch34)}, Attr("axis", int64_t{2})), (Shape{Dim(), 4}));
  EXPECT_SHAPE(Infer(OpKind::kFlatten, {Data(Shape{2, 3, 4})}, Attr("axis", int64_t{0})), (Shape{1, 24}));
  EXPECT_SHAPE(Infer(OpKind::kFlatten, {Data(Shape::UnknownRank())}), (Shape{Dim(), Dim()}));
  ExpectError(Infer(OpKind::kFlatten, {Data(kBatch34)}, Attr("axis", int64_t{-4})), "out of range");
}

TEST(InferSqueezeUnsqueeze, KnownAndUnknownAxes) {
  const Shape s{1, Sym("batch"), 1};
  EXPECT_SHAPE(Infer(OpKind::kSqueeze, {Data(s), Known({0})}), (Shape{Sym("batch"), 1}));
  EXPECT_SHAPE(Infer(OpKind::kSqueeze, {Data(s), UnknownInts(2)}), (Shape{Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kSqueeze, {Data(s)}), Shape::UnknownRank());  // is batch 1? unknown
  EXPECT_SHAPE(Infer(OpKind::kSqueeze, {Data(Shape{1, 3, 1})}), (Shape{3}));
  ExpectError(Infer(OpKind::kSqueeze, {Data(Shape{1, 3, 1}), Known({1})}), "size 3");
  EXPECT_SHAPE(Infer(OpKind::kUnsqueeze, {Data(Shape{Sym("batch"), 3}), Known({0, -1})}),
               (Shape{1, Sym("batch"), 3, 1}));
  EXPECT_SHAPE(Infer(OpKind::kUnsqueeze, {Data(Shape{Sym("batch"), 3}), UnknownInts(2)}),
               (Shape{Dim(), Dim(), Dim(), Dim()}));
}

TEST(InferTranspose, PermAndDefault) {
  const Shape s{Sym("batch"), 3, 5};
  EXPECT_SHAPE(Infer(OpKind::kTranspose, {Data(s)}, Attr("perm", Ints{2, 0, 1})), (Shape{5, Sym("batch"), 3}));
  EXPECT_SHAPE(Infer(OpKind::kTranspose, {Data(s)}), (Shape{5, 3, Sym("batch")}));
  EXPECT_SHAPE(Infer(OpKind::kTranspose, {Data(Shape::UnknownRank())}, Attr("perm", Ints{1, 0})),
               (Shape{Dim(), Dim()}));
  ExpectError(Infer(OpKind::kTranspose, {Data(s)}, Attr("perm", Ints{0, 1})), "rank 3");
  ExpectError(Infer(OpKind::kTranspose, {Data(s)}, Attr("perm", Ints{0, 1, 1})), "twice");
}

TEST(InferConcat, SumsTheAxisAndMergesTheRest) {
  const Attributes axis1 = Attr("axis", int64_t{1});
  EXPECT_SHAPE(Infer(OpKind::kConcat, {Data(Shape{Sym("batch"), 3}), Data(Shape{Dim(), 5})}, axis1),
               (Shape{Sym("batch"), 8}));
  EXPECT_SHAPE(Infer(OpKind::kConcat, {Data(Shape{2, Sym("n")}), Data(Shape{2, 5})}, axis1), (Shape{2, Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kConcat, {Data(Shape{2, 3}), Data(Shape{4, 3})}, Attr("axis", int64_t{-2})),
               (Shape{6, 3}));
  EXPECT_SHAPE(Infer(OpKind::kConcat, {Data(Shape::UnknownRank()), Data(Shape{4, 3})}, axis1), (Shape{4, Dim()}));
  ExpectError(Infer(OpKind::kConcat, {Data(Shape{2, 3}), Data(Shape{4, 3})}, axis1), "dim 0 is 2");
  ExpectError(Infer(OpKind::kConcat, {Data(Shape{2, 3}), Data(Shape{2, 3, 1})}, axis1), "rank 3");
}

TEST(InferSplit, EvenUnevenGivenAndUnknown) {
  auto r =
      Infer(OpKind::kSplit, {Data(Shape{Sym("batch"), 7})}, Attr("axis", int64_t{1}), 3);  // ceil(7/3) = 3: 3, 3, 1
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].shape, (Shape{Sym("batch"), 3}));
  EXPECT_EQ((*r)[2].shape, (Shape{Sym("batch"), 1}));
  auto given = Infer(OpKind::kSplit, {Data(Shape{6}), Known({1, 5})}, {}, 2);
  ASSERT_TRUE(given.ok()) << given.status().message();
  EXPECT_EQ((*given)[1].shape, (Shape{5}));
  EXPECT_SHAPE(Infer(OpKind::kSplit, {Data(Shape{6, 2}), UnknownInts(2)}, {}, 2), (Shape{Dim(), 2}));
  EXPECT_SHAPE(Infer(OpKind::kSplit, {Data(Shape{Sym("n"), 2})}, {}, 2), (Shape{Dim(), 2}));
  ExpectError(Infer(OpKind::kSplit, {Data(Shape{6}), Known({1, 2, 3})}, {}, 2), "3 entries for 2 outputs");
}

TEST(InferSlice, BoundsFromValues) {
  const Shape s{Sym("batch"), 10, 5};
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_SHAPE(Infer(OpKind::kSlice, {Data(s), Known({1}), Known({kMax}), Known({1})}), (Shape{Sym("batch"), 9, 5}));
  // Steps -3 from the end: elements 9, 6, 3 (end 0 excluded).
  EXPECT_SHAPE(Infer(OpKind::kSlice, {Data(s), Known({-1}), Known({0}), Known({-2}), Known({-3})}),
               (Shape{Sym("batch"), 3, 5}));
  // The whole of a dynamic dim keeps it; part of it does not.
  EXPECT_SHAPE(Infer(OpKind::kSlice, {Data(s), Known({0}), Known({kMax}), Known({0})}), s);
  EXPECT_SHAPE(Infer(OpKind::kSlice, {Data(s), Known({0}), Known({2}), Known({0})}), (Shape{Dim(), 10, 5}));
  // Unknown starts: the axes say which dims are unknown.
  EXPECT_SHAPE(Infer(OpKind::kSlice, {Data(s), UnknownInts(1), UnknownInts(1), Known({2})}),
               (Shape{Sym("batch"), 10, Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kSlice, {Data(s), UnknownInts(2), UnknownInts(2)}), (Shape{Dim(), Dim(), 5}));
  ExpectError(Infer(OpKind::kSlice, {Data(s), Known({0}), Known({1}), Known({1}), Known({0})}), "non-zero");
}

TEST(InferExpandTile, ValuesOrRank) {
  EXPECT_SHAPE(Infer(OpKind::kExpand, {Data(Shape{3, 1}), Known({2, 1, 6})}), (Shape{2, 3, 6}));
  EXPECT_SHAPE(Infer(OpKind::kExpand, {Data(Shape{3, 1}), UnknownInts(3)}), (Shape{Dim(), 3, Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kExpand, {Data(Shape{Sym("b"), 1}), Known({1, 4})}), (Shape{Sym("b"), 4}));
  ExpectError(Infer(OpKind::kExpand, {Data(Shape{3}), Known({2})}), "cannot be broadcast");
  EXPECT_SHAPE(Infer(OpKind::kTile, {Data(Shape{Sym("b"), 2}), Known({1, 3})}), (Shape{Sym("b"), 6}));
  EXPECT_SHAPE(Infer(OpKind::kTile, {Data(Shape{Sym("b"), 2}), UnknownInts(2)}), (Shape{Dim(), Dim()}));
  ExpectError(Infer(OpKind::kTile, {Data(Shape{2, 2}), Known({1})}), "rank 2");
}

TEST(InferGather, IndicesShapeReplacesTheAxis) {
  const In idx{DType::kI64, Shape{2, 3}, std::nullopt};
  EXPECT_SHAPE(Infer(OpKind::kGather, {Data(Shape{Sym("b"), 5, 7}), idx}, Attr("axis", int64_t{1})),
               (Shape{Sym("b"), 2, 3, 7}));
  EXPECT_SHAPE(Infer(OpKind::kGather, {Data(Shape{5, 7}), In{DType::kI64, Shape{}, std::nullopt}}), (Shape{7}));
  ExpectError(Infer(OpKind::kGather, {Data(Shape{5, 7}), Known({5})}), "out of range");
  ExpectError(Infer(OpKind::kGather, {Data(Shape{5, 7}), Data(Shape{1})}), "i32 or i64");
}

TEST(InferShapeOf, LengthFromRank) {
  auto r = Infer(OpKind::kShape, {Data(kBatch34)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].dtype, DType::kI64);
  EXPECT_EQ((*r)[0].shape, (Shape{3}));
  EXPECT_SHAPE(Infer(OpKind::kShape, {Data(kBatch34)}, Attr("start", int64_t{-2})), (Shape{2}));
  EXPECT_SHAPE(Infer(OpKind::kShape, {Data(Shape::UnknownRank())}), (Shape{Dim()}));
}

TEST(InferConstantOfShape, DtypeFromValue) {
  auto value = std::make_shared<const Tensor>(Tensor::FromVector<int32_t>(DType::kI32, {1}, {5}));
  auto r = Infer(OpKind::kConstantOfShape, {Known({2, 3})}, Attr("value", value));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].dtype, DType::kI32);
  EXPECT_EQ((*r)[0].shape, (Shape{2, 3}));
  EXPECT_SHAPE(Infer(OpKind::kConstantOfShape, {UnknownInts(2)}), (Shape{Dim(), Dim()}));
  ExpectError(Infer(OpKind::kConstantOfShape, {Known({-1})}), "negative");
}

TEST(InferRange, CountFromValues) {
  auto scalar = [](float v) { return In{DType::kF32, Shape{}, Tensor::Scalar(v)}; };
  EXPECT_SHAPE(Infer(OpKind::kRange, {scalar(0), scalar(10), scalar(3)}), (Shape{4}));   // ceil(10/3)
  EXPECT_SHAPE(Infer(OpKind::kRange, {scalar(0), scalar(-10), scalar(3)}), (Shape{0}));  // max(.., 0)
  EXPECT_SHAPE(Infer(OpKind::kRange, {scalar(0), Data(Shape{}), scalar(3)}), (Shape{Dim()}));
  auto i64 = [](int64_t v) { return In{DType::kI64, Shape{}, Tensor::FromVector<int64_t>(DType::kI64, {}, {v})}; };
  EXPECT_SHAPE(Infer(OpKind::kRange, {i64(10), i64(-1), i64(-4)}), (Shape{3}));  // 10, 6, 2
  ExpectError(Infer(OpKind::kRange, {i64(0), i64(5), i64(0)}), "delta is 0");
}

TEST(InferPad, AmountsAndAxes) {
  const Shape s{Sym("b"), 3};
  EXPECT_SHAPE(Infer(OpKind::kPad, {Data(s), Known({0, 1, 0, 2})}), (Shape{Sym("b"), 6}));
  EXPECT_SHAPE(Infer(OpKind::kPad, {Data(s), Known({1, 2}), Absent(), Known({-1})}), (Shape{Sym("b"), 6}));
  EXPECT_SHAPE(Infer(OpKind::kPad, {Data(s), Known({1, 0, 0, 0})}), (Shape{Dim(), 3}));
  EXPECT_SHAPE(Infer(OpKind::kPad, {Data(s), UnknownInts(2), Absent(), Known({1})}), (Shape{Sym("b"), Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kPad, {Data(s), UnknownInts(4)}), (Shape{Dim(), Dim()}));
  ExpectError(Infer(OpKind::kPad, {Data(Shape{2, 3}), Known({0, -2, 0, -2})}), "below zero");
  ExpectError(Infer(OpKind::kPad, {Data(s), Known({0, 1, 0, 2})}, Attr("mode", std::string("mirror"))), "mirror");
}

TEST(InferResize, ScalesSizesAndUnknowns) {
  const Shape s{Sym("b"), 3, 10, 10};
  EXPECT_SHAPE(Infer(OpKind::kResize, {Data(s), Absent(), KnownF32({1, 1, 2, 0.55f})}), (Shape{Sym("b"), 3, 20, 5}));
  EXPECT_SHAPE(Infer(OpKind::kResize, {Data(s), Absent(), Absent(), Known({1, 3, 7, 7})}), (Shape{1, 3, 7, 7}));
  EXPECT_SHAPE(Infer(OpKind::kResize, {Data(s), Absent(), Absent(), UnknownInts(4)}),
               (Shape{Dim(), Dim(), Dim(), Dim()}));
  Attributes axes = Attr("axes", Ints{2, 3});
  EXPECT_SHAPE(Infer(OpKind::kResize, {Data(s), Absent(), KnownF32({0.5f, 0.5f})}, axes), (Shape{Sym("b"), 3, 5, 5}));
  // An empty scales tensor (opset 11) means "not given".
  EXPECT_SHAPE(
      Infer(OpKind::kResize, {Data(s), Absent(), In{DType::kF32, Shape{0}, std::nullopt}, Known({2, 3, 4, 4})}),
      (Shape{2, 3, 4, 4}));
  ExpectError(Infer(OpKind::kResize, {Data(s), Absent(), KnownF32({2, 2})}), "scales has 2 values for 4 axes");
  ExpectError(Infer(OpKind::kResize, {Data(s), Absent(), KnownF32({1, 1, 2, 2})}, Attr("mode", std::string("area"))),
              "mode 'area'");
}

TEST(InferDepthSpace, BlockRearrangements) {
  const Attributes b2 = Attr("blocksize", int64_t{2});
  EXPECT_SHAPE(Infer(OpKind::kDepthToSpace, {Data(Shape{Sym("n"), 8, 2, Dim()})}, b2), (Shape{Sym("n"), 2, 4, Dim()}));
  EXPECT_SHAPE(Infer(OpKind::kSpaceToDepth, {Data(Shape{1, 1, 4, 6})}, b2), (Shape{1, 4, 2, 3}));
  ExpectError(Infer(OpKind::kDepthToSpace, {Data(Shape{1, 6, 2, 2})}, b2), "not a multiple of 4");
  ExpectError(Infer(OpKind::kSpaceToDepth, {Data(Shape{1, 1, 5, 6})}, b2), "height 5");
}

TEST(InferDropout, MaskIsBool) {
  auto r = Infer(OpKind::kDropout, {Data(kBatch34, DType::kF16)}, {}, 2);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].dtype, DType::kF16);
  EXPECT_EQ((*r)[1].dtype, DType::kBool);
  EXPECT_EQ((*r)[1].shape, kBatch34);
}

// A graph whose Reshape target is a weight gets a static shape from InferShapes.
TEST(InferShapesGraph, WeightTargetsAreUsed) {
  Graph g;
  const ValueId x = g.AddValue("x", DType::kF32, Shape{Sym("batch"), 3, 4});
  g.AddGraphInput(x);
  const ValueId target = g.AddWeight("target", Tensor::FromVector<int64_t>(DType::kI64, {2}, {0, -1}));
  const ValueId y = g.AddValue("y");
  const ValueId z = g.AddValue("z");
  g.AddNode(OpKind::kReshape, "r", {x, target}, {y});
  g.AddNode(OpKind::kShape, "s", {y}, {z});
  g.AddGraphOutput(z);
  Status s = InferShapes(g);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(g.value(y).shape, (Shape{Sym("batch"), 12}));
  EXPECT_EQ(g.value(z).shape, (Shape{2}));
}

}  // namespace
}  // namespace mrt
