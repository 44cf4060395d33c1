// The CUDA tactics of Resize (kernels/resize) against the CPU reference on random data: nearest
// (every coordinate_transformation_mode x nearest_mode, exact for any dtype), linear and cubic
// (f32 within 1e-5, f16 within 1e-2 of the largest reference magnitude), NCHW and NHWC scale
// layouts, the 2x upsample fast path (YOLO), tf_crop_and_resize's extrapolation.
#include <string>

#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendResizeTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::I64s;
using testing::MakeTensor;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

double Tolerance(DType dt) {
  if (dt == DType::kF16) return 1e-2;
  if (dt == DType::kF32) return 1e-5;
  return 0.0;
}

Tensor Data(DType dt, Ints sizes, uint64_t seed) {
  return IsInteger(dt) ? RandomTensor(dt, std::move(sizes), seed, 0.0, 120.0) : RandomTensor(dt, std::move(sizes), seed);
}

Tensor Scales(const std::vector<double>& s) { return MakeTensor(DType::kF32, {static_cast<int64_t>(s.size())}, s); }

// Resize of random `dt` data of `sizes` by `scales` (or to `out_sizes` when scales is empty).
OpUnderTest ResizeOf(DType dt, Ints sizes, const std::vector<double>& scales, Attributes attrs, Ints out_sizes = {},
                     Tensor roi = {}) {
  Tensor x = Data(dt, std::move(sizes), 7);
  if (scales.empty())
    return OpUnderTest{OpKind::kResize, std::move(attrs), {std::move(x), std::move(roi), {}, I64s(out_sizes)},
                       {false, true, true, true}};
  return OpUnderTest{OpKind::kResize, std::move(attrs), {std::move(x), std::move(roi), Scales(scales)},
                     {false, true, true}};
}

int Check(const OpUnderTest& t, const std::string& filter = "") {
  return ExpectTacticsMatchReference(t, AppendResizeTactics, Tolerance(t.inputs[0].dtype()), {}, filter);
}

Attributes NearestAttrs(const std::string& transform, const std::string& nearest_mode) {
  return Attrs({{"mode", std::string("nearest")},
                {"coordinate_transformation_mode", transform},
                {"nearest_mode", nearest_mode}});
}

TEST(ResizeCuda, NearestUpsample2xNchwTakesTheFastPath) {
  MRT_SKIP_WITHOUT_GPU();
  const Attributes yolo = NearestAttrs("asymmetric", "floor");
  for (DType dt : {DType::kF32, DType::kF16, DType::kU8, DType::kI64}) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    EXPECT_EQ(Check(ResizeOf(dt, {1, 13, 17, 19}, {1, 1, 2, 2}, yolo)), 2);   // odd width: narrow vectors
    EXPECT_EQ(Check(ResizeOf(dt, {3, 5, 20, 32}, {1, 1, 2, 2}, yolo), "upsample2x"), 1);  // 16-byte vectors
  }
  // Only the width doubles; the default half_pixel + round_prefer_floor gives the same repeat.
  EXPECT_EQ(Check(ResizeOf(DType::kF32, {2, 3, 7, 33}, {1, 1, 1, 2}, Attrs({{"mode", std::string("nearest")}}))), 2);
  EXPECT_EQ(Check(ResizeOf(DType::kF16, {1, 3, 8, 16}, {1, 1, 3, 2}, yolo)), 2);
}

TEST(ResizeCuda, NearestNhwcScales) {
  MRT_SKIP_WITHOUT_GPU();
  const Attributes yolo = NearestAttrs("asymmetric", "floor");
  EXPECT_EQ(Check(ResizeOf(DType::kF32, {1, 17, 19, 13}, {1, 2, 2, 1}, yolo)), 1);
  EXPECT_EQ(Check(ResizeOf(DType::kF16, {2, 9, 11, 64}, {1, 2, 2, 1}, yolo)), 1);  // C widened to 16 bytes
  EXPECT_EQ(Check(ResizeOf(DType::kF32, {1, 5, 7, 8}, {1, 1.5, 0.5, 1}, Attrs({{"mode", std::string("nearest")}}))), 1);
}

TEST(ResizeCuda, NearestEveryTransformAndRounding) {
  MRT_SKIP_WITHOUT_GPU();
  for (const char* transform : {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                "asymmetric", "tf_half_pixel_for_nn"}) {
    for (const char* rounding : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) {
      SCOPED_TRACE(std::string(transform) + " / " + rounding);
      const Attributes a = NearestAttrs(transform, rounding);
      EXPECT_GE(Check(ResizeOf(DType::kF32, {1, 3, 7, 9}, {}, a, {1, 3, 12, 5})), 1);  // up H, down W
      EXPECT_GE(Check(ResizeOf(DType::kI64, {2, 3, 5, 6}, {1, 1, 2.5, 0.7}, a)), 1);
      EXPECT_GE(Check(ResizeOf(DType::kU8, {4, 13}, {}, a, {9, 26})), 1);
    }
  }
}

