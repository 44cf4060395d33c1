// Shape inference of the elementwise, softmax and reduction families (infer_elementwise.cpp,
// infer_reduce.cpp): static shapes, symbolic dims, unknown values and ranks, and the errors.
#include <gtest/gtest.h>

#include "ir/infer_shapes.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::Attr;
using testing::InferOneNode;

const Dim kBatch = Dim::Symbolic("batch");

ValueInfo Info(DType dtype, Shape shape, const TensorView* data = nullptr) {
  return ValueInfo{dtype, std::move(shape), data};
}
ValueInfo Absent() { return ValueInfo{}; }

// The single output, or a failed expectation.
ValueInfo Out(const Expected<std::vector<ValueInfo>>& r, size_t i = 0) {
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value()[i] : ValueInfo{};
}

void ExpectError(const Expected<std::vector<ValueInfo>>& r, const std::string& fragment) {
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().rfind("node 'n' (", 0), 0u) << r.status().message();
}

// ---- unary, Clip, broadcast ----

TEST(InferElementwise, UnaryKeepsDTypeAndSymbolicShape) {
  const ValueInfo y = Out(InferOneNode(OpKind::kSigmoid, {Info(DType::kF16, Shape{kBatch, 3})}));
  EXPECT_EQ(y.dtype, DType::kF16);
  EXPECT_EQ(y.shape, (Shape{kBatch, 3}));
  EXPECT_TRUE(Out(InferOneNode(OpKind::kRelu, {Info(DType::kF32, Shape::UnknownRank())})).shape.unknown_rank());
}

TEST(InferElementwise, ClipBoundsAreOptionalScalarsOfXsDType) {
  const ValueInfo x = Info(DType::kF32, Shape{2, 3});
  EXPECT_EQ(Out(InferOneNode(OpKind::kClip, {x, Absent(), Info(DType::kF32, Shape{})})).shape, (Shape{2, 3}));
  ExpectError(InferOneNode(OpKind::kClip, {x, Info(DType::kF32, Shape{2})}), "scalar");
  ExpectError(InferOneNode(OpKind::kClip, {x, Info(DType::kF64, Shape{})}), "f64");
}

TEST(InferElementwise, BroadcastShapes) {
  const ValueInfo y =
      Out(InferOneNode(OpKind::kAdd, {Info(DType::kF32, Shape{kBatch, 3, 1}), Info(DType::kF32, Shape{4})}));
  EXPECT_EQ(y.dtype, DType::kF32);
  EXPECT_EQ(y.shape, (Shape{kBatch, 3, 4}));
  // An unnamed dynamic dim against a static one takes the static size.
  EXPECT_EQ(Out(InferOneNode(OpKind::kMul, {Info(DType::kF32, Shape{Dim(), 5}), Info(DType::kF32, Shape{7, 1})})).shape,
            (Shape{7, 5}));
  EXPECT_TRUE(Out(InferOneNode(OpKind::kSub, {Info(DType::kF32, Shape::UnknownRank()), Info(DType::kF32, Shape{3})}))
                  .shape.unknown_rank());
  ExpectError(InferOneNode(OpKind::kAdd, {Info(DType::kF32, Shape{2, 3}), Info(DType::kF32, Shape{4})}), "broadcast");
}

TEST(InferElementwise, VariadicBroadcastsEveryInput) {
  const ValueInfo y = Out(InferOneNode(
      OpKind::kSum, {Info(DType::kF32, Shape{2, 1, 1}), Info(DType::kF32, Shape{3, 1}), Info(DType::kF32, Shape{4})}));
  EXPECT_EQ(y.shape, (Shape{2, 3, 4}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kMax, {Info(DType::kI32, Shape{5})})).shape, (Shape{5}));
  ExpectError(InferOneNode(OpKind::kMean, {Info(DType::kF32, Shape{2}), Info(DType::kF64, Shape{2})}), "dtype");
}

TEST(InferElementwise, DTypesMustAgreeExceptForPowsExponent) {
  ExpectError(InferOneNode(OpKind::kAdd, {Info(DType::kF32, Shape{2}), Info(DType::kI32, Shape{2})}), "i32");
  ExpectError(InferOneNode(OpKind::kPRelu, {Info(DType::kF32, Shape{2}), Info(DType::kF16, Shape{2})}), "f16");
  // PRelu's slope broadcasts to X, never X to the slope.
  EXPECT_EQ(
      Out(InferOneNode(OpKind::kPRelu, {Info(DType::kF32, Shape{kBatch, 3, 5}), Info(DType::kF32, Shape{3, 1})})).shape,
      (Shape{kBatch, 3, 5}));
  ExpectError(InferOneNode(OpKind::kPRelu, {Info(DType::kF32, Shape{3}), Info(DType::kF32, Shape{2, 3})}), "slope");
  ExpectError(InferOneNode(OpKind::kPRelu, {Info(DType::kF32, Shape{1}), Info(DType::kF32, Shape{4})}), "slope");
  const ValueInfo p = Out(InferOneNode(OpKind::kPow, {Info(DType::kI32, Shape{3}), Info(DType::kF32, Shape{})}));
  EXPECT_EQ(p.dtype, DType::kI32);
  EXPECT_EQ(p.shape, (Shape{3}));
  ExpectError(InferOneNode(OpKind::kPow, {Info(DType::kF32, Shape{3}), Info(DType::kBool, Shape{})}), "bool");
}

