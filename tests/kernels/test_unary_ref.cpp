// Unary elementwise reference kernels against values computed by hand (or with a calculator
// from the formula in unary_ref.cpp), for every op, attribute and dtype family.
#include <cmath>
#include <limits>
#include <numbers>

#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor Make(DType dtype, std::vector<int64_t> sizes, const std::vector<double>& values) {
  Tensor t(dtype, std::move(sizes));
  for (size_t i = 0; i < values.size(); ++i) StoreFromDouble(t.view(), static_cast<int64_t>(i), values[i]);
  return t;
}
Tensor Vec(DType dtype, const std::vector<double>& values) {
  return Make(dtype, {static_cast<int64_t>(values.size())}, values);
}
Tensor F32(const std::vector<double>& values) { return Vec(DType::kF32, values); }

Tensor RunOp(OpKind op, const Tensor& x, const Attributes& attrs = {}) {
  auto r = testing::RunSingleOp(op, {x}, attrs);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value()[0] : Tensor();
}

Status RunStatus(OpKind op, const Tensor& x, const Attributes& attrs = {}) {
  return testing::RunSingleOp(op, {x}, attrs).status();
}

Attributes Alpha(float alpha) {
  Attributes a;
  a.set("alpha", alpha);
  return a;
}

TEST(UnaryRef, Relu) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kRelu, F32({-2, -0.5, 0, 1.5, kNaN})), F32({0, 0, 0, 1.5, kNaN})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kRelu, Vec(DType::kI32, {-3, 0, 7})), Vec(DType::kI32, {0, 0, 7})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kRelu, Vec(DType::kI8, {-128, 127})), Vec(DType::kI8, {0, 127})));
}

TEST(UnaryRef, LeakyReluDefaultAndAlpha) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kLeakyRelu, F32({-2, 3})), F32({-0.02, 3})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kLeakyRelu, F32({-2, 3}), Alpha(0.5f)), F32({-1, 3})));
}

TEST(UnaryRef, Elu) {
  // e^-1 - 1 = -0.6321205588
  EXPECT_TRUE(AllClose(RunOp(OpKind::kElu, F32({-1, 2})), F32({-0.6321205588, 2})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kElu, F32({-1, 2}), Alpha(2)), F32({-1.2642411177, 2})));
}

TEST(UnaryRef, Selu) {
  // gamma * alpha * (e^-1 - 1) = 1.0507009874 * 1.6732632424 * -0.6321205588 = -1.1113307378
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSelu, F32({-1, 2, 0})), F32({-1.1113307378, 2.1014019747, 0})));
  Attributes a;
  a.set("alpha", 2.0f);
  a.set("gamma", 3.0f);
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSelu, F32({-1, 2}), a), F32({3 * 2 * -0.6321205588, 6})));
}

TEST(UnaryRef, Celu) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kCelu, F32({-1, 3})), F32({-0.6321205588, 3})));
  // alpha 2: 2 * (e^-0.5 - 1) = -0.7869386806
  EXPECT_TRUE(AllClose(RunOp(OpKind::kCelu, F32({-1, 3}), Alpha(2)), F32({-0.7869386806, 3})));
  EXPECT_FALSE(RunStatus(OpKind::kCelu, F32({1}), Alpha(0)).ok());
}

TEST(UnaryRef, ThresholdedRelu) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kThresholdedRelu, F32({0.5, 1, 1.5, -3})), F32({0, 0, 1.5, 0})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kThresholdedRelu, F32({0.5, 1, 0.1}), Alpha(0.2f)), F32({0.5, 1, 0})));
}

TEST(UnaryRef, SigmoidIsStableForLargeMagnitudes) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSigmoid, F32({0, 2, -2, -20, 100, -200})),
                       F32({0.5, 0.8807970780, 0.1192029220, 2.0611536e-9, 1, 0}), 1e-5, 1e-12));
}

TEST(UnaryRef, HardSigmoidAndHardSwish) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kHardSigmoid, F32({1, -3, 3, kNaN})), F32({0.7, 0, 1, kNaN})));
  Attributes a;
  a.set("alpha", 0.5f);
  a.set("beta", 0.25f);
  EXPECT_TRUE(AllClose(RunOp(OpKind::kHardSigmoid, F32({1, -1}), a), F32({0.75, 0})));
  // x * clamp(x/6 + 0.5, 0, 1)
  EXPECT_TRUE(AllClose(RunOp(OpKind::kHardSwish, F32({-4, -1, 1, 4})), F32({0, -1.0 / 3, 2.0 / 3, 4})));
}

TEST(UnaryRef, TanhErfSoftsign) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kTanh, F32({0.5, -2})), F32({0.4621171573, -0.9640275801})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kErf, F32({0.5, -1, 0})), F32({0.5204998778, -0.8427007929, 0})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSoftsign, F32({3, -1})), F32({0.75, -0.5})));
}

TEST(UnaryRef, SoftplusAndMishDoNotOverflow) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSoftplus, F32({0, 1, 100, -100})), F32({0.6931471806, 1.3132616875, 100, 0}),
                       1e-6, 1e-30));
  // mish(1) = tanh(1.3132616875) = 0.8650983883; mish(-1) = -tanh(0.3132616875) = -0.3034014614
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMish, F32({1, -1, 100, 0})), F32({0.8650983883, -0.3034014614, 100, 0})));
}

