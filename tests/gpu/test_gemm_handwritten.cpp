// The hand-written GEMM tactics (kernels/gemm/gemm_handwritten_tactics_cuda.cpp) against the CPU
// reference: the tensor-core kernel in f16 (1e-2) and TF32 (3e-3) and the f32 SIMT kernel (1e-5)
// on Gemm (transA / transB, alpha, beta, every C broadcast form, B a weight or an activation),
// FusedGemm (bias + Gelu, residual + post Relu, flatten_a) and MatMul (batched with equal batch
// dims, a shared 2-D B, a shared 2-D A), with M, N, K that end in partial tiles. K not a multiple
// of the 16-byte chunk leaves only the SIMT kernel; --no-tf32 leaves only strict f32.
// GemmHandwrittenPerf prints TFLOP/s of every tile configuration next to cuBLAS on 4096^3.
#include <cublas_v2.h>

#include <cstdio>
#include <set>

#include "ir/activation.h"
#include "kernels/gemm/gemm_tc_launch.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/gpu_resources.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendGemmHandWrittenTactics;
using testing::Attrs;
using testing::MedianLaunchMicroseconds;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

const gpu::MathOptions kTf32{true}, kNoTf32{false};

// f16 tensor cores, TF32 tensor cores and f32 SIMT each match and each run at least one tactic.
// `make(dtype)` builds the op in a dtype.
template <class Make>
void CheckAllKernels(Make make) {
  {
    SCOPED_TRACE("f16 tensor cores");
    EXPECT_GE(ExpectTacticsMatchReference(make(DType::kF16), AppendGemmHandWrittenTactics, 1e-2, kTf32, "gemm_tc_f16_"),
              1);
  }
  {
    SCOPED_TRACE("tf32 tensor cores");
    EXPECT_GE(ExpectTacticsMatchReference(make(DType::kF32), AppendGemmHandWrittenTactics, 3e-3, kTf32, "gemm_tc_tf32_"),
              1);
  }
  {
    SCOPED_TRACE("f32 simt");
    EXPECT_GE(ExpectTacticsMatchReference(make(DType::kF32), AppendGemmHandWrittenTactics, 1e-5, kNoTf32,
                                          "gemm_simt_f32_"),
              1);
  }
}

// Gemm(A, B, C) with A [M, K] (or [K, M] with transA), B [K, N] (or [N, K]); B a weight or not.
struct GemmCase {
  int64_t m = 65, n = 33, k = 40;
  bool trans_a = false, trans_b = false, b_weight = true;
  float alpha = 1.f, beta = 1.f;
  Ints c_sizes{};  // empty: no C
  bool c_present = false;
  ActivationSpec act, post;
  bool residual = false;
};

OpUnderTest GemmOf(DType dt, const GemmCase& g, uint64_t seed = 1) {
  const bool fused = g.residual || g.act.kind != Activation::kNone || g.post.kind != Activation::kNone;
  Attributes attrs = Attrs({{"transA", int64_t{g.trans_a}}, {"transB", int64_t{g.trans_b}}, {"alpha", g.alpha},
                            {"beta", g.beta}});
  if (fused) {
    WriteActivation(attrs, "activation", g.act);
    WriteActivation(attrs, "post_activation", g.post);
  }
  std::vector<Tensor> inputs = {RandomTensor(dt, g.trans_a ? Ints{g.k, g.m} : Ints{g.m, g.k}, seed),
                                RandomTensor(dt, g.trans_b ? Ints{g.n, g.k} : Ints{g.k, g.n}, seed + 1),
                                g.c_present ? RandomTensor(dt, g.c_sizes, seed + 2) : Tensor()};
  if (g.residual) inputs.push_back(RandomTensor(dt, {g.m, g.n}, seed + 3));
  return OpUnderTest{fused ? OpKind::kFusedGemm : OpKind::kGemm, attrs, inputs, {false, g.b_weight, true}};
}

TEST(GemmHandwritten, PlainGemmOddSizes) {
  MRT_SKIP_WITHOUT_GPU();
  CheckAllKernels([](DType dt) { return GemmOf(dt, {}); });
}

TEST(GemmHandwritten, EveryTileConfiguration) {
  MRT_SKIP_WITHOUT_GPU();
  // M = 300 and N = 136 end in partial tiles of every configuration, and all are offered.
  const GemmCase g{.m = 300, .n = 136, .k = 72, .c_sizes = {136}, .c_present = true};
  EXPECT_EQ(ExpectTacticsMatchReference(GemmOf(DType::kF16, g), AppendGemmHandWrittenTactics, 1e-2, kTf32, "gemm_tc_"),
            gpu::kNumTcTileConfigs);
  EXPECT_EQ(ExpectTacticsMatchReference(GemmOf(DType::kF32, g), AppendGemmHandWrittenTactics, 3e-3, kTf32, "gemm_tc_"),
            gpu::kNumTcTileConfigs);
}

