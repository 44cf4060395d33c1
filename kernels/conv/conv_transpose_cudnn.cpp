// cuDNN's backward-data algorithms as tactics for a 2-D NCHW ConvTranspose, f32 and f16.
// ConvTranspose is the adjoint of a forward convolution: with X [N, C, H, W] and
// W [C, M/group, kh, kw], Y [N, M, OH, OW] = dx of the forward conv that maps an [N, M, OH, OW]
// input through filter W (K = C output channels) to dy = X. So cudnnConvolutionBackwardData with
// dy = X, filter W and dx = Y computes it; output_padding only enlarges dx (the forward conv of
// the larger dx still yields H x W because output_padding < stride), and cuDNN writes every dx
// element. The bias is added afterwards by the epilogue pass (kernels/gpu/epilogue_apply.cu).
// One tactic per algorithm ("cudnn_conv_transpose_bwd_data_algo0", ...); Setup() refuses what
// cuDNN does not support or what needs more than kCudnnMaxWorkspaceBytes of workspace.
// Not offered: 1-D/3-D, asymmetric padding (legacy cuDNN pads both sides equally), channels_last.
#include <array>
#include <memory>
#include <string>

#include "ir/shape_inference/infer_nn_window.h"
#include "kernels/conv/cudnn_descriptors_cudnn.h"
#include "kernels/gpu/cuda_check.h"

namespace mrt::gpu {

namespace {

using BwdDataAlgo = CudnnAlgo<cudnnConvolutionBwdDataAlgo_t>;

constexpr std::array<BwdDataAlgo, 6> kBwdDataAlgos = {{
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, "cudnn_conv_transpose_bwd_data_algo0"},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, "cudnn_conv_transpose_bwd_data_algo1"},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT, "cudnn_conv_transpose_bwd_data_fft"},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING, "cudnn_conv_transpose_bwd_data_fft_tiling"},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD, "cudnn_conv_transpose_bwd_data_winograd"},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED, "cudnn_conv_transpose_bwd_data_winograd_nonfused"},
}};

// The forward convolution whose backward-data pass is this ConvTranspose (see the file comment),
// or an error when the node is not one these tactics run.
Expected<CudnnConvGeometry> AdjointGeometryOf(const NodeDesc& desc) {
  const TensorDesc& x = desc.inputs[0];
  const TensorDesc& wt = desc.inputs[1];
  if (x.sizes.size() != 4 || wt.sizes.size() != 4) return Status::Error("only 2-D");
  if (x.dtype != DType::kF32 && x.dtype != DType::kF16) return Status::Error("only f32/f16");
  if (wt.dtype != x.dtype || desc.outputs[0].dtype != x.dtype) return Status::Error("mixed dtypes");
  if (desc.has_input(2) && desc.inputs[2].dtype != x.dtype) return Status::Error("B has another dtype");
  if (desc.attrs().GetInt("channels_last", 0) != 0) return Status::Error("only NCHW");
  const int64_t group = desc.attrs().GetInt("group", 1);
  if (group <= 0 || x.sizes[1] != wt.sizes[0] || x.sizes[1] % group != 0) return Status::Error("bad group");
  const std::vector<int64_t> kernel = desc.attrs().GetInts("kernel_shape", {wt.sizes[2], wt.sizes[3]});
  if (kernel.size() != 2 || kernel[0] != wt.sizes[2] || kernel[1] != wt.sizes[3])
    return Status::Error("kernel_shape differs from W");
  MRT_ASSIGN_OR_RETURN(WindowGeometry w, ResolveTransposedWindow(desc.attrs(), {x.sizes[2], x.sizes[3]}, kernel));
  for (size_t i = 0; i < 2; ++i)
    if (w.pads_begin[i] != w.pads_end[i] || w.pads_begin[i] < 0) return Status::Error("asymmetric or negative pads");
  const std::vector<int64_t>& y = desc.outputs[0].sizes;
  CudnnConvGeometry g;
  g.n = x.sizes[0];
  g.c = y[1];  // the forward conv's input is Y
  g.h = y[2];
  g.w = y[3];
  g.k = x.sizes[1];  // and its output is X
  g.oh = x.sizes[2];
  g.ow = x.sizes[3];
  g.r = kernel[0];
  g.s = kernel[1];
  g.pad_h = w.pads_begin[0];
  g.pad_w = w.pads_begin[1];
  g.stride_h = w.strides[0];
  g.stride_w = w.strides[1];
  g.dil_h = w.dilations[0];
  g.dil_w = w.dilations[1];
  g.group = group;
  g.dtype = x.dtype;
  g.allow_tf32 = desc.math.allow_tf32;
  if (g.c != wt.sizes[1] * group) return Status::Error("output channels differ from W");
  if (!FitsCudnnInts(g)) return Status::Error("sizes exceed cuDNN's limits");
  return g;
}

