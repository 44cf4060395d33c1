// 1x1 convolution (stride 1, no padding, group 1) as a tiled GEMM with the fused epilogue:
//   C[z][m, n] = epi(sum_k A[z][m, k] * B[z][k, n]),  A row-major [M, Kd], B row-major [Kd, N]
//   NHWC: one GEMM, A = X [N*H*W, C], B = Wt [C, K] (W^T, packed), C = Y [N*H*W, K], channel = n
//   NCHW: one GEMM per image z, A = W [K, C] (shared), B = X[z] [C, H*W], C = Y[z] [K, H*W],
//         channel = m
// Two kernels:
//  - tensor cores through WMMA: f16 (16x16x16) or f32 rounded to TF32 (16x16x8), f32
//    accumulation. A block of (BM/WM)*(BN/WN) warps computes a BM x BN tile, each warp a WM x WN
//    sub-tile of 16x16 accumulator fragments. The K loop double-buffers shared memory: the next
//    tile is read from global memory into registers while the current one is multiplied, then
//    stored to the other buffer (one __syncthreads per step).
//  - strict f32 on the SIMT units (no TF32): a BM x BN tile per 256 threads, each thread a
//    TM x TN register block (groups of 4 rows/columns spread over the tile so shared-memory
//    reads are conflict-free float4s); A is stored transposed in shared memory.
// Global loads are 16-byte vectors when Kd and N are multiples of the vector and every pointer
// is aligned (kVec), else single elements with per-element bounds (odd channel counts, odd H*W).
// Split-K (tensor cores, for layers whose output has too few tiles to fill the GPU, e.g. 7x7
// maps with many input channels): grid.z also runs over `splits` runs of K tiles, each storing
// its f32 partial sum to the workspace; a second kernel adds them and applies the epilogue.
// The epilogue goes through shared memory (tensor cores: the fragments' layout is opaque) and is
// stored four consecutive columns at a time.
#include <mma.h>

#include "kernels/conv/conv_handwritten_launch.h"
#include "kernels/gpu/epilogue.cuh"

namespace mrt::gpu {

namespace {

namespace wmma = nvcuda::wmma;

// ----------------------------------------------------------------------------------- kernels

struct GemmShape {
  int m = 0, n = 0, k = 0;
  int64_t batch_a = 0, batch_b = 0, batch_c = 0;  // element strides between the GEMMs of grid.z
  bool channel_is_row = false;                    // NCHW: the output channel is m, else n
  // Split-K (tensor-core kernel): grid.z = batch * splits; split s multiplies K tiles
  // [s * k_tiles_per_split, ...) and stores its raw f32 sum to partial[s][output index]
  // (partial_stride = batch * m * n); SplitKReduceKernel adds the splits and applies the epilogue.
  int splits = 1, k_tiles_per_split = 0;
  float* partial = nullptr;
  int64_t partial_stride = 0;
};

template <typename T, int N>
union Elements {
  typename RawVector<N * sizeof(T)>::type raw;
  T e[N];
};

template <typename T>
struct MmaTraits;
template <>
struct MmaTraits<__half> {
  static constexpr int kStep = 16, kBlockK = 32;
  using AFrag = wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major>;
  using BFrag = wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major>;
  using CFrag = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;
  template <typename F>
  __device__ static void Round(F&) {}
};
template <>
struct MmaTraits<float> {
  static constexpr int kStep = 8, kBlockK = 16;
  using AFrag = wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major>;
  using BFrag = wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major>;
  using CFrag = wmma::fragment<wmma::accumulator, 16, 16, 8, float>;
  template <typename F>
  __device__ static void Round(F& f) {
#pragma unroll
    for (int i = 0; i < f.num_elements; ++i) f.x[i] = wmma::__float_to_tf32(f.x[i]);
  }
};

// Four consecutive outputs (row gm, columns gn..gn+3) of the accumulator through the epilogue.
template <typename T, bool kVec>
__device__ __forceinline__ void StoreFour(const GemmShape& p, const Epilogue& e, const float (&acc)[4], int gm, int gn,
                                          int z, T* __restrict__ c_base) {
  const int64_t row_start = int64_t(z) * p.batch_c + int64_t(gm) * p.n;
  if (kVec && gn + 4 <= p.n) {
    Elements<T, 4> out;
#pragma unroll
    for (int j = 0; j < 4; ++j)
      out.e[j] = FromFloat<T>(ApplyEpilogue<T>(e, acc[j], p.channel_is_row ? gm : gn + j, row_start + gn + j));
    *reinterpret_cast<typename RawVector<4 * sizeof(T)>::type*>(c_base + row_start + gn) = out.raw;
    return;
  }
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    if (gn + j >= p.n) break;
    c_base[row_start + gn + j] =
        FromFloat<T>(ApplyEpilogue<T>(e, acc[j], p.channel_is_row ? gm : gn + j, row_start + gn + j));
  }
}

// cp.async (sm_80+): a 16-byte global -> shared copy that bypasses the registers; with
// `valid` false it writes zeros (src-size 0) and reads nothing.
__device__ __forceinline__ void CopyAsync16(void* smem, const void* gmem, bool valid) {
  const unsigned dst = static_cast<unsigned>(__cvta_generic_to_shared(smem));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(gmem), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void CopyAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int kPending>
__device__ __forceinline__ void CopyAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending));
}

