// The tensor-core implicit-GEMM convolution (kernels/conv/conv_igemm_*) against the CPU reference:
// every tile configuration the provider offers, in f16 (1e-2) and TF32 (3e-3), on NHWC layers
// with odd sizes (C = 24/40/16, K = 13/33/65, 17x19 images, batch 1 and 3) so M, N and K all end
// in partial tiles; 1x1, 3x3 and 5x5 windows, stride 2, asymmetric pads, dilation; FusedConv with
// bias + SiLU and with a residual + post Relu. Cases the kernel does not take (C = 3, NCHW,
// groups, f32 without TF32) must get no tactic.
//
// The expected output is the NCHW reference (Conv with channels_last = 0) transposed to NHWC, so
// these tests check the layout convention too. The tactics run through a small harness here
// (explicit NHWC shapes, no shape inference) that can also time them: ConvIgemmPerf prints the
// TFLOP/s of every tile configuration and of cuDNN's fastest algorithm on ResNet-50 layers.
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "ir/activation.h"
#include "kernels/gemm/gemm_tc_launch.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/gpu_resources.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendConvImplicitGemmTactics;
using testing::Attrs;
using testing::MedianLaunchMicroseconds;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

struct ConvCase {
  int64_t n = 1, c = 24, h = 17, w = 19, k = 13, r = 3, s = 3;
  Ints strides{1, 1}, pads{1, 1, 1, 1}, dilations{1, 1};  // pads: h_begin, w_begin, h_end, w_end
  int64_t group = 1;
  bool nhwc = true, bias = false, residual = false;
  ActivationSpec act, post;

  bool fused() const { return residual || act.kind != Activation::kNone || post.kind != Activation::kNone; }
  int64_t oh() const { return (h + pads[0] + pads[2] - dilations[0] * (r - 1) - 1) / strides[0] + 1; }
  int64_t ow() const { return (w + pads[1] + pads[3] - dilations[1] * (s - 1) - 1) / strides[1] + 1; }
  double flops() const { return 2.0 * n * oh() * ow() * k * (c / group) * r * s; }
};

ActivationSpec Act(Activation kind, float alpha = 0.f, float beta = 0.f) { return {kind, alpha, beta}; }

// [N, A, B, C] -> [N, C, A, B] (to_channels_first) or [N, B, C, A] (back), any dtype.
Tensor Permute4d(const Tensor& t, bool to_channels_first) {
  const Ints& in = t.sizes();
  const Ints out_sizes = to_channels_first ? Ints{in[0], in[3], in[1], in[2]} : Ints{in[0], in[2], in[3], in[1]};
  Tensor out(t.dtype(), out_sizes);
  const size_t bytes = DTypeSize(t.dtype());
  const auto* src = static_cast<const uint8_t*>(t.raw());
  auto* dst = static_cast<uint8_t*>(out.raw());
  int64_t i = 0;
  for (int64_t a = 0; a < in[0]; ++a)
    for (int64_t b = 0; b < in[1]; ++b)
      for (int64_t c = 0; c < in[2]; ++c)
        for (int64_t d = 0; d < in[3]; ++d, ++i) {
          const int64_t o = to_channels_first ? ((a * in[3] + d) * in[1] + b) * in[2] + c
                                              : ((a * in[2] + c) * in[3] + d) * in[1] + b;
          std::memcpy(dst + o * bytes, src + i * bytes, bytes);
        }
  return out;
}

// One Conv / FusedConv node with explicit shapes (X, Y, Z in the case's layout) and its data.
struct ConvNode {
  std::unique_ptr<Graph> graph = std::make_unique<Graph>();
  OpKind op = OpKind::kConv;
  Attributes attrs;
  std::vector<Tensor> inputs;  // X, W, B (or empty), Z (or empty)
  Ints y_sizes;
};