TEST(GemmHandwritten, TransposesAlphaBeta) {
  MRT_SKIP_WITHOUT_GPU();
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      SCOPED_TRACE(std::string("transA ") + (ta ? "1" : "0") + " transB " + (tb ? "1" : "0"));
      CheckAllKernels([&](DType dt) {
        return GemmOf(dt, {.m = 33, .n = 64, .k = 48, .trans_a = ta, .trans_b = tb, .alpha = 0.5f, .beta = 2.f,
                           .c_sizes = {64}, .c_present = true});
      });
    }
}

TEST(GemmHandwritten, ActivationB) {
  MRT_SKIP_WITHOUT_GPU();
  // B is not a weight: transposed into the workspace at run time (transB = 0) or read in place.
  CheckAllKernels([](DType dt) { return GemmOf(dt, {.b_weight = false}); });
  CheckAllKernels([](DType dt) { return GemmOf(dt, {.trans_a = true, .trans_b = true, .b_weight = false}); });
}

TEST(GemmHandwritten, EveryBroadcastOfC) {
  MRT_SKIP_WITHOUT_GPU();
  for (const Ints& c : {Ints{}, Ints{1}, Ints{33}, Ints{1, 33}, Ints{65, 1}, Ints{65, 33}}) {
    SCOPED_TRACE("C " + SizesToString(c));
    CheckAllKernels([&](DType dt) { return GemmOf(dt, {.beta = 0.75f, .c_sizes = c, .c_present = true}); });
  }
}

TEST(GemmHandwritten, FusedGemmEpilogues) {
  MRT_SKIP_WITHOUT_GPU();
  CheckAllKernels([](DType dt) {
    return GemmOf(dt, {.m = 70, .n = 129, .k = 64, .trans_b = true, .c_sizes = {129}, .c_present = true,
                       .act = {Activation::kGelu, 0.f, 0.f}});
  });
  CheckAllKernels([](DType dt) {
    return GemmOf(dt, {.c_sizes = {33}, .c_present = true, .act = {Activation::kLeakyRelu, 0.2f, 0.f},
                       .post = {Activation::kRelu, 0.f, 0.f}, .residual = true});
  });
}

TEST(GemmHandwritten, FusedGemmFlattenA) {
  MRT_SKIP_WITHOUT_GPU();
  CheckAllKernels([](DType dt) {
    Attributes attrs = Attrs({{"transB", int64_t{1}}, {"flatten_a", int64_t{1}}});
    WriteActivation(attrs, "activation", {Activation::kSiLU, 0.f, 0.f});
    return OpUnderTest{OpKind::kFusedGemm, attrs,
                       {RandomTensor(dt, {7, 4, 2, 5}, 1), RandomTensor(dt, {19, 40}, 2), RandomTensor(dt, {19}, 3)},
                       {false, true, true}};
  });
}

OpUnderTest MatMulOf(DType dt, Ints a, Ints b, bool b_weight) {
  return OpUnderTest{OpKind::kMatMul, {}, {RandomTensor(dt, a, 1), RandomTensor(dt, b, 2)}, {false, b_weight}};
}

TEST(GemmHandwritten, MatMulBatches) {
  MRT_SKIP_WITHOUT_GPU();
  CheckAllKernels([](DType dt) { return MatMulOf(dt, {3, 17, 40}, {3, 40, 33}, false); });     // equal batches
  CheckAllKernels([](DType dt) { return MatMulOf(dt, {2, 3, 17, 24}, {24, 19}, true); });      // shared weight B
  CheckAllKernels([](DType dt) { return MatMulOf(dt, {2, 3, 17, 24}, {24, 19}, false); });     // shared B
  CheckAllKernels([](DType dt) { return MatMulOf(dt, {17, 24}, {4, 24, 33}, false); });        // shared A
  CheckAllKernels([](DType dt) { return MatMulOf(dt, {2, 5, 65, 32}, {2, 5, 32, 72}, true); });  // batched weight
}

TEST(GemmHandwritten, KNotAChunkMultipleLeavesSimt) {
  MRT_SKIP_WITHOUT_GPU();
  const GemmCase g{.k = 13, .c_sizes = {33}, .c_present = true};
  EXPECT_GE(ExpectTacticsMatchReference(GemmOf(DType::kF16, g), AppendGemmHandWrittenTactics, 1e-2, kTf32,
                                        "gemm_simt_f16_"),
            1);
  EXPECT_GE(ExpectTacticsMatchReference(GemmOf(DType::kF32, g), AppendGemmHandWrittenTactics, 1e-5, kTf32,
                                        "gemm_simt_f32_"),
            1);
  EXPECT_EQ(ExpectTacticsMatchReference(GemmOf(DType::kF16, g), AppendGemmHandWrittenTactics, 1e-2, kTf32, "gemm_tc_"),
            0);
}

