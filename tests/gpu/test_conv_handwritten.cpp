// The hand-written convolution tactics (kernels/conv/conv_{direct,depthwise,pointwise_gemm}.cu)
// against the CPU reference on random data: f32 and f16, NCHW and channels_last NHWC, groups 1,
// 2 and depthwise, strides 1/2, pads 0/1/asymmetric, dilation 2, windows 1x1/3x3/5x5/7x7/7x1,
// odd channel counts and spatial sizes (loop tails, the element-wise paths of the vectorized
// kernels), batch 1 and 3, and FusedConv with bias + activation + residual + post-activation.
// Tolerances (largest abs error / largest |ref|): f32 1e-4 (long reductions), TF32 3e-3,
// f16 1e-2. Every check also EXPECTs that the family offered at least one tactic.
#include <gtest/gtest.h>

#include <cstdio>

#include "ir/activation.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendConvHandWrittenTactics;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

struct ConvCase {
  int64_t n = 1, c = 8, h = 17, w = 19, k = 8, r = 3, s = 3;
  int64_t group = 1;
  Ints strides{1, 1}, pads{1, 1, 1, 1}, dilations{1, 1};  // pads: h_begin, w_begin, h_end, w_end
  bool nhwc = false;
  // FusedConv when any is set.
  bool bias = false, residual = false;
  ActivationSpec act, post;
};

int64_t OutSize(int64_t in, int64_t window, int64_t stride, int64_t pad_sum, int64_t dilation) {
  return (in + pad_sum - dilation * (window - 1) - 1) / stride + 1;
}

OpUnderTest MakeConv(const ConvCase& cc, DType dtype, uint64_t seed) {
  const bool fused = cc.bias || cc.residual || cc.act.kind != Activation::kNone || cc.post.kind != Activation::kNone;
  OpUnderTest t;
  t.op = fused ? OpKind::kFusedConv : OpKind::kConv;
  t.attrs = testing::Attrs({{"group", cc.group},
                            {"kernel_shape", Ints{cc.r, cc.s}},
                            {"strides", cc.strides},
                            {"pads", cc.pads},
                            {"dilations", cc.dilations}});
  if (cc.nhwc) t.attrs.set("channels_last", int64_t{1});
  if (fused) {
    WriteActivation(t.attrs, "activation", cc.act);
    WriteActivation(t.attrs, "post_activation", cc.post);
  }
  const Ints x_sizes = cc.nhwc ? Ints{cc.n, cc.h, cc.w, cc.c} : Ints{cc.n, cc.c, cc.h, cc.w};
  t.inputs.push_back(RandomTensor(dtype, x_sizes, seed));
  t.inputs.push_back(RandomTensor(dtype, {cc.k, cc.c / cc.group, cc.r, cc.s}, seed + 1));
  t.inputs.push_back(cc.bias ? RandomTensor(dtype, {cc.k}, seed + 2) : Tensor());
  t.is_weight = {false, true, true};
  if (cc.residual) {
    const int64_t oh = OutSize(cc.h, cc.r, cc.strides[0], cc.pads[0] + cc.pads[2], cc.dilations[0]);
    const int64_t ow = OutSize(cc.w, cc.s, cc.strides[1], cc.pads[1] + cc.pads[3], cc.dilations[1]);
    const Ints y_sizes = cc.nhwc ? Ints{cc.n, oh, ow, cc.k} : Ints{cc.n, cc.k, oh, ow};
    t.inputs.push_back(RandomTensor(dtype, y_sizes, seed + 3));
  }
  return t;
}

// Checks the tactics whose name contains `family` in f32 (strict, TF32 off), TF32 (only the
// tensor-core GEMMs have TF32 tactics) and f16; returns how many were checked per dtype.
struct Checked {
  int f32 = 0, tf32 = 0, f16 = 0;
};

Checked CheckCase(const ConvCase& cc, const std::string& family, uint64_t seed = 1) {
  Checked n;
  const OpUnderTest t32 = MakeConv(cc, DType::kF32, seed);
  n.f32 = ExpectTacticsMatchReference(t32, AppendConvHandWrittenTactics, 1e-4, gpu::MathOptions{false}, family);
  if (family == "conv_1x1_gemm" || family == "conv_")
    n.tf32 = ExpectTacticsMatchReference(t32, AppendConvHandWrittenTactics, 3e-3, gpu::MathOptions{true}, "tf32");
  const OpUnderTest t16 = MakeConv(cc, DType::kF16, seed);
  n.f16 = ExpectTacticsMatchReference(t16, AppendConvHandWrittenTactics, 1e-2, gpu::MathOptions{true}, family);
  EXPECT_GE(n.f32, 1) << family << " offered nothing in f32";
  EXPECT_GE(n.f16, 1) << family << " offered nothing in f16";
  return n;
}

