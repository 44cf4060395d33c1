#include "kernels/gemm/gemm_blocked.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/common/parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MRT_GEMM_HAVE_AVX2 1
#endif

namespace mrt {

namespace {

// Register tile and cache blocks. The 6 x 16 tile keeps 12 AVX2 accumulators plus two B vectors
// and an A broadcast in the 16 ymm registers. A KC x NR panel of B (16 KiB) stays in L1, an
// MC x KC block of A (96 KiB) in L2, a KC x NC block of B (2 MiB) in L3.
constexpr int64_t kMr = 6;
constexpr int64_t kNr = 16;
constexpr int64_t kKc = 256;
constexpr int64_t kMc = 96;  // 16 row panels
constexpr int64_t kNc = 2048;

// c[i * ldc + j] = alpha * sum_p ap[p * kMr + i] * bp[p * kNr + j] + beta * c[i * ldc + j] for a
// full kMr x kNr tile; beta == 0 does not read c.
using MicroKernelFn = void (*)(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha,
                               float beta);

void MicroKernelPortable(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha, float beta) {
  float acc[kMr][kNr] = {};
  for (int64_t p = 0; p < kc; ++p, ap += kMr, bp += kNr)
    for (int64_t i = 0; i < kMr; ++i)
      for (int64_t j = 0; j < kNr; ++j) acc[i][j] += ap[i] * bp[j];
  for (int64_t i = 0; i < kMr; ++i)
    for (int64_t j = 0; j < kNr; ++j) {
      float& out = c[i * ldc + j];
      out = alpha * acc[i][j] + (beta == 0.f ? 0.f : beta * out);
    }
}

#ifdef MRT_GEMM_HAVE_AVX2
__attribute__((target("avx2,fma"), always_inline)) inline void StoreRowAvx2(float* c, __m256 lo, __m256 hi, float alpha,
                                                                            float beta) {
  const __m256 va = _mm256_set1_ps(alpha);
  lo = _mm256_mul_ps(lo, va);
  hi = _mm256_mul_ps(hi, va);
  if (beta != 0.f) {
    const __m256 vb = _mm256_set1_ps(beta);
    lo = _mm256_fmadd_ps(vb, _mm256_loadu_ps(c), lo);
    hi = _mm256_fmadd_ps(vb, _mm256_loadu_ps(c + 8), hi);
  }
  _mm256_storeu_ps(c, lo);
  _mm256_storeu_ps(c + 8, hi);
}

// The same tile with 6 x 2 ymm accumulators: per p, two B loads, six A broadcasts, twelve FMAs.
__attribute__((target("avx2,fma"))) void MicroKernelAvx2(int64_t kc, const float* ap, const float* bp, float* c,
                                                         int64_t ldc, float alpha, float beta) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps();
  __m256 c11 = _mm256_setzero_ps(), c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps(), c40 = _mm256_setzero_ps();
  __m256 c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t p = 0; p < kc; ++p, ap += kMr, bp += kNr) {
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    __m256 a = _mm256_broadcast_ss(ap + 0);
    c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1);
    c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2);
    c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3);
    c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4);
    c40 = _mm256_fmadd_ps(a, b0, c40), c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5);
    c50 = _mm256_fmadd_ps(a, b0, c50), c51 = _mm256_fmadd_ps(a, b1, c51);
  }
  StoreRowAvx2(c + 0 * ldc, c00, c01, alpha, beta);
  StoreRowAvx2(c + 1 * ldc, c10, c11, alpha, beta);
  StoreRowAvx2(c + 2 * ldc, c20, c21, alpha, beta);
  StoreRowAvx2(c + 3 * ldc, c30, c31, alpha, beta);
  StoreRowAvx2(c + 4 * ldc, c40, c41, alpha, beta);
  StoreRowAvx2(c + 5 * ldc, c50, c51, alpha, beta);
}
#endif

bool g_force_portable = false;

MicroKernelFn SelectMicroKernel() {
#ifdef MRT_GEMM_HAVE_AVX2
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx2 && !g_force_portable) return MicroKernelAvx2;
#endif
  return MicroKernelPortable;
}

