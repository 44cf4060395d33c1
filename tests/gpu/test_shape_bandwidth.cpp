// Effective bandwidth of every shape tactic on the layer sizes that matter (YOLO-sized NCHW <->
// NHWC reformats, channel Concat/Split/Slice), printed per tactic so a regression or a tactic
// that never wins shows up. It checks only that each tactic runs; correctness is
// test_shape_ops.cpp's job. Bytes = activation bytes read + bytes written; H100 peak is ~3.3 TB/s.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>

#include "ir/infer_shapes.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using testing::Attrs;
using testing::I64s;
using testing::OpUnderTest;
using Ints = std::vector<int64_t>;

// Median microseconds of one Launch over 25 runs (after warm-up), or -1 on a failure.
double TimeLaunch(gpu::Tactic& tactic, const gpu::LaunchArgs& args) {
  for (int i = 0; i < 3; ++i)
    if (!tactic.Launch(args).ok()) return -1;
  std::vector<float> ms;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (int i = 0; i < 25; ++i) {
    cudaEventRecord(start, args.stream);
    (void)tactic.Launch(args);
    cudaEventRecord(stop, args.stream);
    cudaEventSynchronize(stop);
    float t = 0;
    cudaEventElapsedTime(&t, start, stop);
    ms.push_back(t);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2] * 1000.0;
}

void ReportBandwidth(const char* what, const OpUnderTest& t, gpu::TacticProvider provider) {
  Graph g;
  std::vector<ValueId> ins, outs;
  for (size_t i = 0; i < t.inputs.size(); ++i) {
    if (t.inputs[i].dtype() == DType::kUndefined) {  // an absent optional input
      ins.push_back(kNoValue);
      continue;
    }
    const bool weight = i < t.is_weight.size() && t.is_weight[i];
    const std::string name = "in" + std::to_string(i);
    ins.push_back(weight ? g.AddWeight(name, t.inputs[i]) : g.AddValue(name, t.inputs[i].dtype(), t.inputs[i].shape()));
    if (!weight) g.AddGraphInput(ins.back());
  }
  for (int i = 0; i < t.num_outputs; ++i) outs.push_back(g.AddValue("out" + std::to_string(i)));
  g.AddNode(t.op, "node", ins, outs, t.attrs);
  for (ValueId v : outs) g.AddGraphOutput(v);
  const Status inferred = InferShapes(g);
  ASSERT_TRUE(inferred.ok()) << inferred.message();
  auto desc = gpu::MakeNodeDesc(g, g.node(0), {});
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  gpu::TacticList tactics;
  provider(*desc, tactics);
  auto res = gpu::GpuResources::Create();
  ASSERT_TRUE(res.ok()) << res.status().message();
  std::vector<gpu::DeviceBuffer> buffers;
  std::vector<TensorView> in_views, out_views;
  double bytes = 0;
  for (size_t i = 0; i < t.inputs.size(); ++i) {
    if (t.inputs[i].dtype() == DType::kUndefined) {
      in_views.push_back(TensorView{});
      continue;
    }
    auto buffer = gpu::DeviceBuffer::Allocate(t.inputs[i].nbytes(), "in");
    ASSERT_TRUE(buffer.ok());
    buffers.push_back(std::move(*buffer));
    cudaMemcpy(buffers.back().get(), t.inputs[i].raw(), t.inputs[i].nbytes(), cudaMemcpyHostToDevice);
    in_views.push_back(TensorView{t.inputs[i].dtype(), t.inputs[i].sizes(), buffers.back().get()});
    if (!(i < t.is_weight.size() && t.is_weight[i])) bytes += static_cast<double>(t.inputs[i].nbytes());
  }
  for (const auto& o : desc->outputs) {
    const size_t n = static_cast<size_t>(Numel(o.sizes)) * DTypeSize(o.dtype);
    auto buffer = gpu::DeviceBuffer::Allocate(n, "out");
    ASSERT_TRUE(buffer.ok());
    buffers.push_back(std::move(*buffer));
    out_views.push_back(TensorView{o.dtype, o.sizes, buffers.back().get()});
    bytes += static_cast<double>(n);
  }
  cudaStream_t stream;
  cudaStreamCreate(&stream);
  for (auto& tactic : tactics) {
    const Status setup = tactic->Setup(**res);
    ASSERT_TRUE(setup.ok()) << tactic->name() << ": " << setup.message();
    auto ws = gpu::DeviceBuffer::Allocate(tactic->WorkspaceBytes(), "ws");
    const gpu::LaunchArgs args{in_views, out_views, ws->get(), stream, res->get()};
    const double us = TimeLaunch(*tactic, args);
    EXPECT_GT(us, 0) << tactic->name();
    std::printf("  %-34s %-26s %9.1f us %7.0f GB/s\n", what, tactic->name().c_str(), us, bytes / us / 1e3);
  }
  cudaStreamDestroy(stream);
}

Tensor Ones(DType dt, Ints sizes) { return testing::RandomTensor(dt, std::move(sizes), 1); }

TEST(ShapeCudaBandwidth, ReformatsAndChannelOps) {
  MRT_SKIP_WITHOUT_GPU();
  auto transpose = [](DType dt, Ints sizes, Ints perm) {
    return OpUnderTest{OpKind::kTranspose, Attrs({{"perm", perm}}), {Ones(dt, sizes)}};
  };
  ReportBandwidth("NCHW->NHWC f16 8x64x160x160", transpose(DType::kF16, {8, 64, 160, 160}, {0, 2, 3, 1}),
                  gpu::AppendShapeTactics);
  ReportBandwidth("NHWC->NCHW f16 8x160x160x64", transpose(DType::kF16, {8, 160, 160, 64}, {0, 3, 1, 2}),
                  gpu::AppendShapeTactics);
  ReportBandwidth("NCHW->NHWC f32 1x256x80x80", transpose(DType::kF32, {1, 256, 80, 80}, {0, 2, 3, 1}),
                  gpu::AppendShapeTactics);
  ReportBandwidth("NCHW->NHWC f32 8x3x640x640 (image)", transpose(DType::kF32, {8, 3, 640, 640}, {0, 2, 3, 1}),
                  gpu::AppendShapeTactics);
  ReportBandwidth("Concat f16 2x 8x64x80x80 axis 1",
                  OpUnderTest{OpKind::kConcat, Attrs({{"axis", int64_t{1}}}),
                              {Ones(DType::kF16, {8, 64, 80, 80}), Ones(DType::kF16, {8, 64, 80, 80})}},
                  gpu::AppendShapeTactics);
  ReportBandwidth("Split f16 8x128x80x80 axis 1 in 2",
                  OpUnderTest{OpKind::kSplit, Attrs({{"axis", int64_t{1}}, {"num_outputs", int64_t{2}}}),
                              {Ones(DType::kF16, {8, 128, 80, 80})}, {}, 2},
                  gpu::AppendShapeTactics);
  ReportBandwidth("Slice f16 8x128x80x80 C 64..128",
                  OpUnderTest{OpKind::kSlice, {}, {Ones(DType::kF16, {8, 128, 80, 80}), I64s({64}), I64s({128}), I64s({1})},
                              {false, true, true, true}},
                  gpu::AppendShapeTactics);
  ReportBandwidth("Pad f32 8x64x160x160 H,W by 1",
                  OpUnderTest{OpKind::kPad, {}, {Ones(DType::kF32, {8, 64, 160, 160}), I64s({0, 0, 1, 1, 0, 0, 1, 1})},
                              {false, true}},
                  gpu::AppendShapeTactics);
}

}  // namespace
}  // namespace mrt
