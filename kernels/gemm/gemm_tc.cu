// The hand-written GEMM kernels (launchers declared in gemm_tc_launch.h):
//   - GemmTcKernel: Y[b] = epilogue(A[b] * B[b]^T) on tensor cores, f16 or TF32, for every tile
//     configuration of kTcTileConfigs (the tile engine is gemm_tile_core.cuh);
//   - GemmSimtKernel: the same product with f32 FMAs on any strides (strict f32 for --no-tf32,
//     and the layouts the tensor-core path does not read), 64x64 outputs per 256-thread block,
//     4x4 per thread, K in steps of 16 through shared memory;
//   - Transpose2dKernel: batched [rows, cols] -> [cols, rows] through a 32x33 shared tile, which
//     puts a transposed operand into the K-contiguous layout the tensor-core kernel reads.
#include "kernels/gemm/gemm_tile_core.cuh"

namespace mrt::gpu {

// ---------------------------------------------------------------- kernels

namespace {

template <class Shape, typename T>
__global__ void __launch_bounds__(Shape::kThreads, Shape::kMinBlocks) GemmTcKernel(GemmTcParams p) {
  extern __shared__ __align__(128) char smem[];
  const int n_tiles = (p.n + Shape::kBlockN - 1) / Shape::kBlockN;
  const int tile_n = blockIdx.x % n_tiles, tile_m = blockIdx.x / n_tiles;
  const int batch = blockIdx.y;
  const T* a = static_cast<const T*>(p.a) + batch * p.batch_stride_a;
  const T* b = static_cast<const T*>(p.b) + batch * p.batch_stride_b;
  T* y = static_cast<T*>(p.y) + batch * p.batch_stride_y;
  const T* residual = p.epi.residual ? static_cast<const T*>(p.epi.residual) + batch * p.batch_stride_y : nullptr;

  tc::RowTileLoader<Shape, T, Shape::kBlockM> load_a;
  tc::RowTileLoader<Shape, T, Shape::kBlockN> load_b;
  load_a.Init(a, p.lda, p.m, tile_m * Shape::kBlockM, p.k);
  load_b.Init(b, p.ldb, p.n, tile_n * Shape::kBlockN, p.k);
  constexpr int kBlockK = Shape::kChunks * tc::Mma<T>::kElemsPerChunk;
  tc::Accumulators<Shape> acc;
  tc::RunMainLoop<Shape, T>(load_a, load_b, (p.k + kBlockK - 1) / kBlockK, smem, acc);
  tc::StoreTile<Shape, T>(acc, smem, tile_m * Shape::kBlockM, tile_n * Shape::kBlockN, p.m, p.n, y, residual, p.epi);
}

constexpr int kSimtTile = kGemmSimtTile, kSimtK = 16, kSimtThreads = 256;

// Thread (ty, tx) = (tid / 16, tid % 16) owns outputs (ty + 16 i, tx + 16 j), i, j < 4: the
// shared reads of a warp are then one broadcast row of A and 16 consecutive floats of B.
template <typename T>
__global__ void __launch_bounds__(kSimtThreads) GemmSimtKernel(GemmSimtParams p) {
  __shared__ float a_tile[kSimtK][kSimtTile + 4];
  __shared__ float b_tile[kSimtK][kSimtTile + 4];
  const int batch = blockIdx.z;
  const T* a = static_cast<const T*>(p.a) + batch * p.batch_stride_a;
  const T* b = static_cast<const T*>(p.b) + batch * p.batch_stride_b;
  T* y = static_cast<T*>(p.y) + batch * p.batch_stride_y;
  const T* residual = p.epi.residual ? static_cast<const T*>(p.epi.residual) + batch * p.batch_stride_y : nullptr;
  const int m0 = blockIdx.y * kSimtTile, n0 = blockIdx.x * kSimtTile;
  const int tid = threadIdx.x, ty = tid / 16, tx = tid % 16;
  // Load mapping: along K when K is the contiguous dim (stride 1), else along M / N, so a warp's
  // global reads are consecutive either way.
  const bool a_k_fast = p.a_stride_k == 1, b_k_fast = p.b_stride_k == 1;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < p.k; k0 += kSimtK) {
#pragma unroll
    for (int i = 0; i < kSimtTile * kSimtK / kSimtThreads; ++i) {
      const int e = tid + i * kSimtThreads;
      int row = a_k_fast ? e / kSimtK : e % kSimtTile, kk = a_k_fast ? e % kSimtK : e / kSimtTile;
      int m = m0 + row, k = k0 + kk;
      a_tile[kk][row] = (m < p.m && k < p.k) ? ToFloat(a[m * p.a_stride_m + k * p.a_stride_k]) : 0.f;
      row = b_k_fast ? e / kSimtK : e % kSimtTile;
      kk = b_k_fast ? e % kSimtK : e / kSimtTile;
      const int n = n0 + row;
      k = k0 + kk;
      b_tile[kk][row] = (n < p.n && k < p.k) ? ToFloat(b[n * p.b_stride_n + k * p.b_stride_k]) : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kSimtK; ++kk) {
      float av[4], bv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) av[i] = a_tile[kk][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = b_tile[kk][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
  const TileEpilogueParams& e = p.epi;
  const T* c = static_cast<const T*>(e.c);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int m = m0 + ty + 16 * i;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int n = n0 + tx + 16 * j;
      if (m >= p.m || n >= p.n) continue;
      float v = e.alpha * acc[i][j];
      if (c != nullptr) v += e.beta * ToFloat(c[m * e.c_row_stride + n * e.c_col_stride]);
      v = ApplyActivation(e.act, v);
      const int64_t index = static_cast<int64_t>(m) * p.n + n;
      if (residual != nullptr) v += ToFloat(residual[index]);
      y[index] = FromFloat<T>(ApplyActivation(e.post, v));
    }
  }
}

// Block (32 x 8 threads) moves one 32x32 tile: coalesced reads along cols, coalesced writes along
// rows; the +1 column keeps the transposed shared reads conflict-free.
template <typename Word>
__global__ void Transpose2dKernel(const Word* src, Word* dst, int rows, int cols) {
  __shared__ Word tile[32][33];
  const int64_t offset = static_cast<int64_t>(blockIdx.z) * rows * cols;
  const int c0 = blockIdx.x * 32, r0 = blockIdx.y * 32;
  for (int i = threadIdx.y; i < 32; i += 8) {
    const int r = r0 + i, c = c0 + threadIdx.x;
    if (r < rows && c < cols) tile[i][threadIdx.x] = src[offset + static_cast<int64_t>(r) * cols + c];
  }
  __syncthreads();
  for (int i = threadIdx.y; i < 32; i += 8) {
    const int c = c0 + i, r = r0 + threadIdx.x;
    if (r < rows && c < cols) dst[offset + static_cast<int64_t>(c) * rows + r] = tile[threadIdx.x][i];
  }
}

}  // namespace

// ---------------------------------------------------------------- launchers

cudaError_t PrepareGemmTc(int config, TcMath math) {
  return tc::WithTileShape(config, [&](auto shape) {
    using Shape = decltype(shape);
    return tc::WithElement(math, [&](auto element) {
      using T = decltype(element);
      return cudaFuncSetAttribute(GemmTcKernel<Shape, T>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  Shape::kSmemBytes);
    });
  });
}

cudaError_t LaunchGemmTc(int config, TcMath math, const GemmTcParams& p, cudaStream_t stream) {
  return tc::WithTileShape(config, [&](auto shape) {
    using Shape = decltype(shape);
    return tc::WithElement(math, [&](auto element) {
      using T = decltype(element);
      const int64_t tiles = static_cast<int64_t>((p.m + Shape::kBlockM - 1) / Shape::kBlockM) *
                            ((p.n + Shape::kBlockN - 1) / Shape::kBlockN);
      const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(p.batch));
      GemmTcKernel<Shape, T><<<grid, Shape::kThreads, Shape::kSmemBytes, stream>>>(p);
      return cudaGetLastError();
    });
  });
}