struct GemmArgs {
  bool trans_a, trans_b;
  int64_t m, n, k;
  float alpha;
  const float* a;
  int64_t lda;
  const float* b;
  int64_t ldb;
  float* c;
  int64_t ldc;
  MicroKernelFn kernel;
};

// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] as ceil(mc / kMr) panels: panel r holds, for each p, the
// kMr values op(A)(i0 + r * kMr + 0 .. kMr-1, p0 + p), zero below row mc. Loops run along A's
// contiguous dim: rows of A, or for a transposed A, its rows of kMr consecutive columns.
void PackA(const GemmArgs& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* out) {
  for (int64_t r = 0; r < mc; r += kMr, out += kMr * kc) {
    const int64_t rows = std::min(kMr, mc - r);
    if (rows < kMr) std::fill(out, out + kMr * kc, 0.f);
    if (g.trans_a) {
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = g.a + (p0 + p) * g.lda + i0 + r;
        std::copy(src, src + rows, out + p * kMr);
      }
    } else {
      for (int64_t i = 0; i < rows; ++i) {
        const float* src = g.a + (i0 + r + i) * g.lda + p0;
        for (int64_t p = 0; p < kc; ++p) out[p * kMr + i] = src[p];
      }
    }
  }
}

// Packs column panels [panel_begin, panel_end) of op(B)[p0 .. p0+kc, j0 .. j0+nc]: panel q holds,
// for each p, the kNr values op(B)(p0 + p, j0 + q * kNr + 0 .. kNr-1), zero right of column nc.
void PackB(const GemmArgs& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int64_t panel_begin, int64_t panel_end,
           float* packed) {
  for (int64_t q = panel_begin; q < panel_end; ++q) {
    float* out = packed + q * kNr * kc;
    const int64_t cols = std::min(kNr, nc - q * kNr);
    if (cols < kNr) std::fill(out, out + kNr * kc, 0.f);
    if (g.trans_b) {
      for (int64_t j = 0; j < cols; ++j) {
        const float* src = g.b + (j0 + q * kNr + j) * g.ldb + p0;
        for (int64_t p = 0; p < kc; ++p) out[p * kNr + j] = src[p];
      }
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = g.b + (p0 + p) * g.ldb + j0 + q * kNr;
        std::copy(src, src + cols, out + p * kNr);
      }
    }
  }
}

// Runs one micro-kernel tile; edge tiles go through a full-size scratch tile.
void RunTile(const GemmArgs& g, int64_t kc, const float* ap, const float* bp, float* c, int64_t rows, int64_t cols,
             float beta) {
  if (rows == kMr && cols == kNr) {
    g.kernel(kc, ap, bp, c, g.ldc, g.alpha, beta);
    return;
  }
  float tile[kMr * kNr];
  g.kernel(kc, ap, bp, tile, kNr, g.alpha, 0.f);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float& out = c[i * g.ldc + j];
      out = tile[i * kNr + j] + (beta == 0.f ? 0.f : beta * out);
    }
}

// C[rows, block columns] (+)= op(A)[rows, p0 .. p0+kc] * packed B, over column panels
// [panel_begin, panel_end) of the block that starts at column j0 and has nc columns.
void MultiplyBlock(const GemmArgs& g, const float* bpack, int64_t j0, int64_t nc, int64_t p0, int64_t kc,
                   int64_t row_begin, int64_t row_end, int64_t panel_begin, int64_t panel_end, float beta) {
  std::vector<float> apack(static_cast<size_t>(kMc * kc));
  for (int64_t i0 = row_begin; i0 < row_end; i0 += kMc) {
    const int64_t mc = std::min(kMc, row_end - i0);
    PackA(g, i0, mc, p0, kc, apack.data());
    for (int64_t q = panel_begin; q < panel_end; ++q) {
      const int64_t cols = std::min(kNr, nc - q * kNr);
      for (int64_t r = 0; r < mc; r += kMr) {
        float* c = g.c + (i0 + r) * g.ldc + j0 + q * kNr;
        RunTile(g, kc, apack.data() + r * kc, bpack + q * kNr * kc, c, std::min(kMr, mc - r), cols, beta);
      }
    }
  }
}

void ScaleC(const GemmArgs& g, float beta) {
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) g.c[i * g.ldc + j] = beta == 0.f ? 0.f : beta * g.c[i * g.ldc + j];
}

}  // namespace

