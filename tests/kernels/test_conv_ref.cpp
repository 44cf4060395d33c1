// Reference Conv and ConvTranspose: small cases computed by hand, then random cases against the
// direct-loop definitions written below (independent of im2col and the blocked GEMM).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attrs;
using testing::F32;
using testing::RandomTensor;
using testing::RunError;
using testing::RunOne;
using testing::RunSingleOp;

using Ints = std::vector<int64_t>;

// ---- direct-loop definitions (2-D; 1-D and 3-D cases are checked by hand) ----

struct Conv2dParams {
  int64_t group = 1;
  Ints strides = {1, 1}, dilations = {1, 1}, pads = {0, 0, 0, 0};  // pads: top, left, bottom, right
  Attributes ToAttrs() const {
    return Attrs({{"group", group}, {"strides", strides}, {"dilations", dilations}, {"pads", pads}});
  }
};

// y[n, m, oy, ox] = b[m] + sum_{c in m's group, ky, kx} x[n, c, oy*s - p + ky*d, ...] * w[m, c', ky, kx]
Tensor NaiveConv2d(const Tensor& x, const Tensor& w, const Tensor* b, const Conv2dParams& p) {
  const int64_t n = x.sizes()[0], c = x.sizes()[1], h = x.sizes()[2], wd = x.sizes()[3];
  const int64_t m = w.sizes()[0], cg = w.sizes()[1], kh = w.sizes()[2], kw = w.sizes()[3];
  const int64_t mg = m / p.group;
  const int64_t oh = (h + p.pads[0] + p.pads[2] - ((kh - 1) * p.dilations[0] + 1)) / p.strides[0] + 1;
  const int64_t ow = (wd + p.pads[1] + p.pads[3] - ((kw - 1) * p.dilations[1] + 1)) / p.strides[1] + 1;
  Tensor y(DType::kF32, {n, m, oh, ow});
  const float* xs = x.data<float>();
  const float* ws = w.data<float>();
  for (int64_t in = 0; in < n; ++in)
    for (int64_t om = 0; om < m; ++om)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double acc = b ? b->data<float>()[om] : 0.0;
          for (int64_t ic = 0; ic < cg; ++ic)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t iy = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
                const int64_t ix = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const int64_t channel = (om / mg) * cg + ic;
                acc += xs[((in * c + channel) * h + iy) * wd + ix] * ws[((om * cg + ic) * kh + ky) * kw + kx];
              }
          y.data<float>()[((in * m + om) * oh + oy) * ow + ox] = static_cast<float>(acc);
        }
  return y;
}

// ConvTranspose by scattering: x[n, c, iy, ix] * w[c, m', ky, kx] adds into
// y[n, group(c) * Mg + m', iy*s - p + ky*d + ..., ...]; the output size is given.
Tensor NaiveConvTranspose2d(const Tensor& x, const Tensor& w, const Tensor* b, const Conv2dParams& p, int64_t oh,
                            int64_t ow) {
  const int64_t n = x.sizes()[0], c = x.sizes()[1], h = x.sizes()[2], wd = x.sizes()[3];
  const int64_t mg = w.sizes()[1], kh = w.sizes()[2], kw = w.sizes()[3];
  const int64_t m = mg * p.group, cg = c / p.group;
  std::vector<double> acc(static_cast<size_t>(n * m * oh * ow), 0.0);
  for (int64_t in = 0; in < n; ++in)
    for (int64_t ic = 0; ic < c; ++ic)
      for (int64_t iy = 0; iy < h; ++iy)
        for (int64_t ix = 0; ix < wd; ++ix)
          for (int64_t om = 0; om < mg; ++om)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t oy = iy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
                const int64_t ox = ix * p.strides[1] - p.pads[1] + kx * p.dilations[1];
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                const int64_t channel = (ic / cg) * mg + om;
                acc[((in * m + channel) * oh + oy) * ow + ox] += x.data<float>()[((in * c + ic) * h + iy) * wd + ix] *
                                                                 w.data<float>()[((ic * mg + om) * kh + ky) * kw + kx];
              }
  Tensor y(DType::kF32, {n, m, oh, ow});
  for (int64_t i = 0; i < y.numel(); ++i)
    y.data<float>()[i] = static_cast<float>(acc[i] + (b ? b->data<float>()[(i / (oh * ow)) % m] : 0.0));
  return y;
}

// ---- Conv, by hand ----