// Shared memory of the tensor-core kernel: kStages A/B tiles, then reused for the f32 C tile.
template <typename T, int BM, int BN>
struct TensorCoreTiles {
  static constexpr int kStages = 3;
  static constexpr int BK = MmaTraits<T>::kBlockK, kPad = 16 / sizeof(T);
  static constexpr int LDA = BK + kPad, LDB = BN + kPad, LDC = BN + 4;
  static constexpr size_t kPipelineBytes = kStages * (size_t(BM) * LDA + size_t(BK) * LDB) * sizeof(T);
  static constexpr size_t kEpilogueBytes = size_t(BM) * LDC * sizeof(float);
  static constexpr size_t kBytes = kPipelineBytes > kEpilogueBytes ? kPipelineBytes : kEpilogueBytes;
};

// Copies K tile `kt` of A ([BM][BK] at rows m0..) and B ([BK][BN] at columns n0..) into stage
// buffers as/bs, zero outside the matrices. kVec: 16-byte cp.async (Kd and N are multiples of
// the vector, so a vector is entirely inside or outside); else element by element.
template <typename T, int BM, int BN, int kThreads, bool kVec>
__device__ __forceinline__ void CopyTiles(const GemmShape& p, const T* __restrict__ a, const T* __restrict__ b, T* as,
                                          T* bs, int m0, int n0, int kt) {
  using Tiles = TensorCoreTiles<T, BM, BN>;
  constexpr int BK = Tiles::BK, VE = kVec ? 16 / sizeof(T) : 1;
  const int tid = threadIdx.x;
#pragma unroll 4
  for (int id = tid; id < BM * BK / VE; id += kThreads) {
    const int row = id / (BK / VE), col = (id % (BK / VE)) * VE;
    const int gm = m0 + row, gk = kt * BK + col;
    const bool valid = gm < p.m && gk < p.k;
    T* dst = as + row * Tiles::LDA + col;
    if constexpr (kVec)
      CopyAsync16(dst, valid ? a + int64_t(gm) * p.k + gk : a, valid);
    else
      *dst = valid ? a[int64_t(gm) * p.k + gk] : T(0.f);
  }
#pragma unroll 4
  for (int id = tid; id < BK * BN / VE; id += kThreads) {
    const int row = id / (BN / VE), col = (id % (BN / VE)) * VE;
    const int gk = kt * BK + row, gn = n0 + col;
    const bool valid = gk < p.k && gn < p.n;
    T* dst = bs + row * Tiles::LDB + col;
    if constexpr (kVec)
      CopyAsync16(dst, valid ? b + int64_t(gk) * p.n + gn : b, valid);
    else
      *dst = valid ? b[int64_t(gk) * p.n + gn] : T(0.f);
  }
}

