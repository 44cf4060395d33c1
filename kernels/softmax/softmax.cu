// Softmax and LogSoftmax kernels. Per slice x_0..x_{n-1}, with m = max x and s = sum e^(x - m):
//   Softmax y = e^(x - m) / s        LogSoftmax y = (x - m) - ln s
// always in f32 (f16 tensors are converted on load and rounded on store).
//
// The block and strided kernels find m and s in one pass with the online rule
//   (m, s) + x  ->  m' = max(m, x),  s' = s e^(m - m') + e^(x - m')
// and merge partial (m, s) pairs the same way, then read the slice a second time to write y
// (from L2 for all but huge tensors). The warp kernel keeps its row in registers, so it reads x
// once: the max and the sum are warp shuffles over the cached values.
// A slice that is all -inf gives NaN, as in the reference (e^(-inf - -inf)); a NaN anywhere in
// a slice makes the whole slice NaN.
#include "kernels/gpu/warp_reduce.cuh"
#include "kernels/softmax/softmax_launch.h"

namespace mrt::gpu::softmax {

namespace {

// A running maximum and the sum of e^(x - max) of the values seen.
struct MaxSum {
  float m = -INFINITY;
  float s = 0.f;
};

__device__ __forceinline__ MaxSum Merge(MaxSum a, MaxSum b) {
  MaxSum r;
  r.m = fmaxf(a.m, b.m);
  r.s = (a.m == -INFINITY ? 0.f : a.s * expf(a.m - r.m)) + (b.m == -INFINITY ? 0.f : b.s * expf(b.m - r.m));
  return r;
}

__device__ __forceinline__ MaxSum WarpMerge(MaxSum v) {
  return WarpAllReduce(
      v,
      [](MaxSum x, int offset) {
        return MaxSum{ShuffleXor(x.m, offset), ShuffleXor(x.s, offset)};
      },
      [](MaxSum mine, MaxSum theirs) { return Merge(mine, theirs); });
}

// y from x given the slice's max and sum.
__device__ __forceinline__ float Normalize(float x, MaxSum ms, bool log_softmax) {
  return log_softmax ? (x - ms.m) - logf(ms.s) : expf(x - ms.m) / ms.s;
}

// Lane l holds elements (it * 32 + l) * V + v of its row, it < kIters, v < V (V divides n).
template <typename T, int V, int kIters>
__global__ void SoftmaxWarpKernel(bool log_softmax, int rows, int n, const T* __restrict__ x, T* __restrict__ y) {
  using P = Pack<T, V>;
  const int lane = threadIdx.x & 31, warps = blockDim.x >> 5;
  for (int row = blockIdx.x * warps + (threadIdx.x >> 5); row < rows; row += gridDim.x * warps) {
    const P* src = reinterpret_cast<const P*>(x + static_cast<int64_t>(row) * n);
    P* dst = reinterpret_cast<P*>(y + static_cast<int64_t>(row) * n);
    float v[kIters][V];
    float m = -INFINITY;
#pragma unroll
    for (int it = 0; it < kIters; ++it) {
      const int i = it * 32 + lane;
      if (i * V < n) {
        const P p = src[i];
#pragma unroll
        for (int k = 0; k < V; ++k) {
          v[it][k] = ToFloat(p.v[k]);
          m = fmaxf(m, v[it][k]);
        }
      }
    }
    m = WarpMax(m);
    float s = 0.f;
#pragma unroll
    for (int it = 0; it < kIters; ++it)
      if ((it * 32 + lane) * V < n) {
#pragma unroll
        for (int k = 0; k < V; ++k) s += expf(v[it][k] - m);
      }
    const MaxSum ms{m, WarpSum(s)};
#pragma unroll
    for (int it = 0; it < kIters; ++it) {
      const int i = it * 32 + lane;
      if (i * V < n) {
        P p;
#pragma unroll
        for (int k = 0; k < V; ++k) p.v[k] = FromFloat<T>(Normalize(v[it][k], ms, log_softmax));
        dst[i] = p;
      }
    }
  }
}

template <typename T, int V>
__global__ void SoftmaxBlockKernel(bool log_softmax, int rows, int n, const T* __restrict__ x, T* __restrict__ y) {
  using P = Pack<T, V>;
  __shared__ MaxSum shared[33];
  const int packs = n / V;
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const P* src = reinterpret_cast<const P*>(x + static_cast<int64_t>(row) * n);
    P* dst = reinterpret_cast<P*>(y + static_cast<int64_t>(row) * n);
    MaxSum ms;
    for (int i = threadIdx.x; i < packs; i += blockDim.x) {
      const P p = src[i];
      float f[V], pack_max = -INFINITY;
#pragma unroll
      for (int k = 0; k < V; ++k) {
        f[k] = ToFloat(p.v[k]);
        pack_max = fmaxf(pack_max, f[k]);
      }
      const float m = fmaxf(ms.m, pack_max);
      float s = ms.m == -INFINITY ? 0.f : ms.s * expf(ms.m - m);
#pragma unroll
      for (int k = 0; k < V; ++k) s += m == -INFINITY ? 0.f : expf(f[k] - m);
      ms = MaxSum{m, s};
    }
    ms = BlockAllReduce(ms, MaxSum{}, shared, [](MaxSum w) { return WarpMerge(w); });
    for (int i = threadIdx.x; i < packs; i += blockDim.x) {
      const P p = src[i];
      P out;
#pragma unroll
      for (int k = 0; k < V; ++k) out.v[k] = FromFloat<T>(Normalize(ToFloat(p.v[k]), ms, log_softmax));
      dst[i] = out;
    }
  }
}

template <typename T>
__global__ void SoftmaxStridedKernel(bool log_softmax, int outer, int n, int inner, const T* __restrict__ x,
                                     T* __restrict__ y) {
  const int slices = outer * inner;
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < slices; j += blockDim.x * gridDim.x) {
    const int64_t base = static_cast<int64_t>(j / inner) * n * inner + j % inner;
    MaxSum ms;
    for (int k = 0; k < n; ++k) {
      const float v = ToFloat(x[base + static_cast<int64_t>(k) * inner]);
      const float m = fmaxf(ms.m, v);
      ms.s = (ms.m == -INFINITY ? 0.f : ms.s * expf(ms.m - m)) + (m == -INFINITY ? 0.f : expf(v - m));
      ms.m = m;
    }
    for (int k = 0; k < n; ++k) {
      const int64_t i = base + static_cast<int64_t>(k) * inner;
      y[i] = FromFloat<T>(Normalize(ToFloat(x[i]), ms, log_softmax));
    }
  }
}