TEST(ConvRef, Valid2x2OnesKernel) {
  // x = 0..8 as 3x3; each output sums a 2x2 block: [[0+1+3+4, 1+2+4+5], [3+4+6+7, 4+5+7+8]]
  const Tensor x = F32({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor w = F32({1, 1, 2, 2}, {1, 1, 1, 1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, {}), F32({1, 1, 2, 2}, {8, 12, 20, 24})));
}

TEST(ConvRef, PaddedStridedWithBiasAndTwoOutputChannels) {
  // x = 0..8 (3x3), pads 1, stride 2 -> 2x2 windows centred on x(0,0), x(0,2), x(2,0), x(2,2).
  // Channel 0: w = 1..9, bias 10. Window at (0,0) sees x(0..1, 0..1) under w(1..2, 1..2) = 5 6 8 9:
  //   0*5 + 1*6 + 3*8 + 4*9 = 66;  (0,2): x(0..1, 1..2) under w(1..2, 0..1) = 4 5 7 8: 1*4+2*5+4*7+5*8 = 82
  //   (2,0): x(1..2, 0..1) under w(0..1, 1..2) = 2 3 5 6: 3*2+4*3+6*5+7*6 = 90
  //   (2,2): x(1..2, 1..2) under w(0..1, 0..1) = 1 2 4 5: 4*1+5*2+7*4+8*5 = 82
  // Channel 1: w = centre tap 1 only, bias -1 -> x(0,0)-1, x(0,2)-1, x(2,0)-1, x(2,2)-1.
  const Tensor x = F32({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor w = F32({2, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 1, 0, 0, 0, 0});
  const Tensor b = F32({2}, {10, -1});
  const Tensor y = RunOne(OpKind::kConv, {x, w, b}, Attrs({{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}}));
  EXPECT_TRUE(AllClose(y, F32({1, 2, 2, 2}, {76, 92, 100, 92, -1, 1, 5, 7})));
}

TEST(ConvRef, OneDimDilationAndStridePads) {
  const Tensor x = F32({1, 1, 5}, {1, 2, 3, 4, 5});
  // dilation 2: y[i] = x[i] + 10 * x[i + 2]
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, F32({1, 1, 2}, {1, 10})}, Attrs({{"dilations", Ints{2}}})),
                       F32({1, 1, 3}, {31, 42, 53})));
  // pads 1, stride 2 over [0 1 2 3 4 5 0] with a 3-tap box: [0+1+2, 2+3+4, 4+5+0]
  EXPECT_TRUE(AllClose(
      RunOne(OpKind::kConv, {x, F32({1, 1, 3}, {1, 1, 1})}, Attrs({{"pads", Ints{1, 1}}, {"strides", Ints{2}}})),
      F32({1, 1, 3}, {3, 9, 9})));
}

TEST(ConvRef, AutoPadSameUpperLowerAndValid) {
  const Tensor x = F32({1, 1, 4}, {1, 2, 3, 4});
  const Tensor w = F32({1, 1, 2}, {1, 1});
  // One unit of padding: at the end for SAME_UPPER, at the beginning for SAME_LOWER.
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, Attrs({{"auto_pad", std::string("SAME_UPPER")}})),
                       F32({1, 1, 4}, {3, 5, 7, 4})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, Attrs({{"auto_pad", std::string("SAME_LOWER")}})),
                       F32({1, 1, 4}, {1, 3, 5, 7})));
  // VALID ignores the pads attribute.
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, Attrs({{"auto_pad", std::string("VALID")}, {"pads", Ints{1, 1}}})),
                       F32({1, 1, 3}, {3, 5, 7})));
  // SAME with stride 2: out = ceil(4 / 2) = 2, total pad = (2-1)*2 + 2 - 4 = 0.
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kConv, {x, w}, Attrs({{"auto_pad", std::string("SAME_UPPER")}, {"strides", Ints{2}}})),
               F32({1, 1, 2}, {3, 7})));
}

TEST(ConvRef, GroupsEachChannelItsOwnKernel) {
  // group 2, 2 input and 2 output channels: y0 = 2 * x0, y1 = x1 shifted by the 1x2 kernel [0 1].
  const Tensor x = F32({1, 2, 1, 3}, {1, 2, 3, 10, 20, 30});
  const Tensor w = F32({2, 1, 1, 2}, {2, 0, 0, 1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, Attrs({{"group", 2}})), F32({1, 2, 1, 2}, {2, 4, 20, 30})));
}

