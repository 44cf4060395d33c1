// The CUDA normalization tactics (kernels/norm) against the CPU reference on random data:
// LayerNormalization over one or several trailing dims, with and without B, rows from 1 to 4097
// elements (warp kernel up to 1024, block kernel always; vectorized and scalar rows) and data
// whose mean is far from 0 (where sum-of-squares variance would cancel); InstanceNormalization
// over small and large planes; BatchNormalization in inference mode with f32 and f16
// parameters; and the nodes left to the CPU fallback (LayerNorm's Mean / InvStdDev outputs,
// broadcast Scale). Tolerances (largest abs error / largest |ref|): f32 1e-5 (1e-4 for rows of
// >= 1000 elements), f16 1e-2.
#include <string>

#include "ir/op_table.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendNormTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

constexpr DType kFloats[] = {DType::kF32, DType::kF16};

double Tol(DType dt, int64_t row) { return dt == DType::kF16 ? 1e-2 : (row >= 1000 ? 1e-4 : 1e-5); }

// LayerNorm of x [sizes] over dims [axis, rank), Scale (and B) shaped like those dims, as weights.
// x = offset + U(-1, 1).
OpUnderTest LayerNormOf(DType dt, Ints sizes, int64_t axis, bool with_bias, double offset = 0.0) {
  const size_t first = static_cast<size_t>(axis < 0 ? axis + static_cast<int64_t>(sizes.size()) : axis);
  const Ints normalized(sizes.begin() + static_cast<std::ptrdiff_t>(first), sizes.end());
  OpUnderTest t{OpKind::kLayerNormalization, Attrs({{"axis", axis}, {"epsilon", 1e-5f}}),
                {RandomTensor(dt, sizes, 1, offset - 1.0, offset + 1.0), RandomTensor(dt, normalized, 2, 0.5, 1.5)},
                {false, true}};
  if (with_bias) {
    t.inputs.push_back(RandomTensor(dt, normalized, 3));
    t.is_weight.push_back(true);
  }
  return t;
}

int64_t RowLength(const Ints& sizes, int64_t axis) {
  int64_t n = 1;
  for (size_t d = static_cast<size_t>(axis < 0 ? axis + static_cast<int64_t>(sizes.size()) : axis); d < sizes.size();
       ++d)
    n *= sizes[d];
  return n;
}

int CheckLayerNorm(DType dt, Ints sizes, int64_t axis, bool with_bias, double offset = 0.0,
                   const std::string& filter = "") {
  return ExpectTacticsMatchReference(LayerNormOf(dt, sizes, axis, with_bias, offset), AppendNormTactics,
                                     Tol(dt, RowLength(sizes, axis)), {}, filter);
}

TEST(NormCuda, LayerNormRows) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    for (bool bias : {true, false}) {
      SCOPED_TRACE(std::string(DTypeName(dt)) + (bias ? " with B" : " without B"));
      EXPECT_EQ(CheckLayerNorm(dt, {3, 13, 33}, -1, bias), 2);  // scalar rows
      EXPECT_EQ(CheckLayerNorm(dt, {7, 64}, -1, bias), 2);      // vectorized
      EXPECT_EQ(CheckLayerNorm(dt, {5, 1000}, 1, bias), 2);
      EXPECT_EQ(CheckLayerNorm(dt, {2, 1024}, -1, bias), 2);    // the warp kernel's longest row
      EXPECT_EQ(CheckLayerNorm(dt, {3, 1025}, -1, bias), 1);    // block only
      EXPECT_EQ(CheckLayerNorm(dt, {2, 4097}, -1, bias), 1);
      EXPECT_EQ(CheckLayerNorm(dt, {3, 13, 33}, 1, bias), 2);   // two normalized dims (429)
      EXPECT_EQ(CheckLayerNorm(dt, {13, 1}, -1, bias), 2);      // rows of one element
    }
  }
}

TEST(NormCuda, LayerNormMeanFarFromZero) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_EQ(CheckLayerNorm(DType::kF32, {7, 768}, -1, true, 100.0), 2);
  EXPECT_EQ(CheckLayerNorm(DType::kF32, {3, 5000}, -1, true, 100.0), 1);
  EXPECT_EQ(CheckLayerNorm(DType::kF16, {7, 768}, -1, true, 20.0), 2);
}

