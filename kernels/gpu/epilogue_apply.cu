// The stand-alone epilogue pass (epilogue_apply_launch.h states the math): one thread per 16-byte
// vector of y (4 f32 or 8 f16/bf16 elements), reading the residual with the same vector width,
// and a scalar tail for the last numel % width elements. The bias index (i / inner) % channels
// is computed once per vector and then advanced element by element, so the common layouts cost
// no division per element. Memory-bound: one read of y (and of the residual), one write.
#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/gpu/epilogue_apply_launch.h"

namespace mrt::gpu {

namespace {

// ---------------------------------------------------------------------------------------------
// kernels

template <typename T, int kWidth>
__device__ __forceinline__ void ApplyToRun(const EpilogueApplyArgs& p, T* y, const T* residual, int64_t first) {
  const T* bias = static_cast<const T*>(p.bias);
  int64_t pos = 0, channel = 0;
  if (bias != nullptr) {
    const int64_t q = first / p.bias_inner;
    pos = first - q * p.bias_inner;
    channel = q % p.bias_channels;
  }
#pragma unroll
  for (int j = 0; j < kWidth; ++j) {
    float x = ToFloat(y[j]);
    if (bias != nullptr) {
      x += p.bias_scale * ToFloat(bias[channel]);
      if (++pos == p.bias_inner) {
        pos = 0;
        if (++channel == p.bias_channels) channel = 0;
      }
    }
    x = ApplyActivation(p.act, x);
    if (residual != nullptr) x += ToFloat(residual[j]);
    y[j] = FromFloat<T>(ApplyActivation(p.post, x));
  }
}

// Vectors [0, vectors) of kWidth elements, then the scalar tail [vectors * kWidth, numel).
template <typename T, int kWidth>
__global__ void EpilogueApplyKernel(const EpilogueApplyArgs p, int64_t vectors) {
  using V = Pack<T, kWidth>;
  V* y = static_cast<V*>(p.y);
  const V* residual = static_cast<const V*>(p.residual);
  MRT_GRID_STRIDE_LOOP(v, vectors) {
    V values = y[v];
    V res;
    if (residual != nullptr) res = residual[v];
    ApplyToRun<T, kWidth>(p, values.v, residual != nullptr ? res.v : nullptr, v * kWidth);
    y[v] = values;
  }
  const int64_t tail_first = vectors * kWidth;
  const int64_t tail = p.numel - tail_first;
  const int64_t t = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (t < tail) {
    T* ys = static_cast<T*>(p.y) + tail_first + t;
    const T* rs = p.residual != nullptr ? static_cast<const T*>(p.residual) + tail_first + t : nullptr;
    ApplyToRun<T, 1>(p, ys, rs, tail_first + t);
  }
}

// ---------------------------------------------------------------------------------------------
// launchers

template <typename T>
cudaError_t LaunchTyped(const EpilogueApplyArgs& a, cudaStream_t stream) {
  constexpr int kWidth = 16 / sizeof(T);
  const bool vectorize = Aligned16(a.y) && (a.residual == nullptr || Aligned16(a.residual));
  if (vectorize) {
    const int64_t vectors = a.numel / kWidth;
    EpilogueApplyKernel<T, kWidth><<<GridFor(vectors > 0 ? vectors : 1), kThreadsPerBlock, 0, stream>>>(a, vectors);
  } else {
    EpilogueApplyKernel<T, 1><<<GridFor(a.numel), kThreadsPerBlock, 0, stream>>>(a, a.numel);
  }
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchEpilogueApply(const EpilogueApplyArgs& args, cudaStream_t stream) {
  if (!EpilogueApplyNeeded(args) || args.numel <= 0) return cudaSuccess;
  if (args.bias != nullptr && (args.bias_channels <= 0 || args.bias_inner <= 0)) return cudaErrorInvalidValue;
  switch (args.dtype) {
    case EpilogueDType::kF32: return LaunchTyped<float>(args, stream);
    case EpilogueDType::kF16: return LaunchTyped<__half>(args, stream);
    case EpilogueDType::kBF16: return LaunchTyped<__nv_bfloat16>(args, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace mrt::gpu
