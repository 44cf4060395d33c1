// cuDNN's forward convolution algorithms as tactics for 2-D Conv / FusedConv, NCHW or NHWC
// (channels_last = 1), f32 and f16, any group count (depthwise included), symmetric pads.
// One tactic per algorithm ("cudnn_conv_fwd_implicit_precomp_gemm", ...): the provider offers all
// eight without touching the GPU; Setup() builds the descriptors, asks cuDNN for the algorithm's
// workspace and refuses when cuDNN does not support the algorithm for this layer or needs more
// than kCudnnMaxWorkspaceBytes.
//
// Epilogue y = post(act(conv + B) + Z):
//   fused      cudnnConvolutionBiasActivationForward computes act'(conv + alpha2 * z + B) with
//              act' Relu or identity (identity only with IMPLICIT_PRECOMP_GEMM): it covers
//              act in {None, Relu} without Z, and act = None with Z and post in {None, Relu};
//   otherwise  cudnnConvolutionForward, then the epilogue pass (kernels/gpu/epilogue_apply.cu),
//              also when the fused call turns out at launch not to support the layer.
// An NHWC tactic reads W packed as KRSC (PackWeights), the filter layout cuDNN pairs with NHWC.
#include <array>
#include <memory>
#include <string>

#include "kernels/conv/cudnn_descriptors_cudnn.h"
#include "kernels/gpu/conv_problem.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

using FwdAlgo = CudnnAlgo<cudnnConvolutionFwdAlgo_t>;

constexpr std::array<FwdAlgo, 8> kFwdAlgos = {{
    {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, "cudnn_conv_fwd_implicit_gemm"},
    {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, "cudnn_conv_fwd_implicit_precomp_gemm"},
    {CUDNN_CONVOLUTION_FWD_ALGO_GEMM, "cudnn_conv_fwd_gemm"},
    {CUDNN_CONVOLUTION_FWD_ALGO_DIRECT, "cudnn_conv_fwd_direct"},
    {CUDNN_CONVOLUTION_FWD_ALGO_FFT, "cudnn_conv_fwd_fft"},
    {CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING, "cudnn_conv_fwd_fft_tiling"},
    {CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD, "cudnn_conv_fwd_winograd"},
    {CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED, "cudnn_conv_fwd_winograd_nonfused"},
}};

// What cudnnConvolutionBiasActivationForward would have to apply to conv + z + B to produce the
// node's epilogue, or kNotFusable.
enum class FusedActivation { kNotFusable, kIdentity, kRelu };

FusedActivation FusableActivation(const ConvProblem& p) {
  auto relu_or_none = [](const ActivationSpec& a) {
    return a.kind == Activation::kNone || a.kind == Activation::kRelu;
  };
  if (!p.has_bias) return FusedActivation::kNotFusable;
  if (p.has_residual) {  // act'(conv + B + Z): the node's act must be None (it applies before Z)
    if (p.act.kind != Activation::kNone || !relu_or_none(p.post)) return FusedActivation::kNotFusable;
    return p.post.kind == Activation::kRelu ? FusedActivation::kRelu : FusedActivation::kIdentity;
  }
  if (!relu_or_none(p.act) || !relu_or_none(p.post)) return FusedActivation::kNotFusable;
  const bool relu = p.act.kind == Activation::kRelu || p.post.kind == Activation::kRelu;  // relu(relu(x)) = relu(x)
  return relu ? FusedActivation::kRelu : FusedActivation::kIdentity;
}

CudnnConvGeometry GeometryOf(const ConvProblem& p, bool allow_tf32) {
  CudnnConvGeometry g;
  g.n = p.n, g.c = p.c, g.h = p.h, g.w = p.w;
  g.k = p.k, g.r = p.r, g.s = p.s, g.oh = p.oh, g.ow = p.ow;
  g.pad_h = p.pad_h, g.pad_w = p.pad_w, g.stride_h = p.stride_h, g.stride_w = p.stride_w;
  g.dil_h = p.dil_h, g.dil_w = p.dil_w, g.group = p.group;
  g.nhwc = p.channels_last;
  g.dtype = p.dtype;
  g.allow_tf32 = allow_tf32;
  return g;
}

// Whether cuDNN's heuristic lists `algo` only as unsupported for these descriptors (a second
// opinion next to the workspace query; an algorithm it does not list at all is not refused).
bool HeuristicRejects(cudnnHandle_t handle, const CudnnConvDescriptors& d, cudnnConvolutionFwdAlgo_t algo) {
  std::array<cudnnConvolutionFwdAlgoPerf_t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT> perf{};
  int returned = 0;
  if (cudnnGetConvolutionForwardAlgorithm_v7(handle, d.x.get(), d.w.get(), d.conv.get(), d.y.get(),
                                             static_cast<int>(perf.size()), &returned,
                                             perf.data()) != CUDNN_STATUS_SUCCESS)
    return false;
  bool listed = false, supported = false;
  for (int i = 0; i < returned; ++i) {
    if (perf[i].algo != algo) continue;
    listed = true;
    supported = supported || perf[i].status == CUDNN_STATUS_SUCCESS;
  }
  return listed && !supported;
}

