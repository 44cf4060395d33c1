// BatchNormalization in inference mode for the nodes the optimizer did not fold into a conv:
//   y = x * a[c] + b[c],  a = scale / sqrt(var + eps),  b = bias - mean * a
// (the reference's factoring), in f32. A pure streaming kernel: each thread handles V consecutive
// elements of one channel plane (V divides the plane size `inner`, so a 16-byte access never
// straddles two channels) and derives a, b from the four [C] vectors, which stay in L1.
#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/norm/norm_launch.h"

namespace mrt::gpu::norm {

namespace {

template <typename T, typename P, int V>
__global__ void BatchNormInferenceKernel(BatchNormArgs a) {
  const int packs = a.elements / V;
  const Pack<T, V>* src = static_cast<const Pack<T, V>*>(a.x);
  Pack<T, V>* dst = static_cast<Pack<T, V>*>(a.y);
  const P* scale = static_cast<const P*>(a.scale);
  const P* bias = static_cast<const P*>(a.bias);
  const P* mean = static_cast<const P*>(a.mean);
  const P* var = static_cast<const P*>(a.var);
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < packs; i += blockDim.x * gridDim.x) {
    const int c = (i * V / a.inner) % a.channels;
    const float mul = ToFloat(scale[c]) / sqrtf(ToFloat(var[c]) + a.epsilon);
    const float add = ToFloat(bias[c]) - ToFloat(mean[c]) * mul;
    const Pack<T, V> p = src[i];
    Pack<T, V> out;
#pragma unroll
    for (int k = 0; k < V; ++k) out.v[k] = FromFloat<T>(fmaf(ToFloat(p.v[k]), mul, add));
    dst[i] = out;
  }
}

template <typename T, typename P>
void LaunchTyped(const BatchNormArgs& a, cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  if (a.inner % kV == 0 && Aligned16(a.x) && Aligned16(a.y)) {
    BatchNormInferenceKernel<T, P, kV><<<GridFor(a.elements / kV), kThreadsPerBlock, 0, stream>>>(a);
  } else {
    BatchNormInferenceKernel<T, P, 1><<<GridFor(a.elements), kThreadsPerBlock, 0, stream>>>(a);
  }
}

}  // namespace

cudaError_t LaunchBatchNormInference(ElemType type, ElemType param_type, const BatchNormArgs& args,
                                     cudaStream_t stream) {
  if (args.elements <= 0 || args.channels <= 0 || args.inner <= 0) return cudaSuccess;
  if (type == ElemType::kF32) {
    if (param_type != ElemType::kF32) return cudaErrorInvalidValue;
    LaunchTyped<float, float>(args, stream);
  } else if (param_type == ElemType::kF16) {
    LaunchTyped<__half, __half>(args, stream);
  } else {
    LaunchTyped<__half, float>(args, stream);
  }
  return cudaGetLastError();
}

}  // namespace mrt::gpu::norm
