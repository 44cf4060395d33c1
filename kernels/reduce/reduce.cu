// Reduce* kernels, the ONNX formulas of reduce_ref.cpp accumulated in f32:
//   an accumulator state, Push(state, x) per input (after |x| for L1, x² for L2 / SumSquare),
//   Merge(state, state) to join partial results (warp shuffles, then shared memory), and
//   Finish(state, n): Mean divides by n, L2 takes the square root, LogSumExp gives m + ln s.
// LogSumExp keeps (m, s) = (running max, Σ e^(x - m)) with the online rule
//   m' = max(m, x), s' = s e^(m - m') + e^(x - m')
// so it reads x once; an infinite m is returned as is (the reference's rule). Max and Min
// propagate NaN (the reference's v > acc || v != v).
//
// Rows (inner == 1): a warp or a block per output, 16-byte loads when the row allows.
// Columns (inner > 1): a thread per output, walking the axis with stride inner (coalesced), or
// a column of 8 threads per output splitting the axis (more parallelism for few outputs).
#include <type_traits>

#include "kernels/gpu/warp_reduce.cuh"
#include "kernels/reduce/reduce_launch.h"

namespace mrt::gpu::reduction {

namespace {

struct State {
  float a;  // the accumulator (LogSumExp: the running max)
  float s;  // LogSumExp only: Σ e^(x - a)
};

template <ReduceOp kOp>
__device__ __forceinline__ State Init() {
  switch (kOp) {
    case ReduceOp::kMax: return {-INFINITY, 0.f};
    case ReduceOp::kMin: return {INFINITY, 0.f};
    case ReduceOp::kProd: return {1.f, 0.f};
    case ReduceOp::kLogSumExp: return {-INFINITY, 0.f};
    default: return {0.f, 0.f};
  }
}

// Joins the value (or partial result) b into a.
template <ReduceOp kOp>
__device__ __forceinline__ State Merge(State a, State b) {
  if constexpr (kOp == ReduceOp::kMax) {
    return {(b.a > a.a || b.a != b.a) ? b.a : a.a, 0.f};
  } else if constexpr (kOp == ReduceOp::kMin) {
    return {(b.a < a.a || b.a != b.a) ? b.a : a.a, 0.f};
  } else if constexpr (kOp == ReduceOp::kProd) {
    return {a.a * b.a, 0.f};
  } else if constexpr (kOp == ReduceOp::kLogSumExp) {
    const float m = fmaxf(a.a, b.a);
    if (m == -INFINITY) return {m, 0.f};
    const float sa = a.a == -INFINITY ? 0.f : a.s * expf(a.a - m);
    const float sb = b.a == -INFINITY ? 0.f : b.s * expf(b.a - m);
    return {m, sa + sb};
  } else {
    return {a.a + b.a, 0.f};
  }
}

// One input value as a one-element partial result.
template <ReduceOp kOp>
__device__ __forceinline__ State Lift(float v) {
  if constexpr (kOp == ReduceOp::kL1) return {fabsf(v), 0.f};
  if constexpr (kOp == ReduceOp::kL2 || kOp == ReduceOp::kSumSquare) return {v * v, 0.f};
  if constexpr (kOp == ReduceOp::kLogSumExp) return {v, v == v ? 1.f : v};  // a NaN poisons the sum
  return {v, 0.f};
}

template <ReduceOp kOp>
__device__ __forceinline__ float Finish(State st, int n) {
  if constexpr (kOp == ReduceOp::kMean) return st.a / static_cast<float>(n);
  if constexpr (kOp == ReduceOp::kL2) return sqrtf(st.a);
  if constexpr (kOp == ReduceOp::kLogSumExp) return isinf(st.a) ? st.a : st.a + logf(st.s);
  return st.a;
}

// Only LogSumExp's merge reads s, so only LogSumExp shuffles it.
template <ReduceOp kOp>
__device__ __forceinline__ State WarpMerge(State st) {
  return WarpAllReduce(
      st,
      [](State x, int offset) {
        return State{ShuffleXor(x.a, offset), kOp == ReduceOp::kLogSumExp ? ShuffleXor(x.s, offset) : 0.f};
      },
      [](State mine, State theirs) { return Merge<kOp>(mine, theirs); });
}

// This thread's strided share of a row of n elements (V divides n).
template <typename T, int V, ReduceOp kOp>
__device__ __forceinline__ State ReduceStrided(const T* row, int n, int first, int step) {
  const Pack<T, V>* packs = reinterpret_cast<const Pack<T, V>*>(row);
  State st = Init<kOp>();
  for (int i = first; i < n / V; i += step) {
    const Pack<T, V> p = packs[i];
#pragma unroll
    for (int k = 0; k < V; ++k) st = Merge<kOp>(st, Lift<kOp>(ToFloat(p.v[k])));
  }
  return st;
}

template <typename T, int V, ReduceOp kOp>
__global__ void ReduceRowsWarpKernel(int rows, int n, const T* __restrict__ x, T* __restrict__ y) {
  const int lane = threadIdx.x & 31, warps = blockDim.x >> 5;
  for (int row = blockIdx.x * warps + (threadIdx.x >> 5); row < rows; row += gridDim.x * warps) {
    State st = ReduceStrided<T, V, kOp>(x + static_cast<int64_t>(row) * n, n, lane, 32);
    st = WarpMerge<kOp>(st);
    if (lane == 0) y[row] = FromFloat<T>(Finish<kOp>(st, n));
  }
}

template <typename T, int V, ReduceOp kOp>
__global__ void ReduceRowsBlockKernel(int rows, int n, const T* __restrict__ x, T* __restrict__ y) {
  __shared__ State partial[32];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const State st = ReduceStrided<T, V, kOp>(x + static_cast<int64_t>(row) * n, n, threadIdx.x, blockDim.x);
    BlockReduce(
        st, Init<kOp>(), partial, [](State w) { return WarpMerge<kOp>(w); },
        [&](State r) { y[row] = FromFloat<T>(Finish<kOp>(r, n)); });
  }
}

template <typename T, ReduceOp kOp>
__global__ void ReduceColumnsKernel(int outer, int n, int inner, const T* __restrict__ x, T* __restrict__ y) {
  const int outputs = outer * inner;
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < outputs; j += blockDim.x * gridDim.x) {
    const T* src = x + static_cast<int64_t>(j / inner) * n * inner + j % inner;
    State st = Init<kOp>();
#pragma unroll 4
    for (int k = 0; k < n; ++k) st = Merge<kOp>(st, Lift<kOp>(ToFloat(src[static_cast<int64_t>(k) * inner])));
    y[j] = FromFloat<T>(Finish<kOp>(st, n));
  }
}