// Registers: <= 128 for f16 (two 256-thread or four 128-thread blocks per SM); TF32 fragments
// hold f32, so it gets <= 168 (fewer blocks, no spills).
template <typename T, int kThreads>
constexpr int kTensorCoreMinBlocks = 65536 / (kThreads * (sizeof(T) == 2 ? 128 : 168));

template <typename T, int BM, int BN, int WM, int WN, bool kVec>
__global__ void __launch_bounds__((BM / WM) * (BN / WN) * 32, (kTensorCoreMinBlocks<T, (BM / WM) * (BN / WN) * 32>))
    PointwiseGemmTensorCoreKernel(GemmShape p, Epilogue e, const T* __restrict__ a, const T* __restrict__ b,
                                  T* __restrict__ c) {
  using Tr = MmaTraits<T>;
  using Tiles = TensorCoreTiles<T, BM, BN>;
  constexpr int BK = Tiles::BK, LDA = Tiles::LDA, LDB = Tiles::LDB, LDC = Tiles::LDC, kStages = Tiles::kStages;
  constexpr int kThreads = (BM / WM) * (BN / WN) * 32;
  constexpr int FM = WM / 16, FN = WN / 16;

  extern __shared__ __align__(128) unsigned char gemm_smem[];
  T* as = reinterpret_cast<T*>(gemm_smem);  // [kStages][BM][LDA]
  T* bs = as + kStages * BM * LDA;          // [kStages][BK][LDB]
  const int m0 = blockIdx.x * BM, n0 = blockIdx.y * BN;
  a += int64_t(blockIdx.z / p.splits) * p.batch_a;
  b += int64_t(blockIdx.z / p.splits) * p.batch_b;
  const int warp = threadIdx.x / 32, wm = warp / (BN / WN), wn = warp % (BN / WN);
  typename Tr::CFrag acc[FM][FN];
#pragma unroll
  for (int i = 0; i < FM; ++i)
#pragma unroll
    for (int j = 0; j < FN; ++j) wmma::fill_fragment(acc[i][j], 0.f);

  // Pipeline: tiles kt+1 .. kt+kStages-1 are in flight while tile kt is multiplied. One commit
  // group per tile (empty past the end) keeps wait_group's count uniform.
  // Tile i of this block is K tile kt0 + i (kt0 = 0 without split-K).
  const int k_tiles_total = (p.k + BK - 1) / BK;
  const int kt0 = p.splits > 1 ? int(blockIdx.z % p.splits) * p.k_tiles_per_split : 0;
  const int k_tiles = p.splits > 1 ? min(p.k_tiles_per_split, k_tiles_total - kt0) : k_tiles_total;
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < k_tiles)
      CopyTiles<T, BM, BN, kThreads, kVec>(p, a, b, as + s * BM * LDA, bs + s * BK * LDB, m0, n0, kt0 + s);
    CopyAsyncCommit();
  }
  for (int kt = 0; kt < k_tiles; ++kt) {
    CopyAsyncWait<kStages - 2>();
    __syncthreads();  // tile kt landed for every thread; tile kt-1's buffer is free
    const int next = kt + kStages - 1, next_stage = next % kStages;
    if (next < k_tiles)
      CopyTiles<T, BM, BN, kThreads, kVec>(p, a, b, as + next_stage * BM * LDA, bs + next_stage * BK * LDB, m0, n0,
                                           kt0 + next);
    CopyAsyncCommit();
    const int stage = kt % kStages;
    const T* as_s = as + stage * BM * LDA + wm * WM * LDA;
    const T* bs_s = bs + stage * BK * LDB + wn * WN;
#pragma unroll
    for (int kk = 0; kk < BK; kk += Tr::kStep) {
      typename Tr::AFrag af[FM];
      typename Tr::BFrag bf[FN];
#pragma unroll
      for (int i = 0; i < FM; ++i) {
        wmma::load_matrix_sync(af[i], as_s + i * 16 * LDA + kk, LDA);
        Tr::Round(af[i]);
      }
#pragma unroll
      for (int j = 0; j < FN; ++j) {
        wmma::load_matrix_sync(bf[j], bs_s + kk * LDB + j * 16, LDB);
        Tr::Round(bf[j]);
      }
#pragma unroll
      for (int i = 0; i < FM; ++i)
#pragma unroll
        for (int j = 0; j < FN; ++j) wmma::mma_sync(acc[i][j], af[i], bf[j], acc[i][j]);
    }
  }
  CopyAsyncWait<0>();
  __syncthreads();  // every warp is done with the tiles before they become the C tile

  // Epilogue: fragments -> shared f32 tile -> 4 consecutive columns per thread.
  float* cs = reinterpret_cast<float*>(gemm_smem);  // [BM][LDC]
