// Reference BatchNormalization, InstanceNormalization and LayerNormalization on hand-computed
// cases.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attrs;
using testing::Convert;
using testing::F32;
using testing::RandomTensor;
using testing::RunAll;
using testing::RunError;
using testing::RunSingleOp;

using Ints = std::vector<int64_t>;

// ---- BatchNormalization ----

TEST(BatchNormRef, EpsilonZeroAndGiven) {
  // X [1, 2, 1, 2]: channel 0 = [1, 2], channel 1 = [3, 4].
  const Tensor x = F32({1, 2, 1, 2}, {1, 2, 3, 4});
  const Tensor scale = F32({2}, {1, 2}), bias = F32({2}, {0, 1}), mean = F32({2}, {1, 3});
  // eps 0, var [4, 1]: c0 = (x - 1) / 2 -> [0, 0.5]; c1 = (x - 3) * 2 + 1 -> [1, 3]
  EXPECT_TRUE(AllClose(
      RunAll(OpKind::kBatchNormalization, {x, scale, bias, mean, F32({2}, {4, 1})}, Attrs({{"epsilon", 0.f}}))[0],
      F32({1, 2, 1, 2}, {0, 0.5f, 1, 3})));
  // eps 5, var [4, 11]: denominators 3 and 4: c0 = (x - 1) / 3, c1 = (x - 3) / 4 * 2 + 1
  EXPECT_TRUE(AllClose(
      RunAll(OpKind::kBatchNormalization, {x, scale, bias, mean, F32({2}, {4, 11})}, Attrs({{"epsilon", 5.f}}))[0],
      F32({1, 2, 1, 2}, {0, 1.f / 3, 1, 1.5f})));
}

TEST(BatchNormRef, DefaultEpsilonIsOneEMinus5) {
  // var 0: y = (x - mean) / sqrt(1e-5) = 1 / 0.00316227766 = 316.227766
  const Tensor y = RunAll(OpKind::kBatchNormalization,
                          {F32({1, 1}, {1}), F32({1}, {1}), F32({1}, {0}), F32({1}, {0}), F32({1}, {0})})[0];
  EXPECT_TRUE(AllClose(y, F32({1, 1}, {316.227766f}), 1e-4));
}

TEST(BatchNormRef, RanksTwoToFiveAndDtypes) {
  // Rank 2 [N=3, C=2]: channels are columns. mean [1, -1], var [0, 0] eps 1 -> y = x - mean, scale 2, B 0.5
  const Tensor x2 = F32({3, 2}, {1, 2, 3, 4, 5, 6});
  const std::vector<Tensor> params = {F32({2}, {2, 2}), F32({2}, {0.5f, 0.5f}), F32({2}, {1, -1}), F32({2}, {0, 0})};
  const Attributes eps1 = Attrs({{"epsilon", 1.f}});
  const Tensor expected2 = F32({3, 2}, {0.5f, 6.5f, 4.5f, 10.5f, 8.5f, 14.5f});
  std::vector<Tensor> in = {x2};
  in.insert(in.end(), params.begin(), params.end());
  EXPECT_TRUE(AllClose(RunAll(OpKind::kBatchNormalization, in, eps1)[0], expected2));
  // Rank 5 [1, 2, 1, 1, 3] with the same per-channel affine map
  const Tensor x5 = F32({1, 2, 1, 1, 3}, {1, 2, 3, 4, 5, 6});
  in[0] = x5;
  EXPECT_TRUE(AllClose(RunAll(OpKind::kBatchNormalization, in, eps1)[0],
                       F32({1, 2, 1, 1, 3}, {0.5f, 2.5f, 4.5f, 10.5f, 12.5f, 14.5f})));
  // f16 / f64 X (parameters stay f32, as opset 15 allows)
  for (DType dt : {DType::kF16, DType::kF64, DType::kBF16}) {
    in[0] = Convert(x2, dt);
    EXPECT_TRUE(AllClose(RunAll(OpKind::kBatchNormalization, in, eps1)[0], Convert(expected2, dt))) << DTypeName(dt);
  }
}