class CudnnConvForwardTactic final : public Tactic {
 public:
  CudnnConvForwardTactic(const ConvProblem& p, const CudnnConvGeometry& g, const FwdAlgo& algo)
      : problem_(p), geometry_(g), algo_(algo) {
    const FusedActivation fa = FusableActivation(p);
    fused_ = fa == FusedActivation::kRelu ||
             (fa == FusedActivation::kIdentity && algo.algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM);
    fused_relu_ = fa == FusedActivation::kRelu;
  }

  std::string name() const override { return algo_.name; }
  TacticFamily family() const override { return TacticFamily::kCudnn; }
  size_t WorkspaceBytes() const override { return workspace_bytes_; }

  std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const override {
    if (!problem_.channels_last) return {};
    return {PackedWeight{1, PackFilterKrsc(*desc.inputs[1].constant)}};
  }

  Status Setup(GpuResources& resources) override {
    MRT_RETURN_IF_ERROR(MakeCudnnConvDescriptors(geometry_, d_));
    if (fused_) {
      MRT_CUDA_TRY(activation_.Create());
      MRT_CUDA_TRY(cudnnSetActivationDescriptor(activation_.get(),
                                                fused_relu_ ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY,
                                                CUDNN_NOT_PROPAGATE_NAN, 0.0));
    }
    const cudnnStatus_t st = cudnnGetConvolutionForwardWorkspaceSize(
        resources.cudnn, d_.x.get(), d_.w.get(), d_.conv.get(), d_.y.get(), algo_.algo, &workspace_bytes_);
    MRT_RETURN_IF_ERROR(CudnnAlgoSupported(st, algo_.name));
    if (HeuristicRejects(resources.cudnn, d_, algo_.algo))
      return Status::Refusef("cuDNN's heuristic marks {} unsupported for this layer", algo_.name);
    return CudnnWorkspaceWithinLimit(workspace_bytes_, algo_.name);
  }

  Status Launch(const LaunchArgs& args) override {
    const TensorView& x = args.inputs[0];
    const TensorView& w = args.inputs[1];
    const TensorView& y = args.outputs[0];
    const void* bias = problem_.has_bias ? args.inputs[2].data : nullptr;
    const void* residual = problem_.has_residual ? args.inputs[3].data : nullptr;
    const cudnnHandle_t h = args.resources->cudnn;
    const float one = 1.f, zero = 0.f;
    if (fused_) {
      // Without Z, z aliases y with alpha2 = 0: cuDNN then does not read it.
      const float alpha2 = residual != nullptr ? 1.f : 0.f;
      const cudnnStatus_t st = cudnnConvolutionBiasActivationForward(
          h, &one, d_.x.get(), x.data, d_.w.get(), w.data, d_.conv.get(), algo_.algo, args.workspace, workspace_bytes_,
          &alpha2, d_.y.get(), residual != nullptr ? residual : y.data, d_.bias.get(), bias, activation_.get(),
          d_.y.get(), y.data);
      if (st == CUDNN_STATUS_SUCCESS) return Status::Ok();
      // The fused call supports less than cudnnConvolutionForward with the same descriptors, and
      // says so only here (on an H100 with cuDNN 9.19, e.g. a grouped f32 TF32 conv with the
      // identity activation returns BAD_PARAM): run the unfused path from now on. cuDNN rejects
      // before computing anything, and the unfused path rewrites all of y anyway.
      if (st != CUDNN_STATUS_NOT_SUPPORTED && st != CUDNN_STATUS_BAD_PARAM)
        return CudnnError(st, "cudnnConvolutionBiasActivationForward", __FILE__, __LINE__);
      fused_ = false;
    }
    MRT_CUDA_TRY(cudnnConvolutionForward(h, &one, d_.x.get(), x.data, d_.w.get(), w.data, d_.conv.get(), algo_.algo,
                                         args.workspace, workspace_bytes_, &zero, d_.y.get(), y.data));
    EpilogueApplyArgs e;
    e.dtype = EpilogueDTypeOf(problem_.dtype);
    e.y = y.data;
    e.numel = y.numel();
    e.bias = bias;
    e.bias_channels = problem_.k;
    e.bias_inner = problem_.channels_last ? 1 : problem_.oh * problem_.ow;
    e.residual = residual;
    e.act = problem_.act;
    e.post = problem_.post;
    MRT_CUDA_TRY(LaunchEpilogueApply(e, args.stream));
    return Status::Ok();
  }

 private:
  ConvProblem problem_;
  CudnnConvGeometry geometry_;
  FwdAlgo algo_;
  bool fused_ = false, fused_relu_ = false;
  CudnnConvDescriptors d_;
  CudnnActivationDesc activation_;
  size_t workspace_bytes_ = 0;
};

}  // namespace

void AppendConvCudnnTactics(const NodeDesc& desc, TacticList& out) {
  if (desc.op() == OpKind::kConvTranspose) {
    AppendConvTransposeCudnnTactics(desc, out);
    return;
  }
  Expected<ConvProblem> p = ConvProblemOf(desc);
  if (!p.ok() || !p->symmetric_pads()) return;  // legacy cuDNN pads both sides equally
  if (p->has_bias && desc.inputs[2].dtype != p->dtype) return;
  const CudnnConvGeometry g = GeometryOf(*p, desc.math.allow_tf32);
  if (!FitsCudnnInts(g)) return;
  for (const FwdAlgo& algo : kFwdAlgos) out.push_back(std::make_unique<CudnnConvForwardTactic>(*p, g, algo));
}

}  // namespace mrt::gpu