ConvNode MakeConv(DType dt, const ConvCase& cs, uint64_t seed = 1, bool with_data = true) {
  ConvNode node;
  node.op = cs.fused() ? OpKind::kFusedConv : OpKind::kConv;
  node.attrs = Attrs({{"kernel_shape", Ints{cs.r, cs.s}},
                      {"strides", cs.strides},
                      {"pads", cs.pads},
                      {"dilations", cs.dilations},
                      {"group", cs.group},
                      {"channels_last", int64_t{cs.nhwc ? 1 : 0}}});
  if (cs.fused()) {
    WriteActivation(node.attrs, "activation", cs.act);
    WriteActivation(node.attrs, "post_activation", cs.post);
  }
  const Ints x_sizes = cs.nhwc ? Ints{cs.n, cs.h, cs.w, cs.c} : Ints{cs.n, cs.c, cs.h, cs.w};
  node.y_sizes = cs.nhwc ? Ints{cs.n, cs.oh(), cs.ow(), cs.k} : Ints{cs.n, cs.k, cs.oh(), cs.ow()};
  auto data = [&](Ints sizes, uint64_t s) { return with_data ? RandomTensor(dt, sizes, s) : Tensor(dt, sizes); };
  node.inputs = {data(x_sizes, seed), RandomTensor(dt, {cs.k, cs.c / cs.group, cs.r, cs.s}, seed + 1),
                 cs.bias ? RandomTensor(dt, {cs.k}, seed + 2) : Tensor(), cs.residual ? data(node.y_sizes, seed + 3) : Tensor()};
  Graph& g = *node.graph;
  std::vector<ValueId> ins;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Tensor& t = node.inputs[i];
    if (t.dtype() == DType::kUndefined) {
      ins.push_back(kNoValue);
    } else if (i == 1 || i == 2) {
      ins.push_back(g.AddWeight("in" + std::to_string(i), t));
    } else {
      ins.push_back(g.AddValue("in" + std::to_string(i), dt, Shape::FromSizes(t.sizes())));
      g.AddGraphInput(ins.back());
    }
  }
  while (ins.size() > 2 && ins.back() == kNoValue) ins.pop_back();
  const ValueId y = g.AddValue("y", dt, Shape::FromSizes(node.y_sizes));
  g.AddNode(node.op, "conv", ins, {y}, node.attrs);
  g.AddGraphOutput(y);
  return node;
}

// The expected output: the NCHW reference conv, transposed back to NHWC.
Tensor ReferenceNhwc(const ConvNode& node) {
  Attributes attrs = node.attrs;
  attrs.set("channels_last", int64_t{0});
  std::vector<Tensor> inputs = node.inputs;
  inputs[0] = Permute4d(inputs[0], true);
  if (inputs[3].dtype() != DType::kUndefined) inputs[3] = Permute4d(inputs[3], true);
  while (inputs.size() > 2 && inputs.back().dtype() == DType::kUndefined) inputs.pop_back();
  const std::vector<Tensor> out = testing::RunAll(node.op, inputs, attrs);
  return out.empty() ? Tensor() : Permute4d(out[0], false);
}

// ---- running tactics ----

struct GpuSession {
  std::unique_ptr<gpu::GpuResources> resources;
  cudaStream_t stream = nullptr;
  GpuSession() {
    auto r = gpu::GpuResources::Create();
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (r.ok()) resources = std::move(*r);
    cudaStreamCreate(&stream);
    if (resources) (void)resources->BindStream(stream);
  }
  ~GpuSession() { cudaStreamDestroy(stream); }
};

struct TacticResult {
  Tensor output;
  double microseconds = 0;  // median per launch when timed (MedianLaunchMicroseconds)
};

Expected<TensorView> Upload(const Tensor& host, std::vector<gpu::DeviceBuffer>& keep) {
  MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer b, gpu::DeviceBuffer::Allocate(host.nbytes(), "test tensor"));
  if (host.nbytes()) MRT_CUDA_TRY(cudaMemcpy(b.get(), host.raw(), host.nbytes(), cudaMemcpyHostToDevice));
  TensorView v{host.dtype(), host.sizes(), b.get()};
  keep.push_back(std::move(b));
  return v;
}

