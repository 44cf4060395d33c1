// Cast reference kernel: rounding, truncation, saturation and wrapping between every dtype
// family, checked against values worked out by hand.
#include <cmath>
#include <limits>

#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ONNX TensorProto codes.
constexpr int64_t kOnnxF32 = 1, kOnnxU8 = 2, kOnnxI8 = 3, kOnnxI32 = 6, kOnnxI64 = 7, kOnnxString = 8, kOnnxBool = 9,
                  kOnnxF16 = 10, kOnnxF64 = 11, kOnnxBF16 = 16;

Tensor Vec(DType dtype, const std::vector<double>& values) {
  Tensor t(dtype, {static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) StoreFromDouble(t.view(), static_cast<int64_t>(i), values[i]);
  return t;
}

Attributes To(int64_t onnx_type) {
  Attributes a;
  a.set("to", onnx_type);
  return a;
}

Tensor Cast(const Tensor& x, int64_t to) {
  auto r = testing::RunSingleOp(OpKind::kCast, {x}, To(to));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value()[0] : Tensor();
}

TEST(CastRef, FloatToHalfRoundsToNearestEven) {
  // 0.1 -> 0.0999755859375 (nearest f16); 65520 is halfway between 65504 and 2^16 -> ties to even = inf.
  const Tensor y = Cast(Vec(DType::kF32, {1, 0.1, 65520, -2.5, kNaN}), kOnnxF16);
  ASSERT_EQ(y.dtype(), DType::kF16);
  EXPECT_EQ(y.ElementAsDouble(0), 1.0);
  EXPECT_EQ(y.ElementAsDouble(1), 0.0999755859375);
  EXPECT_EQ(y.ElementAsDouble(2), kInf);
  EXPECT_EQ(y.ElementAsDouble(3), -2.5);
  EXPECT_TRUE(std::isnan(y.ElementAsDouble(4)));
}

TEST(CastRef, HalfAndBFloat16WidenExactly) {
  EXPECT_TRUE(
      AllClose(Cast(Vec(DType::kF16, {0.0999755859375, -3}), kOnnxF32), Vec(DType::kF32, {0.0999755859375, -3}), 0, 0));
  EXPECT_TRUE(AllClose(Cast(Vec(DType::kBF16, {1.5, -256}), kOnnxF64), Vec(DType::kF64, {1.5, -256}), 0, 0));
  // 257 is halfway between the bf16 neighbours 256 and 258: ties to even give 256.
  EXPECT_EQ(Cast(Vec(DType::kI32, {257}), kOnnxBF16).ElementAsDouble(0), 256.0);
}

TEST(CastRef, DoubleToFloatRounds) {
  const Tensor y = Cast(Vec(DType::kF64, {0.1, 1e300}), kOnnxF32);
  ASSERT_EQ(y.dtype(), DType::kF32);
  EXPECT_EQ(y.data<float>()[0], 0.1f);
  EXPECT_EQ(y.data<float>()[1], std::numeric_limits<float>::infinity());
}

TEST(CastRef, FloatToIntTruncatesAndSaturates) {
  const Tensor y = Cast(Vec(DType::kF32, {2.7, -2.7, 1e10, -1e10, kNaN}), kOnnxI32);
  ASSERT_EQ(y.dtype(), DType::kI32);
  EXPECT_EQ(std::vector<int64_t>(y.ToInt64Vector()),
            (std::vector<int64_t>{2, -2, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(), 0}));
  EXPECT_EQ(Cast(Vec(DType::kF32, {-1, 300, 7.9}), kOnnxU8).ToInt64Vector(), (std::vector<int64_t>{0, 255, 7}));
}

TEST(CastRef, IntToIntWrapsAndStaysExact) {
  const Tensor big = Tensor::FromVector<int64_t>(DType::kI64, {2}, {(1LL << 32) + 5, (1LL << 60) + 1});
  EXPECT_EQ(Cast(big, kOnnxI32).ToInt64Vector()[0], 5);
  EXPECT_EQ(Cast(big, kOnnxI64).data<int64_t>()[1], (1LL << 60) + 1);  // no trip through double
  EXPECT_EQ(Cast(Vec(DType::kI32, {200, -1}), kOnnxI8).ToInt64Vector(), (std::vector<int64_t>{-56, -1}));
  EXPECT_EQ(Cast(Vec(DType::kI8, {-1}), kOnnxU8).ToInt64Vector(), (std::vector<int64_t>{255}));
  EXPECT_EQ(Cast(Vec(DType::kU8, {255}), kOnnxI64).ToInt64Vector(), (std::vector<int64_t>{255}));
}

TEST(CastRef, BoolConversions) {
  EXPECT_EQ(Cast(Vec(DType::kF32, {0, -0.0, 2, kNaN, -0.5}), kOnnxBool).ToInt64Vector(),
            (std::vector<int64_t>{0, 0, 1, 1, 1}));
  EXPECT_EQ(Cast(Vec(DType::kI64, {0, -7}), kOnnxBool).ToInt64Vector(), (std::vector<int64_t>{0, 1}));
  EXPECT_TRUE(AllClose(Cast(Vec(DType::kBool, {1, 0}), kOnnxF32), Vec(DType::kF32, {1, 0})));
  EXPECT_TRUE(AllClose(Cast(Vec(DType::kBool, {1, 0}), kOnnxI64), Vec(DType::kI64, {1, 0})));
}

TEST(CastRef, IntToFloatAndShapeKept) {
  Tensor x(DType::kI64, {2, 3});
  for (int64_t i = 0; i < 6; ++i) x.data<int64_t>()[i] = i - 3;
  const Tensor y = Cast(x, kOnnxF32);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(AllClose(y, [] {
    Tensor e(DType::kF32, {2, 3});
    for (int64_t i = 0; i < 6; ++i) e.data<float>()[i] = static_cast<float>(i - 3);
    return e;
  }()));
  EXPECT_EQ(Cast(Vec(DType::kF64, {1.25}), kOnnxF64).ElementAsDouble(0), 1.25);  // same dtype: a copy
}

TEST(CastRef, BadTargetsAreErrors) {
  const Tensor x = Vec(DType::kF32, {1});
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kCast, {x}, {}).ok());  // `to` is required
  const Status s = testing::RunSingleOp(OpKind::kCast, {x}, To(kOnnxString)).status();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("8"), std::string::npos) << s.message();
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kCast, {x}, To(999)).ok());
}

}  // namespace
}  // namespace mrt
