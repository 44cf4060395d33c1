// ArgMax / ArgMin kernels: the i64 index of the extreme along the axis of x viewed as
// [outer, n, inner], with the reference's rule (reduce_ref.cpp, Replaces): larger (ArgMax) or
// smaller (ArgMin) wins; a NaN beats any number; among equal values (or NaNs) the first index
// wins, the last with select_last_index. That rule is a total order on (value, index) pairs, so
// partial winners can be merged in any grouping (warp shuffles, shared memory) and give the
// sequential scan's answer.
#include "kernels/gpu/warp_reduce.cuh"
#include "kernels/reduce/reduce_launch.h"

namespace mrt::gpu::reduction {

namespace {

struct Candidate {
  float value;
  int index;  // -1: none yet
};

struct ArgRule {
  bool is_max;
  bool last;
};

// The winner of two candidates under the rule.
__device__ __forceinline__ Candidate Pick(ArgRule rule, Candidate a, Candidate b) {
  if (a.index < 0) return b;
  if (b.index < 0) return a;
  const bool a_nan = a.value != a.value, b_nan = b.value != b.value;
  const bool b_later = b.index > a.index;
  bool take_b;
  if (a_nan || b_nan)
    take_b = a_nan && b_nan ? b_later == rule.last : b_nan;
  else if (a.value == b.value)
    take_b = b_later == rule.last;
  else
    take_b = rule.is_max ? b.value > a.value : b.value < a.value;
  return take_b ? b : a;
}

__device__ __forceinline__ Candidate WarpPick(ArgRule rule, Candidate c) {
  return WarpAllReduce(
      c,
      [](Candidate x, int offset) {
        return Candidate{ShuffleXor(x.value, offset), ShuffleXor(x.index, offset)};
      },
      [rule](Candidate mine, Candidate theirs) { return Pick(rule, mine, theirs); });
}

template <typename T, int V>
__device__ __forceinline__ Candidate ScanStrided(ArgRule rule, const T* row, int n, int first, int step) {
  const Pack<T, V>* packs = reinterpret_cast<const Pack<T, V>*>(row);
  Candidate c{0.f, -1};
  for (int i = first; i < n / V; i += step) {
    const Pack<T, V> p = packs[i];
#pragma unroll
    for (int k = 0; k < V; ++k) c = Pick(rule, c, Candidate{ToFloat(p.v[k]), i * V + k});
  }
  return c;
}

template <typename T, int V>
__global__ void ArgReduceRowsWarpKernel(ArgRule rule, int rows, int n, const T* __restrict__ x,
                                        int64_t* __restrict__ y) {
  const int lane = threadIdx.x & 31, warps = blockDim.x >> 5;
  for (int row = blockIdx.x * warps + (threadIdx.x >> 5); row < rows; row += gridDim.x * warps) {
    Candidate c = ScanStrided<T, V>(rule, x + static_cast<int64_t>(row) * n, n, lane, 32);
    c = WarpPick(rule, c);
    if (lane == 0) y[row] = c.index;
  }
}

template <typename T, int V>
__global__ void ArgReduceRowsBlockKernel(ArgRule rule, int rows, int n, const T* __restrict__ x,
                                         int64_t* __restrict__ y) {
  __shared__ Candidate partial[32];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const Candidate c = ScanStrided<T, V>(rule, x + static_cast<int64_t>(row) * n, n, threadIdx.x, blockDim.x);
    BlockReduce(
        c, Candidate{0.f, -1}, partial, [rule](Candidate w) { return WarpPick(rule, w); },
        [&](Candidate r) { y[row] = r.index; });
  }
}

template <typename T>
__global__ void ArgReduceColumnsKernel(ArgRule rule, int outer, int n, int inner, const T* __restrict__ x,
                                       int64_t* __restrict__ y) {
  const int outputs = outer * inner;
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < outputs; j += blockDim.x * gridDim.x) {
    const T* src = x + static_cast<int64_t>(j / inner) * n * inner + j % inner;
    Candidate c{0.f, -1};
#pragma unroll 4
    for (int k = 0; k < n; ++k) c = Pick(rule, c, Candidate{ToFloat(src[static_cast<int64_t>(k) * inner]), k});
    y[j] = c.index;
  }
}

// The axis split across the block's rows, as ReduceColumnsSplitKernel (reduce.cu): block
// (32, kSplitRows), partial candidates merged in shared memory.
constexpr int kSplitRows = 8;