// Packs, uploads, sets up and launches `tactic` once on poisoned outputs (0xFF: NaN where nothing
// was written), downloads Y, then times further launches when asked.
Expected<TacticResult> RunTactic(gpu::Tactic& tactic, const gpu::NodeDesc& desc, const ConvNode& node,
                                 GpuSession& gpu_session, bool timed = false) {
  std::vector<gpu::DeviceBuffer> keep;
  const std::vector<gpu::PackedWeight> packed = tactic.PackWeights(desc);
  std::vector<TensorView> inputs(desc.inputs.size());
  for (size_t i = 0; i < desc.inputs.size(); ++i) {
    if (!desc.inputs[i].present()) continue;
    const Tensor* host = &node.inputs[i];
    for (const auto& p : packed)
      if (p.input_index == static_cast<int>(i)) host = &p.packed;
    MRT_ASSIGN_OR_RETURN(inputs[i], Upload(*host, keep));
  }
  Tensor poison(desc.outputs[0].dtype, desc.outputs[0].sizes);
  std::memset(poison.raw(), 0xFF, poison.nbytes());
  MRT_ASSIGN_OR_RETURN(TensorView y, Upload(poison, keep));
  std::vector<TensorView> outputs{y};
  MRT_RETURN_IF_ERROR(tactic.Setup(*gpu_session.resources));
  MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer workspace, gpu::DeviceBuffer::Allocate(tactic.WorkspaceBytes(), "workspace"));
  const gpu::LaunchArgs args{inputs, outputs, workspace.get(), gpu_session.stream, gpu_session.resources.get()};
  MRT_RETURN_IF_ERROR(tactic.Launch(args));
  MRT_CUDA_TRY(cudaStreamSynchronize(gpu_session.stream));
  TacticResult result;
  result.output = Tensor(y.dtype, y.sizes);
  MRT_CUDA_TRY(cudaMemcpy(result.output.raw(), y.data, result.output.nbytes(), cudaMemcpyDeviceToHost));
  if (timed) {
    result.microseconds = MedianLaunchMicroseconds(gpu_session.stream, [&] { (void)tactic.Launch(args); });
    MRT_CUDA_TRY(cudaGetLastError());
  }
  return result;
}

gpu::TacticList OfferedTactics(const ConvNode& node, gpu::MathOptions math) {
  gpu::TacticList tactics;
  auto desc = gpu::MakeNodeDesc(*node.graph, node.graph->node(0), math);
  EXPECT_TRUE(desc.ok()) << desc.status().message();
  if (desc.ok()) AppendConvImplicitGemmTactics(*desc, tactics);
  return tactics;
}

// Runs every offered tactic and EXPECTs it within `tol` of the reference (largest abs error over
// the largest |ref|, no NaN). Returns the number of tactics checked.
int CheckConv(DType dt, const ConvCase& cs, double tol, gpu::MathOptions math = {}) {
  SCOPED_TRACE(std::string(DTypeName(dt)) + (math.allow_tf32 ? "" : " no-tf32"));
  const ConvNode node = MakeConv(dt, cs);
  const Tensor expected = ReferenceNhwc(node);
  auto desc = gpu::MakeNodeDesc(*node.graph, node.graph->node(0), math);
  if (!desc.ok()) {
    ADD_FAILURE() << desc.status().message();
    return 0;
  }
  gpu::TacticList tactics;
  AppendConvImplicitGemmTactics(*desc, tactics);
  GpuSession session;
  int checked = 0;
  for (auto& tactic : tactics) {
    SCOPED_TRACE("tactic " + tactic->name());
    ++checked;
    auto run = RunTactic(*tactic, *desc, node, session);
    if (!run.ok()) {
      ADD_FAILURE() << run.status().message();
      continue;
    }
    const Tensor& out = run->output;
    if (out.sizes() != expected.sizes()) {
      ADD_FAILURE() << "output " << SizesToString(out.sizes()) << ", expected " << SizesToString(expected.sizes());
      continue;
    }
    int64_t nans = 0;
    for (int64_t i = 0; i < out.numel(); ++i) nans += std::isnan(out.ElementAsDouble(i)) ? 1 : 0;
    EXPECT_EQ(nans, 0) << "NaN outputs (unwritten elements?)";
    const testing::Closeness c = testing::Compare(out, expected);
    EXPECT_LE(c.relative(), tol) << "max abs error " << c.max_abs_error << " over max |ref| " << c.max_ref_magnitude;
    if (nans > 0 || c.relative() > tol) {  // where: the first few wrong elements as (n, oh, ow, k)
      int shown = 0;
      for (int64_t i = 0; i < out.numel() && shown < 4; ++i) {
        const double got = out.ElementAsDouble(i), want = expected.ElementAsDouble(i);
        if (!(std::abs(got - want) <= tol * c.max_ref_magnitude)) {
          const int64_t k = i % cs.k, ow = i / cs.k % cs.ow(), oh = i / cs.k / cs.ow() % cs.oh(),
                        n = i / cs.k / cs.ow() / cs.oh();
          ADD_FAILURE() << "y[" << n << "," << oh << "," << ow << "," << k << "] = " << got << ", expected " << want;
          ++shown;
        }
      }
    }
  }
  return checked;
}

