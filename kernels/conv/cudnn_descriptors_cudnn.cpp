// cuDNN descriptor helpers shared by the cuDNN convolution tactics (see the header).
#include "kernels/conv/cudnn_descriptors_cudnn.h"

#include <climits>
#include <cstring>

#include "kernels/gpu/cuda_check.h"

namespace mrt::gpu {

namespace {

bool FitsInt(int64_t v) { return v >= 0 && v <= INT_MAX; }

cudnnMathType_t MathTypeOf(const CudnnConvGeometry& g) {
  if (g.dtype == DType::kF16) return CUDNN_TENSOR_OP_MATH;
  return g.allow_tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
}

}  // namespace

bool FitsCudnnInts(const CudnnConvGeometry& g) {
  for (int64_t v : {g.n, g.c, g.h, g.w, g.k, g.r, g.s, g.oh, g.ow, g.pad_h, g.pad_w, g.stride_h, g.stride_w, g.dil_h,
                    g.dil_w, g.group})
    if (!FitsInt(v)) return false;
  return FitsInt(g.n * g.c * g.h * g.w) && FitsInt(g.n * g.k * g.oh * g.ow) && FitsInt(g.k * g.c * g.r * g.s);
}

// cuDNN 9 reports "not supported" as CUDNN_STATUS_NOT_SUPPORTED (3000) or one of its sub-codes
// (3001..3999): a refusal. Any other status (a bad parameter, an internal error) is a failure:
// the descriptors this code made are wrong, or the library broke.
Status CudnnAlgoSupported(cudnnStatus_t query, const char* name) {
  if (query == CUDNN_STATUS_SUCCESS) return Status::Ok();
  if (static_cast<int>(query) / 1000 == static_cast<int>(CUDNN_STATUS_NOT_SUPPORTED) / 1000)
    return Status::Refusef("cuDNN does not support {} for this layer: {}", name, cudnnGetErrorString(query));
  return Status::Errorf("cuDNN failed to size {}: {}", name, cudnnGetErrorString(query));
}

Status CudnnWorkspaceWithinLimit(size_t workspace_bytes, const char* name) {
  if (workspace_bytes > kCudnnMaxWorkspaceBytes)
    return Status::Refusef("{} needs {} MiB of workspace (limit {} MiB)", name, workspace_bytes >> 20,
                           kCudnnMaxWorkspaceBytes >> 20);
  return Status::Ok();
}

cudnnDataType_t CudnnDataTypeOf(DType dtype) {
  switch (dtype) {
    case DType::kF16:
      return CUDNN_DATA_HALF;
    case DType::kBF16:
      return CUDNN_DATA_BFLOAT16;
    default:
      return CUDNN_DATA_FLOAT;
  }
}

EpilogueDType EpilogueDTypeOf(DType dtype) {
  switch (dtype) {
    case DType::kF16:
      return EpilogueDType::kF16;
    case DType::kBF16:
      return EpilogueDType::kBF16;
    default:
      return EpilogueDType::kF32;
  }
}

Status MakeCudnnConvDescriptors(const CudnnConvGeometry& g, CudnnConvDescriptors& d) {
  if (!FitsCudnnInts(g)) return Status::Error("sizes exceed cuDNN's 32-bit limits");
  const cudnnDataType_t type = CudnnDataTypeOf(g.dtype);
  const cudnnTensorFormat_t format = g.nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
  auto i = [](int64_t v) { return static_cast<int>(v); };
  MRT_CUDA_TRY(d.x.Create());
  MRT_CUDA_TRY(d.y.Create());
  MRT_CUDA_TRY(d.bias.Create());
  MRT_CUDA_TRY(d.w.Create());
  MRT_CUDA_TRY(d.conv.Create());
  MRT_CUDA_TRY(cudnnSetTensor4dDescriptor(d.x.get(), format, type, i(g.n), i(g.c), i(g.h), i(g.w)));
  MRT_CUDA_TRY(cudnnSetTensor4dDescriptor(d.y.get(), format, type, i(g.n), i(g.k), i(g.oh), i(g.ow)));
  MRT_CUDA_TRY(cudnnSetTensor4dDescriptor(d.bias.get(), format, type, 1, i(g.k), 1, 1));
  MRT_CUDA_TRY(cudnnSetFilter4dDescriptor(d.w.get(), type, format, i(g.k), i(g.c / g.group), i(g.r), i(g.s)));
  MRT_CUDA_TRY(cudnnSetConvolution2dDescriptor(d.conv.get(), i(g.pad_h), i(g.pad_w), i(g.stride_h), i(g.stride_w),
                                               i(g.dil_h), i(g.dil_w), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  MRT_CUDA_TRY(cudnnSetConvolutionGroupCount(d.conv.get(), i(g.group)));
  MRT_CUDA_TRY(cudnnSetConvolutionMathType(d.conv.get(), MathTypeOf(g)));
  int on = 0, oc = 0, oh = 0, ow = 0;
  MRT_CUDA_TRY(cudnnGetConvolution2dForwardOutputDim(d.conv.get(), d.x.get(), d.w.get(), &on, &oc, &oh, &ow));
  if (on != g.n || oc != g.k || oh != g.oh || ow != g.ow)
    return Status::Errorf("cuDNN computes a {}x{}x{}x{} output, the node has {}x{}x{}x{}", on, oc, oh, ow, g.n, g.k,
                          g.oh, g.ow);
  return Status::Ok();
}

Tensor PackFilterKrsc(const Tensor& w) {
  const std::vector<int64_t>& s = w.sizes();  // [K, C, R, S]
  const int64_t k = s[0], c = s[1], rs = s[2] * s[3];
  const size_t elem = DTypeSize(w.dtype());
  Tensor packed(w.dtype(), {k, s[2], s[3], c});
  const auto* src = static_cast<const uint8_t*>(w.raw());
  auto* dst = static_cast<uint8_t*>(packed.raw());
  for (int64_t ki = 0; ki < k; ++ki)
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t p = 0; p < rs; ++p)
        std::memcpy(dst + ((ki * rs + p) * c + ci) * elem, src + ((ki * c + ci) * rs + p) * elem, elem);
  return packed;
}

}  // namespace mrt::gpu