TEST(ResizeCuda, TfCropAndResizeExtrapolates) {
  MRT_SKIP_WITHOUT_GPU();
  const Tensor roi = MakeTensor(DType::kF32, {8}, {0, 0, -0.2, 0.1, 1, 1, 0.9, 1.3});
  for (const char* mode : {"nearest", "linear", "cubic"}) {
    SCOPED_TRACE(mode);
    const Attributes a = Attrs({{"mode", std::string(mode)},
                                {"coordinate_transformation_mode", std::string("tf_crop_and_resize")},
                                {"extrapolation_value", 3.5f}});
    EXPECT_EQ(Check(ResizeOf(DType::kF32, {1, 2, 9, 11}, {}, a, {1, 2, 13, 7}, roi)), 1);
    EXPECT_EQ(Check(ResizeOf(DType::kF16, {1, 2, 9, 11}, {}, a, {1, 2, 13, 7}, roi)), 1);
  }
}

TEST(ResizeCuda, LinearNchwAndNhwc) {
  MRT_SKIP_WITHOUT_GPU();
  for (const char* transform : {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                "half_pixel_symmetric"}) {
    SCOPED_TRACE(transform);
    const Attributes a = Attrs({{"mode", std::string("linear")}, {"coordinate_transformation_mode", std::string(transform)}});
    for (DType dt : {DType::kF32, DType::kF16}) {
      SCOPED_TRACE(std::string(DTypeName(dt)));
      EXPECT_EQ(Check(ResizeOf(dt, {3, 5, 13, 17}, {1, 1, 2, 2}, a)), 1);
      EXPECT_EQ(Check(ResizeOf(dt, {1, 13, 17, 33}, {1, 2, 2, 1}, a)), 1);   // NHWC
      EXPECT_EQ(Check(ResizeOf(dt, {2, 3, 33, 65}, {1, 1, 0.5, 0.25}, a)), 1);  // downsampling
      EXPECT_EQ(Check(ResizeOf(dt, {2, 7, 19}, {}, a, {2, 7, 40})), 1);      // one axis
    }
  }
  // Three resized dims (a 5-D volume), and exclude_outside.
  EXPECT_EQ(Check(ResizeOf(DType::kF32, {1, 2, 5, 6, 7}, {1, 1, 2, 1.5, 0.5},
                           Attrs({{"mode", std::string("linear")}, {"exclude_outside", int64_t{1}}}))),
            1);
}

TEST(ResizeCuda, Cubic) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : {DType::kF32, DType::kF16}) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    EXPECT_EQ(Check(ResizeOf(dt, {1, 3, 7, 9}, {1, 1, 2, 2}, Attrs({{"mode", std::string("cubic")}}))), 1);
    EXPECT_EQ(Check(ResizeOf(dt, {1, 7, 9, 5}, {1, 2, 1.5, 1},
                             Attrs({{"mode", std::string("cubic")}, {"cubic_coeff_a", -0.5f},
                                    {"exclude_outside", int64_t{1}}}))),
              1);
    EXPECT_EQ(Check(ResizeOf(dt, {1, 3, 17, 33}, {1, 1, 0.5, 0.5},
                             Attrs({{"mode", std::string("cubic")}, {"coordinate_transformation_mode",
                                                                     std::string("align_corners")}}))),
              1);
  }
}

TEST(ResizeCuda, OffersNothingItCannotRunExactly) {
  MRT_SKIP_WITHOUT_GPU();
  // Antialiased linear downsampling: the reference rejects it, so does the GPU.
  const OpUnderTest antialias = ResizeOf(DType::kF32, {1, 3, 16, 16}, {1, 1, 0.5, 0.5},
                                         Attrs({{"mode", std::string("linear")}, {"antialias", int64_t{1}}}));
  EXPECT_TRUE(testing::RunProviderTactics(antialias, AppendResizeTactics).empty());
  // Linear on integers is left to the CPU fallback.
  const OpUnderTest ints = ResizeOf(DType::kI64, {1, 3, 4, 4}, {1, 1, 2, 2}, Attrs({{"mode", std::string("linear")}}));
  EXPECT_TRUE(testing::RunProviderTactics(ints, AppendResizeTactics).empty());
}

}  // namespace
}  // namespace mrt
