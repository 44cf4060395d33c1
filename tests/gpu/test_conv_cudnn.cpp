// The cuDNN convolution tactics (kernels/conv/conv_cudnn.cpp, conv_transpose_cudnn.cpp) against
// the CPU reference on random data: every algorithm whose Setup() accepts the layer must match,
// in f32 strict (1e-4), f32 with TF32 (3e-3) and f16 (1e-2), NCHW and NHWC, with groups and
// depthwise, strides, dilations and odd sizes, through both epilogue paths (the fused
// cudnnConvolutionBiasActivationForward and conv + the epilogue pass), and ConvTranspose with
// stride 2 and output_padding.
#include "ir/activation.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendConvCudnnTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

struct ConvCase {
  int64_t n = 1, c = 13, h = 17, w = 19, k = 33, r = 3, s = 3;
  int64_t stride = 1, pad = 1, dil = 1, group = 1;
  bool nhwc = false, bias = true, residual = false;
  ActivationSpec act, post;  // FusedConv when either is set or there is a residual
};

int64_t OutSize(int64_t in, int64_t k, const ConvCase& cs) {
  return (in + 2 * cs.pad - cs.dil * (k - 1) - 1) / cs.stride + 1;
}

OpUnderTest ConvOf(DType dt, const ConvCase& cs, uint64_t seed = 1) {
  const bool fused = cs.residual || cs.act.kind != Activation::kNone || cs.post.kind != Activation::kNone;
  Attributes attrs = Attrs({{"strides", Ints{cs.stride, cs.stride}},
                            {"pads", Ints{cs.pad, cs.pad, cs.pad, cs.pad}},
                            {"dilations", Ints{cs.dil, cs.dil}},
                            {"group", int64_t{cs.group}},
                            {"channels_last", int64_t{cs.nhwc ? 1 : 0}}});
  if (fused) {
    WriteActivation(attrs, "activation", cs.act);
    WriteActivation(attrs, "post_activation", cs.post);
  }
  const Ints x = cs.nhwc ? Ints{cs.n, cs.h, cs.w, cs.c} : Ints{cs.n, cs.c, cs.h, cs.w};
  const int64_t oh = OutSize(cs.h, cs.r, cs), ow = OutSize(cs.w, cs.s, cs);
  const Ints y = cs.nhwc ? Ints{cs.n, oh, ow, cs.k} : Ints{cs.n, cs.k, oh, ow};
  std::vector<Tensor> inputs = {RandomTensor(dt, x, seed), RandomTensor(dt, {cs.k, cs.c / cs.group, cs.r, cs.s}, seed + 1),
                                cs.bias ? RandomTensor(dt, {cs.k}, seed + 2) : Tensor()};
  if (cs.residual) inputs.push_back(RandomTensor(dt, y, seed + 3));
  return OpUnderTest{fused ? OpKind::kFusedConv : OpKind::kConv, attrs, inputs, {false, true, true}};
}

// Every accepted algorithm matches in f32 strict, f32 with TF32 and f16; returns the least number
// of algorithms checked over the three (each must be >= 1).
int CheckAllPrecisions(ConvCase cs, const std::string& filter = "") {
  int least = 1 << 20;
  for (const auto& [dt, tf32, tol] : {std::tuple{DType::kF32, false, 1e-4}, std::tuple{DType::kF32, true, 3e-3},
                                      std::tuple{DType::kF16, false, 1e-2}}) {
    SCOPED_TRACE(std::string(DTypeName(dt)) + (tf32 ? " tf32" : ""));
    const int checked = ExpectTacticsMatchReference(ConvOf(dt, cs), AppendConvCudnnTactics, tol,
                                                    gpu::MathOptions{tf32}, filter);
    EXPECT_GE(checked, 1);
    least = std::min(least, checked);
  }
  return least;
}

TEST(ConvCudnn, Nchw3x3OddSizes) {
  MRT_SKIP_WITHOUT_GPU();
  CheckAllPrecisions(ConvCase{.n = 3});
  CheckAllPrecisions(ConvCase{.n = 1, .c = 7, .h = 9, .w = 13, .k = 65, .pad = 0});
  EXPECT_GE(CheckAllPrecisions(ConvCase{.n = 3}, "implicit_precomp_gemm"), 1);
}