// Both layouts of one case.
void CheckBothLayouts(ConvCase cc, const std::string& family) {
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "NHWC" : "NCHW");
    cc.nhwc = nhwc;
    CheckCase(cc, family);
  }
}

ConvCase Case(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t r, int64_t s) {
  ConvCase cc;
  cc.n = n, cc.c = c, cc.h = h, cc.w = w, cc.k = k, cc.r = r, cc.s = s;
  cc.pads = {(r - 1) / 2, (s - 1) / 2, (r - 1) / 2, (s - 1) / 2};
  return cc;
}

// ---- direct ----

TEST(ConvHandWrittenDirect, Dense3x3OddChannels) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothLayouts(Case(1, 7, 17, 19, 13, 3, 3), "conv_direct");
}

TEST(ConvHandWrittenDirect, ManyInputChannelsSeveralChunks) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothLayouts(Case(3, 65, 9, 11, 33, 3, 3), "conv_direct");
}

TEST(ConvHandWrittenDirect, Group2Stride2AsymmetricPads) {
  MRT_SKIP_WITHOUT_GPU();
  ConvCase cc = Case(3, 6, 13, 11, 10, 3, 3);
  cc.group = 2;
  cc.strides = {2, 2};
  cc.pads = {0, 1, 1, 0};
  CheckBothLayouts(cc, "conv_direct");
}

TEST(ConvHandWrittenDirect, Dilation2Window5x5) {
  MRT_SKIP_WITHOUT_GPU();
  ConvCase cc = Case(1, 5, 17, 19, 33, 5, 5);
  cc.dilations = {2, 2};
  cc.pads = {4, 4, 4, 4};
  CheckBothLayouts(cc, "conv_direct");
}

TEST(ConvHandWrittenDirect, Stem7x7Stride2AndWindow7x1) {
  MRT_SKIP_WITHOUT_GPU();
  ConvCase stem = Case(1, 3, 33, 35, 16, 7, 7);
  stem.strides = {2, 2};
  CheckBothLayouts(stem, "conv_direct");
  ConvCase tall = Case(3, 4, 19, 17, 9, 7, 1);
  tall.strides = {1, 2};
  CheckBothLayouts(tall, "conv_direct");
}

TEST(ConvHandWrittenDirect, FusedBiasSiluResidualRelu) {
  MRT_SKIP_WITHOUT_GPU();
  ConvCase cc = Case(3, 12, 13, 17, 20, 3, 3);
  cc.group = 4;
  cc.bias = cc.residual = true;
  cc.act = {Activation::kSiLU};
  cc.post = {Activation::kRelu};
  CheckBothLayouts(cc, "conv_direct");
}

// ---- depthwise ----

ConvCase Depthwise(int64_t n, int64_t c, int64_t h, int64_t w, int64_t window, int64_t stride) {
  ConvCase cc = Case(n, c, h, w, c, window, window);
  cc.group = c;
  cc.strides = {stride, stride};
  return cc;
}

TEST(ConvHandWrittenDepthwise, Window3x3Stride1OddChannels) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothLayouts(Depthwise(3, 13, 17, 19, 3, 1), "conv_depthwise");
}

TEST(ConvHandWrittenDepthwise, Window3x3Stride2VectorChannels) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothLayouts(Depthwise(1, 32, 17, 19, 3, 2), "conv_depthwise");
  CheckBothLayouts(Depthwise(3, 24, 7, 7, 3, 1), "conv_depthwise");
}

TEST(ConvHandWrittenDepthwise, Window5x5BothStrides) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothLayouts(Depthwise(1, 24, 17, 19, 5, 1), "conv_depthwise");
  ConvCase asym = Depthwise(3, 33, 19, 17, 5, 2);
  asym.pads = {1, 2, 2, 1};
  CheckBothLayouts(asym, "conv_depthwise");
}