template <typename T>
__global__ void ArgReduceColumnsSplitKernel(ArgRule rule, int outer, int n, int inner, const T* __restrict__ x,
                                            int64_t* __restrict__ y) {
  __shared__ Candidate partial[kSplitRows][32];
  const int outputs = outer * inner;
  const int j = blockIdx.x * 32 + threadIdx.x;
  Candidate c{0.f, -1};
  if (j < outputs) {
    const T* src = x + static_cast<int64_t>(j / inner) * n * inner + j % inner;
    for (int k = threadIdx.y; k < n; k += kSplitRows)
      c = Pick(rule, c, Candidate{ToFloat(src[static_cast<int64_t>(k) * inner]), k});
  }
  partial[threadIdx.y][threadIdx.x] = c;
  __syncthreads();
  if (threadIdx.y == 0 && j < outputs) {
#pragma unroll
    for (int r = 1; r < kSplitRows; ++r) c = Pick(rule, c, partial[r][threadIdx.x]);
    y[j] = c.index;
  }
}

template <typename T>
void LaunchRowsTyped(ArgRule rule, int rows, int n, bool warp_per_row, const void* x, int64_t* y,
                     cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  const bool vector = n % kV == 0 && Aligned16(x);
  const T* in = static_cast<const T*>(x);
  if (warp_per_row) {
    const unsigned grid = GridFor(rows, kThreadsPerBlock / 32, 1 << 20);
    if (vector)
      ArgReduceRowsWarpKernel<T, kV><<<grid, kThreadsPerBlock, 0, stream>>>(rule, rows, n, in, y);
    else
      ArgReduceRowsWarpKernel<T, 1><<<grid, kThreadsPerBlock, 0, stream>>>(rule, rows, n, in, y);
    return;
  }
  const unsigned grid = rows < (1 << 20) ? rows : (1 << 20);
  if (vector)
    ArgReduceRowsBlockKernel<T, kV><<<grid, kThreadsPerBlock, 0, stream>>>(rule, rows, n, in, y);
  else
    ArgReduceRowsBlockKernel<T, 1><<<grid, kThreadsPerBlock, 0, stream>>>(rule, rows, n, in, y);
}

}  // namespace

cudaError_t LaunchArgReduceRows(bool is_max, bool select_last, ElemType type, int rows, int n, bool warp_per_row,
                                const void* x, int64_t* y, cudaStream_t stream) {
  if (rows <= 0 || n <= 0) return cudaSuccess;
  const ArgRule rule{is_max, select_last};
  if (type == ElemType::kF16)
    LaunchRowsTyped<__half>(rule, rows, n, warp_per_row, x, y, stream);
  else
    LaunchRowsTyped<float>(rule, rows, n, warp_per_row, x, y, stream);
  return cudaGetLastError();
}

cudaError_t LaunchArgReduceColumns(bool is_max, bool select_last, ElemType type, int outer, int n, int inner,
                                   bool split_axis, const void* x, int64_t* y, cudaStream_t stream) {
  if (outer <= 0 || n <= 0 || inner <= 0) return cudaSuccess;
  const ArgRule rule{is_max, select_last};
  const int64_t outputs = static_cast<int64_t>(outer) * inner;
  if (split_axis) {
    const unsigned grid = static_cast<unsigned>((outputs + 31) / 32);
    const dim3 block(32, kSplitRows);
    if (type == ElemType::kF16)
      ArgReduceColumnsSplitKernel<__half><<<grid, block, 0, stream>>>(rule, outer, n, inner,
                                                                      static_cast<const __half*>(x), y);
    else
      ArgReduceColumnsSplitKernel<float><<<grid, block, 0, stream>>>(rule, outer, n, inner,
                                                                     static_cast<const float*>(x), y);
    return cudaGetLastError();
  }
  const unsigned grid = GridFor(outputs);
  if (type == ElemType::kF16)
    ArgReduceColumnsKernel<__half><<<grid, kThreadsPerBlock, 0, stream>>>(rule, outer, n, inner,
                                                                          static_cast<const __half*>(x), y);
  else
    ArgReduceColumnsKernel<float><<<grid, kThreadsPerBlock, 0, stream>>>(rule, outer, n, inner,
                                                                         static_cast<const float*>(x), y);
  return cudaGetLastError();
}

}  // namespace mrt::gpu::reduction