// The strided kernel for short axes (n <= kMaxN, YOLOv8's DFL: n = 16): the slice's n loads
// are independent and all in flight at once, and the values stay in registers for the write.
template <typename T, int kMaxN>
__global__ void SoftmaxStridedCachedKernel(bool log_softmax, int outer, int n, int inner, const T* __restrict__ x,
                                           T* __restrict__ y) {
  const int slices = outer * inner;
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < slices; j += blockDim.x * gridDim.x) {
    const int64_t base = static_cast<int64_t>(j / inner) * n * inner + j % inner;
    float v[kMaxN];
    float m = -INFINITY;
#pragma unroll
    for (int k = 0; k < kMaxN; ++k)
      if (k < n) {
        v[k] = ToFloat(x[base + static_cast<int64_t>(k) * inner]);
        m = fmaxf(m, v[k]);
      }
    float s = 0.f;
#pragma unroll
    for (int k = 0; k < kMaxN; ++k)
      if (k < n) s += expf(v[k] - m);
    const MaxSum ms{m, s};
#pragma unroll
    for (int k = 0; k < kMaxN; ++k)
      if (k < n) y[base + static_cast<int64_t>(k) * inner] = FromFloat<T>(Normalize(v[k], ms, log_softmax));
  }
}

template <typename T>
void LaunchStridedCachedTyped(bool log_softmax, int outer, int n, int inner, const T* x, T* y, cudaStream_t stream) {
  const unsigned grid = GridFor(static_cast<int64_t>(outer) * inner);
  if (n <= 8)
    SoftmaxStridedCachedKernel<T, 8><<<grid, kThreadsPerBlock, 0, stream>>>(log_softmax, outer, n, inner, x, y);
  else if (n <= 16)
    SoftmaxStridedCachedKernel<T, 16><<<grid, kThreadsPerBlock, 0, stream>>>(log_softmax, outer, n, inner, x, y);
  else
    SoftmaxStridedCachedKernel<T, 32><<<grid, kThreadsPerBlock, 0, stream>>>(log_softmax, outer, n, inner, x, y);
}

