// Resize's reference kernel: every mode, coordinate transform and nearest rounding on small 1-D
// and 4-D inputs whose results are worked out by hand in the comments (x' = the input coordinate
// an output coordinate x maps to).
#include <gtest/gtest.h>

#include <cstdint>

#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::F32;
using testing::I64s;
using testing::RunSingleOp;
using Ints = std::vector<int64_t>;

Tensor F32s(const std::vector<float>& v) { return F32({static_cast<int64_t>(v.size())}, v); }

Attributes Modes(const std::string& mode, const std::string& transform, const std::string& nearest = "") {
  Attributes a;
  a.set("mode", mode);
  if (!transform.empty()) a.set("coordinate_transformation_mode", transform);
  if (!nearest.empty()) a.set("nearest_mode", nearest);
  return a;
}

// Resize with scales (sizes absent) or sizes (scales absent); roi absent unless given.
Expected<std::vector<Tensor>> ResizeScales(const Tensor& x, const std::vector<float>& scales, const Attributes& a,
                                           const Tensor& roi = Tensor()) {
  return RunSingleOp(OpKind::kResize, {x, roi, F32s(scales)}, a);
}
Expected<std::vector<Tensor>> ResizeSizes(const Tensor& x, const Ints& sizes, const Attributes& a,
                                          const Tensor& roi = Tensor()) {
  return RunSingleOp(OpKind::kResize, {x, roi, Tensor(), I64s(sizes)}, a);
}

#define EXPECT_RESULT(expr, expected, tol)                     \
  do {                                                         \
    auto r_ = (expr);                                          \
    ASSERT_TRUE(r_.ok()) << r_.status().message();             \
    EXPECT_TRUE(AllClose((*r_)[0], (expected), (tol), (tol))); \
  } while (0)

void ExpectError(const Expected<std::vector<Tensor>>& r, const std::string& text) {
  ASSERT_FALSE(r.ok()) << "expected an error containing '" << text << "'";
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
}

TEST(ResizeRef, NearestHalfPixelRoundPreferFloor) {
  // Scale 2 on [1, 2]: x' = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> 0, 0, 1, 1.
  EXPECT_RESULT(ResizeScales(F32s({1, 2}), {2}, {}), F32s({1, 1, 2, 2}), 0);  // nearest is the default mode
  // 4-D, scales (1, 1, 2, 3): rows repeat twice, columns three times.
  EXPECT_RESULT(ResizeScales(F32({1, 1, 2, 2}, {1, 2, 3, 4}), {1, 1, 2, 3}, Modes("nearest", "")),
                F32({1, 1, 4, 6}, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}), 0);
}

TEST(ResizeRef, NearestModesBreakTiesTheirWay) {
  // Asymmetric scale 2 on [10, 20, 30]: x' = x / 2 = 0, 0.5, 1, 1.5, 2, 2.5.
  const Tensor x = F32s({10, 20, 30});
  EXPECT_RESULT(ResizeScales(x, {2}, Modes("nearest", "asymmetric", "round_prefer_floor")),
                F32s({10, 10, 20, 20, 30, 30}), 0);
  EXPECT_RESULT(ResizeScales(x, {2}, Modes("nearest", "asymmetric", "round_prefer_ceil")),
                F32s({10, 20, 20, 30, 30, 30}), 0);  // 2.5 -> 3, clamped to 2
  EXPECT_RESULT(ResizeScales(x, {2}, Modes("nearest", "asymmetric", "floor")), F32s({10, 10, 20, 20, 30, 30}), 0);
  EXPECT_RESULT(ResizeScales(x, {2}, Modes("nearest", "asymmetric", "ceil")), F32s({10, 20, 20, 30, 30, 30}), 0);
  // tf_half_pixel_for_nn, 4 -> 2 (scale 0.5): x' = (x + 0.5) / 0.5 = 1, 3.
  EXPECT_RESULT(ResizeSizes(F32s({1, 2, 3, 4}), {2}, Modes("nearest", "tf_half_pixel_for_nn")), F32s({2, 4}), 0);
}

TEST(ResizeRef, NearestMovesAnyDtype) {
  const Tensor u8 = Tensor::FromVector<uint8_t>(DType::kU8, {2}, {7, 250});
  auto r = ResizeScales(u8, {2}, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].ToInt64Vector(), (Ints{7, 7, 250, 250}));
  const Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {2}, {1, 0});
  auto rb = ResizeSizes(b, {3}, Modes("nearest", "asymmetric"));  // x' = x * 2/3 = 0, 0.67, 1.33
  ASSERT_TRUE(rb.ok()) << rb.status().message();
  EXPECT_EQ((*rb)[0].ToInt64Vector(), (Ints{1, 0, 0}));
}

