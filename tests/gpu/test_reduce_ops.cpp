// The CUDA reduction tactics (kernels/reduce) against the CPU reference on random data: every
// Reduce* op over last-axis rows (warp and block kernels, vectorized and scalar), inner axes
// (columns kernel), several adjacent axes, all axes, reduced size-1 dims, keepdims both ways,
// noop_with_empty_axes; ArgMax / ArgMin with ties and select_last_index; and the nodes left to
// the CPU fallback (non-adjacent axes, integer and f64 dtypes). (Axes that are not constants
// leave the output shape unknown, which this single-op harness cannot build.)
// Tolerances (largest abs error / largest |ref|): f32 1e-5 (1e-4 for reductions of >= 1000
// elements), f16 1e-2; indices exactly.
#include <cstdio>
#include <string>

#include "ir/op_table.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
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

// Prints the time of every offered tactic on one op (mean of 50 launches after warm-up; inputs
// stay in L2 for small tensors, so these compare tactics rather than predict end-to-end time).
// No assertion: the builder picks by timing; this puts the numbers in the test log.
Status PrintTacticTimes(const OpUnderTest& t, gpu::TacticProvider provider, const std::string& label) {
  testing::GraphBuilder b;
  std::vector<ValueId> ins;
  for (size_t i = 0; i < t.inputs.size(); ++i) {
    const bool weight = i < t.is_weight.size() && t.is_weight[i];
    ins.push_back(weight ? b.Weight("w" + std::to_string(i), t.inputs[i])
                         : b.Input("x" + std::to_string(i), t.inputs[i].dtype(), t.inputs[i].sizes()));
  }
  b.Output(b.Op(t.op, ins, t.attrs, t.num_outputs));
  const Graph g = b.Build();
  MRT_ASSIGN_OR_RETURN(const gpu::NodeDesc desc, gpu::MakeNodeDesc(g, g.node(0), {}));
  gpu::TacticList tactics;
  provider(desc, tactics);
  MRT_ASSIGN_OR_RETURN(auto res, gpu::GpuResources::Create());
  std::vector<gpu::DeviceBuffer> buffers;
  std::vector<TensorView> in_views, out_views;
  size_t bytes = 0;
  for (const Tensor& x : t.inputs) {
    MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer buf, gpu::DeviceBuffer::Allocate(x.nbytes(), "input"));
    MRT_CUDA_TRY(cudaMemcpy(buf.get(), x.raw(), x.nbytes(), cudaMemcpyHostToDevice));
    in_views.push_back(TensorView{x.dtype(), x.sizes(), buf.get()});
    buffers.push_back(std::move(buf));
    bytes += x.nbytes();
  }
  for (const gpu::TensorDesc& o : desc.outputs) {
    const size_t n = static_cast<size_t>(o.numel()) * DTypeSize(o.dtype);
    MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer buf, gpu::DeviceBuffer::Allocate(n, "output"));
    out_views.push_back(TensorView{o.dtype, o.sizes, buf.get()});
    buffers.push_back(std::move(buf));
    bytes += n;
  }
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  MRT_CUDA_TRY(cudaStreamCreate(&stream));
  MRT_CUDA_TRY(cudaEventCreate(&start));
  MRT_CUDA_TRY(cudaEventCreate(&stop));
  for (auto& tactic : tactics) {
    MRT_RETURN_IF_ERROR(tactic->Setup(*res));
    MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer ws, gpu::DeviceBuffer::Allocate(tactic->WorkspaceBytes(), "workspace"));
    const gpu::LaunchArgs args{in_views, out_views, ws.get(), stream, res.get()};
    constexpr int kRuns = 50;
    for (int i = 0; i < 5; ++i) MRT_RETURN_IF_ERROR(tactic->Launch(args));
    MRT_CUDA_TRY(cudaEventRecord(start, stream));
    for (int i = 0; i < kRuns; ++i) MRT_RETURN_IF_ERROR(tactic->Launch(args));
    MRT_CUDA_TRY(cudaEventRecord(stop, stream));
    MRT_CUDA_TRY(cudaEventSynchronize(stop));
    float ms = 0;
    MRT_CUDA_TRY(cudaEventElapsedTime(&ms, start, stop));
    const double us = 1000.0 * ms / kRuns;
    std::printf("[timing] %-34s %-40s %8.2f us %8.1f GB/s\n", label.c_str(), tactic->name().c_str(), us,
                static_cast<double>(bytes) / (us * 1e3));
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaStreamDestroy(stream);
  return Status::Ok();
}

TEST(ReduceCuda, TimingsOnModelShapes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    const std::string d(DTypeName(dt));
    const struct {
      const char* label;
      OpUnderTest t;
    } cases[] = {
        {"reducemean gap 1x2048x7x7 hw", ReduceOf(OpKind::kReduceMean, dt, {1, 2048, 7, 7}, {2, 3})},
        {"reducemean 4096x768 last", ReduceOf(OpKind::kReduceMean, dt, {8, 512, 768}, {-1})},
        {"reducesum 1x84x8400 axis1", ReduceOf(OpKind::kReduceSum, dt, {1, 84, 8400}, {1})},
        {"argmax 1x8400x80 last", ArgOf(OpKind::kArgMax, dt, {1, 8400, 80}, -1, 1, 0)},
    };
    for (const auto& c : cases) {
      const Status st = PrintTacticTimes(c.t, AppendReduceTactics, std::string(c.label) + " " + d);
      EXPECT_TRUE(st.ok()) << st.message();
    }
  }
}

}  // namespace
}  // namespace mrt
