// The blocked SGEMM against a triple loop (every block edge, both micro-kernels), and the Gemm /
// MatMul reference kernels on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/gemm/gemm_blocked.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attrs;
using testing::Convert;
using testing::F32;
using testing::RandomTensor;
using testing::RunError;
using testing::RunOne;
using testing::RunSingleOp;

using Ints = std::vector<int64_t>;

// ---- GemmF32 against the definition ----

struct GemmCase {
  int64_t m, n, k;
  bool trans_a, trans_b;
  float alpha, beta;
};

// C = alpha * op(A) op(B) + beta * C in double, with padded leading dims (ld = cols + 3).
void CheckGemm(const GemmCase& g, uint64_t seed) {
  const int64_t a_rows = g.trans_a ? g.k : g.m, a_cols = g.trans_a ? g.m : g.k;
  const int64_t b_rows = g.trans_b ? g.n : g.k, b_cols = g.trans_b ? g.k : g.n;
  const int64_t lda = a_cols + 3, ldb = b_cols + 3, ldc = g.n + 3;
  const Tensor a = RandomTensor(DType::kF32, {a_rows, lda}, seed);
  const Tensor b = RandomTensor(DType::kF32, {b_rows, ldb}, seed + 1);
  Tensor c = RandomTensor(DType::kF32, {g.m, ldc}, seed + 2);
  std::vector<double> expected(static_cast<size_t>(g.m * ldc));
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < ldc; ++j) {
      const float old = c.data<float>()[i * ldc + j];
      if (j >= g.n) {  // outside the matrix: must stay untouched
        expected[i * ldc + j] = old;
        continue;
      }
      double acc = 0;
      for (int64_t p = 0; p < g.k; ++p)
        acc += static_cast<double>(g.trans_a ? a.data<float>()[p * lda + i] : a.data<float>()[i * lda + p]) *
               (g.trans_b ? b.data<float>()[j * ldb + p] : b.data<float>()[p * ldb + j]);
      expected[i * ldc + j] = g.alpha * acc + (g.beta == 0.f ? 0.0 : g.beta * old);
    }
  GemmF32(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, a.data<float>(), lda, b.data<float>(), ldb, g.beta,
          c.data<float>(), ldc);
  for (int64_t i = 0; i < g.m * ldc; ++i) {
    const double tol = 1e-5 * (1 + g.k);
    ASSERT_NEAR(c.data<float>()[i], expected[i], tol)
        << "m " << g.m << " n " << g.n << " k " << g.k << " ta " << g.trans_a << " tb " << g.trans_b << " at " << i;
  }
}

void CheckAllShapes() {
  const GemmCase shapes[] = {
      {1, 1, 1, false, false, 1.f, 0.f},       {5, 7, 3, false, false, 1.f, 0.f},     // below one tile
      {6, 16, 9, false, false, 1.f, 0.f},      {7, 17, 33, false, false, 2.f, 0.5f},  // one tile, one past
      {97, 35, 300, false, false, 1.f, 1.f},    // past MC = 96 rows and KC = 256 depth
      {13, 2100, 20, false, false, 1.f, 0.f},   // past NC = 2048 columns
      {64, 200, 64, false, false, 0.5f, -1.f},  // parallel split over rows
      {3, 500, 700, false, false, 1.f, 0.f},    // parallel split over columns (few rows)
  };
  uint64_t seed = 1;
  for (GemmCase g : shapes)
    for (int t = 0; t < 4; ++t) {
      g.trans_a = t & 1;
      g.trans_b = t & 2;
      CheckGemm(g, seed += 3);
    }
}

TEST(GemmBlocked, MatchesDefinitionAvx2OrDefaultKernel) { CheckAllShapes(); }

TEST(GemmBlocked, MatchesDefinitionPortableKernel) {
  SetGemmPortableForTesting(true);
  CheckAllShapes();
  SetGemmPortableForTesting(false);
}

TEST(GemmBlocked, BetaZeroIgnoresNanAndEmptyDepthScales) {
  const float a[2] = {1, 2}, b[2] = {3, 4};
  float c[1] = {std::numeric_limits<float>::quiet_NaN()};
  GemmF32(false, false, 1, 1, 2, 1.f, a, 2, b, 1, 0.f, c, 1);
  EXPECT_EQ(c[0], 11.f);  // 1*3 + 2*4
  float d[2] = {4, 6};
  GemmF32(false, false, 1, 2, 0, 1.f, a, 0, b, 2, 0.5f, d, 2);  // k = 0: C = beta * C
  EXPECT_EQ(d[0], 2.f);
  EXPECT_EQ(d[1], 3.f);
}