#pragma unroll
  for (int i = 0; i < FM; ++i)
#pragma unroll
    for (int j = 0; j < FN; ++j)
      wmma::store_matrix_sync(cs + (wm * WM + i * 16) * LDC + wn * WN + j * 16, acc[i][j], LDC, wmma::mem_row_major);
  __syncthreads();
  const int z = blockIdx.z / p.splits, split = blockIdx.z % p.splits;  // (recomputed: fewer live registers)
  for (int id = threadIdx.x; id < BM * BN / 4; id += kThreads) {
    const int row = id / (BN / 4), col = (id % (BN / 4)) * 4;
    const int gm = m0 + row, gn = n0 + col;
    if (gm >= p.m || gn >= p.n) continue;
    const float4 v = *reinterpret_cast<const float4*>(cs + row * LDC + col);
    const float vals[4] = {v.x, v.y, v.z, v.w};
    if (p.partial != nullptr) {  // split-K: the raw sum; the reduce kernel applies the epilogue
      float* dst = p.partial + split * p.partial_stride + int64_t(z) * p.batch_c + int64_t(gm) * p.n + gn;
      for (int j = 0; j < 4 && gn + j < p.n; ++j) dst[j] = vals[j];
    } else {
      StoreFour<T, kVec>(p, e, vals, gm, gn, z, c);
    }
  }
}

// y[i] = epi(sum over splits of partial[s][i]) for every output element i (split-K's second pass).
template <typename T>
__global__ void __launch_bounds__(256) SplitKReduceKernel(GemmShape p, Epilogue e, T* __restrict__ c) {
  const int64_t total = p.partial_stride, per_image = int64_t(p.m) * p.n;
  MRT_GRID_STRIDE_LOOP(i, total) {
    float acc = 0.f;
    for (int s = 0; s < p.splits; ++s) acc += p.partial[s * total + i];
    const int64_t mn = i % per_image;
    const int64_t channel = p.channel_is_row ? mn / p.n : mn % p.n;
    c[i] = FromFloat<T>(ApplyEpilogue<T>(e, acc, channel, i));
  }
}

