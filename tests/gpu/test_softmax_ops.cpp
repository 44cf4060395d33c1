// The CUDA Softmax / LogSoftmax tactics (kernels/softmax) against the CPU reference on random
// data: the last axis with rows from 1 to 4097 elements (warp kernel up to 1024, block kernels,
// vectorized and scalar rows), inner axes (strided kernels, YOLOv8's DFL shape), negative axes,
// large logits and masked (-inf) entries, in f32 and f16.
// Tolerances (largest abs error / largest |ref|): f32 1e-5 (1e-4 for rows >= 1000), f16 1e-2.
#include <cmath>
#include <limits>
#include <string>

#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendSoftmaxTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

constexpr DType kFloats[] = {DType::kF32, DType::kF16};
constexpr OpKind kOps[] = {OpKind::kSoftmax, OpKind::kLogSoftmax};

OpUnderTest SoftmaxOf(OpKind op, DType dt, Ints sizes, int64_t axis, double range = 4.0, uint64_t seed = 1) {
  return OpUnderTest{op, Attrs({{"axis", axis}}), {RandomTensor(dt, std::move(sizes), seed, -range, range)}};
}

int Check(const OpUnderTest& t, const std::string& filter = "") {
  const bool f16 = t.inputs[0].dtype() == DType::kF16;
  const int64_t n = t.inputs[0].sizes()[static_cast<size_t>(
      (t.attrs.GetInt("axis", -1) + static_cast<int64_t>(t.inputs[0].rank())) % static_cast<int64_t>(t.inputs[0].rank()))];
  const double tol = f16 ? 1e-2 : (n >= 1000 ? 1e-4 : 1e-5);
  return ExpectTacticsMatchReference(t, AppendSoftmaxTactics, tol, {}, filter);
}

std::string Trace(OpKind op, DType dt) {
  return std::string(op == OpKind::kSoftmax ? "Softmax " : "LogSoftmax ") + std::string(DTypeName(dt));
}

TEST(SoftmaxCuda, LastAxisShortRowsUseTheWarpKernel) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : kOps) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(Trace(op, dt));
      for (int64_t n : {1, 7, 31, 33, 64, 65, 1000, 1024}) {
        SCOPED_TRACE("n=" + std::to_string(n));
        EXPECT_EQ(Check(SoftmaxOf(op, dt, {13, n}, -1)), 2);
        EXPECT_EQ(Check(SoftmaxOf(op, dt, {3, 7, n}, 2), "warp_lastaxis"), 1);
      }
    }
  }
}

TEST(SoftmaxCuda, LastAxisLongRowsUseTheBlockKernels) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : kOps) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(Trace(op, dt));
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {3, 1025}, 1)), 1);   // block256 only
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {5, 4096}, -1)), 2);  // vectorized, both block sizes
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {7, 4097}, -1)), 2);  // scalar
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {2, 20000}, -1)), 2);
    }
  }
}

TEST(SoftmaxCuda, InnerAxesUseTheStridedKernels) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : kOps) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(Trace(op, dt));
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {1, 16, 4, 65}, 1)), 2);  // DFL-like
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {3, 33, 7}, 1)), 1);      // n > 32: strided only
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {3, 31, 7}, -2)), 2);
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {13, 17}, 0)), 2);
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {2, 1000, 3}, 1)), 1);
      EXPECT_EQ(Check(SoftmaxOf(op, dt, {1, 1, 5, 3}, 1)), 2);  // n = 1
    }
  }
}

TEST(SoftmaxCuda, TrailingUnitDimsCountAsTheLastAxis) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) EXPECT_EQ(Check(SoftmaxOf(OpKind::kSoftmax, dt, {7, 31, 1, 1}, 1), "warp_lastaxis"), 1);
}

TEST(SoftmaxCuda, LargeLogitsAreShiftedByTheMaximum) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : kOps) {
    SCOPED_TRACE(Trace(op, DType::kF32));
    EXPECT_EQ(Check(SoftmaxOf(op, DType::kF32, {13, 100}, -1, 80.0)), 2);
    EXPECT_EQ(Check(SoftmaxOf(op, DType::kF32, {3, 5000}, -1, 80.0)), 2);
    EXPECT_EQ(Check(SoftmaxOf(op, DType::kF32, {3, 16, 9}, 1, 80.0)), 2);
  }
}

// Attention-style masks: -inf entries get probability 0 (rows keep at least one finite value).
TEST(SoftmaxCuda, MaskedEntriesGetZero) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    for (const Ints& sizes : {Ints{9, 77}, Ints{3, 2000}}) {
      Tensor x = RandomTensor(DType::kF32, sizes, 3);
      float* v = x.data<float>();
      const int64_t n = sizes[1];
      for (int64_t r = 0; r < sizes[0]; ++r)
        for (int64_t j = 0; j < n; ++j)
          if (j > r * n / sizes[0] + 1) v[r * n + j] = -std::numeric_limits<float>::infinity();
      SCOPED_TRACE(std::string(DTypeName(dt)) + " n=" + std::to_string(n));
      const OpUnderTest t{OpKind::kSoftmax, Attrs({{"axis", int64_t{-1}}}), {testing::Convert(x, dt)}};
      EXPECT_GE(Check(t), 1);
    }
  }
}

TEST(SoftmaxCuda, LeavesUnsupportedDtypesToTheFallback) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_TRUE(testing::RunProviderTactics(SoftmaxOf(OpKind::kSoftmax, DType::kF64, {3, 7}, -1), AppendSoftmaxTactics)
                  .empty());
  EXPECT_TRUE(testing::RunProviderTactics(SoftmaxOf(OpKind::kSoftmax, DType::kBF16, {3, 7}, -1), AppendSoftmaxTactics)
                  .empty());
}

// Every tactic's time on model shapes, printed to the test log (gpu_timing_support.h).
TEST(SoftmaxCuda, TimingsOnModelShapes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    const testing::LabelledOps cases = {
        {"yolov8 dfl 1x16x4x8400 axis1", SoftmaxOf(OpKind::kSoftmax, dt, {1, 16, 4, 8400}, 1)},
        {"attention 12x197x197", SoftmaxOf(OpKind::kSoftmax, dt, {12, 197, 197}, -1)},
        {"rows 4096x1000", SoftmaxOf(OpKind::kSoftmax, dt, {4096, 1000}, -1)},
        {"rows 64x32000", SoftmaxOf(OpKind::kSoftmax, dt, {64, 32000}, -1)},
    };
    testing::ReportTacticTimingsOfOps(cases, AppendSoftmaxTactics, DTypeName(dt));
  }
}

}  // namespace
}  // namespace mrt