TEST(ResizeRef, LinearTransforms) {
  const Tensor x = F32s({1, 2});
  // half_pixel, scale 2: x' = -0.25, 0.25, 0.75, 1.25; edges clamp.
  EXPECT_RESULT(ResizeScales(x, {2}, Modes("linear", "")), F32s({1, 1.25f, 1.75f, 2}), 1e-6);
  // align_corners to 4: x' = x / 3.
  EXPECT_RESULT(ResizeSizes(x, {4}, Modes("linear", "align_corners")), F32s({1, 4.f / 3, 5.f / 3, 2}), 1e-6);
  // asymmetric, scale 2: x' = 0, 0.5, 1, 1.5 -> 1, 1.5, 2, 2 (clamped).
  EXPECT_RESULT(ResizeScales(x, {2}, Modes("linear", "asymmetric")), F32s({1, 1.5f, 2, 2}), 1e-6);
  // pytorch_half_pixel to a single element: x' = -0.5 -> the first element.
  EXPECT_RESULT(ResizeSizes(F32s({3, 5, 9}), {1}, Modes("linear", "pytorch_half_pixel")), F32s({3}), 1e-6);
  // ... and half_pixel to one element samples the middle: x' = 0.5 * 3 - 0.5 = 1.
  EXPECT_RESULT(ResizeSizes(F32s({3, 5, 9}), {1}, Modes("linear", "")), F32s({5}), 1e-6);
}

TEST(ResizeRef, LinearHalfPixelSymmetric) {
  // 2 -> floor(2 * 2.2) = 4; offset = 1 * (1 - 4 / 4.4) = 1/11; x' = 1/11 + (x + 0.5) / 2.2 - 0.5
  // = -2/11, 3/11, 8/11, 13/11 -> 1, 14/11, 19/11, 2.
  EXPECT_RESULT(ResizeScales(F32s({1, 2}), {2.2f}, Modes("linear", "half_pixel_symmetric")),
                F32s({1, 14.f / 11, 19.f / 11, 2}), 1e-5);
}

TEST(ResizeRef, LinearAlignCornersUsesTheFractionalLength) {
  // Like the ONNX reference, length_resized = scale * length (2.4 here, not the 2 outputs):
  // x' = x * 3 / 1.4 -> 0 and 2.142857 -> 1 and 3.142857.
  EXPECT_RESULT(ResizeScales(F32s({1, 2, 3, 4}), {0.6f}, Modes("linear", "align_corners")), F32s({1, 3.142857f}), 1e-5);
}

TEST(ResizeRef, LinearTwoAxes) {
  // [[1, 2], [3, 4]] scale 2 on both axes: the separable product of the 1-D weights
  // (1, 0.75/0.25, 0.25/0.75, 1). Row 1 = 0.75 * row 0 + 0.25 * row 1 of the input.
  auto r = ResizeScales(F32({1, 1, 2, 2}, {1, 2, 3, 4}), {1, 1, 2, 2}, Modes("linear", ""));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<float> expected = {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4};
  EXPECT_TRUE(AllClose((*r)[0], F32({1, 1, 4, 4}, expected), 1e-6, 1e-6));
}

TEST(ResizeRef, CubicWeights) {
  // An impulse at index 2, half_pixel scale 2: output 5 has x' = 5.5 / 2 - 0.5 = 2.25, r = 0.25,
  // so it equals W(0.25) = ((a + 2) * 0.25 - (a + 3)) * 0.25² + 1: 0.87890625 for a = -0.75.
  const Tensor impulse = F32s({0, 0, 1, 0, 0, 0});
  auto r = ResizeScales(impulse, {2}, Modes("cubic", ""));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR((*r)[0].ElementAsDouble(5), 0.87890625, 1e-7);
  Attributes a = Modes("cubic", "");
  a.set("cubic_coeff_a", -0.5f);  // W(0.25) = (1.5 * 0.25 - 2.5) * 0.0625 + 1
  auto r2 = ResizeScales(impulse, {2}, a);
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  EXPECT_NEAR((*r2)[0].ElementAsDouble(5), 0.8671875, 1e-7);
  // With a = -0.5 (Keys' choice, and only then) a linear ramp is reproduced exactly away from the
  // edges: output x samples x'. With a = -0.75 it is not (2.25 -> 2.296875).
  auto ramp = ResizeScales(F32s({0, 1, 2, 3, 4, 5, 6, 7}), {2}, a);
  ASSERT_TRUE(ramp.ok());
  for (int64_t x = 4; x < 12; ++x) EXPECT_NEAR((*ramp)[0].ElementAsDouble(x), (x + 0.5) / 2 - 0.5, 1e-6) << x;
  auto ramp75 = ResizeScales(F32s({0, 1, 2, 3, 4, 5, 6, 7}), {2}, Modes("cubic", ""));
  ASSERT_TRUE(ramp75.ok());
  EXPECT_NEAR((*ramp75)[0].ElementAsDouble(5), 2.296875, 1e-6);
}