class CudnnConvTransposeTactic final : public Tactic {
 public:
  CudnnConvTransposeTactic(const CudnnConvGeometry& g, bool has_bias, const BwdDataAlgo& algo)
      : geometry_(g), has_bias_(has_bias), algo_(algo) {}

  std::string name() const override { return algo_.name; }
  TacticFamily family() const override { return TacticFamily::kCudnn; }
  size_t WorkspaceBytes() const override { return workspace_bytes_; }

  Status Setup(GpuResources& resources) override {
    MRT_RETURN_IF_ERROR(MakeCudnnConvDescriptors(geometry_, d_));
    // d_.x describes dx (the node's Y) and d_.y describes dy (the node's X).
    const cudnnStatus_t st = cudnnGetConvolutionBackwardDataWorkspaceSize(
        resources.cudnn, d_.w.get(), d_.y.get(), d_.conv.get(), d_.x.get(), algo_.algo, &workspace_bytes_);
    MRT_RETURN_IF_ERROR(CudnnAlgoSupported(st, algo_.name));
    return CudnnWorkspaceWithinLimit(workspace_bytes_, algo_.name);
  }

  Status Launch(const LaunchArgs& args) override {
    const TensorView& x = args.inputs[0];
    const TensorView& w = args.inputs[1];
    const TensorView& y = args.outputs[0];
    const float one = 1.f, zero = 0.f;
    MRT_CUDA_TRY(cudnnConvolutionBackwardData(args.resources->cudnn, &one, d_.w.get(), w.data, d_.y.get(), x.data,
                                              d_.conv.get(), algo_.algo, args.workspace, workspace_bytes_, &zero,
                                              d_.x.get(), y.data));
    if (!has_bias_) return Status::Ok();
    EpilogueApplyArgs e;
    e.dtype = EpilogueDTypeOf(geometry_.dtype);
    e.y = y.data;
    e.numel = y.numel();
    e.bias = args.inputs[2].data;
    e.bias_channels = geometry_.c;
    e.bias_inner = geometry_.h * geometry_.w;
    MRT_CUDA_TRY(LaunchEpilogueApply(e, args.stream));
    return Status::Ok();
  }

 private:
  CudnnConvGeometry geometry_;
  bool has_bias_ = false;
  BwdDataAlgo algo_;
  CudnnConvDescriptors d_;
  size_t workspace_bytes_ = 0;
};

}  // namespace

void AppendConvTransposeCudnnTactics(const NodeDesc& desc, TacticList& out) {
  if (desc.op() != OpKind::kConvTranspose || desc.inputs.size() < 2 || !desc.has_input(0) || !desc.has_input(1))
    return;
  Expected<CudnnConvGeometry> g = AdjointGeometryOf(desc);
  if (!g.ok()) return;
  for (const BwdDataAlgo& algo : kBwdDataAlgos)
    out.push_back(std::make_unique<CudnnConvTransposeTactic>(*g, desc.has_input(2), algo));
}

}  // namespace mrt::gpu
