// The tensor-core tile engine shared by the hand-written GEMM (gemm_tc.cu) and the implicit-GEMM
// convolution (kernels/conv/conv_igemm_tc.cu): one thread block computes a BM x BN tile of
//   Y = A * B^T,   A: [M, K] and B: [N, K], both K-contiguous,
// with mma.sync (f16: m16n8k16, TF32: m16n8k8; f32 accumulation) and then stores it through the
// fused epilogue. Only the tile loaders differ between the two users (rows of a matrix, or the
// im2col rows of an NHWC image gathered on the fly), so they are template parameters.
//
// Data path:
//   global --cp.async 16 B (zero-filled outside the matrix)--> shared, a `stages`-deep ring
//   shared --ldmatrix.x4--> registers --mma.sync--> f32 accumulators
//   accumulators --> shared (f32) --> epilogue per 16 bytes of output --> one 16-byte store
// Shared tiles are rows of k_chunks 16-byte chunks (64 or 128 bytes). The chunk index is XORed
// with bits of the row (a swizzle) so the 8 row addresses of every ldmatrix phase hit 8 different
// 16-byte bank groups: no bank conflicts and no padding.
//
// One trick makes f16 and TF32 the same code: an m16n8k16 f16 fragment and an m16n8k8 TF32
// fragment cover the same bytes (16 rows x 32 bytes of A, 8 rows x 32 bytes of B), and ldmatrix
// hands thread t the 4 bytes at (row t / 4, bytes 4 * (t % 4)) of each 8x16-byte matrix, which is
// the register layout of both (PTX ISA, "mma.m16n8k16" / "mma.m16n8k8"). So both load fragments
// with the same ldmatrix calls; TF32 rounds them to nearest (cvt.rna.tf32) before its MMAs.
//
// Two main loops (TcTileConfig::prefetch picks one; the builder times both): RunMainLoopPerTile
// waits for each tile at its start, RunMainLoopPrefetched loads the next tile's first fragments
// before the current tile's last MMAs. Neither wins everywhere (on H100 the prefetching one was
// faster on 14x14 / 7x7 layers, slower on 1x1 and 4096^3 GEMMs), so both are offered.
#pragma once

#include "kernels/gemm/gemm_tc_launch.h"
#include "kernels/gpu/epilogue.cuh"

namespace mrt::gpu::tc {

// ---------------------------------------------------------------- PTX wrappers

__device__ __forceinline__ uint32_t SharedAddress(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// 16 bytes global -> shared, asynchronously; `valid` false writes 16 zero bytes instead (src-size 0).
__device__ __forceinline__ void CpAsync16(uint32_t dst, const void* src, bool valid) {
  const int src_bytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(src_bytes));
}
__device__ __forceinline__ void CpAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int kPending>
__device__ __forceinline__ void CpAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending));
}