TEST(ResizeRef, CubicExcludeOutside) {
  // Impulse at 0, asymmetric scale 4: output 1 has x' = 0.25, taps -1, 0, 1, 2 with weights
  // W(1.25) = -0.10546875, W(0.25) = 0.87890625, W(0.75), W(1.75).
  // Edge clamping folds tap -1 onto index 0: 0.87890625 - 0.10546875 = 0.7734375.
  // exclude_outside drops tap -1 and renormalizes: 0.87890625 / (1 + 0.10546875).
  const Tensor impulse = F32s({1, 0, 0, 0});
  auto clamped = ResizeScales(impulse, {4}, Modes("cubic", "asymmetric"));
  ASSERT_TRUE(clamped.ok()) << clamped.status().message();
  EXPECT_NEAR((*clamped)[0].ElementAsDouble(1), 0.7734375, 1e-7);
  Attributes a = Modes("cubic", "asymmetric");
  a.set("exclude_outside", int64_t{1});
  auto excluded = ResizeScales(impulse, {4}, a);
  ASSERT_TRUE(excluded.ok()) << excluded.status().message();
  EXPECT_NEAR((*excluded)[0].ElementAsDouble(1), 0.7950530035, 1e-7);
}

TEST(ResizeRef, TfCropAndResize) {
  const Tensor x = F32s({0, 10, 20, 30, 40});
  // roi [0.25, 0.75] of 5 elements, 3 outputs: x' = 0.25 * 4 + x * 0.5 * 4 / 2 = 1, 2, 3.
  EXPECT_RESULT(ResizeSizes(x, {3}, Modes("linear", "tf_crop_and_resize"), F32s({0.25f, 0.75f})), F32s({10, 20, 30}),
                1e-5);
  // roi [0.5, 1.5]: x' = 2, 4, 6; 6 is outside [0, 4] and takes extrapolation_value.
  Attributes a = Modes("linear", "tf_crop_and_resize");
  a.set("extrapolation_value", 99.f);
  EXPECT_RESULT(ResizeSizes(x, {3}, a, F32s({0.5f, 1.5f})), F32s({20, 40, 99}), 1e-5);
  a.set("mode", std::string("nearest"));
  EXPECT_RESULT(ResizeSizes(x, {3}, a, F32s({0.5f, 1.5f})), F32s({20, 40, 99}), 0);
}

TEST(ResizeRef, IntegerAndHalfInterpolation) {
  // align_corners [0, 2] to 4: 0, 2/3, 4/3, 2, truncated toward zero like the ONNX reference.
  const Tensor i32 = Tensor::FromVector<int32_t>(DType::kI32, {2}, {0, 2});
  auto r = ResizeSizes(i32, {4}, Modes("linear", "align_corners"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].ToInt64Vector(), (Ints{0, 0, 1, 2}));
  const Tensor f16 = testing::RandomTensor(DType::kF16, {2}, 1);
  auto h = ResizeScales(f16, {2}, Modes("linear", ""));
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ((*h)[0].dtype(), DType::kF16);
  const double a = f16.ElementAsDouble(0), b = f16.ElementAsDouble(1);
  EXPECT_NEAR((*h)[0].ElementAsDouble(1), 0.75 * a + 0.25 * b, 2e-3);
}

TEST(ResizeRef, DownsampleSizesFloor) {
  // 5 * 0.5 = 2.5 -> 2 outputs; half_pixel x' = 0.5, 2.5 -> nearest (prefer floor) 0, 2.
  EXPECT_RESULT(ResizeScales(F32s({1, 2, 3, 4, 5}), {0.5f}, {}), F32s({1, 3}), 0);
}

TEST(ResizeRef, Opset18AxesAndAspectRatio) {
  Attributes a;
  a.set("axes", Ints{-1});
  // Only the last axis: [[1, 2], [3, 4]] -> each row doubled by nearest.
  EXPECT_RESULT(ResizeScales(F32({2, 2}, {1, 2, 3, 4}), {2}, a), F32({2, 4}, {1, 1, 2, 2, 3, 3, 4, 4}), 0);
  // X [1, 1, 2, 4] into a 4 x 4 box: not_larger takes min(4/2, 4/4) = 1 (unchanged),
  // not_smaller max = 2 (4 x 8).
  const Tensor x = F32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  a.set("axes", Ints{2, 3});
  a.set("keep_aspect_ratio_policy", std::string("not_larger"));
  EXPECT_RESULT(ResizeSizes(x, {4, 4}, a), x, 0);
  a.set("keep_aspect_ratio_policy", std::string("not_smaller"));
  auto big = ResizeSizes(x, {4, 4}, a);
  ASSERT_TRUE(big.ok()) << big.status().message();
  EXPECT_EQ((*big)[0].sizes(), (Ints{1, 1, 4, 8}));
}