TEST(ConvCudnn, Nhwc3x3OddSizes) {
  MRT_SKIP_WITHOUT_GPU();
  CheckAllPrecisions(ConvCase{.n = 3, .nhwc = true});
  CheckAllPrecisions(ConvCase{.n = 1, .c = 8, .h = 9, .w = 13, .k = 16, .pad = 0, .nhwc = true});
}

TEST(ConvCudnn, StrideDilationAndNoBias) {
  MRT_SKIP_WITHOUT_GPU();
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "nhwc" : "nchw");
    CheckAllPrecisions(ConvCase{.n = 3, .c = 13, .h = 17, .w = 19, .k = 7, .stride = 2, .nhwc = nhwc, .bias = false});
    CheckAllPrecisions(ConvCase{.n = 1, .c = 7, .h = 19, .w = 17, .k = 13, .r = 3, .s = 5, .pad = 2, .dil = 2,
                                .nhwc = nhwc});
    CheckAllPrecisions(ConvCase{.n = 2, .c = 3, .h = 33, .w = 31, .k = 16, .r = 7, .s = 7, .stride = 2, .pad = 3,
                                .nhwc = nhwc});
  }
}

TEST(ConvCudnn, GroupsAndDepthwise) {
  MRT_SKIP_WITHOUT_GPU();
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "nhwc" : "nchw");
    CheckAllPrecisions(ConvCase{.n = 3, .c = 26, .k = 39, .group = 13, .nhwc = nhwc});
    CheckAllPrecisions(ConvCase{.n = 3, .c = 33, .k = 33, .group = 33, .nhwc = nhwc});
    CheckAllPrecisions(ConvCase{.n = 1, .c = 65, .k = 65, .stride = 2, .group = 65, .nhwc = nhwc});
  }
}

TEST(ConvCudnn, FusedEpilogueThroughBiasActivationForward) {
  MRT_SKIP_WITHOUT_GPU();
  const ActivationSpec relu{Activation::kRelu};
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "nhwc" : "nchw");
    CheckAllPrecisions(ConvCase{.n = 3, .nhwc = nhwc, .act = relu});                       // relu(conv + B)
    CheckAllPrecisions(ConvCase{.n = 3, .nhwc = nhwc, .residual = true, .post = relu});    // relu(conv + B + Z)
    CheckAllPrecisions(ConvCase{.n = 3, .nhwc = nhwc, .residual = true});                  // conv + B + Z
    CheckAllPrecisions(ConvCase{.n = 1, .nhwc = nhwc, .act = relu, .post = relu});
    // Identity is fused only with IMPLICIT_PRECOMP_GEMM; the other algorithms add B separately.
    EXPECT_GE(CheckAllPrecisions(ConvCase{.n = 3, .nhwc = nhwc, .residual = true}, "implicit_precomp_gemm"), 1);
  }
}

TEST(ConvCudnn, EpiloguePassForWhatCudnnCannotFuse) {
  MRT_SKIP_WITHOUT_GPU();
  const ActivationSpec silu{Activation::kSiLU}, relu6{Activation::kClip, 0.f, 6.f};
  const ActivationSpec leaky{Activation::kLeakyRelu, 0.1f}, relu{Activation::kRelu}, gelu{Activation::kGelu};
  for (bool nhwc : {false, true}) {
    SCOPED_TRACE(nhwc ? "nhwc" : "nchw");
    CheckAllPrecisions(ConvCase{.n = 3, .nhwc = nhwc, .residual = true, .act = silu, .post = relu6});
    CheckAllPrecisions(ConvCase{.n = 1, .nhwc = nhwc, .bias = false, .act = leaky});
    CheckAllPrecisions(ConvCase{.n = 1, .nhwc = nhwc, .residual = true, .act = relu});  // relu before Z
    CheckAllPrecisions(ConvCase{.n = 3, .c = 33, .k = 33, .group = 33, .nhwc = nhwc, .act = gelu});
  }
}

