// The tensor-core implicit-GEMM convolution (NHWC, group 1, any window): the GEMM view and its
// limits are in conv_igemm_launch.h; the tile engine (cp.async pipeline, ldmatrix, mma.sync,
// fused epilogue with 16-byte stores) is kernels/gemm/gemm_tile_core.cuh. This file adds the A
// loader that gathers im2col rows from X on the fly.
#include "kernels/conv/conv_igemm_launch.h"
#include "kernels/gemm/gemm_tile_core.cuh"

namespace mrt::gpu {

// ---------------------------------------------------------------- kernels

namespace {

// Loads A tiles: row m = (n, oh, ow) of the im2col matrix, column kk = (r, s, c) (c fastest).
// Thread t always loads chunk column t % KCH of its rows, so all its rows share one position
// (r, s, c) in K, advanced one tile at a time; per row it keeps the input pixel of tap (0, 0)
// (which may lie in the padding) and checks each tap against the image bounds.
template <class Shape, typename T>
struct ImageTileLoader {
  static constexpr int kRowsPerThread = Shape::kBlockM / Shape::kLoadRowsPerPass;
  static constexpr int kBlockK = Shape::kChunks * tc::Mma<T>::kElemsPerChunk;
  const T* x;
  int pixel[kRowsPerThread];  // (n * H + ih0) * W + iw0: the input pixel of tap (0, 0)
  int ih0[kRowsPerThread], iw0[kRowsPerThread];
  int tap_r = 0, tap_s = 0, channel = 0;  // this thread's (r, s, c) in the next tile
  int h = 0, w = 0, c = 0, r = 0, s = 0, dil_h = 1, dil_w = 1;
  uint32_t smem_offset = 0;

  __device__ void Init(const ConvIgemmParams& p, int first_row) {
    const int chunk = threadIdx.x % Shape::kChunks, row0 = threadIdx.x / Shape::kChunks;
    x = static_cast<const T*>(p.x);
    h = p.h, w = p.w_in, c = p.c, r = p.r, s = p.s, dil_h = p.dil_h, dil_w = p.dil_w;
    smem_offset = tc::SwizzledOffset<Shape::kChunks>(row0, chunk);
    const int k0 = chunk * tc::Mma<T>::kElemsPerChunk;
    channel = k0 % c;
    tap_s = (k0 / c) % s;
    tap_r = (k0 / c) / s;  // >= R when the chunk starts past K_gemm: never loaded
    const int m_size = p.n * p.oh * p.ow, plane = p.oh * p.ow;
#pragma unroll
    for (int i = 0; i < kRowsPerThread; ++i) {
      const int m = first_row + row0 + i * Shape::kLoadRowsPerPass;
      if (m < m_size) {
        const int img = m / plane, rem = m - img * plane;
        const int oh = rem / p.ow, ow = rem - oh * p.ow;
        ih0[i] = oh * p.stride_h - p.pad_h;
        iw0[i] = ow * p.stride_w - p.pad_w;
        pixel[i] = (img * h + ih0[i]) * w + iw0[i];
      } else {
        ih0[i] = -(1 << 30);  // every tap fails the bounds check
        iw0[i] = 0;
        pixel[i] = 0;
      }
    }
  }

  __device__ void LoadNext(uint32_t stage) {
    const bool k_ok = tap_r < r;
    const int dh = tap_r * dil_h, dw = tap_s * dil_w, tap_offset = dh * w + dw;
#pragma unroll
    for (int i = 0; i < kRowsPerThread; ++i) {
      const int ih = ih0[i] + dh, iw = iw0[i] + dw;
      const bool ok = k_ok && static_cast<unsigned>(ih) < static_cast<unsigned>(h) &&
                      static_cast<unsigned>(iw) < static_cast<unsigned>(w);
      const T* src = x + static_cast<int64_t>(pixel[i] + tap_offset) * c + channel;
      tc::CpAsync16(stage + smem_offset + i * Shape::kLoadRowsPerPass * Shape::kRowBytes, ok ? src : x, ok);
    }
    channel += kBlockK;
    while (channel >= c) {  // at most kBlockK / C steps (C >= one chunk)
      channel -= c;
      if (++tap_s == s) {
        tap_s = 0;
        ++tap_r;
      }
    }
  }
};

template <class Shape, typename T>
__global__ void __launch_bounds__(Shape::kThreads, Shape::kMinBlocks) ConvIgemmKernel(ConvIgemmParams p) {
  extern __shared__ __align__(128) char smem[];
  const int m_size = p.n * p.oh * p.ow, k_gemm = p.r * p.s * p.c;
  const int n_tiles = (p.k + Shape::kBlockN - 1) / Shape::kBlockN;
  const int tile_n = blockIdx.x % n_tiles, tile_m = blockIdx.x / n_tiles;

  ImageTileLoader<Shape, T> load_a;
  tc::RowTileLoader<Shape, T, Shape::kBlockN> load_b;
  load_a.Init(p, tile_m * Shape::kBlockM);
  load_b.Init(static_cast<const T*>(p.w), k_gemm, p.k, tile_n * Shape::kBlockN, k_gemm);
  constexpr int kBlockK = Shape::kChunks * tc::Mma<T>::kElemsPerChunk;
  tc::Accumulators<Shape> acc;
  tc::RunMainLoop<Shape, T>(load_a, load_b, (k_gemm + kBlockK - 1) / kBlockK, smem, acc);
  tc::StoreTile<Shape, T>(acc, smem, tile_m * Shape::kBlockM, tile_n * Shape::kBlockN, m_size, p.k,
                          static_cast<T*>(p.y), static_cast<const T*>(p.epi.residual), p.epi);
}

}  // namespace

// ---------------------------------------------------------------- launchers

cudaError_t PrepareConvIgemm(int config, TcMath math) {
  return tc::WithTileShape(config, [&](auto shape) {
    using Shape = decltype(shape);
    return tc::WithElement(math, [&](auto element) {
      using T = decltype(element);
      return cudaFuncSetAttribute(ConvIgemmKernel<Shape, T>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  Shape::kSmemBytes);
    });
  });
}

cudaError_t LaunchConvIgemm(int config, TcMath math, const ConvIgemmParams& p, cudaStream_t stream) {
  return tc::WithTileShape(config, [&](auto shape) {
    using Shape = decltype(shape);
    return tc::WithElement(math, [&](auto element) {
      using T = decltype(element);
      const int64_t m_size = static_cast<int64_t>(p.n) * p.oh * p.ow;
      const int64_t tiles =
          ((m_size + Shape::kBlockM - 1) / Shape::kBlockM) * ((p.k + Shape::kBlockN - 1) / Shape::kBlockN);
      ConvIgemmKernel<Shape, T><<<static_cast<unsigned>(tiles), Shape::kThreads, Shape::kSmemBytes, stream>>>(p);
      return cudaGetLastError();
    });
  });
}

}  // namespace mrt::gpu