TEST(ConvRef, ThreeDimensionsAndExplicitKernelShape) {
  // 2x2x2 cube 1..8 under a 2x2x2 box kernel: 36; under the 1x1x2 kernel [1 -1]: x[..., 0] - x[..., 1] = -1.
  const Tensor x = F32({1, 1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, F32({1, 1, 2, 2, 2}, {1, 1, 1, 1, 1, 1, 1, 1})},
                              Attrs({{"kernel_shape", Ints{2, 2, 2}}})),
                       F32({1, 1, 1, 1, 1}, {36})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kConv, {x, F32({1, 1, 1, 1, 2}, {1, -1})}, {}), F32({1, 1, 2, 2, 1}, {-1, -1, -1, -1})));
}

TEST(ConvRef, HalfAndDoubleDtypes) {
  const Tensor x32 = F32({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor w32 = F32({1, 1, 2, 2}, {1, 1, 1, 1});
  const Tensor expected = F32({1, 1, 2, 2}, {8, 12, 20, 24});
  for (DType dt : {DType::kF16, DType::kF64, DType::kBF16}) {
    Tensor x(dt, x32.sizes()), w(dt, w32.sizes()), e(dt, expected.sizes());
    for (int64_t i = 0; i < x.numel(); ++i) StoreFromDouble(x.view(), i, x32.ElementAsDouble(i));
    for (int64_t i = 0; i < w.numel(); ++i) StoreFromDouble(w.view(), i, w32.ElementAsDouble(i));
    for (int64_t i = 0; i < e.numel(); ++i) StoreFromDouble(e.view(), i, expected.ElementAsDouble(i));
    EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, {}), e)) << DTypeName(dt);
  }
}

TEST(ConvRef, Errors) {
  const Tensor x = RandomTensor(DType::kF32, {1, 3, 5, 5}, 1);
  EXPECT_NE(RunError(OpKind::kConv, {x, RandomTensor(DType::kF32, {2, 2, 3, 3}, 2)}, {}).find("channels"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kConv, {x, RandomTensor(DType::kF32, {2, 3, 3, 3}, 2)},
                     Attrs({{"auto_pad", std::string("SAME")}}))
                .find("auto_pad 'SAME'"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kConv, {x, RandomTensor(DType::kF32, {2, 3, 7, 7}, 2)}, {}).find("kernel extent"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kConv, {x, RandomTensor(DType::kF32, {2, 3, 3, 3}, 2)}, Attrs({{"strides", Ints{1}}}))
                .find("strides has 1 values"),
            std::string::npos);
  EXPECT_NE(
      RunError(OpKind::kConv,
               {RandomTensor(DType::kF32, {1, 1, 2, 2, 2, 2}, 1), RandomTensor(DType::kF32, {1, 1, 1, 1, 1, 1}, 2)}, {})
          .find("4 spatial dims are not supported"),
      std::string::npos);
  EXPECT_NE(
      RunError(OpKind::kConv,
               {RandomTensor(DType::kI32, {1, 1, 3, 3}, 1, 0, 5), RandomTensor(DType::kI32, {1, 1, 1, 1}, 2, 0, 5)}, {})
          .find("dtype i32"),
      std::string::npos);
}

// ---- Conv against the direct loops ----

struct RandomConvCase {
  Ints x_sizes;
  int64_t out_channels, kh, kw;
  Conv2dParams params;
  bool bias;
};

void CheckAgainstNaive(const RandomConvCase& k, uint64_t seed) {
  const int64_t cg = k.x_sizes[1] / k.params.group;
  const Tensor x = RandomTensor(DType::kF32, k.x_sizes, seed);
  const Tensor w = RandomTensor(DType::kF32, {k.out_channels, cg, k.kh, k.kw}, seed + 1);
  const Tensor b = RandomTensor(DType::kF32, {k.out_channels}, seed + 2);
  std::vector<Tensor> inputs = {x, w};
  if (k.bias) inputs.push_back(b);
  const Tensor y = RunOne(OpKind::kConv, inputs, k.params.ToAttrs());
  EXPECT_TRUE(AllClose(y, NaiveConv2d(x, w, k.bias ? &b : nullptr, k.params), 1e-4, 1e-4))
      << "x " << SizesToString(k.x_sizes) << " group " << k.params.group;
}