template <int BM, int BN, int TM, int TN, bool kVec>
__global__ void __launch_bounds__((BM / TM) * (BN / TN), 1)
    PointwiseGemmSimtKernel(GemmShape p, Epilogue e, const float* __restrict__ a, const float* __restrict__ b,
                            float* __restrict__ c) {
  constexpr int BK = 16, kThreads = (BM / TM) * (BN / TN), VE = kVec ? 4 : 1;
  constexpr int kAPer = BM * BK / VE / kThreads, kBPer = BK * BN / VE / kThreads;
  static_assert(kAPer * kThreads * VE == BM * BK && kBPer * kThreads * VE == BK * BN, "tile not divisible");
  constexpr int kRowStride = BM * 4 / TM, kColStride = BN * 4 / TN;  // between a thread's groups of 4
  using Raw = typename RawVector<VE * sizeof(float)>::type;
  __shared__ __align__(16) float as[2][BK][BM + 4];  // A transposed: as[k][m]
  __shared__ __align__(16) float bs[2][BK][BN + 4];

  const int tid = threadIdx.x, m0 = blockIdx.x * BM, n0 = blockIdx.y * BN, z = blockIdx.z;
  const int tx = tid % (BN / TN), ty = tid / (BN / TN);
  a += int64_t(z) * p.batch_a;
  b += int64_t(z) * p.batch_b;
  constexpr int kRegA = kVec ? kAPer : 1, kRegB = kVec ? kBPer : 1;
  Raw a_reg[kRegA], b_reg[kRegB];  // the next tile (kVec only, as in the tensor-core kernel)
  auto a_pos = [&](int i, int& row, int& col) {
    const int id = tid + i * kThreads;
    row = id / (BK / VE);
    col = (id % (BK / VE)) * VE;
  };
  auto b_pos = [&](int i, int& row, int& col) {
    const int id = tid + i * kThreads;
    row = id / (BN / VE);
    col = (id % (BN / VE)) * VE;
  };
  auto a_load = [&](int row, int col, int kt) -> Raw {
    const int gm = m0 + row, gk = kt * BK + col;
    return (gm < p.m && gk < p.k) ? *reinterpret_cast<const Raw*>(a + int64_t(gm) * p.k + gk) : Raw{};
  };
  auto b_load = [&](int row, int col, int kt) -> Raw {
    const int gk = kt * BK + row, gn = n0 + col;
    return (gk < p.k && gn < p.n) ? *reinterpret_cast<const Raw*>(b + int64_t(gk) * p.n + gn) : Raw{};
  };
  auto load_tile = [&](int kt) {
    if constexpr (kVec) {
      int row, col;
#pragma unroll
      for (int i = 0; i < kAPer; ++i) a_pos(i, row, col), a_reg[i] = a_load(row, col, kt);
#pragma unroll
      for (int i = 0; i < kBPer; ++i) b_pos(i, row, col), b_reg[i] = b_load(row, col, kt);
    }
  };
  auto store_tile = [&](int stage, int kt) {
    int row, col;
#pragma unroll 4
    for (int i = 0; i < kAPer; ++i) {
      a_pos(i, row, col);
      Elements<float, VE> v;
      if constexpr (kVec)
        v.raw = a_reg[i];
      else
        v.raw = a_load(row, col, kt);
#pragma unroll
      for (int j = 0; j < VE; ++j) as[stage][col + j][row] = v.e[j];
    }
#pragma unroll 4
    for (int i = 0; i < kBPer; ++i) {
      b_pos(i, row, col);
      Raw v;
      if constexpr (kVec)
        v = b_reg[i];
      else
        v = b_load(row, col, kt);
      *reinterpret_cast<Raw*>(&bs[stage][row][col]) = v;
    }
  };

  float acc[TM][TN] = {};
  const int k_tiles = (p.k + BK - 1) / BK;
  load_tile(0);
  store_tile(0, 0);
  __syncthreads();
  for (int kt = 0; kt < k_tiles; ++kt) {
    const int stage = kt & 1;
    if (kt + 1 < k_tiles) load_tile(kt + 1);
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float av[TM], bv[TN];
#pragma unroll
      for (int g = 0; g < TM / 4; ++g)
        *reinterpret_cast<float4*>(&av[g * 4]) =
            *reinterpret_cast<const float4*>(&as[stage][k][g * kRowStride + ty * 4]);
#pragma unroll
      for (int g = 0; g < TN / 4; ++g)
        *reinterpret_cast<float4*>(&bv[g * 4]) =
            *reinterpret_cast<const float4*>(&bs[stage][k][g * kColStride + tx * 4]);
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] += av[i] * bv[j];
    }
    if (kt + 1 < k_tiles) store_tile(stage ^ 1, kt + 1);
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int gm = m0 + (i / 4) * kRowStride + ty * 4 + i % 4;
    if (gm >= p.m) continue;
#pragma unroll
    for (int g = 0; g < TN / 4; ++g) {
      const int gn = n0 + g * kColStride + tx * 4;
      if (gn >= p.n) continue;
      const float vals[4] = {acc[i][g * 4], acc[i][g * 4 + 1], acc[i][g * 4 + 2], acc[i][g * 4 + 3]};
      StoreFour<float, kVec>(p, e, vals, gm, gn, z, c);
    }
  }
}

// ---------------------------------------------------------------------------------- launchers

