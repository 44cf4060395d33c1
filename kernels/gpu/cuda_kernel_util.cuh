// Small device-side helpers shared by the .cu files: launch geometry, loading any float dtype
// as float and storing float back, the vector types for 16-byte accesses, and the dispatch of
// byte-moving launchers on the unit size. Warp and block reductions: warp_reduce.cuh.
// .cu files include this and their own launcher header only (no fmt, no Status): launchers
// return cudaError_t and the host-side tactic classes (*_cuda.cpp) turn that into a Status.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace mrt::gpu {

inline constexpr int kThreadsPerBlock = 256;

// Blocks for a grid-stride loop over n elements: enough to fill the GPU, never more than needed.
inline unsigned GridFor(int64_t n, int threads = kThreadsPerBlock, int64_t max_blocks = 65535LL * 8) {
  int64_t blocks = (n + threads - 1) / threads;
  if (blocks < 1) blocks = 1;
  if (blocks > max_blocks) blocks = max_blocks;
  return static_cast<unsigned>(blocks);
}

__device__ __forceinline__ float ToFloat(float v) { return v; }
__device__ __forceinline__ float ToFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ float ToFloat(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T>
__device__ __forceinline__ T FromFloat(float v);
template <>
__device__ __forceinline__ float FromFloat<float>(float v) { return v; }
template <>
__device__ __forceinline__ __half FromFloat<__half>(float v) { return __float2half_rn(v); }
template <>
__device__ __forceinline__ __nv_bfloat16 FromFloat<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

#define MRT_GRID_STRIDE_LOOP(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(blockDim.x) * gridDim.x)

// V consecutive elements of T moved as one aligned access of sizeof(T) * V bytes (16 bytes: one
// vector load or store).
template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

// Whether p may be accessed 16 bytes at a time.
inline bool Aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }

// The unsigned type of kBytes bytes, for moving kBytes bytes (a unit of elements) as one access.
template <int kBytes>
struct RawVector;
template <>
struct RawVector<16> {
  using type = uint4;
};
template <>
struct RawVector<8> {
  using type = uint2;
};
template <>
struct RawVector<4> {
  using type = uint32_t;
};
template <>
struct RawVector<2> {
  using type = uint16_t;
};
template <>
struct RawVector<1> {
  using type = uint8_t;
};

// Calls fn(Unit{}) with Unit = RawVector<bytes>::type for bytes 1, 2, 4, 8 or 16 (launchers of
// kernels that move elements by their byte size); cudaErrorInvalidValue for any other size.
template <typename Fn>
cudaError_t WithUnitOfBytes(int bytes, Fn&& fn) {
  switch (bytes) {
    case 1:
      return fn(RawVector<1>::type{});
    case 2:
      return fn(RawVector<2>::type{});
    case 4:
      return fn(RawVector<4>::type{});
    case 8:
      return fn(RawVector<8>::type{});
    case 16:
      return fn(RawVector<16>::type{});
    default:
      return cudaErrorInvalidValue;
  }
}

}  // namespace mrt::gpu