// Launches the warp kernel with the fewest iterations of 32 lanes x V that cover n (at most 32
// cached values per lane).
template <typename T, int V, int kIters>
void LaunchWarpTiles(int iters, bool log_softmax, int rows, int n, const T* x, T* y, cudaStream_t stream) {
  if constexpr (kIters * V < 32) {
    if (iters > kIters) return LaunchWarpTiles<T, V, kIters * 2>(iters, log_softmax, rows, n, x, y, stream);
  }
  constexpr int kWarpsPerBlock = 4;
  const unsigned grid = GridFor(rows, kWarpsPerBlock, 1 << 20);
  SoftmaxWarpKernel<T, V, kIters><<<grid, 32 * kWarpsPerBlock, 0, stream>>>(log_softmax, rows, n, x, y);
}

template <typename T, int V>
cudaError_t LaunchWarpTyped(bool log_softmax, int rows, int n, const T* x, T* y, cudaStream_t stream) {
  const int iters = (n + 32 * V - 1) / (32 * V);
  LaunchWarpTiles<T, V, 1>(iters, log_softmax, rows, n, x, y, stream);
  return cudaGetLastError();
}

template <typename T>
cudaError_t DispatchWarp(bool log_softmax, int rows, int n, const void* x, void* y, cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  if (n % kV == 0 && Aligned16(x) && Aligned16(y)) return LaunchWarpTyped<T, kV>(log_softmax, rows, n, in, out, stream);
  return LaunchWarpTyped<T, 1>(log_softmax, rows, n, in, out, stream);
}

template <typename T>
cudaError_t DispatchBlock(bool log_softmax, int rows, int n, int threads, const void* x, void* y,
                          cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  const unsigned grid = rows < (1 << 20) ? rows : (1 << 20);
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  if (n % kV == 0 && Aligned16(x) && Aligned16(y))
    SoftmaxBlockKernel<T, kV><<<grid, threads, 0, stream>>>(log_softmax, rows, n, in, out);
  else
    SoftmaxBlockKernel<T, 1><<<grid, threads, 0, stream>>>(log_softmax, rows, n, in, out);
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchSoftmaxWarpPerRow(ElemType type, bool log_softmax, int rows, int n, const void* x, void* y,
                                    cudaStream_t stream) {
  if (rows <= 0 || n <= 0) return cudaSuccess;
  if (n > kWarpMaxRow) return cudaErrorInvalidValue;
  return type == ElemType::kF16 ? DispatchWarp<__half>(log_softmax, rows, n, x, y, stream)
                                : DispatchWarp<float>(log_softmax, rows, n, x, y, stream);
}

cudaError_t LaunchSoftmaxBlockPerRow(ElemType type, bool log_softmax, int rows, int n, int threads, const void* x,
                                     void* y, cudaStream_t stream) {
  if (rows <= 0 || n <= 0) return cudaSuccess;
  if (threads % 32 != 0 || threads <= 0 || threads > 1024) return cudaErrorInvalidValue;
  return type == ElemType::kF16 ? DispatchBlock<__half>(log_softmax, rows, n, threads, x, y, stream)
                                : DispatchBlock<float>(log_softmax, rows, n, threads, x, y, stream);
}

cudaError_t LaunchSoftmaxStrided(ElemType type, bool log_softmax, int outer, int n, int inner, const void* x,
                                 void* y, cudaStream_t stream) {
  if (outer <= 0 || n <= 0 || inner <= 0) return cudaSuccess;
  const unsigned grid = GridFor(static_cast<int64_t>(outer) * inner);
  if (type == ElemType::kF16)
    SoftmaxStridedKernel<__half><<<grid, kThreadsPerBlock, 0, stream>>>(
        log_softmax, outer, n, inner, static_cast<const __half*>(x), static_cast<__half*>(y));
  else
    SoftmaxStridedKernel<float><<<grid, kThreadsPerBlock, 0, stream>>>(log_softmax, outer, n, inner,
                                                                       static_cast<const float*>(x),
                                                                       static_cast<float*>(y));
  return cudaGetLastError();
}

cudaError_t LaunchSoftmaxStridedCached(ElemType type, bool log_softmax, int outer, int n, int inner, const void* x,
                                       void* y, cudaStream_t stream) {
  if (outer <= 0 || n <= 0 || inner <= 0) return cudaSuccess;
  if (n > kStridedCachedMaxAxis) return cudaErrorInvalidValue;
  if (type == ElemType::kF16)
    LaunchStridedCachedTyped<__half>(log_softmax, outer, n, inner, static_cast<const __half*>(x),
                                     static_cast<__half*>(y), stream);
  else
    LaunchStridedCachedTyped<float>(log_softmax, outer, n, inner, static_cast<const float*>(x),
                                    static_cast<float*>(y), stream);
  return cudaGetLastError();
}

}  // namespace mrt::gpu::softmax
