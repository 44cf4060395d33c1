// Launchers of the CUDA pooling kernels (pool_window.cu, pool_nhwc.cu, global_pool.cu), in plain
// C++ types so the host tactics (pool_tactics_cuda.cpp) and the .cu files share one small header.
// Every launcher returns the launch's cudaError_t; none allocates or synchronizes.
//
// Indices are 32-bit inside the kernels: the tactics are offered only for tensors of fewer than
// 2^31 elements. Pointers must be 16-byte aligned for the vectorized paths; launchers check and
// fall back to scalar accesses when they are not.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace mrt::gpu::pool {

enum class ElemType : int { kF32 = 0, kF16 = 1 };

// kAverage divides by the taps inside the input; kAverageCountPad by the taps inside the padded
// input [-pad_begin, in + pad_end) (count_include_pad = 1).
enum class PoolKind : int { kMax = 0, kAverage = 1, kAverageCountPad = 2 };

// A window over 3 spatial dims [D, H, W]; 1-D and 2-D pools have leading dims of size 1 with
// kernel 1, stride 1, no padding. Output o taps input o * stride - pad_begin + k * dilation.
struct PoolGeometry {
  int planes = 1;  // N * C
  int channels = 1;  // C (NHWC kernels)
  int batch = 1;     // N (NHWC kernels)
  int in[3] = {1, 1, 1};
  int out[3] = {1, 1, 1};
  int kernel[3] = {1, 1, 1};
  int stride[3] = {1, 1, 1};
  int dilation[3] = {1, 1, 1};
  int pad_begin[3] = {0, 0, 0};
  int pad_end[3] = {0, 0, 0};
};

// NCHW (any 1-3 spatial dims): one thread per output element.
cudaError_t LaunchPoolNchwDirect(PoolKind kind, ElemType type, const PoolGeometry& g, const void* x, void* y,
                                 cudaStream_t stream);

// NCHW 2-D MaxPool with stride 1 and dilation 1 (SPPF's 5x5): a tile_w x tile_h block of outputs
// stages its input tile with halo in shared memory and takes a separable max (rows, then
// columns). Needs pad_begin < kernel and pad_end < kernel (every window holds a real tap).
cudaError_t LaunchMaxPoolNchwStride1Tiled(ElemType type, const PoolGeometry& g, int tile_w, int tile_h,
                                          const void* x, void* y, cudaStream_t stream);
// Shared memory bytes the tiled kernel needs (the host refuses configurations above 48 KiB).
int MaxPoolStride1TiledSharedBytes(const PoolGeometry& g, int tile_w, int tile_h);

// NHWC 2-D pools ([N, H, W, C], geometry in in[1..2], out[1..2]): one thread per output pixel and
// group of `vector_width` channels (1, or 16 bytes of channels when C is a multiple of it).
cudaError_t LaunchPoolNhwc(PoolKind kind, ElemType type, const PoolGeometry& g, int vector_width, const void* x,
                           void* y, cudaStream_t stream);

// Global pools. NCHW: planes of `inner` contiguous elements, one warp (warp_per_plane) or one
// block per plane. NHWC: [N, pixels, C] reduced over pixels, threads over channel vectors.
cudaError_t LaunchGlobalPoolNchw(bool is_max, ElemType type, int planes, int inner, bool warp_per_plane,
                                 const void* x, void* y, cudaStream_t stream);
cudaError_t LaunchGlobalPoolNhwc(bool is_max, ElemType type, int batch, int pixels, int channels, int vector_width,
                                 const void* x, void* y, cudaStream_t stream);

}  // namespace mrt::gpu::pool
