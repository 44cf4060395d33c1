// The CUDA reduction tactics (kernels/reduce) against the CPU reference on random data: every
// Reduce* op over last-axis rows (warp and block kernels, vectorized and scalar), inner axes
// (columns kernel), several adjacent axes, all axes, reduced size-1 dims, keepdims both ways,
// noop_with_empty_axes; ArgMax / ArgMin with ties and select_last_index; and the nodes left to
// the CPU fallback (non-adjacent axes, integer and f64 dtypes). (Axes that are not constants
// leave the output shape unknown, which this single-op harness cannot build.)
// Tolerances (largest abs error / largest |ref|): f32 1e-5 (1e-4 for reductions of >= 1000
// elements), f16 1e-2; indices exactly.
#include <string>

#include "ir/op_table.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendReduceTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::I64s;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

constexpr DType kFloats[] = {DType::kF32, DType::kF16};
constexpr OpKind kReduceOps[] = {OpKind::kReduceSum, OpKind::kReduceMean, OpKind::kReduceMax,
                                 OpKind::kReduceMin, OpKind::kReduceProd, OpKind::kReduceL1,
                                 OpKind::kReduceL2,  OpKind::kReduceSumSquare, OpKind::kReduceLogSumExp};

// Reduce `op` of random x over `axes` (a constant input; none when empty and !with_axes).
OpUnderTest ReduceOf(OpKind op, DType dt, Ints sizes, Ints axes, int64_t keepdims = 1, uint64_t seed = 1) {
  // Products stay representable with factors near 1.
  const bool prod = op == OpKind::kReduceProd;
  OpUnderTest t{op, Attrs({{"keepdims", keepdims}}),
                {RandomTensor(dt, std::move(sizes), seed, prod ? 0.6 : -2.0, prod ? 1.5 : 2.0)}};
  if (!axes.empty()) {
    t.inputs.push_back(I64s(axes));
    t.is_weight = {false, true};
  }
  return t;
}

int64_t ReducedCount(const OpUnderTest& t) {
  const Tensor& x = t.inputs[0];
  if (t.inputs.size() < 2) return x.numel();
  int64_t n = 1;
  for (int64_t a : t.inputs[1].ToInt64Vector()) n *= x.sizes()[static_cast<size_t>(a < 0 ? a + x.rank() : a)];
  return n;
}

int Check(const OpUnderTest& t, const std::string& filter = "") {
  const bool f16 = t.inputs[0].dtype() == DType::kF16;
  const double tol = f16 ? 1e-2 : (ReducedCount(t) >= 1000 ? 1e-4 : 1e-5);
  return ExpectTacticsMatchReference(t, AppendReduceTactics, tol, {}, filter);
}

int NumOffered(const OpUnderTest& t) {
  return static_cast<int>(testing::RunProviderTactics(t, AppendReduceTactics).size());
}

std::string Trace(OpKind op, DType dt) { return std::string(OpName(op)) + " " + std::string(DTypeName(dt)); }

TEST(ReduceCuda, LastAxisRows) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : kReduceOps) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(Trace(op, dt));
      EXPECT_EQ(Check(ReduceOf(op, dt, {3, 13, 33}, {2})), 2);
      EXPECT_EQ(Check(ReduceOf(op, dt, {3, 13, 33}, {-1}, 0)), 2);
      EXPECT_EQ(Check(ReduceOf(op, dt, {7, 1}, {1})), 2);  // one element per output
      if (op == OpKind::kReduceProd) continue;            // long products underflow
      EXPECT_EQ(Check(ReduceOf(op, dt, {5, 1000}, {1})), 2);   // vectorized
      EXPECT_EQ(Check(ReduceOf(op, dt, {3, 4097}, {1})), 2);   // scalar
      EXPECT_EQ(Check(ReduceOf(op, dt, {2, 13, 31}, {1, 2}, 0)), 2);  // adjacent axes merge
    }
  }
}

TEST(ReduceCuda, InnerAxesColumns) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : kReduceOps) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(Trace(op, dt));
      EXPECT_EQ(Check(ReduceOf(op, dt, {3, 13, 33}, {1}), "columns"), 2);
      EXPECT_EQ(Check(ReduceOf(op, dt, {31, 17}, {0}, 0), "columns"), 2);
      EXPECT_EQ(Check(ReduceOf(op, dt, {2, 3, 5, 7}, {1, 2}), "columns"), 2);
      if (op == OpKind::kReduceProd) continue;
      EXPECT_EQ(Check(ReduceOf(op, dt, {1, 1000, 7}, {1}), "columns"), 2);
    }
  }
}