cudaError_t LaunchGemmSimt(bool f16, const GemmSimtParams& p, cudaStream_t stream) {
  const dim3 grid((p.n + kSimtTile - 1) / kSimtTile, (p.m + kSimtTile - 1) / kSimtTile, p.batch);
  if (f16) {
    GemmSimtKernel<__half><<<grid, kSimtThreads, 0, stream>>>(p);
  } else {
    GemmSimtKernel<float><<<grid, kSimtThreads, 0, stream>>>(p);
  }
  return cudaGetLastError();
}

cudaError_t LaunchTranspose2d(int elem_bytes, const void* src, void* dst, int batch, int rows, int cols,
                              cudaStream_t stream) {
  const dim3 grid((cols + 31) / 32, (rows + 31) / 32, batch), block(32, 8);
  if (elem_bytes == 2) {
    Transpose2dKernel<uint16_t><<<grid, block, 0, stream>>>(static_cast<const uint16_t*>(src),
                                                             static_cast<uint16_t*>(dst), rows, cols);
  } else if (elem_bytes == 4) {
    Transpose2dKernel<uint32_t><<<grid, block, 0, stream>>>(static_cast<const uint32_t*>(src),
                                                             static_cast<uint32_t*>(dst), rows, cols);
  } else {
    return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace mrt::gpu