// The GEMM view of the convolution (see the file comment). A and B are the operand pointers.
struct GemmOperands {
  GemmShape shape;
  const void* a;
  const void* b;
};

GemmOperands GemmOf(const ConvGeometry& g, const ConvOperands& op) {
  GemmOperands o;
  const int hw = g.h * g.w;
  if (g.channels_last) {
    o.shape = {g.n * hw, g.k, g.c, 0, 0, 0, false};
    o.a = op.x;
    o.b = op.w;
  } else {
    o.shape = {g.k, hw, g.c, 0, int64_t(g.c) * hw, int64_t(g.k) * hw, true};
    o.a = op.w;
    o.b = op.x;
  }
  return o;
}

bool Aligned(const void* p) { return p == nullptr || reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// Kernel instance of one configuration: the tensor-core kernel (with its dynamic shared memory)
// or the SIMT one. `prepare` only raises the kernel's shared-memory limit (Setup time).
template <typename T, int BM, int BN, int WM, int WN, bool kVec>
cudaError_t RunTensorCore(const GemmOperands& o, const Epilogue& e, void* y, int batch, cudaStream_t stream,
                          bool prepare) {
  auto kernel = PointwiseGemmTensorCoreKernel<T, BM, BN, WM, WN, kVec>;
  constexpr size_t smem = TensorCoreTiles<T, BM, BN>::kBytes;
  if (prepare) return cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem));
  const dim3 grid((o.shape.m + BM - 1) / BM, (o.shape.n + BN - 1) / BN, batch * o.shape.splits);
  kernel<<<grid, (BM / WM) * (BN / WN) * 32, smem, stream>>>(o.shape, e, static_cast<const T*>(o.a),
                                                             static_cast<const T*>(o.b), static_cast<T*>(y));
  if (o.shape.partial != nullptr)
    SplitKReduceKernel<T>
        <<<GridFor(o.shape.partial_stride), kThreadsPerBlock, 0, stream>>>(o.shape, e, static_cast<T*>(y));
  return cudaGetLastError();
}

template <int BM, int BN, int TM, int TN, bool kVec>
cudaError_t RunSimt(const GemmOperands& o, const Epilogue& e, void* y, int batch, cudaStream_t stream, bool prepare) {
  if (prepare) return cudaSuccess;
  const dim3 grid((o.shape.m + BM - 1) / BM, (o.shape.n + BN - 1) / BN, batch);
  PointwiseGemmSimtKernel<BM, BN, TM, TN, kVec><<<grid, (BM / TM) * (BN / TN), 0, stream>>>(
      o.shape, e, static_cast<const float*>(o.a), static_cast<const float*>(o.b), static_cast<float*>(y));
  return cudaGetLastError();
}

template <typename T, bool kVec>
cudaError_t DispatchTensorCore(const PointwiseGemmConfig& cfg, const GemmOperands& o, const Epilogue& e, void* y,
                               int batch, cudaStream_t stream, bool prepare) {
  const int key = cfg.block_m * 1000 + cfg.block_n;
  switch (key) {
    case 64064:
      return RunTensorCore<T, 64, 64, 32, 32, kVec>(o, e, y, batch, stream, prepare);
    case 128064:
      return RunTensorCore<T, 128, 64, 64, 32, kVec>(o, e, y, batch, stream, prepare);
    case 64128:
      return RunTensorCore<T, 64, 128, 32, 64, kVec>(o, e, y, batch, stream, prepare);
    case 128128:
      return RunTensorCore<T, 128, 128, 64, 32, kVec>(o, e, y, batch, stream, prepare);
    default:
      return cudaErrorInvalidValue;
  }
}

template <bool kVec>
cudaError_t DispatchSimt(const PointwiseGemmConfig& cfg, const GemmOperands& o, const Epilogue& e, void* y, int batch,
                         cudaStream_t stream, bool prepare) {
  const int key = cfg.block_m * 1000 + cfg.block_n;
  switch (key) {
    case 64064:
      return RunSimt<64, 64, 4, 4, kVec>(o, e, y, batch, stream, prepare);
    case 128064:
      return RunSimt<128, 64, 8, 4, kVec>(o, e, y, batch, stream, prepare);
    case 128128:
      return RunSimt<128, 128, 8, 8, kVec>(o, e, y, batch, stream, prepare);
    default:
      return cudaErrorInvalidValue;
  }
}