TEST(ConvCudnn, OffersNothingForAsymmetricPadsOr1d) {
  MRT_SKIP_WITHOUT_GPU();
  OpUnderTest t = ConvOf(DType::kF32, ConvCase{});
  t.attrs.set("pads", Ints{1, 0, 0, 1});
  EXPECT_TRUE(testing::RunProviderTactics(t, AppendConvCudnnTactics).empty());
  OpUnderTest conv1d{OpKind::kConv, {}, {RandomTensor(DType::kF32, {1, 3, 17}, 1), RandomTensor(DType::kF32, {4, 3, 3}, 2)},
                     {false, true}};
  EXPECT_TRUE(testing::RunProviderTactics(conv1d, AppendConvCudnnTactics).empty());
}

OpUnderTest ConvTransposeOf(DType dt, Ints x, Ints w, Attributes attrs, bool bias, uint64_t seed = 5) {
  const int64_t group = attrs.GetInt("group", 1);
  return OpUnderTest{OpKind::kConvTranspose, attrs,
                     {RandomTensor(dt, x, seed), RandomTensor(dt, w, seed + 1),
                      bias ? RandomTensor(dt, {w[1] * group}, seed + 2) : Tensor()},
                     {false, true, true}};
}

TEST(ConvCudnn, ConvTransposeStride2OutputPaddingGroupsDilation) {
  MRT_SKIP_WITHOUT_GPU();
  struct Case {
    Ints x, w;
    Attributes attrs;
    bool bias;
  };
  const std::vector<Case> cases = {
      {{2, 13, 9, 11}, {13, 7, 3, 3},
       Attrs({{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}, {"output_padding", Ints{1, 1}}}), true},
      {{1, 16, 8, 8}, {16, 8, 2, 2}, Attrs({{"strides", Ints{2, 2}}}), true},
      {{3, 12, 7, 5}, {12, 3, 4, 4}, Attrs({{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}, {"group", int64_t{2}}}),
       false},
      {{1, 5, 13, 7}, {5, 9, 3, 3}, Attrs({{"dilations", Ints{2, 2}}, {"pads", Ints{2, 2, 2, 2}}}), true},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const Case& c = cases[i];
    EXPECT_GE(ExpectTacticsMatchReference(ConvTransposeOf(DType::kF32, c.x, c.w, c.attrs, c.bias),
                                          AppendConvCudnnTactics, 1e-4, gpu::MathOptions{false}),
              1);
    EXPECT_GE(ExpectTacticsMatchReference(ConvTransposeOf(DType::kF32, c.x, c.w, c.attrs, c.bias),
                                          AppendConvCudnnTactics, 3e-3),
              1);
    EXPECT_GE(ExpectTacticsMatchReference(ConvTransposeOf(DType::kF16, c.x, c.w, c.attrs, c.bias),
                                          AppendConvCudnnTactics, 1e-2),
              1);
  }
}

// Not a check: lists, for a few typical layers, which algorithms cuDNN accepts and why others
// are refused (useful when reading a build log or choosing what to tune).
TEST(ConvCudnn, ReportAcceptedAlgorithms) {
  MRT_SKIP_WITHOUT_GPU();
  const testing::LabelledOps layers = {
      {"f32 nchw 3x3", ConvOf(DType::kF32, ConvCase{.n = 3})},
      {"f16 nhwc 3x3", ConvOf(DType::kF16, ConvCase{.n = 3, .nhwc = true})},
      {"f16 nhwc depthwise", ConvOf(DType::kF16, ConvCase{.n = 3, .c = 33, .k = 33, .group = 33, .nhwc = true})},
      {"f32 convtranspose s2",
       ConvTransposeOf(DType::kF32, {2, 13, 9, 11}, {13, 7, 3, 3}, Attrs({{"strides", Ints{2, 2}}}), true)},
  };
  testing::PrintTacticOutcomes(layers, AppendConvCudnnTactics);
}

}  // namespace
}  // namespace mrt