TEST(ResizeRef, EmptyScalesMeanAbsent) {
  // Opset 11-12 models pass an empty scales tensor next to sizes.
  auto r = RunSingleOp(OpKind::kResize, {F32s({1, 2}), F32({0}, {}), F32({0}, {}), I64s({4})},
                       Modes("nearest", "asymmetric"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(AllClose((*r)[0], F32s({1, 1, 2, 2}), 0, 0));
}

TEST(ResizeRef, Errors) {
  const Tensor x = F32s({1, 2, 3, 4});
  ExpectError(RunSingleOp(OpKind::kResize, {x, Tensor(), F32s({2}), I64s({8})}, {}), "not both");
  ExpectError(RunSingleOp(OpKind::kResize, {x}, {}), "needs scales or sizes");
  ExpectError(ResizeScales(x, {2}, Modes("bilinear", "")), "mode 'bilinear'");
  ExpectError(ResizeScales(x, {2}, Modes("linear", "corners")), "coordinate_transformation_mode 'corners'");
  ExpectError(ResizeScales(x, {2}, Modes("nearest", "", "nearest")), "nearest_mode 'nearest'");
  ExpectError(ResizeScales(x, {2, 2}, {}), "scales has 2 values for 1 axes");
  ExpectError(ResizeScales(x, {-1}, {}), "must be positive");
  ExpectError(ResizeSizes(x, {2}, Modes("linear", "tf_crop_and_resize")), "needs the roi");
}

Attributes Antialiased(const std::string& mode) {
  Attributes a = Modes(mode, "");
  a.set("antialias", int64_t{1});
  return a;
}

TEST(ResizeRef, AntialiasLinearWidensTheTentByOneOverScale) {
  // Scale 0.5 on [1..8]: x' = 2x + 0.5 = 0.5, 2.5, 4.5, 6.5. The tent stretched by 2 reaches 4
  // inputs, floor(x') - 1 .. floor(x') + 2, at distances (i - 0.5) * 0.5 = -0.75, -0.25, 0.25,
  // 0.75: weights 0.25, 0.75, 0.75, 0.25, normalized 1/8, 3/8, 3/8, 1/8. The first output reads
  // inputs -1 (the edge, 1), 0, 1, 2: (1 + 3 * 1 + 3 * 2 + 3) / 8 = 1.625; the last reads 5..8
  // with 8 clamped to 7: (6 + 3 * 7 + 3 * 8 + 8) / 8 = 7.375.
  const Tensor x = F32s({1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_RESULT(ResizeScales(x, {0.5f}, Antialiased("linear")), F32s({1.625f, 3.5f, 5.5f, 7.375f}), 1e-6);
  // Without antialias only floor(x') and floor(x') + 1 count: 1.5, 3.5, 5.5, 7.5.
  EXPECT_RESULT(ResizeScales(x, {0.5f}, Modes("linear", "")), F32s({1.5f, 3.5f, 5.5f, 7.5f}), 1e-6);
  // exclude_outside drops the tap before the input: (3 * 1 + 3 * 2 + 3) / 7 for the first output.
  Attributes excl = Antialiased("linear");
  excl.set("exclude_outside", int64_t{1});
  auto r = ResizeScales(x, {0.5f}, excl);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR((*r)[0].ToFloatVector()[0], 12.f / 7.f, 1e-6);
}

TEST(ResizeRef, AntialiasKeepsConstantsAndIgnoresUpsampledAxes) {
  // The widened weights are normalized, so a constant stays constant (cubic reaches 12 taps at 1/3).
  auto r = ResizeScales(F32({1, 1, 9, 9}, std::vector<float>(81, 5.f)), {1, 1, 1.f / 3, 1.f / 3}, Antialiased("cubic"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(AllClose((*r)[0], F32({1, 1, 3, 3}, std::vector<float>(9, 5.f)), 1e-6, 1e-6));
  // Upsampling: antialias changes nothing.
  EXPECT_RESULT(ResizeScales(F32s({1, 2}), {2}, Antialiased("linear")), F32s({1, 1.25f, 1.75f, 2}), 1e-6);
  // Nearest ignores antialias.
  EXPECT_RESULT(ResizeScales(F32s({1, 2, 3, 4}), {0.5f}, Antialiased("nearest")), F32s({1, 3}), 0);
}

}  // namespace
}  // namespace mrt