// f16 at 1e-2 and f32 with TF32 at 3e-3, each with at least one tactic.
void CheckBothPrecisions(const ConvCase& cs) {
  EXPECT_GE(CheckConv(DType::kF16, cs, 1e-2), 1);
  EXPECT_GE(CheckConv(DType::kF32, cs, 3e-3), 1);
}

TEST(ConvIgemm, Conv3x3OddSizesBatch3) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothPrecisions({.n = 3, .c = 24, .h = 17, .w = 19, .k = 13});
}

TEST(ConvIgemm, EveryTileConfigurationOnOddSizes) {
  MRT_SKIP_WITHOUT_GPU();
  // M = 3 * 17 * 19 = 969 and K = 65 leave partial tiles in every configuration; all are offered.
  const ConvCase cs{.n = 3, .c = 40, .h = 17, .w = 19, .k = 65};
  EXPECT_EQ(CheckConv(DType::kF16, cs, 1e-2), gpu::kNumTcTileConfigs);
  EXPECT_EQ(CheckConv(DType::kF32, cs, 3e-3), gpu::kNumTcTileConfigs);
}

TEST(ConvIgemm, Pointwise1x1) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothPrecisions({.n = 1, .c = 40, .h = 17, .w = 19, .k = 65, .r = 1, .s = 1, .pads = {0, 0, 0, 0}});
}

TEST(ConvIgemm, Window5x5Stride2) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothPrecisions({.n = 3, .c = 16, .h = 17, .w = 19, .k = 33, .r = 5, .s = 5, .strides = {2, 2}, .pads = {2, 2, 2, 2}});
}

TEST(ConvIgemm, AsymmetricPadsAndDilation) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothPrecisions(
      {.n = 1, .c = 32, .h = 17, .w = 19, .k = 64, .strides = {2, 1}, .pads = {0, 1, 1, 0}, .dilations = {2, 1}});
}

TEST(ConvIgemm, DeepReductionSmallChannels) {
  MRT_SKIP_WITHOUT_GPU();
  // K_gemm = 576 (18 f16 k-tiles: the pipeline wraps many times); C = 8 crosses taps inside a tile.
  CheckBothPrecisions({.n = 2, .c = 64, .h = 14, .w = 14, .k = 64});
  CheckBothPrecisions({.n = 1, .c = 8, .h = 17, .w = 19, .k = 33, .r = 7, .s = 7, .pads = {3, 3, 3, 3}});
}

TEST(ConvIgemm, FusedBiasSilu) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothPrecisions({.n = 3, .c = 24, .h = 17, .w = 19, .k = 65, .bias = true, .act = Act(Activation::kSiLU)});
}

TEST(ConvIgemm, FusedResidualPostRelu) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothPrecisions({.n = 3, .c = 40, .h = 17, .w = 19, .k = 33, .bias = true, .residual = true,
                       .post = Act(Activation::kRelu)});
  // Residual without bias, Clip(0, 6) then LeakyRelu: every epilogue term in its place.
  CheckBothPrecisions({.n = 1, .c = 16, .h = 17, .w = 19, .k = 64, .residual = true,
                       .act = Act(Activation::kClip, 0.f, 6.f), .post = Act(Activation::kLeakyRelu, 0.1f)});
}