TEST(GemmGeneric, DoubleAndWrappingIntegers) {
  const double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  double c[4] = {1, 1, 1, 1};
  GemmGeneric<double, double>(false, true, 2, 2, 2, 2.0, a, 2, b, 2, 1.0, c, 2);
  // A B^T = [[1*5+2*6, 1*7+2*8], [3*5+4*6, 3*7+4*8]] = [[17, 23], [39, 53]]; 2 * that + 1
  EXPECT_EQ(c[0], 35);
  EXPECT_EQ(c[1], 47);
  EXPECT_EQ(c[2], 79);
  EXPECT_EQ(c[3], 107);
  const int32_t big[1] = {1 << 20};
  int32_t out[1] = {0};
  GemmGeneric<int32_t, int64_t>(false, false, 1, 1, 1, 1.0, big, 1, big, 1, 0.0, out, 1);
  EXPECT_EQ(out[0], 0);  // 2^40 wraps to 0 in 32 bits
  const int64_t x[2] = {int64_t{1} << 40, 3}, y[2] = {4, -5};
  int64_t z[1] = {0};
  GemmGeneric<int64_t, int64_t>(false, false, 1, 1, 2, 1.0, x, 2, y, 1, 0.0, z, 1);
  EXPECT_EQ(z[0], (int64_t{1} << 42) - 15);  // exact: no trip through double
}

// ---- Gemm ----

TEST(GemmRef, PlainTransposesAlphaBeta) {
  const Tensor a = F32({2, 2}, {1, 2, 3, 4});
  const Tensor b = F32({2, 2}, {5, 6, 7, 8});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b}), F32({2, 2}, {19, 22, 43, 50})));
  // A^T B = [[1*5+3*7, 1*6+3*8], [2*5+4*7, 2*6+4*8]]
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b}, Attrs({{"transA", 1}})), F32({2, 2}, {26, 30, 38, 44})));
  // A B^T = [[17, 23], [39, 53]]
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b}, Attrs({{"transB", 1}})), F32({2, 2}, {17, 23, 39, 53})));
  // 2 * A B + 0.5 * C with C = [1, 2] broadcast over rows
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b, F32({2}, {1, 2})}, Attrs({{"alpha", 2.f}, {"beta", 0.5f}})),
                       F32({2, 2}, {38.5f, 45, 86.5f, 101})));
}

TEST(GemmRef, NonSquareWithEveryBiasShape) {
  // A [2, 3] x B [3, 1] = [[1+2+3], [4+5+6]] = [[6], [15]]; then N = 1.
  const Tensor a = F32({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor b = F32({3, 1}, {1, 1, 1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b, F32({}, {10})}), F32({2, 1}, {16, 25})));          // scalar
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b, F32({2, 1}, {10, 20})}), F32({2, 1}, {16, 35})));  // [M, 1]
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b, F32({1}, {-6})}), F32({2, 1}, {0, 9})));           // [1]
  const Tensor b2 = F32({3, 2}, {1, 0, 0, 1, 1, 1});                               // columns: x0 + x2, x1 + x2
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b2, F32({2, 2}, {1, 2, 3, 4})}),  // [M, N]
                       F32({2, 2}, {5, 7, 13, 15})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGemm, {a, b2, F32({1, 2}, {1, 2})}, Attrs({{"beta", 0.f}})),
                       F32({2, 2}, {4, 5, 10, 11})));  // beta 0 drops C
}

TEST(GemmRef, OtherDtypes) {
  const Tensor a = F32({2, 2}, {1, 2, 3, 4});
  const Tensor b = F32({2, 2}, {5, 6, 7, 8});
  const Tensor c = F32({2}, {1, -1});
  const Tensor expected = F32({2, 2}, {20, 21, 44, 49});
  for (DType dt : {DType::kF16, DType::kBF16, DType::kF64, DType::kI32, DType::kI64})
    EXPECT_TRUE(
        AllClose(RunOne(OpKind::kGemm, {Convert(a, dt), Convert(b, dt), Convert(c, dt)}), Convert(expected, dt)))
        << DTypeName(dt);
}

TEST(GemmRef, Errors) {
  const Tensor a = RandomTensor(DType::kF32, {2, 3}, 1);
  EXPECT_NE(RunError(OpKind::kGemm, {a, RandomTensor(DType::kF32, {2, 3}, 2)}).find("inner dims"), std::string::npos);
  EXPECT_NE(RunError(OpKind::kGemm, {a, RandomTensor(DType::kF32, {3, 2}, 2), RandomTensor(DType::kF32, {3}, 3)})
                .find("cannot be broadcast"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kGemm, {RandomTensor(DType::kF32, {1, 2, 3}, 1), RandomTensor(DType::kF32, {3, 2}, 2)})
                .find("must be 2-D"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kGemm, {a, RandomTensor(DType::kF64, {3, 2}, 2)}).find("one dtype"), std::string::npos);
}

// ---- MatMul ----

