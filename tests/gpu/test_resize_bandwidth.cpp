// Effective bandwidth of every Resize tactic on YOLO/segmentation-sized layers (2x nearest
// upsample NCHW and NHWC, bilinear 2x), printed per tactic so a regression or a tactic that
// never wins shows up. It checks only that each tactic runs; correctness is test_resize_ops.cpp's
// job. Bytes = activation bytes read + bytes written; H100 peak is ~3.3 TB/s.
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using testing::Attrs;
using testing::OpUnderTest;
using testing::ReportTacticTimings;
using Ints = std::vector<int64_t>;

Tensor Ones(DType dt, Ints sizes) { return testing::RandomTensor(dt, std::move(sizes), 1); }

OpUnderTest ResizeBy(DType dt, Ints sizes, std::vector<double> scales, Attributes attrs) {
  return OpUnderTest{OpKind::kResize, std::move(attrs),
                     {Ones(dt, sizes), {}, testing::MakeTensor(DType::kF32, {static_cast<int64_t>(scales.size())}, scales)},
                     {false, true, true}};
}

TEST(ResizeCudaBandwidth, UpsampleLayers) {
  MRT_SKIP_WITHOUT_GPU();
  const Attributes yolo = Attrs({{"mode", std::string("nearest")},
                                 {"coordinate_transformation_mode", std::string("asymmetric")},
                                 {"nearest_mode", std::string("floor")}});
  const Attributes bilinear = Attrs({{"mode", std::string("linear")}});
  ReportTacticTimings("nearest 2x NCHW f16 8x256x40x40", ResizeBy(DType::kF16, {8, 256, 40, 40}, {1, 1, 2, 2}, yolo),
                      gpu::AppendResizeTactics);
  ReportTacticTimings("nearest 2x NCHW f32 8x128x80x80", ResizeBy(DType::kF32, {8, 128, 80, 80}, {1, 1, 2, 2}, yolo),
                      gpu::AppendResizeTactics);
  ReportTacticTimings("nearest 2x NHWC f16 8x40x40x256", ResizeBy(DType::kF16, {8, 40, 40, 256}, {1, 2, 2, 1}, yolo),
                      gpu::AppendResizeTactics);
  ReportTacticTimings("linear 2x NCHW f32 8x64x80x80", ResizeBy(DType::kF32, {8, 64, 80, 80}, {1, 1, 2, 2}, bilinear),
                      gpu::AppendResizeTactics);
  ReportTacticTimings("linear 2x NHWC f16 8x80x80x64", ResizeBy(DType::kF16, {8, 80, 80, 64}, {1, 2, 2, 1}, bilinear),
                      gpu::AppendResizeTactics);
}

}  // namespace
}  // namespace mrt