cudaError_t RunPointwiseGemm(const ConvGeometry& g, const PointwiseGemmConfig& cfg, const ConvOperands& op,
                             cudaStream_t stream, bool prepare) {
  GemmOperands o = GemmOf(g, op);
  const Epilogue e{op.bias, op.residual, op.act, op.post};
  const int batch = g.channels_last ? 1 : g.n;
  const bool f16 = g.element == ConvElement::kF16;
  if (cfg.math == GemmMath::kTensorCore && cfg.splits > 1) {
    // Equal runs of K tiles; the split count shrinks when K has fewer tiles than asked for, so
    // no split is empty.
    const int block_k = f16 ? MmaTraits<__half>::kBlockK : MmaTraits<float>::kBlockK;
    const int k_tiles = (o.shape.k + block_k - 1) / block_k;
    const int per_split = (k_tiles + cfg.splits - 1) / cfg.splits;
    const int splits = (k_tiles + per_split - 1) / per_split;
    if (splits > 1) {
      if (!prepare && op.workspace == nullptr) return cudaErrorInvalidValue;
      o.shape.splits = splits;
      o.shape.k_tiles_per_split = per_split;
      o.shape.partial = static_cast<float*>(op.workspace);
      o.shape.partial_stride = int64_t(batch) * o.shape.m * o.shape.n;
    }
  }
  const int ve = f16 ? 8 : 4;
  const bool vec = o.shape.k % ve == 0 && o.shape.n % ve == 0 && Aligned(op.x) && Aligned(op.w) && Aligned(op.y) &&
                   Aligned(op.residual);
  if (cfg.math == GemmMath::kSimt) {
    if (f16) return cudaErrorInvalidValue;
    return vec ? DispatchSimt<true>(cfg, o, e, op.y, batch, stream, prepare)
               : DispatchSimt<false>(cfg, o, e, op.y, batch, stream, prepare);
  }
  if (f16)
    return vec ? DispatchTensorCore<__half, true>(cfg, o, e, op.y, batch, stream, prepare)
               : DispatchTensorCore<__half, false>(cfg, o, e, op.y, batch, stream, prepare);
  return vec ? DispatchTensorCore<float, true>(cfg, o, e, op.y, batch, stream, prepare)
             : DispatchTensorCore<float, false>(cfg, o, e, op.y, batch, stream, prepare);
}

}  // namespace

cudaError_t PrepareConvPointwiseGemm(const ConvGeometry& g, const PointwiseGemmConfig& config) {
  // Both instances (vectorized or not: the launch picks by the pointers) get the higher limit.
  ConvGeometry odd = g;
  odd.c = 1;  // Kd = 1: not a multiple of the vector, selects the element-wise instance
  const cudaError_t err = RunPointwiseGemm(odd, config, ConvOperands{}, nullptr, /*prepare=*/true);
  if (err != cudaSuccess) return err;
  ConvGeometry even = g;
  even.c = even.k = 16;
  even.h = even.w = 4;  // Kd and N multiples of the vector (null pointers count as aligned)
  return RunPointwiseGemm(even, config, ConvOperands{}, nullptr, /*prepare=*/true);
}

size_t PointwiseGemmWorkspaceBytes(const ConvGeometry& g, const PointwiseGemmConfig& config) {
  if (config.math != GemmMath::kTensorCore || config.splits <= 1) return 0;
  return size_t(config.splits) * g.n * g.k * g.oh * g.ow * sizeof(float);
}

cudaError_t LaunchConvPointwiseGemm(const ConvGeometry& g, const PointwiseGemmConfig& config, const ConvOperands& op,
                                    cudaStream_t stream) {
  return RunPointwiseGemm(g, config, op, stream, /*prepare=*/false);
}

}  // namespace mrt::gpu