void SetGemmPortableForTesting(bool portable) { g_force_portable = portable; }

void GemmF32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
             const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  const GemmArgs g{trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, c, ldc, SelectMicroKernel()};
  if (k <= 0) return ScaleC(g, beta);
  // Small products are not worth waking the thread pool for.
  const bool parallel = m * n * k >= (int64_t{1} << 18);
  const int64_t row_panels = (m + kMr - 1) / kMr;
  std::vector<float> bpack(static_cast<size_t>(kKc * std::min(kNc, (n + kNr - 1) / kNr * kNr)));
  for (int64_t j0 = 0; j0 < n; j0 += kNc) {
    const int64_t nc = std::min(kNc, n - j0);
    const int64_t col_panels = (nc + kNr - 1) / kNr;
    for (int64_t p0 = 0; p0 < k; p0 += kKc) {
      const int64_t kc = std::min(kKc, k - p0);
      const float block_beta = p0 == 0 ? beta : 1.f;  // later depth blocks accumulate
      ParallelFor(col_panels, parallel ? 8 : col_panels,
                  [&](int64_t q0, int64_t q1) { PackB(g, p0, kc, j0, nc, q0, q1, bpack.data()); });
      if (!parallel) {
        MultiplyBlock(g, bpack.data(), j0, nc, p0, kc, 0, m, 0, col_panels, block_beta);
      } else if (row_panels >= 2 * NumThreads()) {  // split rows
        ParallelFor(row_panels, 1, [&](int64_t r0, int64_t r1) {
          MultiplyBlock(g, bpack.data(), j0, nc, p0, kc, r0 * kMr, std::min(m, r1 * kMr), 0, col_panels, block_beta);
        });
      } else {  // few rows (a GEMV-like product): split the column panels instead
        ParallelFor(col_panels, 1, [&](int64_t q0, int64_t q1) {
          MultiplyBlock(g, bpack.data(), j0, nc, p0, kc, 0, m, q0, q1, block_beta);
        });
      }
    }
  }
}

namespace {

// acc + x * y, wrapping for integers (unsigned arithmetic) instead of overflowing.
template <typename Acc>
Acc MulAdd(Acc acc, Acc x, Acc y) {
  if constexpr (std::is_integral_v<Acc>) {
    return static_cast<Acc>(static_cast<uint64_t>(acc) + static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
  } else {
    return acc + x * y;
  }
}

}  // namespace

template <typename T, typename Acc>
void GemmGeneric(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const T* a, int64_t lda,
                 const T* b, int64_t ldb, double beta, T* c, int64_t ldc) {
  const bool plain = alpha == 1.0 && beta == 0.0;  // integers stay exact
  ParallelFor(m, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, n * k)), [&](int64_t i0, int64_t i1) {
    std::vector<Acc> row(static_cast<size_t>(n));
    for (int64_t i = i0; i < i1; ++i) {
      std::fill(row.begin(), row.end(), Acc(0));
      for (int64_t p = 0; p < k; ++p) {
        const Acc av = static_cast<Acc>(trans_a ? a[p * lda + i] : a[i * lda + p]);
        for (int64_t j = 0; j < n; ++j)
          row[j] = MulAdd<Acc>(row[j], av, static_cast<Acc>(trans_b ? b[j * ldb + p] : b[p * ldb + j]));
      }
      for (int64_t j = 0; j < n; ++j) {
        T& out = c[i * ldc + j];
        out = plain ? static_cast<T>(row[j])
                    : static_cast<T>(alpha * static_cast<double>(row[j]) +
                                     (beta == 0.0 ? 0.0 : beta * static_cast<double>(out)));
      }
    }
  });
}

template void GemmGeneric<double, double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                                          const double*, int64_t, double, double*, int64_t);
template void GemmGeneric<int32_t, int64_t>(bool, bool, int64_t, int64_t, int64_t, double, const int32_t*, int64_t,
                                            const int32_t*, int64_t, double, int32_t*, int64_t);
template void GemmGeneric<int64_t, int64_t>(bool, bool, int64_t, int64_t, int64_t, double, const int64_t*, int64_t,
                                            const int64_t*, int64_t, double, int64_t*, int64_t);

}  // namespace mrt
