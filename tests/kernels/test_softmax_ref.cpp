// Softmax and LogSoftmax reference kernels against values computed by hand:
// softmax([1,2,3]) = [e^-2, e^-1, 1] / 1.5032147244 = [0.0900305732, 0.2447284711, 0.6652409558],
// log-softmax([1,2,3]) = [-2,-1,0] - ln(1.5032147244) = [-2.4076059645, -1.4076059645, -0.4076059645].
#include <cmath>

#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;

Tensor Make(DType dtype, std::vector<int64_t> sizes, const std::vector<double>& values) {
  Tensor t(dtype, std::move(sizes));
  for (size_t i = 0; i < values.size(); ++i) StoreFromDouble(t.view(), static_cast<int64_t>(i), values[i]);
  return t;
}
Tensor F32(std::vector<int64_t> sizes, const std::vector<double>& values) {
  return Make(DType::kF32, std::move(sizes), values);
}

Attributes Axis(int64_t axis) {
  Attributes a;
  a.set("axis", axis);
  return a;
}

Tensor RunOp(OpKind op, const Tensor& x, const Attributes& attrs = {}) {
  auto r = testing::RunSingleOp(op, {x}, attrs);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value()[0] : Tensor();
}

const std::vector<double> kSoftmax123 = {0.0900305732, 0.2447284711, 0.6652409558};
const std::vector<double> kLogSoftmax123 = {-2.4076059645, -1.4076059645, -0.4076059645};

TEST(SoftmaxRef, LastAxisByDefault) {
  const Tensor x = F32({2, 3}, {1, 2, 3, 1001, 1002, 1003});  // row 2 would overflow e^x unshifted
  std::vector<double> twice = kSoftmax123;
  twice.insert(twice.end(), kSoftmax123.begin(), kSoftmax123.end());
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSoftmax, x), F32({2, 3}, twice)));
  std::vector<double> log_twice = kLogSoftmax123;
  log_twice.insert(log_twice.end(), kLogSoftmax123.begin(), kLogSoftmax123.end());
  EXPECT_TRUE(AllClose(RunOp(OpKind::kLogSoftmax, x), F32({2, 3}, log_twice)));
}

TEST(SoftmaxRef, AxisZeroNormalizesColumns) {
  // columns [1,3], [2,2], [3,1]: sigmoid(-2) = 0.1192029220, sigmoid(2) = 0.8807970780.
  const Tensor x = F32({2, 3}, {1, 2, 3, 3, 2, 1});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSoftmax, x, Axis(0)),
                       F32({2, 3}, {0.1192029220, 0.5, 0.8807970780, 0.8807970780, 0.5, 0.1192029220})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kSoftmax, x, Axis(-2)), RunOp(OpKind::kSoftmax, x, Axis(0))));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kLogSoftmax, x, Axis(0)),
                       F32({2, 3}, {std::log(0.1192029220), std::log(0.5), std::log(0.8807970780),
                                    std::log(0.8807970780), std::log(0.5), std::log(0.1192029220)})));
}

TEST(SoftmaxRef, MiddleAxisOfA3DTensor) {
  // x[i, :, k] = [1,2,3] + 10*i + k for every (i, k): each slice along axis 1 is softmax([1,2,3]).
  Tensor x(DType::kF32, {2, 3, 4});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) x.data<float>()[(i * 3 + j) * 4 + k] = static_cast<float>(j + 1 + 10 * i + k);
  const Tensor y = RunOp(OpKind::kSoftmax, x, Axis(1));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) EXPECT_NEAR(y.data<float>()[(i * 3 + j) * 4 + k], kSoftmax123[j], 1e-6);
}

TEST(SoftmaxRef, HalfAndDouble) {
  const Tensor h = RunOp(OpKind::kSoftmax, Make(DType::kF16, {3}, {1, 2, 3}));
  ASSERT_EQ(h.dtype(), DType::kF16);
  EXPECT_TRUE(AllClose(h, Make(DType::kF16, {3}, kSoftmax123), 1e-3, 0));
  const Tensor d = RunOp(OpKind::kLogSoftmax, Make(DType::kF64, {3}, {1, 2, 3}));
  ASSERT_EQ(d.dtype(), DType::kF64);
  const double log_sum = std::log(std::exp(-2.0) + std::exp(-1.0) + 1.0);
  EXPECT_DOUBLE_EQ(d.ElementAsDouble(0), -2.0 - log_sum);
  EXPECT_DOUBLE_EQ(d.ElementAsDouble(2), -log_sum);
}

TEST(SoftmaxRef, RowsOfManyElementsSumToOne) {
  const Tensor x = testing::RandomTensor(DType::kF32, {37, 1025}, 5, -30, 30);
  const Tensor y = RunOp(OpKind::kSoftmax, x);
  for (int64_t r = 0; r < 37; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < 1025; ++c) sum += y.data<float>()[r * 1025 + c];
    EXPECT_NEAR(sum, 1.0, 1e-5) << r;
  }
}

TEST(SoftmaxRef, ErrorsForBadAxisAndDType) {
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kSoftmax, {F32({2, 3}, {1, 2, 3, 4, 5, 6})}, Axis(2)).ok());
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kSoftmax, {F32({2, 3}, {1, 2, 3, 4, 5, 6})}, Axis(-3)).ok());
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kSoftmax, {Make(DType::kI32, {2}, {1, 2})}, {}).ok());
}

}  // namespace
}  // namespace mrt