TEST(GemmHandwritten, NoTf32OffersStrictF32Only) {
  MRT_SKIP_WITHOUT_GPU();
  std::set<std::string> names;
  for (const auto& run : testing::RunProviderTactics(GemmOf(DType::kF32, {}), AppendGemmHandWrittenTactics, kNoTf32))
    names.insert(run.name);
  EXPECT_EQ(names, std::set<std::string>{"gemm_simt_f32_64x64"});
  // With TF32 allowed both kinds are offered; f16 gets the tensor cores only.
  names.clear();
  for (const auto& run : testing::RunProviderTactics(GemmOf(DType::kF16, {}), AppendGemmHandWrittenTactics, kTf32))
    names.insert(run.name);
  EXPECT_EQ(names.count("gemm_simt_f16_64x64"), 0u);
  EXPECT_EQ(names.count("gemm_tc_f16_64x64x32_s4"), 1u);
}

// ---- timing ----

// Every tile configuration on Y[M, N] = A[M, K] B[N, K]^T, then cublasGemmEx on the same data.
void TimeGemm(int m, int n, int k, gpu::TcMath math) {
  const bool f16 = math == gpu::TcMath::kF16;
  const size_t elem = f16 ? 2 : 4;
  const Tensor a = RandomTensor(f16 ? DType::kF16 : DType::kF32, {m, k}, 1);
  const Tensor b = RandomTensor(f16 ? DType::kF16 : DType::kF32, {n, k}, 2);
  auto da = gpu::DeviceBuffer::Allocate(a.nbytes(), "A");
  auto db = gpu::DeviceBuffer::Allocate(b.nbytes(), "B");
  auto dy = gpu::DeviceBuffer::Allocate(size_t(m) * n * elem, "Y");
  ASSERT_TRUE(da.ok() && db.ok() && dy.ok());
  cudaMemcpy(da->get(), a.raw(), a.nbytes(), cudaMemcpyHostToDevice);
  cudaMemcpy(db->get(), b.raw(), b.nbytes(), cudaMemcpyHostToDevice);
  cudaStream_t stream;
  cudaStreamCreate(&stream);
  const double flops = 2.0 * m * n * k;
  std::printf("GEMM %dx%dx%d %s\n", m, n, k, f16 ? "f16" : "tf32");
  for (int config = 0; config < gpu::kNumTcTileConfigs; ++config) {
    gpu::GemmTcParams p;
    p.a = da->get(), p.b = db->get(), p.y = dy->get();
    p.m = m, p.n = n, p.k = k, p.lda = k, p.ldb = k;
    ASSERT_EQ(gpu::PrepareGemmTc(config, math), cudaSuccess);
    const double us = MedianLaunchMicroseconds(stream, [&] { (void)gpu::LaunchGemmTc(config, math, p, stream); });
    ASSERT_EQ(cudaGetLastError(), cudaSuccess);
    const gpu::TcTileConfig& c = gpu::kTcTileConfigs[config];
    std::printf("  tc %3dx%3dx%2d_s%d%-3s %9.1f us %7.1f TFLOP/s\n", c.block_m, c.block_n, gpu::TcBlockK(c, math),
                c.stages, c.prefetch ? "_pf" : "", us, flops / (us * 1e-6) * 1e-12);
  }
  cublasHandle_t handle;
  ASSERT_EQ(cublasCreate(&handle), CUBLAS_STATUS_SUCCESS);
  cublasSetStream(handle, stream);
  const float one = 1.f, zero = 0.f;
  const cudaDataType type = f16 ? CUDA_R_16F : CUDA_R_32F;
  const cublasComputeType_t compute = f16 ? CUBLAS_COMPUTE_32F : CUBLAS_COMPUTE_32F_FAST_TF32;
  // Row-major Y = A B^T is column-major Y^T = B A^T: B^T as op (transposed) first operand.
  const double us = MedianLaunchMicroseconds(stream, [&] {
    cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &one, db->get(), type, k, da->get(), type, k, &zero,
                 dy->get(), type, n, compute, CUBLAS_GEMM_DEFAULT);
  });
  std::printf("  cublasGemmEx        %9.1f us %7.1f TFLOP/s\n", us, flops / (us * 1e-6) * 1e-12);
  cublasDestroy(handle);
  cudaStreamDestroy(stream);
}

TEST(GemmHandwrittenPerf, Square4096) {
  MRT_SKIP_WITHOUT_GPU();
  TimeGemm(4096, 4096, 4096, gpu::TcMath::kF16);
  TimeGemm(4096, 4096, 4096, gpu::TcMath::kTf32);
}

}  // namespace
}  // namespace mrt
