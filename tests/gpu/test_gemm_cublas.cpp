// The cuBLAS / cuBLASLt tactics (kernels/gemm/gemm_cublas.cpp, gemm_lt_cublas.cpp) against the
// CPU reference on random data: Gemm with every transpose combination and every form of C
// (scalar, [N], [1, N], [M, 1], [M, N]) with alpha and beta, FusedGemm epilogues (those cuBLASLt
// fuses and those left to the epilogue pass), flatten_a, MatMul (2-D, 1-D operands, batched with
// a shared or broadcast operand) and 1x1 convolutions (NCHW and NHWC) read as GEMMs.
// Tolerances: f32 strict 1e-5 (1e-4 for K >= 256), TF32 3e-3, f16 1e-2.
#include "ir/activation.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendGemmCublasTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

// Every accepted tactic whose name contains `filter` matches in f32 strict, TF32 and f16; returns
// the least count over the three (each must be >= 1).
int CheckAllPrecisions(const std::function<OpUnderTest(DType)>& make, const std::string& filter = "",
                       double strict_tol = 1e-5) {
  int least = 1 << 20;
  for (const auto& [dt, tf32, tol] : {std::tuple{DType::kF32, false, strict_tol}, std::tuple{DType::kF32, true, 3e-3},
                                      std::tuple{DType::kF16, false, 1e-2}}) {
    SCOPED_TRACE(std::string(DTypeName(dt)) + (tf32 ? " tf32" : ""));
    const int checked = ExpectTacticsMatchReference(make(dt), AppendGemmCublasTactics, tol, gpu::MathOptions{tf32}, filter);
    EXPECT_GE(checked, 1);
    least = std::min(least, checked);
  }
  return least;
}

struct GemmCase {
  int64_t m = 37, k = 65, n = 29;
  bool trans_a = false, trans_b = false;
  Ints c;  // C's sizes; empty: no C
  float alpha = 1.f, beta = 1.f;
  bool residual = false, flatten_a = false;
  ActivationSpec act, post;  // FusedGemm when set (or residual / flatten_a)
};

OpUnderTest GemmOf(DType dt, const GemmCase& g, uint64_t seed = 11) {
  const bool fused = g.residual || g.flatten_a || g.act.kind != Activation::kNone || g.post.kind != Activation::kNone;
  Attributes attrs = Attrs({{"transA", int64_t{g.trans_a}}, {"transB", int64_t{g.trans_b}}, {"alpha", g.alpha},
                            {"beta", g.beta}});
  if (fused) {
    WriteActivation(attrs, "activation", g.act);
    WriteActivation(attrs, "post_activation", g.post);
    attrs.set("flatten_a", int64_t{g.flatten_a});
  }
  Ints a = g.trans_a ? Ints{g.k, g.m} : Ints{g.m, g.k};
  if (g.flatten_a) a = {g.m, 5, g.k / 5};  // read as [M, K]
  std::vector<Tensor> inputs = {RandomTensor(dt, a, seed),
                                RandomTensor(dt, g.trans_b ? Ints{g.n, g.k} : Ints{g.k, g.n}, seed + 1),
                                g.c.empty() ? Tensor() : RandomTensor(dt, g.c, seed + 2)};
  if (g.residual) inputs.push_back(RandomTensor(dt, {g.m, g.n}, seed + 3));
  return OpUnderTest{fused ? OpKind::kFusedGemm : OpKind::kGemm, attrs, inputs, {false, true, true}};
}

TEST(GemmCublas, GemmEveryTransposeAndBiasForm) {
  MRT_SKIP_WITHOUT_GPU();
  const std::vector<Ints> c_forms = {{}, {1}, {29}, {1, 29}, {37, 1}, {37, 29}};
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      for (const Ints& c : c_forms) {
        SCOPED_TRACE(::testing::Message() << "transA " << ta << " transB " << tb << " C rank " << c.size() << " numel "
                                          << Numel(c));
        const int least = CheckAllPrecisions(
            [&](DType dt) { return GemmOf(dt, GemmCase{.trans_a = ta, .trans_b = tb, .c = c, .alpha = 0.75f, .beta = 1.25f}); });
        EXPECT_GE(least, 1);
        CheckAllPrecisions([&](DType dt) { return GemmOf(dt, GemmCase{.trans_a = ta, .trans_b = tb, .c = c}); }, "cublas_gemm");
      }
    }
  }
}

