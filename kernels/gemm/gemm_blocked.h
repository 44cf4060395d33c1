// Cache-blocked single-precision GEMM for the CPU reference backend (Gemm, MatMul, and Conv /
// ConvTranspose through im2col). Goto/BLIS structure: op(B) is packed in KC x NC blocks into
// NR-wide column panels, op(A) in MC x KC blocks into MR-tall row panels, and an MR x NR
// micro-kernel (AVX2+FMA when the CPU has it, portable loops otherwise) accumulates in registers.
// Row blocks run in parallel (ParallelFor); each C element is summed by one thread in a fixed
// order, so results do not depend on the thread count.
//
// A second, plain triple loop (GemmGeneric) serves f64 and the integer types.
#pragma once

#include <cstdint>

namespace mrt {

// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, all row-major:
//   op(A)(i, p) = trans_a ? a[p * lda + i] : a[i * lda + p]
//   op(B)(p, j) = trans_b ? b[j * ldb + p] : b[p * ldb + j]
// When beta == 0, C is only written (whatever it held, NaN included, is ignored), as in BLAS.
void GemmF32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
             const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// Tests call this to exercise the portable micro-kernel on a CPU that has AVX2 (which is
// otherwise always chosen). Not thread-safe: set it only while no GEMM runs.
void SetGemmPortableForTesting(bool portable);

// Same contract for any element type T, accumulating in Acc (double for f64, int64_t for the
// integer types, where products wrap like unsigned arithmetic instead of overflowing).
template <typename T, typename Acc>
void GemmGeneric(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const T* a, int64_t lda,
                 const T* b, int64_t ldb, double beta, T* c, int64_t ldc);

extern template void GemmGeneric<double, double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                                                 const double*, int64_t, double, double*, int64_t);
extern template void GemmGeneric<int32_t, int64_t>(bool, bool, int64_t, int64_t, int64_t, double, const int32_t*,
                                                   int64_t, const int32_t*, int64_t, double, int32_t*, int64_t);
extern template void GemmGeneric<int64_t, int64_t>(bool, bool, int64_t, int64_t, int64_t, double, const int64_t*,
                                                   int64_t, const int64_t*, int64_t, double, int64_t*, int64_t);

}  // namespace mrt
