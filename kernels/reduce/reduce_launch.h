// Launchers of the CUDA reduction kernels (reduce.cu: Reduce*, arg_reduce.cu: ArgMax/ArgMin), in
// plain C++ types for the host tactics (reduce_tactics_cuda.cpp).
//
// Every reduction is run on x viewed as [outer, n, inner] (the reduced axes, contiguous in memory,
// merged into n) giving y [outer, inner]: "rows" kernels handle inner == 1 (a warp or a block per
// output), the "columns" kernels inner > 1 (a thread, or 8 threads splitting the axis, per output,
// coalesced across inner).
// Sizes are int: tactics are offered only for tensors of fewer than 2^31 elements. Launchers
// return the launch's cudaError_t and never allocate or synchronize.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace mrt::gpu::reduction {

enum class ElemType : int { kF32 = 0, kF16 = 1 };

// Over the n inputs x_i of one output (all accumulated in f32):
//   Sum Σx  Mean Σx/n  Max  Min  Prod Πx  L1 Σ|x|  L2 sqrt(Σx²)  SumSquare Σx²
//   LogSumExp m + ln Σ e^(x - m) with m = max x
enum class ReduceOp : int { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSumExp };

cudaError_t LaunchReduceRows(ReduceOp op, ElemType type, int rows, int n, bool warp_per_row, const void* x, void* y,
                             cudaStream_t stream);
// split_axis: 8 threads per output share the axis (for few outputs with long axes).
cudaError_t LaunchReduceColumns(ReduceOp op, ElemType type, int outer, int n, int inner, bool split_axis,
                                const void* x, void* y, cudaStream_t stream);

// ArgMax / ArgMin along the n axis: the i64 index of the first extreme (the last one with
// select_last_index); a NaN counts as the extreme, like the reference.
cudaError_t LaunchArgReduceRows(bool is_max, bool select_last, ElemType type, int rows, int n, bool warp_per_row,
                                const void* x, int64_t* y, cudaStream_t stream);
cudaError_t LaunchArgReduceColumns(bool is_max, bool select_last, ElemType type, int outer, int n, int inner,
                                   bool split_axis, const void* x, int64_t* y, cudaStream_t stream);

}  // namespace mrt::gpu::reduction