TEST(ConvRef, MatchesDirectLoopsOnOddShapes) {
  Conv2dParams odd;  // 7x5 image, 3 groups, stride 2, dilation 2, asymmetric pads
  odd.group = 3;
  odd.strides = {2, 2};
  odd.dilations = {2, 2};
  odd.pads = {1, 2, 2, 0};
  CheckAgainstNaive({{2, 6, 7, 5}, 9, 3, 3, odd, true}, 10);
  Conv2dParams depthwise;  // depthwise 3x3, pads 1, 5 channels, batch 3 (parallel over image x group)
  depthwise.group = 5;
  depthwise.pads = {1, 1, 1, 1};
  CheckAgainstNaive({{3, 5, 9, 11}, 5, 3, 3, depthwise, true}, 20);
  CheckAgainstNaive({{1, 13, 17, 19}, 7, 1, 1, {}, true}, 30);  // 1x1 stride 1: no im2col
  Conv2dParams strided_1x1;
  strided_1x1.strides = {2, 3};
  CheckAgainstNaive({{1, 13, 17, 19}, 7, 1, 1, strided_1x1, false}, 40);
  Conv2dParams rect;  // a 2x5 kernel with a large K (13 * 10 = 130) and M not a multiple of 6
  rect.pads = {0, 2, 1, 2};
  CheckAgainstNaive({{2, 13, 6, 23}, 11, 2, 5, rect, false}, 50);
}

TEST(ConvRef, ResNetSized64To64Conv3x3MatchesDirectLoopsAndIsFast) {
  Conv2dParams p;
  p.pads = {1, 1, 1, 1};
  const Tensor x = RandomTensor(DType::kF32, {1, 64, 56, 56}, 7);
  const Tensor w = RandomTensor(DType::kF32, {64, 64, 3, 3}, 8);
  const Tensor b = RandomTensor(DType::kF32, {64}, 9);
  // The best of 3 runs after a warm-up (thread pool start, first touch of fresh allocations).
  Tensor y = RunOne(OpKind::kConv, {x, w, b}, p.ToAttrs());
  double ms = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    y = RunOne(OpKind::kConv, {x, w, b}, p.ToAttrs());
    ms = std::min(ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  const auto t1 = std::chrono::steady_clock::now();
  const Tensor expected = NaiveConv2d(x, w, &b, p);
  const double naive_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
  const double gflops = 2.0 * 64 * 64 * 9 * 56 * 56 / (ms * 1e6);
  std::printf("[ conv 64->64 3x3 56x56 ] reference %.2f ms (%.1f GFLOP/s, best of 3), direct loops %.1f ms\n", ms,
              gflops, naive_ms);
  ::testing::Test::RecordProperty("conv64_ms", std::to_string(ms));
  EXPECT_TRUE(AllClose(y, expected, 1e-4, 1e-4));
}

// ---- ConvTranspose, by hand ----

TEST(ConvTransposeRef, OneDimStridesPadsOutputPaddingAndOutputShape) {
  const Tensor x = F32({1, 1, 3}, {1, 2, 3});
  const Tensor w = F32({1, 1, 3}, {1, 1, 1});
  // stride 1: every x spreads over 3 outputs: [1, 1+2, 1+2+3, 2+3, 3]
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConvTranspose, {x, w}, {}), F32({1, 1, 5}, {1, 3, 6, 5, 3})));
  // stride 2: x0 covers 0..2, x1 2..4, x2 4..6
  const Attributes s2 = Attrs({{"strides", Ints{2}}});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConvTranspose, {x, w}, s2), F32({1, 1, 7}, {1, 1, 3, 2, 5, 3, 3})));
  // pads 1,1 crop one element from each end
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", Ints{2}}, {"pads", Ints{1, 1}}})),
                       F32({1, 1, 5}, {1, 3, 2, 5, 3})));
  // output_padding 1 appends one (zero) element
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", Ints{2}}, {"output_padding", Ints{1}}})),
               F32({1, 1, 8}, {1, 1, 3, 2, 5, 3, 3, 0})));
  // output_shape 8: total padding 2*2 + 3 - 8 = -1 -> pads (0, -1), same as output_padding 1
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", Ints{2}}, {"output_shape", Ints{8}}})),
                       F32({1, 1, 8}, {1, 1, 3, 2, 5, 3, 3, 0})));
  // output_shape 5: total 2 -> pads (1, 1); the pads attribute is overridden
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConvTranspose, {x, w},
                              Attrs({{"strides", Ints{2}}, {"output_shape", Ints{5}}, {"pads", Ints{0, 0}}})),
                       F32({1, 1, 5}, {1, 3, 2, 5, 3})));
}