// numpy.matmul of [..., M, K] x [..., K, N] for operands of rank >= 2 by the definition.
Tensor NaiveBatchedMatMul(const Tensor& a, const Tensor& b) {
  const Ints& as = a.sizes();
  const Ints& bs = b.sizes();
  const size_t rank = std::max(as.size(), bs.size());
  Ints out(rank);
  auto dim = [&](const Ints& s, size_t i) { return i + s.size() >= rank ? s[i + s.size() - rank] : int64_t{1}; };
  for (size_t i = 0; i + 2 < rank; ++i) out[i] = std::max(dim(as, i), dim(bs, i));
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  out[rank - 2] = m;
  out[rank - 1] = n;
  Tensor y(DType::kF32, out);
  const int64_t batches = Numel(Ints(out.begin(), out.end() - 2));
  for (int64_t t = 0; t < batches; ++t) {
    int64_t rest = t, a_off = 0, b_off = 0, a_stride = m * k, b_stride = k * n;
    for (size_t d = rank - 2; d-- > 0;) {
      const int64_t idx = rest % out[d];
      rest /= out[d];
      a_off += (dim(as, d) == 1 ? 0 : idx) * a_stride;
      b_off += (dim(bs, d) == 1 ? 0 : idx) * b_stride;
      a_stride *= dim(as, d);
      b_stride *= dim(bs, d);
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p)
          acc += static_cast<double>(a.data<float>()[a_off + i * k + p]) * b.data<float>()[b_off + p * n + j];
        y.data<float>()[(t * m + i) * n + j] = static_cast<float>(acc);
      }
  }
  return y;
}

TEST(MatMulRef, OneDimensionalOperands) {
  const Tensor m23 = F32({2, 3}, {1, 2, 3, 4, 5, 6});
  // [1, 2] x [[1,2,3],[4,5,6]] = [9, 12, 15], the prepended dim removed
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMatMul, {F32({2}, {1, 2}), m23}), F32({3}, {9, 12, 15})));
  // [[1,2,3],[4,5,6]] x [1, 0, -1] = [-2, -2], the appended dim removed
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMatMul, {m23, F32({3}, {1, 0, -1})}), F32({2}, {-2, -2})));
  // dot product: a scalar
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMatMul, {F32({3}, {1, 2, 3}), F32({3}, {4, 5, 6})}), F32({}, {32})));
  // a 1-D A against batched B: [2] x [2, 2, 1] -> [2, 1]
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMatMul, {F32({2}, {1, 2}), F32({2, 2, 1}, {1, 1, 2, 3})}), F32({2, 1}, {3, 8})));
}

TEST(MatMulRef, BatchBroadcastingMatchesDefinition) {
  const std::pair<Ints, Ints> cases[] = {
      {{2, 1, 2, 3}, {3, 3, 2}},  // both broadcast
      {{4, 5, 3}, {3, 7}},        // shared B: stacked into one GEMM
      {{5, 3}, {4, 3, 7}},        // shared A
      {{16, 5, 7}, {16, 7, 3}},   // many small products in parallel
      {{1, 3, 40, 33}, {1, 1, 33, 50}},
  };
  uint64_t seed = 1;
  for (const auto& [as, bs] : cases) {
    const Tensor a = RandomTensor(DType::kF32, as, seed++);
    const Tensor b = RandomTensor(DType::kF32, bs, seed++);
    EXPECT_TRUE(AllClose(RunOne(OpKind::kMatMul, {a, b}), NaiveBatchedMatMul(a, b), 1e-5, 1e-5))
        << SizesToString(as) << " x " << SizesToString(bs);
  }
}

TEST(MatMulRef, OtherDtypes) {
  const Tensor a = F32({2, 2}, {1, 2, 3, 4});
  const Tensor b = F32({2, 2}, {5, 6, 7, 8});
  const Tensor expected = F32({2, 2}, {19, 22, 43, 50});
  for (DType dt : {DType::kF16, DType::kBF16, DType::kF64, DType::kI32, DType::kI64})
    EXPECT_TRUE(AllClose(RunOne(OpKind::kMatMul, {Convert(a, dt), Convert(b, dt)}), Convert(expected, dt)))
        << DTypeName(dt);
  EXPECT_NE(RunError(OpKind::kMatMul, {Convert(a, DType::kU8), Convert(b, DType::kU8)}).find("dtype u8"),
            std::string::npos);
}

TEST(MatMulRef, Errors) {
  EXPECT_NE(RunError(OpKind::kMatMul, {RandomTensor(DType::kF32, {2, 3}, 1), RandomTensor(DType::kF32, {2, 3}, 2)})
                .find("inner dims"),
            std::string::npos);
  EXPECT_NE(
      RunError(OpKind::kMatMul, {RandomTensor(DType::kF32, {2, 2, 3}, 1), RandomTensor(DType::kF32, {3, 3, 2}, 2)})
          .find("batch dims"),
      std::string::npos);
  EXPECT_NE(RunError(OpKind::kMatMul, {F32({}, {1}), RandomTensor(DType::kF32, {2, 3}, 2)}).find("rank >= 1"),
            std::string::npos);
}

}  // namespace
}  // namespace mrt