TEST(GemmCublas, LtAlgorithmsOnAlignedShapes) {
  MRT_SKIP_WITHOUT_GPU();
  // 16-byte aligned rows: cuBLASLt's heuristic has algorithms for these.
  EXPECT_GE(CheckAllPrecisions([](DType dt) { return GemmOf(dt, GemmCase{.m = 64, .k = 128, .n = 96, .c = {96}}); },
                               "cublaslt", 1e-5),
            1);
  EXPECT_GE(CheckAllPrecisions([](DType dt) {
              return GemmOf(dt, GemmCase{.m = 128, .k = 256, .n = 64, .trans_b = true, .c = {128, 64}, .beta = 0.5f});
            }, "cublaslt", 1e-4),
            1);
}

TEST(GemmCublas, FusedGemmEpilogues) {
  MRT_SKIP_WITHOUT_GPU();
  const ActivationSpec relu{Activation::kRelu}, gelu{Activation::kGelu}, silu{Activation::kSiLU};
  const ActivationSpec relu6{Activation::kClip, 0.f, 6.f}, tanh_act{Activation::kTanh};
  const std::vector<GemmCase> cases = {
      {.m = 64, .k = 96, .n = 128, .trans_b = true, .c = {128}, .act = relu},      // Lt RELU_BIAS
      {.m = 64, .k = 96, .n = 128, .trans_b = true, .c = {128}, .act = gelu},      // Lt GELU_BIAS (f16)
      {.m = 64, .k = 96, .n = 128, .c = {128}, .residual = true, .post = relu},    // Lt C = Z, RELU_BIAS
      {.m = 37, .k = 65, .n = 29, .c = {29}, .residual = true, .act = silu, .post = relu6},
      {.m = 37, .k = 65, .n = 29, .c = {37, 29}, .beta = 0.5f, .residual = true, .post = relu},
      {.m = 37, .k = 65, .n = 29, .c = {37, 1}, .act = tanh_act},                 // per-row bias: epilogue pass
      {.m = 37, .k = 65, .n = 29, .residual = true, .act = relu},                   // no C
      {.m = 13, .k = 65, .n = 33, .c = {33}, .flatten_a = true, .act = relu},       // A [13, 5, 13]
      {.m = 64, .k = 96, .n = 128, .c = {128}, .act = gelu, .post = tanh_act},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    CheckAllPrecisions([&](DType dt) { return GemmOf(dt, cases[i]); });
  }
  // The fusable cases run through cuBLASLt's epilogues.
  EXPECT_GE(CheckAllPrecisions([&](DType dt) { return GemmOf(dt, cases[0]); }, "cublaslt"), 1);
  EXPECT_GE(CheckAllPrecisions([&](DType dt) { return GemmOf(dt, cases[2]); }, "cublaslt"), 1);
}

OpUnderTest MatMulOf(DType dt, Ints a, Ints b, uint64_t seed = 21) {
  return OpUnderTest{OpKind::kMatMul, {}, {RandomTensor(dt, a, seed), RandomTensor(dt, b, seed + 1)}, {}};
}

TEST(GemmCublas, MatMulPlainBatchedAndBroadcast) {
  MRT_SKIP_WITHOUT_GPU();
  const std::vector<std::pair<Ints, Ints>> shapes = {
      {{37, 65}, {65, 29}},           {{3, 37, 65}, {65, 29}},       // shared B: batches fold into M
      {{3, 37, 65}, {3, 65, 29}},     {{2, 3, 13, 33}, {2, 3, 33, 7}},
      {{37, 65}, {3, 65, 29}},        {{1, 37, 65}, {4, 65, 29}},    // A shared across the batch
      {{65}, {65, 29}},               {{3, 37, 65}, {65}},           // 1-D operands
      {{2, 8, 64, 32}, {2, 8, 32, 64}},                              // attention-like, aligned
  };
  for (const auto& [a, b] : shapes) {
    SCOPED_TRACE(::testing::Message() << "A rank " << a.size() << " [" << a.front() << ",...] B rank " << b.size());
    CheckAllPrecisions([&](DType dt) { return MatMulOf(dt, a, b); });
  }
  EXPECT_GE(CheckAllPrecisions([&](DType dt) { return MatMulOf(dt, {2, 8, 64, 32}, {2, 8, 32, 64}); }, "cublaslt"), 1);
}

TEST(GemmCublas, OffersNothingForPartialBroadcastOrIntegers) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_TRUE(testing::RunProviderTactics(MatMulOf(DType::kF32, {2, 1, 5, 7}, {1, 3, 7, 4}), AppendGemmCublasTactics).empty());
  EXPECT_TRUE(testing::RunProviderTactics(MatMulOf(DType::kI32, {5, 7}, {7, 4}), AppendGemmCublasTactics).empty());
}