TEST(ConvTransposeRef, AutoPadDilationGroupsAndBias) {
  const Tensor x = F32({1, 1, 3}, {1, 2, 3});
  const Tensor w = F32({1, 1, 3}, {1, 1, 1});
  // SAME, stride 2: out = 3 * 2 = 6, total padding 2*2 + 3 - 6 = 1: UPPER puts it at the end,
  // LOWER at the beginning, of the full result [1, 1, 3, 2, 5, 3, 3].
  EXPECT_TRUE(AllClose(
      RunOne(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", Ints{2}}, {"auto_pad", std::string("SAME_UPPER")}})),
      F32({1, 1, 6}, {1, 1, 3, 2, 5, 3})));
  EXPECT_TRUE(AllClose(
      RunOne(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", Ints{2}}, {"auto_pad", std::string("SAME_LOWER")}})),
      F32({1, 1, 6}, {1, 3, 2, 5, 3, 3})));
  // dilation 2, kernel [1, 1]: x0 lands on 0 and 2, x1 on 1 and 3 (x = [1, 2])
  EXPECT_TRUE(AllClose(
      RunOne(OpKind::kConvTranspose, {F32({1, 1, 2}, {1, 2}), F32({1, 1, 2}, {1, 1})}, Attrs({{"dilations", Ints{2}}})),
      F32({1, 1, 4}, {1, 2, 1, 2})));
  // group 2 with 1 output channel per group and bias [10, 20]: y0 = 10 + x0 * [1, 2], y1 = 20 + x1 * [3]
  const Tensor xg = F32({1, 2, 1}, {2, 5});
  const Tensor wg = F32({2, 1, 2}, {1, 2, 3, 0});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConvTranspose, {xg, wg, F32({2}, {10, 20})}, Attrs({{"group", 2}})),
                       F32({1, 2, 2}, {12, 14, 35, 20})));
}

TEST(ConvTransposeRef, MatchesScatterLoops) {
  struct Case {
    Ints x_sizes;
    int64_t out_per_group, kh, kw;
    Conv2dParams p;
    Ints output_padding;
  };
  Conv2dParams a;
  a.group = 3;
  a.strides = {2, 3};
  a.dilations = {2, 1};
  a.pads = {1, 0, 2, 1};
  Conv2dParams plain;
  const Case cases[] = {{{2, 6, 5, 7}, 2, 3, 2, a, {1, 2}}, {{1, 4, 6, 3}, 5, 4, 4, plain, {0, 0}}};
  uint64_t seed = 100;
  for (const Case& k : cases) {
    const Tensor x = RandomTensor(DType::kF32, k.x_sizes, seed++);
    const Tensor w = RandomTensor(DType::kF32, {k.x_sizes[1], k.out_per_group, k.kh, k.kw}, seed++);
    const Tensor b = RandomTensor(DType::kF32, {k.out_per_group * k.p.group}, seed++);
    Attributes attrs = k.p.ToAttrs();
    attrs.set("output_padding", k.output_padding);
    const Tensor y = RunOne(OpKind::kConvTranspose, {x, w, b}, attrs);
    const int64_t oh = k.p.strides[0] * (k.x_sizes[2] - 1) + k.output_padding[0] + (k.kh - 1) * k.p.dilations[0] + 1 -
                       k.p.pads[0] - k.p.pads[2];
    const int64_t ow = k.p.strides[1] * (k.x_sizes[3] - 1) + k.output_padding[1] + (k.kw - 1) * k.p.dilations[1] + 1 -
                       k.p.pads[1] - k.p.pads[3];
    EXPECT_TRUE(AllClose(y, NaiveConvTranspose2d(x, w, &b, k.p, oh, ow), 1e-4, 1e-4));
  }
}

TEST(ConvTransposeRef, Errors) {
  const Tensor x = RandomTensor(DType::kF32, {1, 3, 4, 4}, 1);
  EXPECT_NE(RunError(OpKind::kConvTranspose, {x, RandomTensor(DType::kF32, {2, 1, 3, 3}, 2)}, {}).find("channels"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kConvTranspose, {x, RandomTensor(DType::kF32, {3, 1, 3, 3}, 2)},
                     Attrs({{"output_shape", Ints{5, 5, 5}}}))
                .find("output_shape"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kConvTranspose, {x, RandomTensor(DType::kF32, {3, 1, 1, 1}, 2)},
                     Attrs({{"pads", Ints{3, 0, 3, 0}}}))
                .find("exceed"),
            std::string::npos);
}

}  // namespace
}  // namespace mrt