TEST(ConvHandWrittenDepthwise, GenericDilationAndNonSquareWindow) {
  MRT_SKIP_WITHOUT_GPU();
  ConvCase dilated = Depthwise(1, 16, 17, 19, 3, 1);
  dilated.dilations = {2, 2};
  dilated.pads = {2, 2, 2, 2};
  CheckBothLayouts(dilated, "conv_depthwise");
  ConvCase tall = Case(3, 8, 19, 17, 8, 7, 1);
  tall.group = 8;
  CheckBothLayouts(tall, "conv_depthwise");
  ConvCase strided3 = Depthwise(1, 7, 17, 19, 3, 3);
  CheckBothLayouts(strided3, "conv_depthwise");
}

TEST(ConvHandWrittenDepthwise, FusedBiasHardSwishResidualRelu) {
  MRT_SKIP_WITHOUT_GPU();
  for (int64_t c : {32, 13}) {
    ConvCase cc = Depthwise(3, c, 17, 19, 3, 1);
    cc.bias = cc.residual = true;
    cc.act = {Activation::kHardSwish};
    cc.post = {Activation::kRelu};
    CheckBothLayouts(cc, "conv_depthwise");
  }
  ConvCase relu6 = Depthwise(1, 40, 13, 13, 5, 2);
  relu6.bias = true;
  relu6.act = {Activation::kClip, 0.f, 6.f};
  CheckBothLayouts(relu6, "conv_depthwise");
}

// ---- 1x1 as a GEMM ----

ConvCase Pointwise(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k) {
  ConvCase cc = Case(n, c, h, w, k, 1, 1);
  cc.pads = {0, 0, 0, 0};
  return cc;
}

TEST(ConvHandWrittenPointwise, OddSizesElementWisePath) {
  MRT_SKIP_WITHOUT_GPU();
  for (bool nhwc : {false, true}) {
    ConvCase cc = Pointwise(3, 33, 17, 19, 65);
    cc.nhwc = nhwc;
    const Checked n = CheckCase(cc, "conv_1x1_gemm");
    EXPECT_EQ(n.f32, 3);   // the strict-f32 SIMT tiles
    EXPECT_EQ(n.tf32, 4);  // the TF32 tensor-core tiles
    EXPECT_EQ(n.f16, 4);   // the f16 tensor-core tiles
  }
}

TEST(ConvHandWrittenPointwise, AlignedSizesVectorPath) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBothLayouts(Pointwise(1, 64, 16, 16, 128), "conv_1x1_gemm");
  CheckBothLayouts(Pointwise(2, 200, 12, 10, 24), "conv_1x1_gemm");  // K tail: 200 = 6 * 32 + 8
  CheckBothLayouts(Pointwise(1, 16, 7, 7, 8), "conv_1x1_gemm");      // one partial tile
}

TEST(ConvHandWrittenPointwise, FusedBiasSiluResidualRelu) {
  MRT_SKIP_WITHOUT_GPU();
  for (int64_t c : {96, 33}) {
    ConvCase cc = Pointwise(3, c, 9, 13, 40);
    cc.bias = cc.residual = true;
    cc.act = {Activation::kSiLU};
    cc.post = {Activation::kRelu};
    CheckBothLayouts(cc, "conv_1x1_gemm");
  }
}

// Small outputs with long K get a split-K tactic (partial sums in the workspace, then a reduce
// kernel with the epilogue); the odd channel count takes the element-wise path.
TEST(ConvHandWrittenPointwise, SplitKForSmallOutputsWithLongK) {
  MRT_SKIP_WITHOUT_GPU();
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "NHWC" : "NCHW");
    for (int64_t c : {960, 333}) {
      ConvCase cc = Pointwise(1, c, 7, 5, 40);
      cc.nhwc = nhwc;
      cc.bias = cc.residual = true;
      cc.act = {Activation::kHardSwish};
      cc.post = {Activation::kRelu};
      EXPECT_EQ(ExpectTacticsMatchReference(MakeConv(cc, DType::kF16, 3), AppendConvHandWrittenTactics, 1e-2,
                                            gpu::MathOptions{true}, "splitk"),
                1);
      EXPECT_EQ(ExpectTacticsMatchReference(MakeConv(cc, DType::kF32, 3), AppendConvHandWrittenTactics, 3e-3,
                                            gpu::MathOptions{true}, "splitk"),
                1);
    }
  }
}

