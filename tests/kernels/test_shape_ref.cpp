// Reference kernels that keep bytes (Identity, Dropout, Flatten, Reshape, Squeeze, Unsqueeze)
// or generate them (Shape, ConstantOfShape, Range), run as single-node graphs. Expected values
// are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>

#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attr;
using testing::ExpectError;
using testing::F32;
using testing::I64;
using testing::I64s;
using testing::Iota;
using testing::RunSingleOp;

TEST(IdentityRef, CopiesEveryDtypeExactly) {
  const int64_t big = (int64_t{1} << 53) + 1;  // not representable as double: must be copied, not converted
  MRT_RUN_OK(out, OpKind::kIdentity, {I64({2}, {big, -7})}, {});
  EXPECT_EQ(out[0].ToInt64Vector(), (std::vector<int64_t>{big, -7}));
  Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {3}, {1, 0, 1});
  MRT_RUN_OK(outb, OpKind::kIdentity, {b}, {});
  EXPECT_EQ(outb[0].dtype(), DType::kBool);
  EXPECT_EQ(outb[0].ToInt64Vector(), (std::vector<int64_t>{1, 0, 1}));
}

TEST(DropoutRef, InferenceIsIdentityWithTrueMask) {
  const Tensor x = F32({2, 3}, {1, -2, 3, -4, 5, -6});
  MRT_RUN_OK(out, OpKind::kDropout, {x, Tensor::Scalar(0.3f)}, {}, 2);
  EXPECT_TRUE(AllClose(out[0], x, 0, 0));
  EXPECT_EQ(out[1].dtype(), DType::kBool);
  EXPECT_EQ(out[1].sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(out[1].ToInt64Vector(), (std::vector<int64_t>(6, 1)));
}

TEST(DropoutRef, TrainingModeOnlyWithZeroRatio) {
  const Tensor x = F32({3}, {1, 2, 3});
  const Tensor yes = Tensor::FromVector<uint8_t>(DType::kBool, {}, {1});
  const Tensor no = Tensor::FromVector<uint8_t>(DType::kBool, {}, {0});
  MRT_RUN_OK(zero, OpKind::kDropout, {x, Tensor::Scalar(0.f), yes}, {});
  EXPECT_TRUE(AllClose(zero[0], x, 0, 0));
  MRT_RUN_OK(off, OpKind::kDropout, {x, Tensor::Scalar(0.5f), no}, {});
  EXPECT_TRUE(AllClose(off[0], x, 0, 0));
  ExpectError(OpKind::kDropout, {x, Tensor::Scalar(0.5f), yes}, {}, "training_mode");
  ExpectError(OpKind::kDropout, {x, Tensor(), yes}, {}, "ratio 0.5");  // absent ratio defaults to 0.5
}

TEST(FlattenRef, AxisSplitsTheDims) {
  const Tensor x = Iota(DType::kF32, {2, 3, 4});
  struct Case {
    int64_t axis;
    std::vector<int64_t> sizes;
  };
  for (const Case& c : {Case{1, {2, 12}}, Case{0, {1, 24}}, Case{-1, {6, 4}}, Case{3, {24, 1}}, Case{-3, {1, 24}}}) {
    MRT_RUN_OK(out, OpKind::kFlatten, {x}, Attr("axis", c.axis));
    EXPECT_EQ(out[0].sizes(), c.sizes) << "axis " << c.axis;
    EXPECT_EQ(out[0].ToFloatVector(), x.ToFloatVector());
  }
  MRT_RUN_OK(dflt, OpKind::kFlatten, {x}, {});  // default axis 1
  EXPECT_EQ(dflt[0].sizes(), (std::vector<int64_t>{2, 12}));
  ExpectError(OpKind::kFlatten, {x}, Attr("axis", int64_t{4}), "out of range");
}

TEST(ReshapeRef, ZeroCopiesAndMinusOneInfers) {
  const Tensor x = Iota(DType::kI32, {2, 3, 4});
  MRT_RUN_OK(a, OpKind::kReshape, {x, I64s({0, -1})}, {});
  EXPECT_EQ(a[0].sizes(), (std::vector<int64_t>{2, 12}));
  EXPECT_EQ(a[0].ToInt64Vector(), x.ToInt64Vector());
  MRT_RUN_OK(b, OpKind::kReshape, {x, I64s({-1, 3})}, {});
  EXPECT_EQ(b[0].sizes(), (std::vector<int64_t>{8, 3}));
  MRT_RUN_OK(c, OpKind::kReshape, {x, I64s({2, 0, 1, -1})}, {});  // 0 copies dim 1 (3); -1 = 24 / 6
  EXPECT_EQ(c[0].sizes(), (std::vector<int64_t>{2, 3, 1, 4}));
  MRT_RUN_OK(d, OpKind::kReshape, {x, I64s({24})}, {});
  EXPECT_EQ(d[0].sizes(), (std::vector<int64_t>{24}));
}

TEST(ReshapeRef, AllowZeroMakesZeroADim) {
  const Tensor empty(DType::kF32, {0, 3, 4});
  MRT_RUN_OK(a, OpKind::kReshape, {empty, I64s({3, 4, 0})}, Attr("allowzero", int64_t{1}));
  EXPECT_EQ(a[0].sizes(), (std::vector<int64_t>{3, 4, 0}));
  // Without allowzero the 0 at index 2 copies the input's dim 2 (4): 3*4*4 != 0 elements.
  ExpectError(OpKind::kReshape, {empty, I64s({3, 4, 0})}, {}, "cannot reshape");
  ExpectError(OpKind::kReshape, {empty, I64s({0, -1})}, Attr("allowzero", int64_t{1}), "ambiguous");
}

TEST(ReshapeRef, Errors) {
  const Tensor x = Iota(DType::kF32, {2, 3, 4});
  ExpectError(OpKind::kReshape, {x, I64s({-1, -1})}, {}, "more than one -1");
  ExpectError(OpKind::kReshape, {x, I64s({5, -1})}, {}, "do not divide");
  ExpectError(OpKind::kReshape, {x, I64s({5, 5})}, {}, "cannot reshape");
  ExpectError(OpKind::kReshape, {x, I64s({-2, 12})}, {}, "invalid dim -2");
  ExpectError(OpKind::kReshape, {x, I64s({1, 1, 1, 0})}, {}, "has rank 3");
}

TEST(SqueezeRef, AxesOrEveryOne) {
  const Tensor x = Iota(DType::kF16, {1, 3, 1, 2});
  MRT_RUN_OK(all, OpKind::kSqueeze, {x}, {});
  EXPECT_EQ(all[0].sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(all[0].ToFloatVector(), x.ToFloatVector());
  MRT_RUN_OK(neg, OpKind::kSqueeze, {x, I64s({-2})}, {});
  EXPECT_EQ(neg[0].sizes(), (std::vector<int64_t>{1, 3, 2}));
  ExpectError(OpKind::kSqueeze, {x, I64s({1})}, {}, "axis 1 of size 3");
  ExpectError(OpKind::kSqueeze, {x, I64s({0, -4})}, {}, "twice");
}

TEST(UnsqueezeRef, AxesCountInTheOutputRank) {
  const Tensor x = Iota(DType::kF32, {3, 4});
  MRT_RUN_OK(a, OpKind::kUnsqueeze, {x, I64s({0, 3})}, {});
  EXPECT_EQ(a[0].sizes(), (std::vector<int64_t>{1, 3, 4, 1}));
  MRT_RUN_OK(b, OpKind::kUnsqueeze, {x, I64s({-1})}, {});  // -1 of output rank 3 is axis 2
  EXPECT_EQ(b[0].sizes(), (std::vector<int64_t>{3, 4, 1}));
  MRT_RUN_OK(c, OpKind::kUnsqueeze, {x, I64s({3, 1})}, {});  // unsorted axes
  EXPECT_EQ(c[0].sizes(), (std::vector<int64_t>{3, 1, 4, 1}));
  EXPECT_EQ(c[0].ToFloatVector(), x.ToFloatVector());
  ExpectError(OpKind::kUnsqueeze, {x, I64s({1, 1})}, {}, "twice");
  ExpectError(OpKind::kUnsqueeze, {x, I64s({4})}, {}, "out of range");
}

TEST(ShapeRef, StartAndEndSliceTheDims) {
  const Tensor x(DType::kF32, {2, 3, 4, 5});
  MRT_RUN_OK(all, OpKind::kShape, {x}, {});
  EXPECT_EQ(all[0].dtype(), DType::kI64);
  EXPECT_EQ(all[0].ToInt64Vector(), (std::vector<int64_t>{2, 3, 4, 5}));
  Attributes a;
  a.set("start", int64_t{1});
  a.set("end", int64_t{-1});
  MRT_RUN_OK(mid, OpKind::kShape, {x}, a);
  EXPECT_EQ(mid[0].ToInt64Vector(), (std::vector<int64_t>{3, 4}));
  a.set("start", int64_t{-10});
  a.set("end", int64_t{10});  // both clamp to the rank
  MRT_RUN_OK(clamped, OpKind::kShape, {x}, a);
  EXPECT_EQ(clamped[0].ToInt64Vector(), (std::vector<int64_t>{2, 3, 4, 5}));
  a.set("start", int64_t{3});
  a.set("end", int64_t{1});
  MRT_RUN_OK(empty, OpKind::kShape, {x}, a);
  EXPECT_EQ(empty[0].sizes(), (std::vector<int64_t>{0}));
  MRT_RUN_OK(scalar, OpKind::kShape, {Tensor::Scalar(1.f)}, {});
  EXPECT_EQ(scalar[0].sizes(), (std::vector<int64_t>{0}));
}

TEST(ConstantOfShapeRef, ValueAttributeSetsDtypeAndFill) {
  MRT_RUN_OK(dflt, OpKind::kConstantOfShape, {I64s({2, 3})}, {});
  EXPECT_TRUE(AllClose(dflt[0], Tensor(DType::kF32, {2, 3}), 0, 0));  // f32 zeros
  const int64_t big = (int64_t{1} << 60) + 3;
  auto value = std::make_shared<const Tensor>(I64({1}, {big}));
  MRT_RUN_OK(i64, OpKind::kConstantOfShape, {I64s({3})}, Attr("value", value));
  EXPECT_EQ(i64[0].ToInt64Vector(), (std::vector<int64_t>{big, big, big}));
  auto half = std::make_shared<const Tensor>(Tensor::FromVector(DType::kF16, {1}, std::vector<uint16_t>{0x3C00}));
  MRT_RUN_OK(f16, OpKind::kConstantOfShape, {I64s({2, 1})}, Attr("value", half));  // 0x3C00 is 1.0
  EXPECT_EQ(f16[0].dtype(), DType::kF16);
  EXPECT_EQ(f16[0].ToFloatVector(), (std::vector<float>{1, 1}));
  MRT_RUN_OK(scalar, OpKind::kConstantOfShape, {I64({0}, {})}, Attr("value", value));  // empty shape: a scalar
  EXPECT_EQ(scalar[0].rank(), 0u);
  EXPECT_EQ(scalar[0].ToInt64Vector(), (std::vector<int64_t>{big}));
  MRT_RUN_OK(zero, OpKind::kConstantOfShape, {I64s({0})}, {});
  EXPECT_EQ(zero[0].numel(), 0);
}

TEST(ConstantOfShapeRef, Errors) {
  ExpectError(OpKind::kConstantOfShape, {I64s({2, -1})}, {}, "negative");
  auto two = std::make_shared<const Tensor>(F32({2}, {1, 2}));
  ExpectError(OpKind::kConstantOfShape, {I64s({2})}, Attr("value", two), "exactly one element");
}

TEST(RangeRef, FloatAndIntegerSequences) {
  MRT_RUN_OK(f, OpKind::kRange, {Tensor::Scalar(1.f), Tensor::Scalar(5.f), Tensor::Scalar(2.f)}, {});
  EXPECT_TRUE(AllClose(f[0], F32({2}, {1, 3})));
  auto i32 = [](int32_t v) { return Tensor::FromVector<int32_t>(DType::kI32, {}, {v}); };
  MRT_RUN_OK(down, OpKind::kRange, {i32(10), i32(6), i32(-3)}, {});  // ceil(-4 / -3) = 2: 10, 7
  EXPECT_EQ(down[0].dtype(), DType::kI32);
  EXPECT_EQ(down[0].ToInt64Vector(), (std::vector<int64_t>{10, 7}));
  auto f64 = [](double v) { return Tensor::FromVector<double>(DType::kF64, {}, {v}); };
  MRT_RUN_OK(d, OpKind::kRange, {f64(0), f64(1), f64(0.3)}, {});  // ceil(3.33) = 4
  EXPECT_TRUE(AllClose(d[0], Tensor::FromVector<double>(DType::kF64, {4}, {0, 0.3, 0.6, 0.9}), 1e-12, 1e-12));
  auto i64 = [](int64_t v) { return I64({}, {v}); };
  const int64_t base = int64_t{1} << 55;  // exact only in integer arithmetic
  MRT_RUN_OK(big, OpKind::kRange, {i64(base), i64(base + 3), i64(1)}, {});
  EXPECT_EQ(big[0].ToInt64Vector(), (std::vector<int64_t>{base, base + 1, base + 2}));
  MRT_RUN_OK(none, OpKind::kRange, {i64(5), i64(1), i64(1)}, {});
  EXPECT_EQ(none[0].sizes(), (std::vector<int64_t>{0}));
}

TEST(RangeRef, Errors) {
  ExpectError(OpKind::kRange, {Tensor::Scalar(0.f), Tensor::Scalar(5.f), Tensor::Scalar(0.f)}, {}, "delta is 0");
  ExpectError(OpKind::kRange, {Tensor::Scalar(0.f), I64({}, {5}), Tensor::Scalar(1.f)}, {}, "one dtype");
  ExpectError(OpKind::kRange, {F32({2}, {0, 1}), Tensor::Scalar(5.f), Tensor::Scalar(1.f)}, {}, "scalar");
}

}  // namespace
}  // namespace mrt
