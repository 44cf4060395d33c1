// GlobalAveragePool / GlobalMaxPool: the mean or max of each (n, c) plane, summed in f32.
//  * NCHW, warp per plane: for small planes (ResNet-50's 7x7 before the classifier): each warp
//    reads its plane with coalesced strided loads and reduces with shuffles; 8 planes per block.
//  * NCHW, block per plane: for large planes: 16-byte loads when the plane allows, shuffles
//    inside warps, then one value per warp through shared memory.
//  * NHWC: [N, pixels, C] -> [N, C]. threadIdx.x walks 16-byte channel groups (coalesced across
//    the warp), threadIdx.y splits the pixels; partial results meet in shared memory.
// GlobalMaxPool starts from the float's lowest value, like the reference.
#include "kernels/gpu/warp_reduce.cuh"
#include "kernels/pool/pool_launch.h"
#include "kernels/pool/pool_taps.cuh"

namespace mrt::gpu::pool {

namespace {

__device__ __forceinline__ float Combine(bool is_max, float a, float b) { return is_max ? fmaxf(a, b) : a + b; }

__device__ __forceinline__ float WarpReduce(bool is_max, float v) {
  return WarpAllReduce(v, ShuffleXor<float>,
                       [is_max](float mine, float theirs) { return Combine(is_max, mine, theirs); });
}

template <typename T>
__global__ void GlobalPoolWarpPerPlaneKernel(bool is_max, int planes, int inner, const T* __restrict__ x,
                                             T* __restrict__ y) {
  const int lane = threadIdx.x & 31, warps_per_block = blockDim.x >> 5;
  for (int plane = blockIdx.x * warps_per_block + (threadIdx.x >> 5); plane < planes;
       plane += gridDim.x * warps_per_block) {
    const T* src = x + static_cast<int64_t>(plane) * inner;
    float acc = is_max ? kLowest : 0.f;
    for (int i = lane; i < inner; i += 32) acc = Combine(is_max, acc, ToFloat(src[i]));
    acc = WarpReduce(is_max, acc);
    if (lane == 0) y[plane] = FromFloat<T>(is_max ? acc : acc / static_cast<float>(inner));
  }
}

template <typename T, int V>
__global__ void GlobalPoolBlockPerPlaneKernel(bool is_max, int planes, int inner, const T* __restrict__ x,
                                              T* __restrict__ y) {
  __shared__ float warp_results[32];
  for (int plane = blockIdx.x; plane < planes; plane += gridDim.x) {
    const Pack<T, V>* src = reinterpret_cast<const Pack<T, V>*>(x + static_cast<int64_t>(plane) * inner);
    float acc = is_max ? kLowest : 0.f;
    for (int i = threadIdx.x; i < inner / V; i += blockDim.x) {
      const Pack<T, V> p = src[i];
#pragma unroll
      for (int v = 0; v < V; ++v) acc = Combine(is_max, acc, ToFloat(p.v[v]));
    }
    BlockReduce(
        acc, is_max ? kLowest : 0.f, warp_results, [is_max](float w) { return WarpReduce(is_max, w); },
        [&](float r) { y[plane] = FromFloat<T>(is_max ? r : r / static_cast<float>(inner)); });
  }
}

// Block (bx, by): bx channel groups of V channels of image blockIdx.y; dynamic shared memory
// holds by * bx * V partial results.
template <typename T, int V>
__global__ void GlobalPoolNhwcKernel(bool is_max, int pixels, int channels, const T* __restrict__ x,
                                     T* __restrict__ y) {
  extern __shared__ float partial[];
  const int groups = channels / V;
  const int group = blockIdx.x * blockDim.x + threadIdx.x;
  const int n = blockIdx.y;
  float acc[V];
#pragma unroll
  for (int v = 0; v < V; ++v) acc[v] = is_max ? kLowest : 0.f;
  if (group < groups) {
    const T* image = x + static_cast<int64_t>(n) * pixels * channels + group * V;
    for (int p = threadIdx.y; p < pixels; p += blockDim.y) {
      const Pack<T, V> pk = *reinterpret_cast<const Pack<T, V>*>(image + static_cast<int64_t>(p) * channels);
#pragma unroll
      for (int v = 0; v < V; ++v) acc[v] = Combine(is_max, acc[v], ToFloat(pk.v[v]));
    }
  }
  float* mine = partial + (threadIdx.y * blockDim.x + threadIdx.x) * V;
#pragma unroll
  for (int v = 0; v < V; ++v) mine[v] = acc[v];
  __syncthreads();
  if (threadIdx.y == 0 && group < groups) {
    for (int r = 1; r < blockDim.y; ++r) {
      const float* other = partial + (r * blockDim.x + threadIdx.x) * V;
#pragma unroll
      for (int v = 0; v < V; ++v) acc[v] = Combine(is_max, acc[v], other[v]);
    }
    Pack<T, V> out;
#pragma unroll
    for (int v = 0; v < V; ++v) out.v[v] = FromFloat<T>(is_max ? acc[v] : acc[v] / static_cast<float>(pixels));
    *reinterpret_cast<Pack<T, V>*>(y + static_cast<int64_t>(n) * channels + group * V) = out;
  }
}

template <typename T>
cudaError_t LaunchNchwTyped(bool is_max, int planes, int inner, bool warp_per_plane, const void* x, void* y,
                            cudaStream_t stream) {
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  if (warp_per_plane) {
    const int warps_per_block = kThreadsPerBlock / 32;
    const unsigned grid = GridFor(planes, warps_per_block, 65535);
    GlobalPoolWarpPerPlaneKernel<T><<<grid, kThreadsPerBlock, 0, stream>>>(is_max, planes, inner, in, out);
    return cudaGetLastError();
  }
  constexpr int kV = 16 / sizeof(T);
  const unsigned grid = planes < 65535 ? planes : 65535;
  if (inner % kV == 0 && Aligned16(x))
    GlobalPoolBlockPerPlaneKernel<T, kV><<<grid, kThreadsPerBlock, 0, stream>>>(is_max, planes, inner, in, out);
  else
    GlobalPoolBlockPerPlaneKernel<T, 1><<<grid, kThreadsPerBlock, 0, stream>>>(is_max, planes, inner, in, out);
  return cudaGetLastError();
}

template <typename T, int V>
cudaError_t LaunchNhwcTyped(bool is_max, int batch, int pixels, int channels, const void* x, void* y,
                            cudaStream_t stream) {
  const int groups = channels / V;
  int bx = 1;
  while (bx < groups && bx < 32) bx <<= 1;
  const int by = kThreadsPerBlock / bx;
  const dim3 block(bx, by), grid((groups + bx - 1) / bx, batch);
  const size_t smem = sizeof(float) * V * bx * by;
  GlobalPoolNhwcKernel<T, V><<<grid, block, smem, stream>>>(is_max, pixels, channels, static_cast<const T*>(x),
                                                            static_cast<T*>(y));
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchGlobalPoolNchw(bool is_max, ElemType type, int planes, int inner, bool warp_per_plane,
                                 const void* x, void* y, cudaStream_t stream) {
  if (planes <= 0 || inner <= 0) return cudaSuccess;
  return type == ElemType::kF16 ? LaunchNchwTyped<__half>(is_max, planes, inner, warp_per_plane, x, y, stream)
                                : LaunchNchwTyped<float>(is_max, planes, inner, warp_per_plane, x, y, stream);
}

cudaError_t LaunchGlobalPoolNhwc(bool is_max, ElemType type, int batch, int pixels, int channels, int vector_width,
                                 const void* x, void* y, cudaStream_t stream) {
  if (batch <= 0 || pixels <= 0 || channels <= 0) return cudaSuccess;
  const bool vector = vector_width > 1 && channels % vector_width == 0 && Aligned16(x) && Aligned16(y);
  if (type == ElemType::kF16)
    return vector && vector_width == 8 ? LaunchNhwcTyped<__half, 8>(is_max, batch, pixels, channels, x, y, stream)
                                       : LaunchNhwcTyped<__half, 1>(is_max, batch, pixels, channels, x, y, stream);
  return vector && vector_width == 4 ? LaunchNhwcTyped<float, 4>(is_max, batch, pixels, channels, x, y, stream)
                                     : LaunchNhwcTyped<float, 1>(is_max, batch, pixels, channels, x, y, stream);
}

}  // namespace mrt::gpu::pool