TEST(ConvHandWrittenPointwise, GroupedOrStridedOneByOneGoesElsewhere) {
  MRT_SKIP_WITHOUT_GPU();
  ConvCase grouped = Pointwise(1, 8, 9, 9, 8);
  grouped.group = 2;
  ConvCase strided = Pointwise(1, 8, 9, 9, 8);
  strided.strides = {2, 2};
  for (const ConvCase& cc : {grouped, strided}) {
    const Checked n = CheckCase(cc, "conv_");  // the direct conv covers them
    for (const auto& run : testing::RunProviderTactics(MakeConv(cc, DType::kF16, 1), AppendConvHandWrittenTactics))
      EXPECT_EQ(run.name.find("conv_1x1_gemm"), std::string::npos) << run.name;
    EXPECT_GE(n.f16, 1);
  }
}

// ---- what is not offered ----

TEST(ConvHandWritten, OffersNothingForOneDimensionalConv) {
  MRT_SKIP_WITHOUT_GPU();
  OpUnderTest t;
  t.op = OpKind::kConv;
  t.attrs = testing::Attrs({{"kernel_shape", Ints{3}}});
  t.inputs = {RandomTensor(DType::kF32, {1, 4, 17}, 1), RandomTensor(DType::kF32, {8, 4, 3}, 2)};
  t.is_weight = {false, true};
  EXPECT_TRUE(testing::RunProviderTactics(t, AppendConvHandWrittenTactics).empty());
}

// ---- timing (disabled: run with --gtest_also_run_disabled_tests on the GPU machine) ----

// Prints every tactic's time for the conv of `cc` (f16): hand-written, implicit GEMM, cuDNN
// (those that fail or refuse the layer are left out).
void PrintTimings(const ConvCase& cc) {
  const OpUnderTest t = MakeConv(cc, DType::kF16, 7);
  auto g = testing::BuildOpGraph(t);
  ASSERT_TRUE(g.ok()) << g.status().message();
  std::printf("conv n%lld c%lld %lldx%lld k%lld %lldx%lld s%lld g%lld %s -> %s\n", (long long)cc.n, (long long)cc.c,
              (long long)cc.h, (long long)cc.w, (long long)cc.k, (long long)cc.r, (long long)cc.s,
              (long long)cc.strides[0], (long long)cc.group, cc.nhwc ? "nhwc" : "nchw",
              g->value(g->node(0).outputs[0]).shape.ToString().c_str());
  for (gpu::TacticProvider provider :
       {gpu::AppendConvHandWrittenTactics, gpu::AppendConvImplicitGemmTactics, gpu::AppendConvCudnnTactics}) {
    for (const testing::TacticTiming& timing : testing::TimeProviderTactics(t, provider, gpu::MathOptions{true}))
      if (timing.status.ok()) std::printf("  %9.2f us  %s\n", timing.microseconds, timing.name.c_str());
  }
}

TEST(ConvHandWrittenTiming, DISABLED_MobileNetV2LayersF16) {
  MRT_SKIP_WITHOUT_GPU();
  for (int64_t batch : {1, 8}) {
    for (bool nhwc : {true, false}) {
      for (auto [c, hw, stride] :
           {std::tuple{32, 112, 1}, {96, 112, 2}, {144, 56, 1}, {192, 28, 1}, {576, 14, 1}, {960, 7, 1}}) {
        ConvCase dw = Depthwise(batch, c, hw, hw, 3, stride);
        dw.nhwc = nhwc;
        dw.bias = true;
        dw.act = {Activation::kClip, 0.f, 6.f};
        PrintTimings(dw);
      }
      for (auto [c, hw, k] :
           {std::tuple{32, 112, 16}, {24, 56, 144}, {144, 56, 24}, {192, 28, 32}, {384, 14, 64}, {960, 7, 320}}) {
        ConvCase pw = Pointwise(batch, c, hw, hw, k);
        pw.nhwc = nhwc;
        pw.bias = true;
        PrintTimings(pw);
      }
      ConvCase stem = Case(batch, 3, 224, 224, 32, 3, 3);
      stem.strides = {2, 2};
      stem.nhwc = nhwc;
      PrintTimings(stem);
    }
  }
}

}  // namespace
}  // namespace mrt