TEST(NormCuda, LayerNormLeavesStatisticsOutputsAndBroadcastScaleToTheFallback) {
  MRT_SKIP_WITHOUT_GPU();
  OpUnderTest stats = LayerNormOf(DType::kF32, {3, 8}, -1, true);
  stats.num_outputs = 3;
  EXPECT_TRUE(testing::RunProviderTactics(stats, AppendNormTactics).empty());
  OpUnderTest broadcast = LayerNormOf(DType::kF32, {3, 4, 8}, 1, true);
  broadcast.inputs[1] = RandomTensor(DType::kF32, {8}, 2);  // Scale [8] over normalized [4, 8]
  EXPECT_TRUE(testing::RunProviderTactics(broadcast, AppendNormTactics).empty());
}

OpUnderTest InstanceNormOf(DType dt, Ints sizes) {
  const Ints channels = {sizes[1]};
  return OpUnderTest{OpKind::kInstanceNormalization, Attrs({{"epsilon", 1e-5f}}),
                     {RandomTensor(dt, sizes, 1, -1.0, 3.0), RandomTensor(dt, channels, 2, 0.5, 1.5),
                      RandomTensor(dt, channels, 3)},
                     {false, true, true}};
}

TEST(NormCuda, InstanceNormPlanes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    auto check = [&](Ints sizes) {
      const int64_t plane = Numel(sizes) / (sizes[0] * sizes[1]);
      return ExpectTacticsMatchReference(InstanceNormOf(dt, sizes), AppendNormTactics, Tol(dt, plane));
    };
    EXPECT_EQ(check({3, 13, 17, 19}), 2);  // 323-element planes
    EXPECT_EQ(check({2, 5, 31}), 2);       // rank 3
    EXPECT_EQ(check({1, 7, 16, 16}), 2);   // vectorized
    EXPECT_EQ(check({1, 7, 65, 65}), 1);   // 4225-element planes: block only
  }
}

OpUnderTest BatchNormOf(DType dt, DType param, Ints sizes) {
  const Ints channels = {sizes[1]};
  return OpUnderTest{OpKind::kBatchNormalization, Attrs({{"epsilon", 1e-3f}}),
                     {RandomTensor(dt, sizes, 1, -2.0, 2.0), RandomTensor(param, channels, 2, 0.5, 1.5),
                      RandomTensor(param, channels, 3), RandomTensor(param, channels, 4),
                      RandomTensor(param, channels, 5, 0.2, 2.0)},
                     {false, true, true, true, true}};
}

TEST(NormCuda, BatchNormInference) {
  MRT_SKIP_WITHOUT_GPU();
  const std::pair<DType, DType> types[] = {
      {DType::kF32, DType::kF32}, {DType::kF16, DType::kF16}, {DType::kF16, DType::kF32}};
  for (const auto& [dt, param] : types) {
    SCOPED_TRACE(std::string(DTypeName(dt)) + " params " + std::string(DTypeName(param)));
    const double tol = dt == DType::kF16 ? 1e-2 : 1e-5;
    for (const Ints& sizes : {Ints{3, 13, 17, 19}, Ints{2, 64, 8, 8}, Ints{5, 7}, Ints{2, 3, 5}, Ints{1, 33, 4, 2, 3}})
      EXPECT_EQ(ExpectTacticsMatchReference(BatchNormOf(dt, param, sizes), AppendNormTactics, tol), 1);
  }
  EXPECT_TRUE(
      testing::RunProviderTactics(BatchNormOf(DType::kF32, DType::kF16, {1, 3, 4, 4}), AppendNormTactics).empty());
}

// Every tactic's time on model shapes, printed to the test log (gpu_timing_support.h).
TEST(NormCuda, TimingsOnModelShapes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    const testing::LabelledOps cases = {
        {"layernorm vit-b 197x768", LayerNormOf(dt, {1, 197, 768}, -1, true)},
        {"layernorm bert 4096x768", LayerNormOf(dt, {8, 512, 768}, -1, true)},
        {"layernorm 256x4096", LayerNormOf(dt, {256, 4096}, -1, true)},
        {"instancenorm 1x64x128x128", InstanceNormOf(dt, {1, 64, 128, 128})},
        {"batchnorm 1x64x112x112", BatchNormOf(dt, dt, {1, 64, 112, 112})},
    };
    testing::ReportTacticTimingsOfOps(cases, AppendNormTactics, DTypeName(dt));
  }
}

}  // namespace
}  // namespace mrt
