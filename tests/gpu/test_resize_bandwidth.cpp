// Effective bandwidth of every Resize tactic on YOLO/segmentation-sized layers (2x nearest
// upsample NCHW and NHWC, bilinear 2x), printed per tactic so a regression or a tactic that
// never wins shows up. It checks only that each tactic runs; correctness is test_resize_ops.cpp's
// job. Bytes = activation bytes read + bytes written; H100 peak is ~3.3 TB/s.
// (The timing helper repeats test_shape_bandwidth.cpp's: each family's tests link only their family.)
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
  ReportBandwidth("nearest 2x NCHW f16 8x256x40x40", ResizeBy(DType::kF16, {8, 256, 40, 40}, {1, 1, 2, 2}, yolo),
                  gpu::AppendResizeTactics);
  ReportBandwidth("nearest 2x NCHW f32 8x128x80x80", ResizeBy(DType::kF32, {8, 128, 80, 80}, {1, 1, 2, 2}, yolo),
                  gpu::AppendResizeTactics);
  ReportBandwidth("nearest 2x NHWC f16 8x40x40x256", ResizeBy(DType::kF16, {8, 40, 40, 256}, {1, 2, 2, 1}, yolo),
                  gpu::AppendResizeTactics);
  ReportBandwidth("linear 2x NCHW f32 8x64x80x80", ResizeBy(DType::kF32, {8, 64, 80, 80}, {1, 1, 2, 2}, bilinear),
                  gpu::AppendResizeTactics);
  ReportBandwidth("linear 2x NHWC f16 8x80x80x64", ResizeBy(DType::kF16, {8, 80, 80, 64}, {1, 2, 2, 1}, bilinear),
                  gpu::AppendResizeTactics);
}

}  // namespace
}  // namespace mrt