TEST(UnaryRef, ExpLogSqrtReciprocal) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kExp, F32({0, 1, -1})), F32({1, 2.7182818285, 0.3678794412})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kLog, F32({1, 2.7182818285, -1, 0})),
                       F32({0, 1, kNaN, -std::numeric_limits<double>::infinity()})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSqrt, F32({4, 2, 0})), F32({2, 1.4142135624, 0})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kReciprocal, F32({4, -0.5})), F32({0.25, -2})));
}

TEST(UnaryRef, FloorCeilRoundHalfToEven) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kFloor, F32({-1.5, 1.5, 2})), F32({-2, 1, 2})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kCeil, F32({-1.5, 1.5, 2})), F32({-1, 2, 2})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kRound, F32({0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, -2.6})),
                       F32({0, 2, 2, 0, -2, 2, 3, -3})));
}

TEST(UnaryRef, NegAbsSignOnFloatsAndIntegers) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kNeg, F32({1.5, -2})), F32({-1.5, 2})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAbs, F32({1.5, -2})), F32({1.5, 2})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSign, F32({-3, 0, 2})), F32({-1, 0, 1})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kNeg, Vec(DType::kI64, {5, -7})), Vec(DType::kI64, {-5, 7})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAbs, Vec(DType::kI32, {-5, 7})), Vec(DType::kI32, {5, 7})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSign, Vec(DType::kI8, {-5, 0, 9})), Vec(DType::kI8, {-1, 0, 1})));
  // Two's complement wrap: -(-128) and |-128| stay -128 in i8.
  EXPECT_TRUE(AllClose(RunOp(OpKind::kNeg, Vec(DType::kI8, {-128})), Vec(DType::kI8, {-128})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAbs, Vec(DType::kI8, {-128})), Vec(DType::kI8, {-128})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAbs, Vec(DType::kU8, {200})), Vec(DType::kU8, {200})));
}

TEST(UnaryRef, SinCos) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSin, F32({0, std::numbers::pi / 2, 1})), F32({0, 1, 0.8414709848}), 1e-5, 1e-6));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kCos, F32({0, std::numbers::pi, 1})), F32({1, -1, 0.5403023059})));
}

TEST(UnaryRef, NotOnBools) {
  EXPECT_TRUE(AllClose(RunOp(OpKind::kNot, Vec(DType::kBool, {1, 0, 0, 1})), Vec(DType::kBool, {0, 1, 1, 0})));
}

TEST(UnaryRef, HalfAndBFloat16ComputeInFloatAndRound) {
  // f16: 1/3 rounds to 0.333251953125 (the nearest f16).
  Tensor r = RunOp(OpKind::kReciprocal, Vec(DType::kF16, {3, 4}));
  ASSERT_EQ(r.dtype(), DType::kF16);
  EXPECT_EQ(r.ElementAsDouble(0), 0.333251953125);
  EXPECT_EQ(r.ElementAsDouble(1), 0.25);
  Tensor s = RunOp(OpKind::kSigmoid, Vec(DType::kF16, {0, 2}));
  EXPECT_TRUE(AllClose(s, Vec(DType::kF16, {0.5, 0.8807970780}), 1e-3, 0));
  // bf16 has 8 significant bits: tanh(0.5) = 0.46211... rounds to 0.462890625.
  Tensor t = RunOp(OpKind::kTanh, Vec(DType::kBF16, {0.5}));
  ASSERT_EQ(t.dtype(), DType::kBF16);
  EXPECT_EQ(t.ElementAsDouble(0), 0.462890625);
}

TEST(UnaryRef, DoubleComputesInDouble) {
  Tensor r = RunOp(OpKind::kExp, Vec(DType::kF64, {1}));
  ASSERT_EQ(r.dtype(), DType::kF64);
  EXPECT_EQ(r.ElementAsDouble(0), std::exp(1.0));  // a float computation would miss by ~1e-8
  Tensor s = RunOp(OpKind::kSqrt, Vec(DType::kF64, {2}));
  EXPECT_EQ(s.ElementAsDouble(0), std::sqrt(2.0));
}

TEST(UnaryRef, KeepsShapeOfMultiDimInputsAndLargeTensors) {
  const Tensor x = testing::RandomTensor(DType::kF32, {3, 257, 101}, 7, -2, 2);  // > one parallel chunk
  const Tensor y = RunOp(OpKind::kRelu, x);
  ASSERT_EQ(y.sizes(), x.sizes());
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double v = x.ElementAsDouble(i);
    ASSERT_EQ(y.ElementAsDouble(i), v < 0 ? 0.0 : v) << i;
  }
  EXPECT_EQ(RunOp(OpKind::kNeg, Make(DType::kF32, {}, {3})).ElementAsDouble(0), -3);  // a scalar
  EXPECT_EQ(RunOp(OpKind::kNeg, Make(DType::kF32, {0, 4}, {})).numel(), 0);           // an empty tensor
}

TEST(UnaryRef, UnsupportedDTypesAreErrors) {
  const Status not_float = RunStatus(OpKind::kNot, F32({1}));
  EXPECT_FALSE(not_float.ok());
  EXPECT_NE(not_float.message().find("f32"), std::string::npos) << not_float.message();
  EXPECT_FALSE(RunStatus(OpKind::kSigmoid, Vec(DType::kI32, {1})).ok());
  EXPECT_FALSE(RunStatus(OpKind::kFloor, Vec(DType::kI64, {1})).ok());
  EXPECT_FALSE(RunStatus(OpKind::kRelu, Vec(DType::kBool, {1})).ok());
}

}  // namespace
}  // namespace mrt
