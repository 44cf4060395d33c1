// Launchers of the hand-written GEMM kernels (gemm_tc.cu), in plain C++ types so the host-side
// tactics (gemm_handwritten_tactics_cuda.cpp) and the implicit-GEMM convolution
// (kernels/conv/conv_igemm_*) share them without pulling CUDA device code into g++.
//
//   Y[b] = post(act(alpha * A[b] * B[b]^T + beta * C) + Z[b])        (f32 accumulation)
//
// The tensor-core kernels read both operands K-contiguous: A is [M, K] (row stride lda) and B is
// [N, K] (row stride ldb), the "TN" GEMM that mma.sync's row.col operands want; other layouts are
// transposed first (LaunchTranspose2d, into the tactic's workspace) or packed at build time. Every
// 16-byte chunk of a row must be whole: K, lda and ldb are multiples of 8 (f16) or 4 (f32), and
// A, B, Y, Z are 16-byte aligned. C (the bias) is read element by element through its strides, so
// a scalar, [N], [M, 1] or [M, N] C all work.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ir/activation.h"

namespace mrt::gpu {

// The work of one thread block of the tensor-core kernels: a block_m x block_n output tile, K
// consumed k_chunks 16-byte chunks per row at a time (32 f16 or 16 f32 values for 4 chunks),
// warps_m x warps_n warps each owning a (block_m / warps_m) x (block_n / warps_n) warp tile of
// m16n8 MMAs, a `stages`-deep cp.async ring of shared-memory tiles, and min_blocks blocks per SM
// asked of the register allocator (__launch_bounds__: at most 65536 / (threads * min_blocks)
// registers per thread). `prefetch` selects the main loop that loads the next tile's first
// fragments across the barrier (tactic names end in "_pf"; gemm_tile_core.cuh has both loops).
struct TcTileConfig {
  int block_m, block_n, k_chunks, warps_m, warps_n, stages, min_blocks;
  bool prefetch;
};

// The configurations every tensor-core tactic is offered in (the index is what the launchers take;
// the builder times them all and keeps the fastest). Large tiles reuse each loaded byte more;
// small ones make enough blocks for small layers on 132 SMs.
inline constexpr TcTileConfig kTcTileConfigs[] = {
    {128, 128, 4, 2, 4, 4, 2, false},  // 8 warps of 64x32
    {256, 128, 4, 4, 2, 3, 1, false},  // 8 warps of 64x64: the most reuse per byte, for large layers
    {256, 64, 4, 4, 2, 4, 2, false},   // 8 warps of 64x32: many rows, 64 output channels (ResNet stage 1)
    {128, 64, 4, 2, 2, 4, 4, false},   // 4 warps of 64x32
    {64, 128, 4, 2, 2, 4, 4, false},   // 4 warps of 32x64
    {64, 64, 4, 2, 2, 4, 4, false},    // 4 warps of 32x32: small layers, many blocks
    {128, 128, 8, 2, 4, 3, 1, false},  // 8 warps of 64x32, twice the K per stage (fewer barriers)
    {128, 64, 8, 2, 2, 3, 3, false},   // 4 warps of 64x32, twice the K per stage
    {128, 128, 4, 2, 4, 4, 1, true},   // the prefetching loop on the tiles above
    {256, 128, 4, 4, 2, 3, 1, true},
    {128, 64, 4, 2, 2, 4, 3, true},
    {64, 64, 4, 2, 2, 4, 4, true},
    {128, 64, 8, 2, 2, 3, 2, true},
};
inline constexpr int kNumTcTileConfigs = static_cast<int>(sizeof(kTcTileConfigs) / sizeof(kTcTileConfigs[0]));

// How the tensor cores multiply: f16 operands (m16n8k16) or f32 operands rounded to TF32
// (m16n8k8); both accumulate in f32.
enum class TcMath : uint8_t { kF16, kTf32 };

inline constexpr int TcElemsPerChunk(TcMath math) { return math == TcMath::kF16 ? 8 : 4; }
inline constexpr int TcBlockK(const TcTileConfig& c, TcMath math) { return c.k_chunks * TcElemsPerChunk(math); }

// The epilogue applied to each f32 accumulator `acc` of output (m, n), in this order:
//   v = alpha * acc + beta * C[m * c_row_stride + n * c_col_stride]   (C term only when c != null)
//   v = post(act(v) + Z[m, n])                                        (Z term only when residual != null)
// C and Z have the output's dtype; Z is laid out like Y (dense [M, N] per batch).
struct TileEpilogueParams {
  float alpha = 1.f, beta = 1.f;
  const void* c = nullptr;
  int64_t c_row_stride = 0, c_col_stride = 0;
  const void* residual = nullptr;
  ActivationSpec act, post;
};

// Y[b] (dense [M, N]) = epilogue(A[b] * B[b]^T) for b < batch; a batch stride of 0 shares the
// operand between batches (grid.y = batch, at most 65535).
struct GemmTcParams {
  const void* a = nullptr;  // [M, K], row stride lda
  const void* b = nullptr;  // [N, K], row stride ldb
  void* y = nullptr;        // [M, N] dense
  int m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0;
  int batch = 1;
  int64_t batch_stride_a = 0, batch_stride_b = 0, batch_stride_y = 0;  // elements
  TileEpilogueParams epi;
};

// Once per device before launching configuration `config` (raises the dynamic shared-memory limit).
cudaError_t PrepareGemmTc(int config, TcMath math);
cudaError_t LaunchGemmTc(int config, TcMath math, const GemmTcParams& p, cudaStream_t stream);

// The f32-FMA GEMM (no tensor cores: what --no-tf32 asks for) on any strides, so it also covers
// transposed operands and K not a multiple of the tensor-core chunk:
//   A(m, k) = a[m * a_stride_m + k * a_stride_k], B^T(n, k) = b[n * b_stride_n + k * b_stride_k].
struct GemmSimtParams {
  const void* a = nullptr;
  const void* b = nullptr;
  void* y = nullptr;  // [M, N] dense
  int m = 0, n = 0, k = 0;
  int64_t a_stride_m = 0, a_stride_k = 0, b_stride_n = 0, b_stride_k = 0;
  int batch = 1;
  int64_t batch_stride_a = 0, batch_stride_b = 0, batch_stride_y = 0;
  TileEpilogueParams epi;
};
inline constexpr int kGemmSimtTile = 64;  // 64 x 64 outputs per block
cudaError_t LaunchGemmSimt(bool f16, const GemmSimtParams& p, cudaStream_t stream);

// dst[b] = src[b]^T for `batch` dense [rows, cols] matrices of 2- or 4-byte elements.
cudaError_t LaunchTranspose2d(int elem_bytes, const void* src, void* dst, int batch, int rows, int cols,
                              cudaStream_t stream);

}  // namespace mrt::gpu