// ---- comparisons, Where, Cast ----

TEST(InferElementwise, ComparisonsGiveBool) {
  const ValueInfo y =
      Out(InferOneNode(OpKind::kLess, {Info(DType::kF32, Shape{kBatch, 1}), Info(DType::kF32, Shape{3})}));
  EXPECT_EQ(y.dtype, DType::kBool);
  EXPECT_EQ(y.shape, (Shape{kBatch, 3}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kXor, {Info(DType::kBool, Shape{2}), Info(DType::kBool, Shape{})})).dtype,
            DType::kBool);
  ExpectError(InferOneNode(OpKind::kAnd, {Info(DType::kF32, Shape{2}), Info(DType::kF32, Shape{2})}), "bool");
  ExpectError(InferOneNode(OpKind::kEqual, {Info(DType::kI64, Shape{2}), Info(DType::kI32, Shape{2})}), "dtype");
}

TEST(InferElementwise, WhereBroadcastsThreeInputs) {
  const ValueInfo y = Out(InferOneNode(
      OpKind::kWhere, {Info(DType::kBool, Shape{2, 1}), Info(DType::kF16, Shape{1, 3}), Info(DType::kF16, Shape{})}));
  EXPECT_EQ(y.dtype, DType::kF16);
  EXPECT_EQ(y.shape, (Shape{2, 3}));
  ExpectError(InferOneNode(OpKind::kWhere,
                           {Info(DType::kF32, Shape{2}), Info(DType::kF32, Shape{2}), Info(DType::kF32, Shape{2})}),
              "bool");
  ExpectError(InferOneNode(OpKind::kWhere,
                           {Info(DType::kBool, Shape{2}), Info(DType::kF32, Shape{2}), Info(DType::kI64, Shape{2})}),
              "dtype");
  ExpectError(InferOneNode(OpKind::kWhere,
                           {Info(DType::kBool, Shape{5}), Info(DType::kF32, Shape{2}), Info(DType::kF32, Shape{2})}),
              "broadcast");
}

TEST(InferElementwise, CastTakesTheDTypeOfTo) {
  const ValueInfo y = Out(InferOneNode(OpKind::kCast, {Info(DType::kF32, Shape{kBatch, 2})}, Attr("to", int64_t{10})));
  EXPECT_EQ(y.dtype, DType::kF16);
  EXPECT_EQ(y.shape, (Shape{kBatch, 2}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kCast, {Info(DType::kF32, Shape{})}, Attr("to", int64_t{9}))).dtype, DType::kBool);
  ExpectError(InferOneNode(OpKind::kCast, {Info(DType::kF32, Shape{2})}), "'to'");
  ExpectError(InferOneNode(OpKind::kCast, {Info(DType::kF32, Shape{2})}, Attr("to", int64_t{8})), "8");
}

// ---- Softmax, Reduce, ArgMax, TopK ----

TEST(InferReduce, SoftmaxKeepsShapeAndChecksAxis) {
  EXPECT_EQ(Out(InferOneNode(OpKind::kSoftmax, {Info(DType::kF32, Shape{kBatch, 10})})).shape, (Shape{kBatch, 10}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kLogSoftmax, {Info(DType::kF32, Shape{2, 3})}, Attr("axis", int64_t{-2}))).shape,
            (Shape{2, 3}));
  ExpectError(InferOneNode(OpKind::kSoftmax, {Info(DType::kF32, Shape{2, 3})}, Attr("axis", int64_t{2})), "axis");
  EXPECT_TRUE(Out(InferOneNode(OpKind::kSoftmax, {Info(DType::kF32, Shape::UnknownRank())}, Attr("axis", int64_t{5})))
                  .shape.unknown_rank());
}

struct Axes {
  explicit Axes(std::vector<int64_t> v)
      : tensor(Tensor::FromVector<int64_t>(DType::kI64, {static_cast<int64_t>(v.size())}, v)), view(tensor.view()) {}
  ValueInfo info() const { return Info(DType::kI64, tensor.shape(), &view); }
  Tensor tensor;
  TensorView view;
};

TEST(InferReduce, KnownAxes) {
  const ValueInfo x = Info(DType::kF32, Shape{kBatch, 3, 4});
  const Axes last({-1}), two({0, 2});
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceMean, {x, last.info()})).shape, (Shape{kBatch, 3, 1}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceMean, {x, last.info()}, Attr("keepdims", int64_t{0}))).shape,
            (Shape{kBatch, 3}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceSum, {x, two.info()}, Attr("keepdims", int64_t{0}))).shape, (Shape{3}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceMax, {x, two.info()})).dtype, DType::kF32);
}

