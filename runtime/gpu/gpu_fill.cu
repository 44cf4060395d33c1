#include "kernels/gpu/cuda_kernel_util.cuh"
#include "runtime/gpu/gpu_fill_launch.h"

namespace mrt::gpu {

namespace {

__device__ __forceinline__ float HashToUniform(uint64_t i, uint32_t seed) {
  uint32_t x = static_cast<uint32_t>(i) * 0x9E3779B9u ^ static_cast<uint32_t>(i >> 32) ^ (seed * 0x85EBCA6Bu);
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

template <typename T>
__global__ void FillRandomKernel(T* out, int64_t n, uint32_t seed) {
  MRT_GRID_STRIDE_LOOP(i, n) { out[i] = FromFloat<T>(HashToUniform(static_cast<uint64_t>(i), seed)); }
}

}  // namespace

cudaError_t LaunchFillRandom(void* data, FillKind kind, int64_t elements, uint32_t seed, cudaStream_t stream) {
  if (elements <= 0) return cudaSuccess;
  const unsigned grid = GridFor(elements);
  switch (kind) {
    case FillKind::kF32: FillRandomKernel<<<grid, kThreadsPerBlock, 0, stream>>>(static_cast<float*>(data), elements, seed); break;
    case FillKind::kF16: FillRandomKernel<<<grid, kThreadsPerBlock, 0, stream>>>(static_cast<__half*>(data), elements, seed); break;
    case FillKind::kBF16: FillRandomKernel<<<grid, kThreadsPerBlock, 0, stream>>>(static_cast<__nv_bfloat16*>(data), elements, seed); break;
    case FillKind::kZeroBytes: return cudaMemsetAsync(data, 0, static_cast<size_t>(elements), stream);
  }
  return cudaGetLastError();
}

}  // namespace mrt::gpu