TEST(ReduceCuda, AllAxesUnitDimsAndNoop) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    for (OpKind op : {OpKind::kReduceMean, OpKind::kReduceMax, OpKind::kReduceLogSumExp}) {
      SCOPED_TRACE(Trace(op, dt));
      EXPECT_EQ(Check(ReduceOf(op, dt, {13, 17}, {})), 2);                   // no axes: everything
      EXPECT_EQ(Check(ReduceOf(op, dt, {13, 17}, {}, 0)), 2);
      EXPECT_EQ(Check(ReduceOf(op, dt, {3, 1, 33}, {0, 2})), 2);             // size-1 dim between
      EXPECT_EQ(Check(ReduceOf(op, dt, {1, 65, 7, 7}, {2, 3})), 2);         // GAP as ReduceMean
      EXPECT_EQ(Check(ReduceOf(op, dt, {3, 5, 1}, {2})), 2);                // only a size-1 dim
    }
    OpUnderTest noop = ReduceOf(OpKind::kReduceSum, dt, {3, 13}, {});
    noop.attrs.set("noop_with_empty_axes", int64_t{1});
    EXPECT_EQ(Check(noop, "noop_copy"), 1);
  }
}

TEST(ReduceCuda, LeavesUnsupportedNodesToTheFallback) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_EQ(NumOffered(ReduceOf(OpKind::kReduceSum, DType::kF32, {3, 13, 33}, {0, 2})), 0);  // not adjacent
  EXPECT_EQ(NumOffered(ReduceOf(OpKind::kReduceSum, DType::kI32, {3, 13}, {1})), 0);
  EXPECT_EQ(NumOffered(ReduceOf(OpKind::kReduceSum, DType::kF64, {3, 13}, {1})), 0);
}

// Values from a small set of integers so that ties are common.
OpUnderTest ArgOf(OpKind op, DType dt, Ints sizes, int64_t axis, int64_t keepdims, int64_t last, uint64_t seed = 2) {
  Tensor x = RandomTensor(DType::kI32, sizes, seed, -3.0, 4.0);
  return OpUnderTest{op, Attrs({{"axis", axis}, {"keepdims", keepdims}, {"select_last_index", last}}),
                     {testing::Convert(x, dt)}};
}

TEST(ReduceCuda, ArgMaxArgMinWithTies) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : {OpKind::kArgMax, OpKind::kArgMin}) {
    for (DType dt : kFloats) {
      for (int64_t last : {0, 1}) {
        SCOPED_TRACE(Trace(op, dt) + " select_last_index=" + std::to_string(last));
        auto check = [](const OpUnderTest& t) { return ExpectTacticsMatchReference(t, AppendReduceTactics, 0.0); };
        EXPECT_EQ(check(ArgOf(op, dt, {13, 33}, 1, 1, last)), 2);
        EXPECT_EQ(check(ArgOf(op, dt, {5, 1000}, -1, 0, last)), 2);
        EXPECT_EQ(check(ArgOf(op, dt, {3, 4097}, 1, 1, last)), 2);
        EXPECT_EQ(check(ArgOf(op, dt, {3, 33, 17}, 1, 0, last)), 2);
        EXPECT_EQ(check(ArgOf(op, dt, {31, 7}, 0, 1, last)), 2);
        EXPECT_EQ(check(ArgOf(op, dt, {1, 84, 67}, 1, 1, last)), 2);
      }
    }
  }
  // Distinct random values: no ties.
  const OpUnderTest distinct{OpKind::kArgMax, Attrs({{"axis", int64_t{1}}}), {RandomTensor(DType::kF32, {7, 65}, 5)}};
  EXPECT_EQ(ExpectTacticsMatchReference(distinct, AppendReduceTactics, 0.0), 2);
}

// Every tactic's time on model shapes, printed to the test log (gpu_timing_support.h).
TEST(ReduceCuda, TimingsOnModelShapes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    const testing::LabelledOps cases = {
        {"reducemean gap 1x2048x7x7 hw", ReduceOf(OpKind::kReduceMean, dt, {1, 2048, 7, 7}, {2, 3})},
        {"reducemean 4096x768 last", ReduceOf(OpKind::kReduceMean, dt, {8, 512, 768}, {-1})},
        {"reducesum 1x84x8400 axis1", ReduceOf(OpKind::kReduceSum, dt, {1, 84, 8400}, {1})},
        {"argmax 1x8400x80 last", ArgOf(OpKind::kArgMax, dt, {1, 8400, 80}, -1, 1, 0)},
    };
    testing::ReportTacticTimingsOfOps(cases, AppendReduceTactics, DTypeName(dt));
  }
}

}  // namespace
}  // namespace mrt
