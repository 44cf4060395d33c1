// Effective bandwidth of every shape tactic on the layer sizes that matter (YOLO-sized NCHW <->
// NHWC reformats, channel Concat/Split/Slice), printed per tactic so a regression or a tactic
// that never wins shows up. It checks only that each tactic runs; correctness is
// test_shape_ops.cpp's job. Bytes = activation bytes read + bytes written; H100 peak is ~3.3 TB/s.
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using testing::Attrs;
using testing::I64s;
using testing::OpUnderTest;
using testing::ReportTacticTimings;
using Ints = std::vector<int64_t>;

Tensor Ones(DType dt, Ints sizes) { return testing::RandomTensor(dt, std::move(sizes), 1); }

TEST(ShapeCudaBandwidth, ReformatsAndChannelOps) {
  MRT_SKIP_WITHOUT_GPU();
  auto transpose = [](DType dt, Ints sizes, Ints perm) {
    return OpUnderTest{OpKind::kTranspose, Attrs({{"perm", perm}}), {Ones(dt, sizes)}};
  };
  ReportTacticTimings("NCHW->NHWC f16 8x64x160x160", transpose(DType::kF16, {8, 64, 160, 160}, {0, 2, 3, 1}),
                      gpu::AppendShapeTactics);
  ReportTacticTimings("NHWC->NCHW f16 8x160x160x64", transpose(DType::kF16, {8, 160, 160, 64}, {0, 3, 1, 2}),
                      gpu::AppendShapeTactics);
  ReportTacticTimings("NCHW->NHWC f32 1x256x80x80", transpose(DType::kF32, {1, 256, 80, 80}, {0, 2, 3, 1}),
                      gpu::AppendShapeTactics);
  ReportTacticTimings("NCHW->NHWC f32 8x3x640x640 (image)", transpose(DType::kF32, {8, 3, 640, 640}, {0, 2, 3, 1}),
                      gpu::AppendShapeTactics);
  ReportTacticTimings("Concat f16 2x 8x64x80x80 axis 1",
                      OpUnderTest{OpKind::kConcat, Attrs({{"axis", int64_t{1}}}),
                                  {Ones(DType::kF16, {8, 64, 80, 80}), Ones(DType::kF16, {8, 64, 80, 80})}},
                      gpu::AppendShapeTactics);
  ReportTacticTimings("Split f16 8x128x80x80 axis 1 in 2",
                      OpUnderTest{OpKind::kSplit, Attrs({{"axis", int64_t{1}}, {"num_outputs", int64_t{2}}}),
                                  {Ones(DType::kF16, {8, 128, 80, 80})}, {}, 2},
                      gpu::AppendShapeTactics);
  ReportTacticTimings("Slice f16 8x128x80x80 C 64..128",
                      OpUnderTest{OpKind::kSlice,
                                  {},
                                  {Ones(DType::kF16, {8, 128, 80, 80}), I64s({64}), I64s({128}), I64s({1})},
                                  {false, true, true, true}},
                      gpu::AppendShapeTactics);
  ReportTacticTimings("Pad f32 8x64x160x160 H,W by 1",
                      OpUnderTest{OpKind::kPad,
                                  {},
                                  {Ones(DType::kF32, {8, 64, 160, 160}), I64s({0, 0, 1, 1, 0, 0, 1, 1})},
                                  {false, true}},
                      gpu::AppendShapeTactics);
}

}  // namespace
}  // namespace mrt