TEST(ConvIgemm, OffersNothingItCannotRun) {
  MRT_SKIP_WITHOUT_GPU();
  const ConvCase rgb{.n = 1, .c = 3, .h = 17, .w = 19, .k = 16};  // C not a multiple of 8 / 4
  EXPECT_TRUE(OfferedTactics(MakeConv(DType::kF16, rgb, 1, false), {}).empty());
  EXPECT_TRUE(OfferedTactics(MakeConv(DType::kF32, rgb, 1, false), {}).empty());
  EXPECT_TRUE(OfferedTactics(MakeConv(DType::kF16, {.c = 12}, 1, false), {}).empty());  // 12 % 8 != 0
  EXPECT_FALSE(OfferedTactics(MakeConv(DType::kF32, {.c = 12}, 1, false), {}).empty());  // 12 % 4 == 0
  EXPECT_TRUE(OfferedTactics(MakeConv(DType::kF16, {.nhwc = false}, 1, false), {}).empty());
  EXPECT_TRUE(OfferedTactics(MakeConv(DType::kF16, {.c = 32, .group = 2}, 1, false), {}).empty());
  EXPECT_TRUE(OfferedTactics(MakeConv(DType::kF32, {}, 1, false), gpu::MathOptions{false}).empty());
  const gpu::TacticList f16 = OfferedTactics(MakeConv(DType::kF16, {}, 1, false), {});
  ASSERT_FALSE(f16.empty());
  EXPECT_EQ(f16[0]->name().rfind("conv_igemm_tc_f16_", 0), 0u) << f16[0]->name();
}

// ---- timing ----

// cuDNN's fastest forward algorithm (the two best of cudnnFind..., timed again) on the same NHWC
// f16 layer, in microseconds; negative when cuDNN refuses.
double CudnnMicroseconds(const ConvCase& cs, const TensorView& x, const TensorView& w_krsc, const TensorView& y,
                         cudnnHandle_t handle, cudaStream_t stream) {
  cudnnTensorDescriptor_t xd, yd;
  cudnnFilterDescriptor_t wd;
  cudnnConvolutionDescriptor_t cd;
  cudnnCreateTensorDescriptor(&xd);
  cudnnCreateTensorDescriptor(&yd);
  cudnnCreateFilterDescriptor(&wd);
  cudnnCreateConvolutionDescriptor(&cd);
  auto i = [](int64_t v) { return static_cast<int>(v); };
  cudnnSetTensor4dDescriptor(xd, CUDNN_TENSOR_NHWC, CUDNN_DATA_HALF, i(cs.n), i(cs.c), i(cs.h), i(cs.w));
  cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NHWC, CUDNN_DATA_HALF, i(cs.n), i(cs.k), i(cs.oh()), i(cs.ow()));
  cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_HALF, CUDNN_TENSOR_NHWC, i(cs.k), i(cs.c), i(cs.r), i(cs.s));
  cudnnSetConvolution2dDescriptor(cd, i(cs.pads[0]), i(cs.pads[1]), i(cs.strides[0]), i(cs.strides[1]),
                                  i(cs.dilations[0]), i(cs.dilations[1]), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT);
  cudnnSetConvolutionMathType(cd, CUDNN_TENSOR_OP_MATH);
  const size_t workspace_bytes = size_t{512} << 20;
  void* workspace = nullptr;
  cudaMalloc(&workspace, workspace_bytes);
  cudnnConvolutionFwdAlgoPerf_t perf[8];
  int returned = 0;
  double best = -1;
  if (cudnnFindConvolutionForwardAlgorithmEx(handle, xd, x.data, wd, w_krsc.data, cd, yd, y.data, 8, &returned, perf,
                                             workspace, workspace_bytes) == CUDNN_STATUS_SUCCESS) {
    const float one = 1.f, zero = 0.f;
    // The two fastest by cudnnFind, timed again here (cudnnFind times each algorithm once).
    for (int a = 0; a < std::min(returned, 2); ++a) {
      if (perf[a].status != CUDNN_STATUS_SUCCESS || perf[a].memory > workspace_bytes) continue;
      const double us = MedianLaunchMicroseconds(stream, [&] {
        cudnnConvolutionForward(handle, &one, xd, x.data, wd, w_krsc.data, cd, perf[a].algo, workspace,
                                workspace_bytes, &zero, yd, y.data);
      });
      std::printf("    cudnn algo %d: %.1f us (cudnnFind: %.1f us)\n", static_cast<int>(perf[a].algo), us,
                  1000.0 * perf[a].time);
      if (best < 0 || us < best) best = us;
    }
  }
  cudaFree(workspace);
  cudnnDestroyTensorDescriptor(xd);
  cudnnDestroyTensorDescriptor(yd);
  cudnnDestroyFilterDescriptor(wd);
  cudnnDestroyConvolutionDescriptor(cd);
  return best;
}

