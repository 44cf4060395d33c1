// NHWC (channels_last = 1) windowed pooling: X [N, H, W, C] -> Y [N, OH, OW, C], with the same
// window semantics as the NCHW kernels (pool_window.cu, pool_ref.cpp). One thread owns one output
// pixel and a group of V adjacent channels: neighbouring threads read neighbouring 16-byte
// channel groups of the same input pixel, so every tap is a fully coalesced load, and the window
// loop runs once per V channels instead of once per channel. V is 16 bytes of channels, or for
// f16 also 2 (4 bytes): 4x the threads, for small images where 16-byte groups leave SMs idle.
#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/pool/pool_launch.h"
#include "kernels/pool/pool_taps.cuh"

namespace mrt::gpu::pool {

namespace {

// kK > 0: a kK x kK window known at compile time (unrolled tap loops: every tap's load in
// flight at once); 0: the window from g.
template <typename T, int V, PoolKind kKind, int kK>
__global__ void PoolNhwcKernel(PoolGeometry g, const T* __restrict__ x, T* __restrict__ y) {
  using P = Pack<T, V>;
  const int kh = kK > 0 ? kK : g.kernel[1], kw = kK > 0 ? kK : g.kernel[2];
  const int groups = g.channels / V;
  const int total = g.batch * g.out[1] * g.out[2] * groups;
  for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += blockDim.x * gridDim.x) {
    const int group = o % groups;
    int pixel = o / groups;
    const int ox = pixel % g.out[2];
    pixel /= g.out[2];
    const int oy = pixel % g.out[1], n = pixel / g.out[1];
    float acc[V];
#pragma unroll
    for (int v = 0; v < V; ++v) acc[v] = kKind == PoolKind::kMax ? kLowest : 0.f;
    int inside = 0;
    const T* image = x + static_cast<int64_t>(n) * g.in[1] * g.in[2] * g.channels + group * V;
#pragma unroll
    for (int ky = 0; ky < kh; ++ky) {
      const int iy = oy * g.stride[1] - g.pad_begin[1] + ky * g.dilation[1];
      if (iy < 0 || iy >= g.in[1]) continue;
#pragma unroll
      for (int kx = 0; kx < kw; ++kx) {
        const int ix = ox * g.stride[2] - g.pad_begin[2] + kx * g.dilation[2];
        if (ix < 0 || ix >= g.in[2]) continue;
        const P p = *reinterpret_cast<const P*>(image + (iy * g.in[2] + ix) * g.channels);
#pragma unroll
        for (int v = 0; v < V; ++v) {
          const float f = ToFloat(p.v[v]);
          if constexpr (kKind == PoolKind::kMax)
            acc[v] = f > acc[v] ? f : acc[v];
          else
            acc[v] += f;
        }
        ++inside;
      }
    }
    if constexpr (kKind == PoolKind::kAverageCountPad)
      inside = TapsWithin(oy, g.stride[1], g.pad_begin[1], g.dilation[1], g.kernel[1], -g.pad_begin[1],
                          g.in[1] + g.pad_end[1]) *
               TapsWithin(ox, g.stride[2], g.pad_begin[2], g.dilation[2], g.kernel[2], -g.pad_begin[2],
                          g.in[2] + g.pad_end[2]);
    P out;
#pragma unroll
    for (int v = 0; v < V; ++v) {
      float r = acc[v];
      if constexpr (kKind != PoolKind::kMax) r = inside > 0 ? r / static_cast<float>(inside) : 0.f;
      out.v[v] = FromFloat<T>(r);
    }
    *reinterpret_cast<P*>(y + static_cast<int64_t>(o) * V) = out;
  }
}

template <typename T, int V, int kK>
void LaunchNhwcWindow(PoolKind kind, const PoolGeometry& g, const T* x, T* y, cudaStream_t stream) {
  const int64_t total = static_cast<int64_t>(g.batch) * g.out[1] * g.out[2] * (g.channels / V);
  const unsigned grid = GridFor(total);
  switch (kind) {
    case PoolKind::kMax:
      PoolNhwcKernel<T, V, PoolKind::kMax, kK><<<grid, kThreadsPerBlock, 0, stream>>>(g, x, y);
      break;
    case PoolKind::kAverage:
      PoolNhwcKernel<T, V, PoolKind::kAverage, kK><<<grid, kThreadsPerBlock, 0, stream>>>(g, x, y);
      break;
    case PoolKind::kAverageCountPad:
      PoolNhwcKernel<T, V, PoolKind::kAverageCountPad, kK><<<grid, kThreadsPerBlock, 0, stream>>>(g, x, y);
      break;
  }
}

template <typename T, int V>
void LaunchNhwcTyped(PoolKind kind, const PoolGeometry& g, const void* x, void* y, cudaStream_t stream) {
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  if (g.kernel[1] == 3 && g.kernel[2] == 3)
    LaunchNhwcWindow<T, V, 3>(kind, g, in, out, stream);
  else if (g.kernel[1] == 5 && g.kernel[2] == 5)
    LaunchNhwcWindow<T, V, 5>(kind, g, in, out, stream);
  else
    LaunchNhwcWindow<T, V, 0>(kind, g, in, out, stream);
}

bool Aligned(const void* p, size_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

}  // namespace

cudaError_t LaunchPoolNhwc(PoolKind kind, ElemType type, const PoolGeometry& g, int vector_width, const void* x,
                           void* y, cudaStream_t stream) {
  if (g.batch <= 0 || g.channels <= 0 || g.out[1] * g.out[2] <= 0) return cudaSuccess;
  const size_t elem = type == ElemType::kF16 ? 2 : 4;
  const bool vector = vector_width > 1 && g.channels % vector_width == 0 && Aligned(x, elem * vector_width) &&
                      Aligned(y, elem * vector_width);
  const int v = vector ? vector_width : 1;
  if (type == ElemType::kF16) {
    if (v == 8)
      LaunchNhwcTyped<__half, 8>(kind, g, x, y, stream);
    else if (v == 2)
      LaunchNhwcTyped<__half, 2>(kind, g, x, y, stream);
    else
      LaunchNhwcTyped<__half, 1>(kind, g, x, y, stream);
  } else {
    if (v == 4)
      LaunchNhwcTyped<float, 4>(kind, g, x, y, stream);
    else
      LaunchNhwcTyped<float, 1>(kind, g, x, y, stream);
  }
  return cudaGetLastError();
}

}  // namespace mrt::gpu::pool