// Columns with the axis split across the block's rows: block (32, kSplitRows), threadIdx.x
// over 32 neighbouring outputs (coalesced), threadIdx.y over every kSplitRows-th step of the axis;
// the rows' partial states meet in shared memory. kSplitRows times the threads of the plain
// columns kernel, for few outputs with long axes (a class axis of [1, 84, 8400]).
constexpr int kSplitRows = 8;

template <typename T, ReduceOp kOp>
__global__ void ReduceColumnsSplitKernel(int outer, int n, int inner, const T* __restrict__ x, T* __restrict__ y) {
  __shared__ State partial[kSplitRows][32];
  const int outputs = outer * inner;
  const int j = blockIdx.x * 32 + threadIdx.x;
  State st = Init<kOp>();
  if (j < outputs) {
    const T* src = x + static_cast<int64_t>(j / inner) * n * inner + j % inner;
    for (int k = threadIdx.y; k < n; k += kSplitRows)
      st = Merge<kOp>(st, Lift<kOp>(ToFloat(src[static_cast<int64_t>(k) * inner])));
  }
  partial[threadIdx.y][threadIdx.x] = st;
  __syncthreads();
  if (threadIdx.y == 0 && j < outputs) {
#pragma unroll
    for (int r = 1; r < kSplitRows; ++r) st = Merge<kOp>(st, partial[r][threadIdx.x]);
    y[j] = FromFloat<T>(Finish<kOp>(st, n));
  }
}

