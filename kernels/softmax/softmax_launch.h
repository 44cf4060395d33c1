// Launchers of the CUDA Softmax / LogSoftmax kernels (softmax.cu), in plain C++ types for the host
// tactics (softmax_tactics_cuda.cpp). x and y are viewed as [outer, n, inner] around the axis;
// each of the outer * inner slices of n elements is normalized on its own, in f32.
// Sizes are int: tactics are offered only for tensors of fewer than 2^31 elements. Launchers
// return the launch's cudaError_t and never allocate or synchronize.
#pragma once

#include <cuda_runtime.h>

namespace mrt::gpu::softmax {

enum class ElemType : int { kF32 = 0, kF16 = 1 };

// The longest row the warp-per-row kernel holds in registers.
inline constexpr int kWarpMaxRow = 1024;

// Last axis (inner = 1), n <= kWarpMaxRow: one warp per row, the row cached in registers.
cudaError_t LaunchSoftmaxWarpPerRow(ElemType type, bool log_softmax, int rows, int n, const void* x, void* y,
                                    cudaStream_t stream);
// Last axis, any n: one block of `threads` (a multiple of 32, <= 1024) per row; one pass for
// the running max and sum, a second to write.
cudaError_t LaunchSoftmaxBlockPerRow(ElemType type, bool log_softmax, int rows, int n, int threads, const void* x,
                                     void* y, cudaStream_t stream);
// Any axis with inner > 1: one thread per (outer, inner) slice; neighbouring threads read
// neighbouring inner positions, so every step of the walk along the axis is coalesced.
cudaError_t LaunchSoftmaxStrided(ElemType type, bool log_softmax, int outer, int n, int inner, const void* x,
                                 void* y, cudaStream_t stream);

// The strided variant for short axes (n <= kStridedCachedMaxAxis): the slice in registers, its
// loads all issued at once.
inline constexpr int kStridedCachedMaxAxis = 32;
cudaError_t LaunchSoftmaxStridedCached(ElemType type, bool log_softmax, int outer, int n, int inner, const void* x,
                                       void* y, cudaStream_t stream);

}  // namespace mrt::gpu::softmax