struct PointwiseConvCase {
  int64_t n = 3, c = 33, h = 17, w = 19, k = 13;
  bool nhwc = false, bias = true, residual = false;
  ActivationSpec act, post;
};

OpUnderTest PointwiseConvOf(DType dt, const PointwiseConvCase& p, uint64_t seed = 31) {
  const bool fused = p.residual || p.act.kind != Activation::kNone || p.post.kind != Activation::kNone;
  Attributes attrs = Attrs({{"channels_last", int64_t{p.nhwc}}});
  if (fused) {
    WriteActivation(attrs, "activation", p.act);
    WriteActivation(attrs, "post_activation", p.post);
  }
  const Ints x = p.nhwc ? Ints{p.n, p.h, p.w, p.c} : Ints{p.n, p.c, p.h, p.w};
  const Ints y = p.nhwc ? Ints{p.n, p.h, p.w, p.k} : Ints{p.n, p.k, p.h, p.w};
  std::vector<Tensor> inputs = {RandomTensor(dt, x, seed), RandomTensor(dt, {p.k, p.c, 1, 1}, seed + 1),
                                p.bias ? RandomTensor(dt, {p.k}, seed + 2) : Tensor()};
  if (p.residual) inputs.push_back(RandomTensor(dt, y, seed + 3));
  return OpUnderTest{fused ? OpKind::kFusedConv : OpKind::kConv, attrs, inputs, {false, true, true}};
}

TEST(GemmCublas, PointwiseConvolutionAsGemm) {
  MRT_SKIP_WITHOUT_GPU();
  const ActivationSpec relu{Activation::kRelu}, silu{Activation::kSiLU};
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "nhwc" : "nchw");
    const std::vector<PointwiseConvCase> cases = {
        {.nhwc = nhwc},
        {.n = 1, .c = 7, .h = 9, .w = 13, .k = 65, .nhwc = nhwc, .bias = false},
        {.nhwc = nhwc, .residual = true, .post = relu},
        {.n = 1, .c = 64, .h = 16, .w = 16, .k = 32, .nhwc = nhwc, .act = silu},
        {.n = 2, .c = 64, .h = 8, .w = 8, .k = 128, .nhwc = nhwc, .act = relu},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE("case " + std::to_string(i));
      CheckAllPrecisions([&](DType dt) { return PointwiseConvOf(dt, cases[i]); });
    }
  }
  EXPECT_GE(CheckAllPrecisions([&](DType dt) {
              return PointwiseConvOf(dt, {.n = 2, .c = 64, .h = 8, .w = 8, .k = 128, .nhwc = true, .act = relu});
            }, "cublaslt"),
            1);
}

TEST(GemmCublas, OffersNothingForNonPointwiseConvs) {
  MRT_SKIP_WITHOUT_GPU();
  const Tensor x = RandomTensor(DType::kF32, {1, 8, 9, 9}, 1);
  OpUnderTest k3{OpKind::kConv, Attrs({{"pads", Ints{1, 1, 1, 1}}}), {x, RandomTensor(DType::kF32, {4, 8, 3, 3}, 2)}, {false, true}};
  OpUnderTest s2{OpKind::kConv, Attrs({{"strides", Ints{2, 2}}}), {x, RandomTensor(DType::kF32, {4, 8, 1, 1}, 2)}, {false, true}};
  OpUnderTest g2{OpKind::kConv, Attrs({{"group", int64_t{2}}}), {x, RandomTensor(DType::kF32, {4, 4, 1, 1}, 2)}, {false, true}};
  for (const OpUnderTest* t : {&k3, &s2, &g2}) EXPECT_TRUE(testing::RunProviderTactics(*t, AppendGemmCublasTactics).empty());
}

// Not a check: which tactics cuBLASLt's heuristic accepts for a few typical shapes.
TEST(GemmCublas, ReportAcceptedTactics) {
  MRT_SKIP_WITHOUT_GPU();
  const testing::LabelledOps layers = {
      {"f32 gemm 37x65x29", GemmOf(DType::kF32, GemmCase{.c = {29}})},
      {"f16 gemm 64x96x128 relu", GemmOf(DType::kF16, GemmCase{.m = 64, .k = 96, .n = 128, .c = {128}, .act = {Activation::kRelu}})},
      {"f16 matmul batched", MatMulOf(DType::kF16, {2, 8, 64, 32}, {2, 8, 32, 64})},
      {"f32 1x1 conv nchw", PointwiseConvOf(DType::kF32, {})},
  };
  testing::PrintTacticOutcomes(layers, AppendGemmCublasTactics);
}

}  // namespace
}  // namespace mrt