// Times every tile configuration on one f16 layer and prints TFLOP/s next to cuDNN's best.
void TimeLayer(const char* label, const ConvCase& cs) {
  const ConvNode node = MakeConv(DType::kF16, cs, 7);
  auto desc = gpu::MakeNodeDesc(*node.graph, node.graph->node(0), {});
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  gpu::TacticList tactics;
  AppendConvImplicitGemmTactics(*desc, tactics);
  ASSERT_FALSE(tactics.empty());
  GpuSession session;
  std::printf("%s: N=%lld %lldx%lldx%lld -> %lld %lldx%lld, %.2f GFLOP\n", label, (long long)cs.n, (long long)cs.h,
              (long long)cs.w, (long long)cs.c, (long long)cs.k, (long long)cs.r, (long long)cs.s, cs.flops() * 1e-9);
  double best = 1e30;
  for (auto& tactic : tactics) {
    auto run = RunTactic(*tactic, *desc, node, session, true);
    ASSERT_TRUE(run.ok()) << tactic->name() << ": " << run.status().message();
    best = std::min(best, run->microseconds);
    std::printf("  %-36s %9.1f us %7.1f TFLOP/s\n", tactic->name().c_str(), run->microseconds,
                cs.flops() / (run->microseconds * 1e-6) * 1e-12);
  }
  // cuDNN on the same data: X and the KRSC weights as the first tactic packs them.
  std::vector<gpu::DeviceBuffer> keep;
  auto x = Upload(node.inputs[0], keep);
  auto w = Upload(tactics[0]->PackWeights(*desc)[0].packed, keep);
  auto y = Upload(Tensor(DType::kF16, node.y_sizes), keep);
  ASSERT_TRUE(x.ok() && w.ok() && y.ok());
  const double cudnn_us = CudnnMicroseconds(cs, *x, *w, *y, session.resources->cudnn, session.stream);
  std::printf("  %-36s %9.1f us %7.1f TFLOP/s   (best igemm: %.1f TFLOP/s, %.0f%% of cuDNN's speed)\n",
              "cudnn (fastest algo)",
              cudnn_us, cs.flops() / (cudnn_us * 1e-6) * 1e-12, cs.flops() / (best * 1e-6) * 1e-12,
              100.0 * cudnn_us / best);
}

TEST(ConvIgemmPerf, ResNet50LayersF16) {
  MRT_SKIP_WITHOUT_GPU();
  TimeLayer("res2 3x3", {.n = 32, .c = 64, .h = 56, .w = 56, .k = 64});
  TimeLayer("res4 3x3", {.n = 32, .c = 256, .h = 14, .w = 14, .k = 256});
  TimeLayer("res3 3x3", {.n = 32, .c = 128, .h = 28, .w = 28, .k = 128});
  TimeLayer("res5 3x3", {.n = 32, .c = 512, .h = 7, .w = 7, .k = 512});
  TimeLayer("res2 1x1 expand", {.n = 32, .c = 64, .h = 56, .w = 56, .k = 256, .r = 1, .s = 1, .pads = {0, 0, 0, 0}});
  TimeLayer("yolov8n 3x3 s2", {.n = 32, .c = 32, .h = 160, .w = 160, .k = 64, .strides = {2, 2}});
}

}  // namespace
}  // namespace mrt
