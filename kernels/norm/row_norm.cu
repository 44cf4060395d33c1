// Row normalization kernels for LayerNormalization and InstanceNormalization: each row x[0..n)
// becomes y = (x - mean) * rstd * scale + bias with mean = Σx / n, var = Σ(x - mean)² / n
// (population variance, as the reference) and rstd = 1 / sqrt(var + eps), all in f32.
//  * warp per row (n <= 1024): the row lives in registers, so the exact two-pass statistics
//    (mean first, then squared deviations from it) cost no extra memory traffic.
//  * block per row (any n): each thread takes the exact (count, mean, M2) of each 16-byte pack it
//    reads and merges it into its running triple, and the threads' triples are merged, both with
//    Chan's rule (Welford's update generalized to groups; one division per pack)
//      k = ka + kb, d = mb - ma, mean = ma + d kb / k, M2 = M2a + M2b + d² ka kb / k,
//    which stays accurate when |mean| >> std (sum and sum-of-squares would cancel); a second
//    pass over the row (from L2) writes y.
// LayerNorm's scale / bias are indexed by the position in the row; InstanceNorm's by the row's
// channel (row % channels).
#include "kernels/gpu/warp_reduce.cuh"
#include "kernels/norm/norm_launch.h"

namespace mrt::gpu::norm {

namespace {

// The affine factors of element `i` of `row` (V consecutive elements starting at i).
template <typename T, int V>
__device__ __forceinline__ void LoadAffine(const RowNormArgs& a, int row, int i, float (&s)[V], float (&b)[V]) {
  if (a.channels > 0) {
    const int c = row % a.channels;
    const float sc = ToFloat(static_cast<const T*>(a.scale)[c]);
    const float bc = a.bias ? ToFloat(static_cast<const T*>(a.bias)[c]) : 0.f;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      s[k] = sc;
      b[k] = bc;
    }
    return;
  }
  const Pack<T, V> sp = reinterpret_cast<const Pack<T, V>*>(a.scale)[i / V];
  Pack<T, V> bp;
  if (a.bias) bp = reinterpret_cast<const Pack<T, V>*>(a.bias)[i / V];
#pragma unroll
  for (int k = 0; k < V; ++k) {
    s[k] = ToFloat(sp.v[k]);
    b[k] = a.bias ? ToFloat(bp.v[k]) : 0.f;
  }
}

// Lane l caches elements (it * 32 + l) * V + k of its row (V divides n).
template <typename T, int V, int kIters>
__global__ void RowNormWarpKernel(RowNormArgs a) {
  using P = Pack<T, V>;
  const int lane = threadIdx.x & 31, warps = blockDim.x >> 5;
  const float inv_n = 1.f / static_cast<float>(a.n);
  for (int row = blockIdx.x * warps + (threadIdx.x >> 5); row < a.rows; row += gridDim.x * warps) {
    const P* src = reinterpret_cast<const P*>(static_cast<const T*>(a.x) + static_cast<int64_t>(row) * a.n);
    P* dst = reinterpret_cast<P*>(static_cast<T*>(a.y) + static_cast<int64_t>(row) * a.n);
    float v[kIters][V];
    float sum = 0.f;
#pragma unroll
    for (int it = 0; it < kIters; ++it)
      if ((it * 32 + lane) * V < a.n) {
        const P p = src[it * 32 + lane];
#pragma unroll
        for (int k = 0; k < V; ++k) {
          v[it][k] = ToFloat(p.v[k]);
          sum += v[it][k];
        }
      }
    const float mean = WarpSum(sum) * inv_n;
    float sq = 0.f;
#pragma unroll
    for (int it = 0; it < kIters; ++it)
      if ((it * 32 + lane) * V < a.n) {
#pragma unroll
        for (int k = 0; k < V; ++k) sq += (v[it][k] - mean) * (v[it][k] - mean);
      }
    const float rstd = 1.f / sqrtf(WarpSum(sq) * inv_n + a.epsilon);
#pragma unroll
    for (int it = 0; it < kIters; ++it) {
      const int i = (it * 32 + lane) * V;
      if (i < a.n) {
        float s[V], b[V];
        LoadAffine<T, V>(a, row, i, s, b);
        P out;
#pragma unroll
        for (int k = 0; k < V; ++k) out.v[k] = FromFloat<T>((v[it][k] - mean) * rstd * s[k] + b[k]);
        dst[it * 32 + lane] = out;
      }
    }
  }
}

struct Welford {
  float count = 0.f, mean = 0.f, m2 = 0.f;
};

__device__ __forceinline__ Welford Merge(Welford a, Welford b) {
  const float count = a.count + b.count;
  if (count == 0.f) return a;
  const float d = b.mean - a.mean, fb = b.count / count;
  return {count, a.mean + d * fb, a.m2 + b.m2 + d * d * a.count * fb};
}

__device__ __forceinline__ Welford WarpMerge(Welford w) {
  return WarpAllReduce(
      w,
      [](Welford x, int offset) {
        return Welford{ShuffleXor(x.count, offset), ShuffleXor(x.mean, offset), ShuffleXor(x.m2, offset)};
      },
      [](Welford mine, Welford theirs) { return Merge(mine, theirs); });
}

template <typename T, int V>
__global__ void RowNormBlockKernel(RowNormArgs a) {
  using P = Pack<T, V>;
  __shared__ Welford shared[33];
  const int packs = a.n / V;
  for (int row = blockIdx.x; row < a.rows; row += gridDim.x) {
    const P* src = reinterpret_cast<const P*>(static_cast<const T*>(a.x) + static_cast<int64_t>(row) * a.n);
    P* dst = reinterpret_cast<P*>(static_cast<T*>(a.y) + static_cast<int64_t>(row) * a.n);
    Welford w;
    for (int i = threadIdx.x; i < packs; i += blockDim.x) {
      const P p = src[i];
      float f[V], sum = 0.f;
#pragma unroll
      for (int k = 0; k < V; ++k) {
        f[k] = ToFloat(p.v[k]);
        sum += f[k];
      }
      Welford pack{static_cast<float>(V), sum * (1.f / V), 0.f};
#pragma unroll
      for (int k = 0; k < V; ++k) pack.m2 += (f[k] - pack.mean) * (f[k] - pack.mean);
      w = Merge(w, pack);
    }
    w = BlockAllReduce(w, Welford{}, shared, [](Welford x) { return WarpMerge(x); });  // the row's (count, mean, M2)
    const float mean = w.mean, rstd = 1.f / sqrtf(w.m2 / static_cast<float>(a.n) + a.epsilon);
    for (int i = threadIdx.x; i < packs; i += blockDim.x) {
      const P p = src[i];
      float s[V], b[V];
      LoadAffine<T, V>(a, row, i * V, s, b);
      P out;
#pragma unroll
      for (int k = 0; k < V; ++k) out.v[k] = FromFloat<T>((ToFloat(p.v[k]) - mean) * rstd * s[k] + b[k]);
      dst[i] = out;
    }
  }
}

// Absent scale / bias pointers count as aligned.
bool Aligned16OrNull(const void* p) { return p == nullptr || Aligned16(p); }

// 16-byte accesses need V | n and aligned x, y (and scale, bias when indexed per element).
template <typename T>
bool CanVectorize(const RowNormArgs& a) {
  constexpr int kV = 16 / sizeof(T);
  const bool affine_ok = a.channels > 0 || (Aligned16OrNull(a.scale) && Aligned16OrNull(a.bias));
  return a.n % kV == 0 && Aligned16OrNull(a.x) && Aligned16OrNull(a.y) && affine_ok;
}

template <typename T, int V, int kIters>
void LaunchWarpTiles(int iters, const RowNormArgs& a, cudaStream_t stream) {
  if constexpr (kIters * V < 32) {
    if (iters > kIters) return LaunchWarpTiles<T, V, kIters * 2>(iters, a, stream);
  }
  constexpr int kWarpsPerBlock = 4;
  const unsigned grid = GridFor(a.rows, kWarpsPerBlock, 1 << 20);
  RowNormWarpKernel<T, V, kIters><<<grid, 32 * kWarpsPerBlock, 0, stream>>>(a);
}

template <typename T>
void LaunchWarpTyped(const RowNormArgs& a, cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  if (CanVectorize<T>(a))
    LaunchWarpTiles<T, kV, 1>((a.n + 32 * kV - 1) / (32 * kV), a, stream);
  else
    LaunchWarpTiles<T, 1, 1>((a.n + 31) / 32, a, stream);
}

template <typename T>
void LaunchBlockTyped(const RowNormArgs& a, cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  const unsigned grid = a.rows < (1 << 20) ? a.rows : (1 << 20);
  if (CanVectorize<T>(a))
    RowNormBlockKernel<T, kV><<<grid, kThreadsPerBlock, 0, stream>>>(a);
  else
    RowNormBlockKernel<T, 1><<<grid, kThreadsPerBlock, 0, stream>>>(a);
}

}  // namespace

cudaError_t LaunchRowNormWarp(ElemType type, const RowNormArgs& args, cudaStream_t stream) {
  if (args.rows <= 0 || args.n <= 0) return cudaSuccess;
  if (args.n > kWarpMaxRow) return cudaErrorInvalidValue;
  if (type == ElemType::kF16)
    LaunchWarpTyped<__half>(args, stream);
  else
    LaunchWarpTyped<float>(args, stream);
  return cudaGetLastError();
}

cudaError_t LaunchRowNormBlock(ElemType type, const RowNormArgs& args, cudaStream_t stream) {
  if (args.rows <= 0 || args.n <= 0) return cudaSuccess;
  if (type == ElemType::kF16)
    LaunchBlockTyped<__half>(args, stream);
  else
    LaunchBlockTyped<float>(args, stream);
  return cudaGetLastError();
}

}  // namespace mrt::gpu::norm
