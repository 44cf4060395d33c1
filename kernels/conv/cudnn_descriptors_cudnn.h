// Shared pieces of the cuDNN convolution tactics (conv_cudnn.cpp: forward algorithms for
// Conv/FusedConv; conv_transpose_cudnn.cpp: backward-data algorithms for ConvTranspose):
// owning wrappers of cuDNN's legacy descriptors, the descriptors of one 2-D convolution, the
// data and math types a build asks for, and the limits every cuDNN tactic applies.
//
// Math (what "f32" means is a build flag, MathOptions::allow_tf32):
//   f32, TF32 allowed   CUDNN_DEFAULT_MATH   (cuDNN may use TF32 tensor cores)
//   f32, strict         CUDNN_FMA_MATH       (FP32 FMA only)
//   f16                 CUDNN_TENSOR_OP_MATH with a CUDNN_DATA_FLOAT convolution (f32 accumulation)
#pragma once

#include <cudnn.h>

#include <cstdint>
#include <utility>

#include "kernels/gpu/epilogue_apply_launch.h"
#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

// A tactic needing more scratch than this is refused in Setup().
inline constexpr size_t kCudnnMaxWorkspaceBytes = size_t{256} << 20;

// One cuDNN algorithm (a cudnnConvolution*Algo_t) offered as a tactic under a stable name.
template <typename Algo>
struct CudnnAlgo {
  Algo algo;
  const char* name;
};

// Setup()'s refusals of algorithm `name`: `query` (the status of its workspace-size query) says
// cuDNN does not support it for this layer, or it needs more than kCudnnMaxWorkspaceBytes.
Status CudnnAlgoSupported(cudnnStatus_t query, const char* name);
Status CudnnWorkspaceWithinLimit(size_t workspace_bytes, const char* name);

// Owns one cuDNN descriptor: created by Create(), destroyed with the wrapper.
template <typename Handle, cudnnStatus_t (*kCreate)(Handle*), cudnnStatus_t (*kDestroy)(Handle)>
class CudnnDescriptor {
 public:
  CudnnDescriptor() = default;
  CudnnDescriptor(const CudnnDescriptor&) = delete;
  CudnnDescriptor& operator=(const CudnnDescriptor&) = delete;
  CudnnDescriptor(CudnnDescriptor&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
  ~CudnnDescriptor() {
    if (handle_ != nullptr) kDestroy(handle_);
  }
  cudnnStatus_t Create() { return handle_ != nullptr ? CUDNN_STATUS_SUCCESS : kCreate(&handle_); }
  Handle get() const { return handle_; }

 private:
  Handle handle_ = nullptr;
};

using CudnnTensorDesc = CudnnDescriptor<cudnnTensorDescriptor_t, cudnnCreateTensorDescriptor, cudnnDestroyTensorDescriptor>;
using CudnnFilterDesc = CudnnDescriptor<cudnnFilterDescriptor_t, cudnnCreateFilterDescriptor, cudnnDestroyFilterDescriptor>;
using CudnnConvDesc =
    CudnnDescriptor<cudnnConvolutionDescriptor_t, cudnnCreateConvolutionDescriptor, cudnnDestroyConvolutionDescriptor>;
using CudnnActivationDesc =
    CudnnDescriptor<cudnnActivationDescriptor_t, cudnnCreateActivationDescriptor, cudnnDestroyActivationDescriptor>;

// One 2-D cross-correlation as cuDNN's forward convolution sees it: x [n, c, h, w] conv
// w [k, c/group, r, s] -> y [n, k, oh, ow]. nhwc: x and y are NHWC in memory and the filter is
// KRSC (the tactic packs W so). ConvTranspose describes its adjoint forward conv (x = its Y).
struct CudnnConvGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;
  int64_t k = 0, r = 0, s = 0, oh = 0, ow = 0;
  int64_t pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  int64_t group = 1;
  bool nhwc = false;
  DType dtype = DType::kF32;
  bool allow_tf32 = true;
};

// Whether every size of the geometry fits cuDNN's int parameters (and each tensor < 2^31 elements).
bool FitsCudnnInts(const CudnnConvGeometry& g);

// The descriptors of a geometry, plus (for a fused bias) the [1, k, 1, 1] bias descriptor.
struct CudnnConvDescriptors {
  CudnnTensorDesc x, y, bias;
  CudnnFilterDesc w;
  CudnnConvDesc conv;
};

// Creates and fills every descriptor; an error when cuDNN rejects one or when cuDNN's output size
// differs from g.oh x g.ow (then the tactic refuses the layer).
Status MakeCudnnConvDescriptors(const CudnnConvGeometry& g, CudnnConvDescriptors& d);

cudnnDataType_t CudnnDataTypeOf(DType dtype);
EpilogueDType EpilogueDTypeOf(DType dtype);

// W [K, C/g, R, S] rewritten as [K, R, S, C/g] (the filter layout of an NHWC cuDNN convolution).
Tensor PackFilterKrsc(const Tensor& w);

// kernels/conv/conv_transpose_cudnn.cpp: every backward-data algorithm for a 2-D NCHW
// ConvTranspose (AppendConvCudnnTactics calls it for ConvTranspose nodes).
void AppendConvTransposeCudnnTactics(const NodeDesc& desc, TacticList& out);

}  // namespace mrt::gpu