__device__ __forceinline__ void LdMatrixX4(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

// The operand types of the two MMAs. Both: D[16x8] += A[16xK] * B[Kx8], A row-major, B
// column-major (= B^T row-major, our [N, K] tile), D in 4 f32 registers per thread.
template <typename T>
struct Mma;

template <>
struct Mma<__half> {
  static constexpr int kElemsPerChunk = 8;
  __device__ static __forceinline__ void RoundOperand(uint32_t&) {}
  __device__ static __forceinline__ void Run(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    asm(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};

template <>
struct Mma<float> {  // TF32
  static constexpr int kElemsPerChunk = 4;
  // f32 bits -> TF32 (10-bit mantissa), rounded to nearest rather than truncated by the MMA.
  __device__ static __forceinline__ void RoundOperand(uint32_t& v) {
    asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(v) : "f"(__uint_as_float(v)));
  }
  __device__ static __forceinline__ void Run(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    asm(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};

// ---------------------------------------------------------------- tile geometry

// Horizontal slabs the epilogue stages the f32 tile in, so its shared memory never exceeds the
// main loop's: the fewest passes (dividing warps_m) whose slab fits.
constexpr int EpiloguePasses(int block_m, int block_n, int warps_m, int mainloop_bytes) {
  int passes = 1;
  while (passes < warps_m && (block_m / passes) * (block_n + 8) * 4 > mainloop_bytes) passes *= 2;
  return passes;
}

template <int BM, int BN, int KCH, int WARPS_M, int WARPS_N, int STAGES, int MIN_BLOCKS, bool PREFETCH>
struct TileShape {
  static constexpr int kBlockM = BM, kBlockN = BN, kChunks = KCH, kWarpsM = WARPS_M, kWarpsN = WARPS_N;
  static constexpr int kStages = STAGES, kMinBlocks = MIN_BLOCKS;
  static constexpr bool kPrefetchAcrossTiles = PREFETCH;
  static constexpr int kThreads = 32 * WARPS_M * WARPS_N;
  static constexpr int kWarpTileM = BM / WARPS_M, kWarpTileN = BN / WARPS_N;
  static constexpr int kMmaM = kWarpTileM / 16, kMmaN = kWarpTileN / 8;  // MMAs per warp per k-step
  static constexpr int kRowBytes = KCH * 16;
  static constexpr int kStageBytesA = BM * kRowBytes, kStageBytes = (BM + BN) * kRowBytes;
  static constexpr int kMainloopBytes = kStageBytes * STAGES;
  static constexpr int kEpiPitch = BN + 8;  // floats; 8 of padding make the float2 writes conflict-free
  static constexpr int kEpiPasses = EpiloguePasses(BM, BN, WARPS_M, kMainloopBytes);
  static constexpr int kEpiRows = BM / kEpiPasses;
  static constexpr int kEpiBytes = kEpiRows * kEpiPitch * 4;
  static constexpr int kSmemBytes = kMainloopBytes > kEpiBytes ? kMainloopBytes : kEpiBytes;
  static constexpr int kLoadRowsPerPass = kThreads / KCH;  // rows one pass of all threads loads

  static_assert(KCH == 4 || KCH == 8, "shared rows are 64 or 128 bytes");
  static_assert(kWarpTileM % 16 == 0 && kWarpTileN % 16 == 0, "warp tiles are whole 16x16 pairs of MMAs");
  static_assert(BM % kLoadRowsPerPass == 0 && BN % kLoadRowsPerPass == 0, "loads split evenly");
  static_assert(kLoadRowsPerPass % 8 == 0, "each thread's rows share their swizzle");
  static_assert(WARPS_M % kEpiPasses == 0, "epilogue slabs are whole warp rows");
};

// Byte offset of chunk `chunk` of row `row` in a shared tile: rows of KCH chunks, the chunk index
// XORed with (row % 8) for 128-byte rows or ((row / 2) % 4) for 64-byte rows (two rows per
// 128-byte line), so 8 consecutive rows at one logical chunk land in 8 distinct bank groups.
template <int KCH>
__device__ __forceinline__ uint32_t SwizzledOffset(int row, int chunk) {
  const int x = KCH == 8 ? (row & 7) : ((row >> 1) & 3);
  return static_cast<uint32_t>(row * (KCH * 16) + ((chunk ^ x) << 4));
}

// ---------------------------------------------------------------- loaders

// Loads tiles of rows [first_row, first_row + ROWS) of a row-major matrix whose row r starts at
// base + r * ld elements; columns are K. Thread t always loads chunk column t % KCH of rows
// t / KCH + i * kLoadRowsPerPass, and walks K one tile per LoadNext (tiles are loaded in order).
template <class Shape, typename T, int ROWS>
struct RowTileLoader {
  static constexpr int kRowsPerThread = ROWS / Shape::kLoadRowsPerPass;
  static constexpr int kBlockK = Shape::kChunks * Mma<T>::kElemsPerChunk;
  const T* row_ptr[kRowsPerThread];
  const T* base;
  uint32_t valid_rows = 0;  // bit i: row i exists
  uint32_t smem_offset = 0;  // of row 0 in a stage (row i adds i * kLoadRowsPerPass rows)
  int k_next = 0, k_size = 0;

  __device__ void Init(const T* matrix, int64_t ld, int rows, int first_row, int k) {
    const int chunk = threadIdx.x % Shape::kChunks, row0 = threadIdx.x / Shape::kChunks;
    base = matrix;
    k_size = k;
    k_next = chunk * Mma<T>::kElemsPerChunk;
    smem_offset = SwizzledOffset<Shape::kChunks>(row0, chunk);
#pragma unroll
    for (int i = 0; i < kRowsPerThread; ++i) {
      const int r = first_row + row0 + i * Shape::kLoadRowsPerPass;
      row_ptr[i] = matrix + static_cast<int64_t>(r < rows ? r : 0) * ld;
      if (r < rows) valid_rows |= 1u << i;
    }
  }

  __device__ void LoadNext(uint32_t stage) {
    const bool k_ok = k_next < k_size;
#pragma unroll
    for (int i = 0; i < kRowsPerThread; ++i) {
      const bool ok = k_ok && ((valid_rows >> i) & 1u);
      CpAsync16(stage + smem_offset + i * Shape::kLoadRowsPerPass * Shape::kRowBytes, ok ? row_ptr[i] + k_next : base,
                ok);
    }
    k_next += kBlockK;
  }
};

// ---------------------------------------------------------------- main loop

template <class Shape>
using Accumulators = float[Shape::kMmaM][Shape::kMmaN][4];

// The fragments of one k-step (32 bytes of K): A for the warp's kMmaM row blocks, B for its kMmaN
// column blocks.
template <class Shape>
struct Fragments {
  uint32_t a[Shape::kMmaM][4];
  uint32_t b[Shape::kMmaN][2];
};

template <class Shape, typename T>
__device__ __forceinline__ void LoadFragments(uint32_t tile_a, uint32_t tile_b, int ks, int warp_m, int warp_n,
                                              int lane, Fragments<Shape>& f) {
#pragma unroll
  for (int mi = 0; mi < Shape::kMmaM; ++mi) {
    // Matrices 0..3: rows 0-7 / 8-15 of chunk 2ks, then of chunk 2ks+1 (= a0..a3 / a0..a7).
    const int row = warp_m * Shape::kWarpTileM + mi * 16 + (lane & 15);
    LdMatrixX4(f.a[mi], tile_a + SwizzledOffset<Shape::kChunks>(row, 2 * ks + (lane >> 4)));
  }
#pragma unroll
  for (int nj = 0; nj < Shape::kMmaN / 2; ++nj) {
    // Matrices 0..3: chunk 2ks / 2ks+1 of n-rows 0-7, then of n-rows 8-15 (b0,b1 of two MMAs).
    const int row = warp_n * Shape::kWarpTileN + nj * 16 + ((lane >> 4) << 3) + (lane & 7);
    uint32_t r[4];
    LdMatrixX4(r, tile_b + SwizzledOffset<Shape::kChunks>(row, 2 * ks + ((lane >> 3) & 1)));
    f.b[2 * nj][0] = r[0];
    f.b[2 * nj][1] = r[1];
    f.b[2 * nj + 1][0] = r[2];
    f.b[2 * nj + 1][1] = r[3];
  }
#pragma unroll
  for (int mi = 0; mi < Shape::kMmaM; ++mi)
#pragma unroll
    for (int j = 0; j < 4; ++j) Mma<T>::RoundOperand(f.a[mi][j]);
#pragma unroll
  for (int ni = 0; ni < Shape::kMmaN; ++ni) {
    Mma<T>::RoundOperand(f.b[ni][0]);
    Mma<T>::RoundOperand(f.b[ni][1]);
  }
}

template <class Shape, typename T>
__device__ __forceinline__ void MultiplyFragments(const Fragments<Shape>& f, Accumulators<Shape>& acc) {
#pragma unroll
  for (int mi = 0; mi < Shape::kMmaM; ++mi)
#pragma unroll
    for (int ni = 0; ni < Shape::kMmaN; ++ni) Mma<T>::Run(acc[mi][ni], f.a[mi], f.b[ni]);
}

// The pipeline's prologue, the same for both main loops: acc = 0, and tiles 0 .. stages-2 in
// flight into stages 0 .. stages-2, one cp.async group per tile (empty past k_tiles).
template <class Shape, class LoaderA, class LoaderB>
__device__ __forceinline__ void StartPipeline(LoaderA& load_a, LoaderB& load_b, int k_tiles, uint32_t smem_base,
                                              Accumulators<Shape>& acc) {
#pragma unroll
  for (int mi = 0; mi < Shape::kMmaM; ++mi)
#pragma unroll
    for (int ni = 0; ni < Shape::kMmaN; ++ni)
#pragma unroll
      for (int j = 0; j < 4; ++j) acc[mi][ni][j] = 0.f;

#pragma unroll
  for (int s = 0; s < Shape::kStages - 1; ++s) {
    if (s < k_tiles) {
      const uint32_t stage = smem_base + s * Shape::kStageBytes;
      load_a.LoadNext(stage);
      load_b.LoadNext(stage + Shape::kStageBytesA);
    }
    CpAsyncCommit();
  }
}

// The multistage pipeline, prefetching form ("_pf" tactics), overlapped at two levels:
//   - shared memory: tiles kt+1 .. kt+stages-1 are in flight (cp.async) while tile kt is multiplied;
//   - registers: the fragments of the next k-step are loaded before the MMAs of the current one,
//     across tile boundaries too (the last k-step of tile kt loads the first of tile kt+1), so
//     ldmatrix latency and the barrier hide behind MMAs.
// Every tile commits one cp.async group (possibly empty), so "at most stages-2 groups pending"
// always means "the next tile has landed". The barrier before reading tile kt+1 also proves that
// every warp has finished reading tile kt (its last fragments are in registers), so the loads
// issued right after it may refill tile kt's stage with tile kt+stages.
template <class Shape, typename T, class LoaderA, class LoaderB>
__device__ __forceinline__ void RunMainLoopPrefetched(LoaderA& load_a, LoaderB& load_b, int k_tiles, char* smem,
                                                      Accumulators<Shape>& acc) {
  constexpr int kSteps = Shape::kChunks / 2;  // k-steps of 32 bytes per tile
  const uint32_t smem_base = SharedAddress(smem);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int warp_m = warp / Shape::kWarpsN, warp_n = warp % Shape::kWarpsN;
  StartPipeline<Shape>(load_a, load_b, k_tiles, smem_base, acc);
  int read_stage = 0, write_stage = Shape::kStages - 1;
  // Issues the next tile's loads into write_stage (a stage no warp reads any more) and commits.
  auto refill = [&](int tile) {
    if (tile < k_tiles) {
      const uint32_t stage = smem_base + write_stage * Shape::kStageBytes;
      load_a.LoadNext(stage);
      load_b.LoadNext(stage + Shape::kStageBytesA);
    }
    CpAsyncCommit();
    write_stage = write_stage + 1 == Shape::kStages ? 0 : write_stage + 1;
  };
  Fragments<Shape> frag[2];
  CpAsyncWait<Shape::kStages - 2>();
  __syncthreads();  // tile 0 is visible to all
  refill(Shape::kStages - 1);
  LoadFragments<Shape, T>(smem_base, smem_base + Shape::kStageBytesA, 0, warp_m, warp_n, lane, frag[0]);
  for (int kt = 0; kt < k_tiles; ++kt) {
    const uint32_t current = smem_base + read_stage * Shape::kStageBytes;
#pragma unroll
    for (int ks = 0; ks < kSteps; ++ks) {
      if (ks + 1 < kSteps) {
        LoadFragments<Shape, T>(current, current + Shape::kStageBytesA, ks + 1, warp_m, warp_n, lane,
                                frag[(ks + 1) & 1]);
      } else if (kt + 1 < k_tiles) {
        CpAsyncWait<Shape::kStages - 2>();
        __syncthreads();  // tile kt+1 is visible to all; every warp is done reading tile kt
        refill(kt + Shape::kStages);  // into tile kt's stage
        read_stage = read_stage + 1 == Shape::kStages ? 0 : read_stage + 1;
        const uint32_t next = smem_base + read_stage * Shape::kStageBytes;
        LoadFragments<Shape, T>(next, next + Shape::kStageBytesA, 0, warp_m, warp_n, lane, frag[(ks + 1) & 1]);
      }
      MultiplyFragments<Shape, T>(frag[ks & 1], acc);
    }
  }
  CpAsyncWait<0>();
  __syncthreads();  // shared memory is free for the epilogue
}

// acc += the warp's share of the A-tile x B-tile^T held in one shared stage. The fragments of
// k-step ks+1 are loaded before the MMAs of k-step ks, so shared-memory latency hides behind them.
template <class Shape, typename T>
__device__ __forceinline__ void MultiplyStage(uint32_t stage, int warp_m, int warp_n, int lane,
                                              Accumulators<Shape>& acc) {
  constexpr int kSteps = Shape::kChunks / 2;
  const uint32_t tile_a = stage, tile_b = stage + Shape::kStageBytesA;
  Fragments<Shape> frag[2];
  LoadFragments<Shape, T>(tile_a, tile_b, 0, warp_m, warp_n, lane, frag[0]);
#pragma unroll
  for (int ks = 0; ks < kSteps; ++ks) {
    if (ks + 1 < kSteps) LoadFragments<Shape, T>(tile_a, tile_b, ks + 1, warp_m, warp_n, lane, frag[(ks + 1) & 1]);
    MultiplyFragments<Shape, T>(frag[ks & 1], acc);
  }
}

// The multistage pipeline, plain form: tiles kt+1 .. kt+stages-1 are in flight (cp.async) while
// tile kt is multiplied, and fragments are prefetched one k-step ahead within a tile. Every
// iteration commits one cp.async group (possibly empty) so "wait until at most stages-2 groups
// are pending" always means "tile kt has landed".
template <class Shape, typename T, class LoaderA, class LoaderB>
__device__ __forceinline__ void RunMainLoopPerTile(LoaderA& load_a, LoaderB& load_b, int k_tiles, char* smem,
                                                   Accumulators<Shape>& acc) {
  const uint32_t smem_base = SharedAddress(smem);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int warp_m = warp / Shape::kWarpsN, warp_n = warp % Shape::kWarpsN;
  StartPipeline<Shape>(load_a, load_b, k_tiles, smem_base, acc);
  int read_stage = 0, write_stage = Shape::kStages - 1;
  for (int kt = 0; kt < k_tiles; ++kt) {
    CpAsyncWait<Shape::kStages - 2>();
    __syncthreads();  // tile kt is visible to all; every warp is done with tile kt-1's stage
    if (kt + Shape::kStages - 1 < k_tiles) {
      const uint32_t stage = smem_base + write_stage * Shape::kStageBytes;
      load_a.LoadNext(stage);
      load_b.LoadNext(stage + Shape::kStageBytesA);
    }
    CpAsyncCommit();
    write_stage = write_stage + 1 == Shape::kStages ? 0 : write_stage + 1;
    MultiplyStage<Shape, T>(smem_base + read_stage * Shape::kStageBytes, warp_m, warp_n, lane, acc);
    read_stage = read_stage + 1 == Shape::kStages ? 0 : read_stage + 1;
  }
  CpAsyncWait<0>();
  __syncthreads();  // shared memory is free for the epilogue
}

template <class Shape, typename T, class LoaderA, class LoaderB>
__device__ __forceinline__ void RunMainLoop(LoaderA& load_a, LoaderB& load_b, int k_tiles, char* smem,
                                            Accumulators<Shape>& acc) {
  if constexpr (Shape::kPrefetchAcrossTiles) {
    RunMainLoopPrefetched<Shape, T>(load_a, load_b, k_tiles, smem, acc);
  } else {
    RunMainLoopPerTile<Shape, T>(load_a, load_b, k_tiles, smem, acc);
  }
}

// ---------------------------------------------------------------- epilogue

// 16 bytes of output: 8 f16 or 4 f32 values, moved as one uint4 and unpacked in registers.
template <typename T>
inline constexpr int kVectorElems = 16 / sizeof(T);

__device__ __forceinline__ void Unpack(const uint4& raw, float (&out)[4]) {
  out[0] = __uint_as_float(raw.x);
  out[1] = __uint_as_float(raw.y);
  out[2] = __uint_as_float(raw.z);
  out[3] = __uint_as_float(raw.w);
}
__device__ __forceinline__ void Unpack(const uint4& raw, float (&out)[8]) {
  const uint32_t words[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    out[2 * i] = __half2float(__ushort_as_half(static_cast<unsigned short>(words[i] & 0xFFFFu)));
    out[2 * i + 1] = __half2float(__ushort_as_half(static_cast<unsigned short>(words[i] >> 16)));
  }
}
__device__ __forceinline__ uint4 Pack(const float (&in)[4]) {
  return make_uint4(__float_as_uint(in[0]), __float_as_uint(in[1]), __float_as_uint(in[2]), __float_as_uint(in[3]));
}
__device__ __forceinline__ uint4 Pack(const float (&in)[8]) {
  uint32_t words[4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
    words[i] = static_cast<uint32_t>(__half_as_ushort(__float2half_rn(in[2 * i]))) |
               (static_cast<uint32_t>(__half_as_ushort(__float2half_rn(in[2 * i + 1]))) << 16);
  return make_uint4(words[0], words[1], words[2], words[3]);
}

// Epilogue of kVec consecutive outputs (m, n .. n+kVec-1) of row `m`, then a 16-byte store when the
// whole vector is inside the row (rows are 16-byte aligned when N % kVec == 0), else element-wise.
template <typename T>
__device__ __forceinline__ void FinishAndStore(float (&v)[kVectorElems<T>], int m, int n, int n_size, T* y,
                                               const T* residual, const TileEpilogueParams& e) {
  constexpr int kVec = kVectorElems<T>;
  const int64_t row = static_cast<int64_t>(m) * n_size;
  const T* c = static_cast<const T*>(e.c);
  const bool whole = n_size % kVec == 0 && n + kVec <= n_size;
#pragma unroll
  for (int j = 0; j < kVec; ++j) {
    v[j] *= e.alpha;
    if (c != nullptr && (whole || n + j < n_size))
      v[j] += e.beta * ToFloat(c[m * e.c_row_stride + (n + j) * e.c_col_stride]);
    v[j] = ApplyActivation(e.act, v[j]);
  }
  if (whole) {
    if (residual != nullptr) {
      float z[kVec];
      Unpack(*reinterpret_cast<const uint4*>(residual + row + n), z);
#pragma unroll
      for (int j = 0; j < kVec; ++j) v[j] += z[j];
    }
#pragma unroll
    for (int j = 0; j < kVec; ++j) v[j] = ApplyActivation(e.post, v[j]);
    *reinterpret_cast<uint4*>(y + row + n) = Pack(v);
    return;
  }
#pragma unroll
  for (int j = 0; j < kVec; ++j) {
    if (n + j >= n_size) break;
    float out = v[j];
    if (residual != nullptr) out += ToFloat(residual[row + n + j]);
    y[row + n + j] = FromFloat<T>(ApplyActivation(e.post, out));
  }
}

// Stores the block's accumulators (tile origin block_m, block_n of an M x N output, y and residual
// already offset to this batch) through the epilogue: slab by slab, the warps of the slab write
// their f32 accumulators to shared memory, then every thread finishes 16 bytes of output at a time,
// so the global reads of Z and writes of Y are whole 16-byte vectors along the row.
template <class Shape, typename T>
__device__ __forceinline__ void StoreTile(const Accumulators<Shape>& acc, char* smem, int block_m, int block_n,
                                          int m_size, int n_size, T* y, const T* residual,
                                          const TileEpilogueParams& e) {
  constexpr int kVec = kVectorElems<T>;
  constexpr int kVecsPerRow = Shape::kBlockN / kVec;
  constexpr int kWarpRowsPerPass = Shape::kWarpsM / Shape::kEpiPasses;
  float* staged = reinterpret_cast<float*>(smem);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int warp_m = warp / Shape::kWarpsN, warp_n = warp % Shape::kWarpsN;
  const int group = lane >> 2, quad = lane & 3;
#pragma unroll
  for (int pass = 0; pass < Shape::kEpiPasses; ++pass) {
    if (warp_m / kWarpRowsPerPass == pass) {
#pragma unroll
      for (int mi = 0; mi < Shape::kMmaM; ++mi)
#pragma unroll
        for (int ni = 0; ni < Shape::kMmaN; ++ni) {
          // c0,c1: (row group, cols 2*quad, +1); c2,c3: row group + 8.
          const int r = (warp_m % kWarpRowsPerPass) * Shape::kWarpTileM + mi * 16 + group;
          const int col = warp_n * Shape::kWarpTileN + ni * 8 + 2 * quad;
          *reinterpret_cast<float2*>(&staged[r * Shape::kEpiPitch + col]) = make_float2(acc[mi][ni][0], acc[mi][ni][1]);
          *reinterpret_cast<float2*>(&staged[(r + 8) * Shape::kEpiPitch + col]) =
              make_float2(acc[mi][ni][2], acc[mi][ni][3]);
        }
    }
    __syncthreads();
    for (int v = threadIdx.x; v < Shape::kEpiRows * kVecsPerRow; v += Shape::kThreads) {
      const int r = v / kVecsPerRow, col = (v % kVecsPerRow) * kVec;
      const int m = block_m + pass * Shape::kEpiRows + r, n = block_n + col;
      if (m >= m_size || n >= n_size) continue;
      float vals[kVec];
#pragma unroll
      for (int j = 0; j < kVec; j += 4) {
        const float4 q = *reinterpret_cast<const float4*>(&staged[r * Shape::kEpiPitch + col + j]);
        vals[j] = q.x;
        vals[j + 1] = q.y;
        vals[j + 2] = q.z;
        vals[j + 3] = q.w;
      }
      FinishAndStore<T>(vals, m, n, n_size, y, residual, e);
    }
    __syncthreads();
  }
}

// ---------------------------------------------------------------- dispatch

// Calls fn(TileShape<...>{}) for configuration `config` of kTcTileConfigs (a runtime index).
template <int I = 0, class Fn>
cudaError_t WithTileShape(int config, Fn&& fn) {
  if constexpr (I == kNumTcTileConfigs) {
    return cudaErrorInvalidValue;
  } else {
    if (config != I) return WithTileShape<I + 1>(config, fn);
    constexpr TcTileConfig c = kTcTileConfigs[I];
    return fn(TileShape<c.block_m, c.block_n, c.k_chunks, c.warps_m, c.warps_n, c.stages, c.min_blocks, c.prefetch>{});
  }
}

// Calls fn(T{}) with the element type of `math`: __half for f16, float for TF32.
template <class Fn>
cudaError_t WithElement(TcMath math, Fn&& fn) {
  if (math == TcMath::kF16) return fn(__half{});
  return fn(float{});
}

}  // namespace mrt::gpu::tc