TEST(BatchNormRef, Errors) {
  const Tensor x = RandomTensor(DType::kF32, {1, 2, 3}, 1);
  const Tensor p2 = F32({2}, {1, 1}), p3 = F32({3}, {1, 1, 1});
  EXPECT_NE(
      RunError(OpKind::kBatchNormalization, {x, p2, p2, p2, p2}, Attrs({{"training_mode", 1}})).find("training_mode=1"),
      std::string::npos);
  EXPECT_NE(RunError(OpKind::kBatchNormalization, {x, p3, p2, p2, p2}).find("scale (input 1) has 3 entries"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kBatchNormalization, {F32({2}, {1, 2}), p2, p2, p2, p2}).find("rank >= 2"),
            std::string::npos);
}

// ---- InstanceNormalization ----

TEST(InstanceNormRef, PerChannelStatistics) {
  // c0 = [1, 2, 3, 4]: mean 2.5, var 1.25; eps 0.75 -> denominator sqrt(2): (x - 2.5) / sqrt(2)
  // c1 = [2, 2, 2, 2]: var 0 -> 0 * 3 + 5 = 5
  const Tensor x = F32({1, 2, 4}, {1, 2, 3, 4, 2, 2, 2, 2});
  const Tensor y =
      RunAll(OpKind::kInstanceNormalization, {x, F32({2}, {1, 3}), F32({2}, {0, 5})}, Attrs({{"epsilon", 0.75f}}))[0];
  const float r = 1.f / std::sqrt(2.f);
  EXPECT_TRUE(AllClose(y, F32({1, 2, 4}, {-1.5f * r, -0.5f * r, 0.5f * r, 1.5f * r, 5, 5, 5, 5})));
}

TEST(InstanceNormRef, BatchesAreSeparateAndDtypes) {
  // n0 = [0, 2] -> [-1, 1] (eps ~0); n1 = [10, 30] -> [-1, 1]; scale 2, B 1 -> [-1, 3] each
  const Tensor x = F32({2, 1, 2}, {0, 2, 10, 30});
  const Attributes tiny = Attrs({{"epsilon", 1e-12f}});
  const Tensor expected = F32({2, 1, 2}, {-1, 3, -1, 3});
  for (DType dt : {DType::kF32, DType::kF16, DType::kF64})
    EXPECT_TRUE(AllClose(RunAll(OpKind::kInstanceNormalization,
                                {Convert(x, dt), Convert(F32({1}, {2}), dt), Convert(F32({1}, {1}), dt)}, tiny)[0],
                         Convert(expected, dt), 1e-3, 1e-3))
        << DTypeName(dt);
}

TEST(InstanceNormRef, Errors) {
  EXPECT_NE(RunError(OpKind::kInstanceNormalization, {F32({2, 2}, {1, 2, 3, 4}), F32({2}, {1, 1}), F32({2}, {0, 0})})
                .find("rank >= 3"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kInstanceNormalization,
                     {RandomTensor(DType::kF32, {1, 3, 4}, 1), F32({2}, {1, 1}), F32({3}, {0, 0, 0})})
                .find("scale (input 1) has 2 entries but X has 3 channels"),
            std::string::npos);
}

// ---- LayerNormalization ----

// Rows [1, 2, 3] (mean 2, var 2/3) and [2, 4, 9] (mean 5, var 26/3).
const Tensor kRows = F32({2, 3}, {1, 2, 3, 2, 4, 9});
const float kInv0 = 1.f / std::sqrt(2.f / 3.f), kInv1 = 1.f / std::sqrt(26.f / 3.f);

TEST(LayerNormRef, LastAxisWithMeanAndInvStdDev) {
  const std::vector<Tensor> out =
      RunAll(OpKind::kLayerNormalization, {kRows, F32({3}, {1, 1, 1})}, Attrs({{"epsilon", 0.f}}), 3);
  EXPECT_TRUE(AllClose(out[0], F32({2, 3}, {-kInv0, 0, kInv0, -3 * kInv1, -kInv1, 4 * kInv1})));
  EXPECT_TRUE(AllClose(out[1], F32({2, 1}, {2, 5})));
  EXPECT_TRUE(AllClose(out[2], F32({2, 1}, {kInv0, kInv1})));
}