TEST(InferReduce, NoAxesReducesAllOrIsANoop) {
  const ValueInfo x = Info(DType::kF32, Shape{kBatch, 3});
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceSum, {x})).shape, (Shape{1, 1}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceSum, {x}, Attr("keepdims", int64_t{0}))).shape, Shape{});
  const Axes none({});
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceL2, {x, none.info()}, Attr("noop_with_empty_axes", int64_t{1}))).shape,
            (Shape{kBatch, 3}));
  // Axes whose value is unknown but whose shape says empty are known to be empty.
  EXPECT_EQ(
      Out(InferOneNode(OpKind::kReduceL2, {x, Info(DType::kI64, Shape{0})}, Attr("noop_with_empty_axes", int64_t{1})))
          .shape,
      (Shape{kBatch, 3}));
}

TEST(InferReduce, UnknownAxesKeepWhatCanBeKnown) {
  const ValueInfo x = Info(DType::kF32, Shape{kBatch, 1, 4});
  const ValueInfo axes_of_two = Info(DType::kI64, Shape{2});
  // keepdims: same rank; a dim of size 1 stays 1 whether reduced or not.
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceSum, {x, axes_of_two})).shape, (Shape{Dim(), 1, Dim()}));
  // no keepdims: the rank drops by the number of axes, when that is known.
  EXPECT_EQ(Out(InferOneNode(OpKind::kReduceSum, {x, axes_of_two}, Attr("keepdims", int64_t{0}))).shape,
            (Shape{Dim()}));
  EXPECT_TRUE(Out(InferOneNode(OpKind::kReduceSum, {x, Info(DType::kI64, Shape{Dim()})}, Attr("keepdims", int64_t{0})))
                  .shape.unknown_rank());
  EXPECT_TRUE(Out(InferOneNode(OpKind::kReduceSum, {Info(DType::kF32, Shape::UnknownRank())})).shape.unknown_rank());
}

TEST(InferReduce, BadAxesAreErrors) {
  const ValueInfo x = Info(DType::kF32, Shape{2, 3});
  const Axes dup({1, -1}), far({2});
  ExpectError(InferOneNode(OpKind::kReduceSum, {x, dup.info()}), "twice");
  ExpectError(InferOneNode(OpKind::kReduceSum, {x, far.info()}), "out of range");
  ExpectError(InferOneNode(OpKind::kReduceSum, {x, Info(DType::kI32, Shape{1})}), "i64");
}

TEST(InferReduce, ArgMaxGivesI64) {
  const ValueInfo x = Info(DType::kF16, Shape{kBatch, 7});
  const ValueInfo kept = Out(InferOneNode(OpKind::kArgMax, {x}, Attr("axis", int64_t{1})));
  EXPECT_EQ(kept.dtype, DType::kI64);
  EXPECT_EQ(kept.shape, (Shape{kBatch, 1}));
  Attributes a = Attr("axis", int64_t{-1});
  a.set("keepdims", int64_t{0});
  EXPECT_EQ(Out(InferOneNode(OpKind::kArgMin, {x}, a)).shape, (Shape{kBatch}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kArgMin, {x})).shape, (Shape{1, 7}));  // default axis 0
  ExpectError(InferOneNode(OpKind::kArgMax, {x}, Attr("axis", int64_t{2})), "axis");
}

TEST(InferReduce, TopK) {
  const ValueInfo x = Info(DType::kF32, Shape{kBatch, 10});
  const Axes k3({3});  // the same i64[1] layout as K
  auto r = InferOneNode(OpKind::kTopK, {x, k3.info()}, {}, 2);
  EXPECT_EQ(Out(r, 0).dtype, DType::kF32);
  EXPECT_EQ(Out(r, 0).shape, (Shape{kBatch, 3}));
  EXPECT_EQ(Out(r, 1).dtype, DType::kI64);
  EXPECT_EQ(Out(r, 1).shape, (Shape{kBatch, 3}));
  EXPECT_EQ(Out(InferOneNode(OpKind::kTopK, {x, k3.info()}, Attr("axis", int64_t{0}), 2)).shape, (Shape{3, 10}));
  // Unknown K: the axis's size is unknown.
  EXPECT_EQ(Out(InferOneNode(OpKind::kTopK, {x, Info(DType::kI64, Shape{1})}, {}, 2)).shape, (Shape{kBatch, Dim()}));
  const Axes k11({11}), negative({-1});
  ExpectError(InferOneNode(OpKind::kTopK, {x, k11.info()}, {}, 2), "exceeds");
  ExpectError(InferOneNode(OpKind::kTopK, {x, negative.info()}, {}, 2), "negative");
  ExpectError(InferOneNode(OpKind::kTopK, {x, Info(DType::kF32, Shape{1})}, {}, 2), "i64");
  ExpectError(InferOneNode(OpKind::kTopK, {x, Info(DType::kI64, Shape{2})}, {}, 2), "one value");
}

}  // namespace
}  // namespace mrt