template <typename T, ReduceOp kOp>
void LaunchRowsTyped(int rows, int n, bool warp_per_row, const void* x, void* y, cudaStream_t stream) {
  constexpr int kV = 16 / sizeof(T);
  const bool vector = n % kV == 0 && Aligned16(x);
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  if (warp_per_row) {
    const unsigned grid = GridFor(rows, kThreadsPerBlock / 32, 1 << 20);
    if (vector)
      ReduceRowsWarpKernel<T, kV, kOp><<<grid, kThreadsPerBlock, 0, stream>>>(rows, n, in, out);
    else
      ReduceRowsWarpKernel<T, 1, kOp><<<grid, kThreadsPerBlock, 0, stream>>>(rows, n, in, out);
    return;
  }
  const unsigned grid = rows < (1 << 20) ? rows : (1 << 20);
  if (vector)
    ReduceRowsBlockKernel<T, kV, kOp><<<grid, kThreadsPerBlock, 0, stream>>>(rows, n, in, out);
  else
    ReduceRowsBlockKernel<T, 1, kOp><<<grid, kThreadsPerBlock, 0, stream>>>(rows, n, in, out);
}

template <typename T, ReduceOp kOp>
void LaunchColumnsTyped(int outer, int n, int inner, bool split, const void* x, void* y, cudaStream_t stream) {
  const int64_t outputs = static_cast<int64_t>(outer) * inner;
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  if (split) {
    const unsigned grid = static_cast<unsigned>((outputs + 31) / 32);
    ReduceColumnsSplitKernel<T, kOp><<<grid, dim3(32, kSplitRows), 0, stream>>>(outer, n, inner, in, out);
  } else {
    ReduceColumnsKernel<T, kOp><<<GridFor(outputs), kThreadsPerBlock, 0, stream>>>(outer, n, inner, in, out);
  }
}

// Calls fn(std::integral_constant<ReduceOp, op>{}) so kernels are instantiated per op.
template <typename Fn>
void DispatchOp(ReduceOp op, Fn&& fn) {
  switch (op) {
    case ReduceOp::kSum: fn(std::integral_constant<ReduceOp, ReduceOp::kSum>{}); break;
    case ReduceOp::kMean: fn(std::integral_constant<ReduceOp, ReduceOp::kMean>{}); break;
    case ReduceOp::kMax: fn(std::integral_constant<ReduceOp, ReduceOp::kMax>{}); break;
    case ReduceOp::kMin: fn(std::integral_constant<ReduceOp, ReduceOp::kMin>{}); break;
    case ReduceOp::kProd: fn(std::integral_constant<ReduceOp, ReduceOp::kProd>{}); break;
    case ReduceOp::kL1: fn(std::integral_constant<ReduceOp, ReduceOp::kL1>{}); break;
    case ReduceOp::kL2: fn(std::integral_constant<ReduceOp, ReduceOp::kL2>{}); break;
    case ReduceOp::kSumSquare: fn(std::integral_constant<ReduceOp, ReduceOp::kSumSquare>{}); break;
    case ReduceOp::kLogSumExp: fn(std::integral_constant<ReduceOp, ReduceOp::kLogSumExp>{}); break;
  }
}

}  // namespace

cudaError_t LaunchReduceRows(ReduceOp op, ElemType type, int rows, int n, bool warp_per_row, const void* x, void* y,
                             cudaStream_t stream) {
  if (rows <= 0 || n <= 0) return cudaSuccess;
  DispatchOp(op, [&](auto kop) {
    if (type == ElemType::kF16)
      LaunchRowsTyped<__half, decltype(kop)::value>(rows, n, warp_per_row, x, y, stream);
    else
      LaunchRowsTyped<float, decltype(kop)::value>(rows, n, warp_per_row, x, y, stream);
  });
  return cudaGetLastError();
}

cudaError_t LaunchReduceColumns(ReduceOp op, ElemType type, int outer, int n, int inner, bool split_axis,
                                const void* x, void* y, cudaStream_t stream) {
  if (outer <= 0 || n <= 0 || inner <= 0) return cudaSuccess;
  DispatchOp(op, [&](auto kop) {
    if (type == ElemType::kF16)
      LaunchColumnsTyped<__half, decltype(kop)::value>(outer, n, inner, split_axis, x, y, stream);
    else
      LaunchColumnsTyped<float, decltype(kop)::value>(outer, n, inner, split_axis, x, y, stream);
  });
  return cudaGetLastError();
}

}  // namespace mrt::gpu::reduction