TEST(LayerNormRef, ScaleBiasEpsilonAndAxisZero) {
  // Scale [1, 2, -1], B [0, 1, 2] on row 0: [-kInv0, 0 * 2 + 1, -kInv0 + 2]
  const Tensor y = RunAll(OpKind::kLayerNormalization, {kRows, F32({3}, {1, 2, -1}), F32({3}, {0, 1, 2})},
                          Attrs({{"epsilon", 0.f}}))[0];
  EXPECT_TRUE(AllClose(y, F32({2, 3}, {-kInv0, 1, 2 - kInv0, -3 * kInv1, 1 - 2 * kInv1, 2 - 4 * kInv1})));
  // epsilon 1/3 on row 0: inv = 1 / sqrt(2/3 + 1/3) = 1
  const Tensor y_eps =
      RunAll(OpKind::kLayerNormalization, {kRows, F32({3}, {1, 1, 1})}, Attrs({{"epsilon", 1.f / 3}}))[0];
  EXPECT_NEAR(y_eps.data<float>()[0], -1.f, 1e-6);
  // axis 0 over all six values: mean 3.5, var 41.5 / 6
  const float inv = 1.f / std::sqrt(41.5f / 6);
  const std::vector<Tensor> all = RunAll(OpKind::kLayerNormalization, {kRows, F32({2, 3}, {1, 1, 1, 1, 1, 1})},
                                         Attrs({{"axis", 0}, {"epsilon", 0.f}}), 3);
  EXPECT_TRUE(
      AllClose(all[0], F32({2, 3}, {-2.5f * inv, -1.5f * inv, -0.5f * inv, -1.5f * inv, 0.5f * inv, 5.5f * inv})));
  EXPECT_TRUE(AllClose(all[1], F32({1, 1}, {3.5f})));
}

TEST(LayerNormRef, ScaleBroadcastBeyondNormalizedDims) {
  // X [2, 1, 3], axis -1; Scale [2, 1, 1] scales batch 0 by 1 and batch 1 by 10.
  const Tensor x = F32({2, 1, 3}, {1, 2, 3, 2, 4, 9});
  const Tensor y = RunAll(OpKind::kLayerNormalization, {x, F32({2, 1, 1}, {1, 10})}, Attrs({{"epsilon", 0.f}}))[0];
  EXPECT_TRUE(AllClose(y, F32({2, 1, 3}, {-kInv0, 0, kInv0, -30 * kInv1, -10 * kInv1, 40 * kInv1}), 1e-5, 1e-5));
}

TEST(LayerNormRef, StashTypeAndInputDtypes) {
  const std::vector<Tensor> out =
      RunAll(OpKind::kLayerNormalization, {Convert(kRows, DType::kF16), Convert(F32({3}, {1, 1, 1}), DType::kF16)},
             Attrs({{"epsilon", 0.f}, {"stash_type", 11}}), 3);
  EXPECT_EQ(out[0].dtype(), DType::kF16);
  EXPECT_EQ(out[1].dtype(), DType::kF64);  // stash_type 11 = double
  EXPECT_TRUE(AllClose(out[0], Convert(F32({2, 3}, {-kInv0, 0, kInv0, -3 * kInv1, -kInv1, 4 * kInv1}), DType::kF16),
                       1e-3, 1e-3));
  EXPECT_TRUE(AllClose(out[2], Convert(F32({2, 1}, {kInv0, kInv1}), DType::kF64), 1e-6));
}

TEST(LayerNormRef, Errors) {
  EXPECT_NE(RunError(OpKind::kLayerNormalization, {kRows, F32({3}, {1, 1, 1})}, Attrs({{"axis", 2}}))
                .find("axis 2 is out of range"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kLayerNormalization, {kRows, F32({4}, {1, 1, 1, 1})}).find("cannot be broadcast"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kLayerNormalization, {kRows, F32({3}, {1, 1, 1})}, Attrs({{"stash_type", 7}}))
                .find("stash_type 7"),
            std::string::npos);
}

}  // namespace
}  // namespace mrt
