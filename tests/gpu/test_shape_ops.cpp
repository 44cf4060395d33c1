// The CUDA tactics of the data-movement ops (kernels/shape) against the CPU reference on random
// data: every tactic AppendShapeTactics offers must reproduce the reference exactly (tolerance 0),
// over odd sizes (loop tails, partial tiles, unaligned rows that defeat widening), several dtypes
// (f32, f16, i64, u8, bool) and the attribute corners of each op (negative steps and clamping,
// negative pads, negative indices, more Concat inputs than one launch takes).
#include <cstdint>
#include <limits>

#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendShapeTactics;
using testing::Attrs;
using testing::Convert;
using testing::ExpectTacticsMatchReference;
using testing::I64;
using testing::I64s;
using testing::MakeTensor;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

// Random data whose integers are spread wide enough that a misplaced element shows.
Tensor Data(DType dtype, Ints sizes, uint64_t seed) {
  const bool wide = IsInteger(dtype) && dtype != DType::kU8 && dtype != DType::kI8;
  return RandomTensor(dtype, std::move(sizes), seed, wide ? -100000.0 : (dtype == DType::kU8 ? 0.0 : -100.0),
                      wide ? 100000.0 : (dtype == DType::kU8 ? 255.0 : 100.0));
}

// Every tactic matches; returns how many ran (the names containing `filter`).
int Check(const OpUnderTest& t, const std::string& filter = "") {
  return ExpectTacticsMatchReference(t, AppendShapeTactics, 0.0, {}, filter);
}

OpUnderTest TransposeOf(DType dtype, Ints sizes, Ints perm, uint64_t seed = 1) {
  return OpUnderTest{OpKind::kTranspose, Attrs({{"perm", perm}}), {Data(dtype, sizes, seed)}};
}

TEST(ShapeCuda, TransposeNchwToNhwcUsesTheTiledKernel) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : {DType::kF32, DType::kF16, DType::kI64, DType::kU8}) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    const OpUnderTest t = TransposeOf(dt, {3, 13, 17, 19}, {0, 2, 3, 1});
    EXPECT_GE(Check(t), 3);
    EXPECT_EQ(Check(t, "tiled"), 2);
  }
  EXPECT_GE(Check(TransposeOf(DType::kF16, {1, 65, 33, 7}, {0, 2, 3, 1})), 3);
  // Even extents: f16 pairs and u8 quads move as 32-bit words (partial tiles included).
  EXPECT_GE(Check(TransposeOf(DType::kF16, {2, 66, 18, 30}, {0, 2, 3, 1})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kF16, {2, 10, 12, 34}, {0, 3, 1, 2})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kU8, {1, 36, 20, 24}, {0, 2, 3, 1})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kBool, {3, 20, 12, 68}, {0, 3, 1, 2})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kF32, {2, 3, 64, 64}, {0, 2, 3, 1})), 3);  // C = 3: an image input
}

TEST(ShapeCuda, TransposeNhwcToNchwAndOtherPermutations) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_GE(Check(TransposeOf(DType::kF32, {3, 17, 19, 13}, {0, 3, 1, 2})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kF16, {1, 7, 9, 130}, {0, 3, 1, 2})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kI64, {2, 3, 5, 7}, {3, 1, 0, 2})), 3);
  EXPECT_GE(Check(TransposeOf(DType::kF32, {65, 97}, {1, 0})), 3);
  // Keeps the innermost dim: only the strided copy (widened to 16-byte units for f32 x 8).
  EXPECT_EQ(Check(TransposeOf(DType::kF32, {3, 5, 7, 8}, {0, 2, 1, 3})), 1);
  EXPECT_EQ(Check(TransposeOf(DType::kF16, {3, 5, 7, 13}, {2, 0, 1, 3})), 1);
  // Rank 5 and rank 8, bool.
  EXPECT_GE(Check(TransposeOf(DType::kBool, {2, 3, 5, 7, 4}, {4, 2, 0, 3, 1})), 1);
  EXPECT_GE(Check(TransposeOf(DType::kF32, {2, 3, 2, 3, 2, 3, 2, 5}, {7, 1, 5, 3, 0, 2, 4, 6})), 1);
  // No perm: the dims reversed. Identity perm: a plain copy.
  EXPECT_GE(Check(OpUnderTest{OpKind::kTranspose, {}, {Data(DType::kF32, {7, 13, 33}, 3)}}), 1);
  EXPECT_EQ(Check(TransposeOf(DType::kF32, {7, 13, 33}, {0, 1, 2})), 1);
}

TEST(ShapeCuda, DepthToSpaceAndSpaceToDepth) {
  MRT_SKIP_WITHOUT_GPU();
  for (const char* mode : {"DCR", "CRD"}) {
    for (int64_t b : {2, 3}) {
      SCOPED_TRACE(std::string(mode) + " blocksize " + std::to_string(b));
      EXPECT_GE(Check(OpUnderTest{OpKind::kDepthToSpace, Attrs({{"blocksize", b}, {"mode", std::string(mode)}}),
                                  {Data(DType::kF32, {3, 5 * b * b, 7, 13}, 4)}}),
                1);
      EXPECT_GE(Check(OpUnderTest{OpKind::kDepthToSpace, Attrs({{"blocksize", b}, {"mode", std::string(mode)}}),
                                  {Data(DType::kF16, {1, 2 * b * b, 33, 17}, 5)}}),
                1);
    }
  }
  EXPECT_GE(Check(OpUnderTest{OpKind::kSpaceToDepth, Attrs({{"blocksize", int64_t{2}}}),
                              {Data(DType::kF32, {3, 5, 14, 26}, 6)}}),
            1);
  EXPECT_GE(Check(OpUnderTest{OpKind::kSpaceToDepth, Attrs({{"blocksize", int64_t{3}}}),
                              {Data(DType::kI64, {1, 2, 9, 33}, 7)}}),
            1);
}

OpUnderTest SliceOf(Tensor x, Ints starts, Ints ends, Ints axes, Ints steps) {
  return OpUnderTest{OpKind::kSlice, {}, {std::move(x), I64s(starts), I64s(ends), I64s(axes), I64s(steps)},
                     {false, true, true, true, true}};
}

TEST(ShapeCuda, SliceStepsClampingAndNegativeSteps) {
  MRT_SKIP_WITHOUT_GPU();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(Check(SliceOf(Data(DType::kF32, {3, 17, 19}, 8), {1, -3}, {100, 2}, {1, 2}, {2, -1})), 1);
  EXPECT_EQ(Check(SliceOf(Data(DType::kI64, {5, 13}, 9), {-1, 0}, {kMin, kMax}, {0, -1}, {-2, 3})), 1);
  EXPECT_EQ(Check(SliceOf(Data(DType::kF16, {3, 7, 64}, 10), {2, 16}, {7, 48}, {1, 2}, {1, 1})), 1);  // widened
  EXPECT_EQ(Check(SliceOf(Data(DType::kU8, {4, 33, 65}, 11), {1, 0, 5}, {3, 33, 64}, {0, 1, 2}, {1, 1, 1})), 1);
  EXPECT_EQ(Check(SliceOf(Data(DType::kBool, {6, 9}, 12), {-1}, {kMin}, {1}, {-1})), 1);
  // Slice without axes and steps (opset-10 form): starts/ends over the leading axes.
  EXPECT_EQ(Check(OpUnderTest{OpKind::kSlice, {}, {Data(DType::kF32, {9, 13}, 13), I64s({2}), I64s({-2})},
                              {false, true, true}}),
            1);
}

TEST(ShapeCuda, GatherAnyAxisNegativeIndicesAndIndexDtypes) {
  MRT_SKIP_WITHOUT_GPU();
  const Tensor idx = I64(Ints{2, 3}, Ints{0, -1, 4, 2, -5, 3});
  // Embedding-like: axis 0, indices as an activation.
  EXPECT_EQ(Check(OpUnderTest{OpKind::kGather, Attrs({{"axis", int64_t{0}}}), {Data(DType::kF32, {5, 64}, 14), idx}}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kGather, Attrs({{"axis", int64_t{1}}}),
                              {Data(DType::kF16, {3, 7, 13}, 15), idx}, {false, true}}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kGather, Attrs({{"axis", int64_t{-1}}}),
                              {Data(DType::kI64, {3, 2, 5}, 16), Convert(idx, DType::kI32)}}),
            1);
  // A scalar index drops the axis.
  EXPECT_EQ(Check(OpUnderTest{OpKind::kGather, Attrs({{"axis", int64_t{1}}}),
                              {Data(DType::kU8, {3, 17, 33}, 17), I64(Ints{}, Ints{-3})}, {false, true}}),
            1);
}

OpUnderTest PadOf(Tensor x, const std::string& mode, Ints pads, Tensor value = {}, Tensor axes = {}) {
  return OpUnderTest{OpKind::kPad, Attrs({{"mode", mode}}), {std::move(x), I64s(pads), std::move(value), std::move(axes)},
                     {false, true, true, true}};
}

TEST(ShapeCuda, PadModesAndNegativePads) {
  MRT_SKIP_WITHOUT_GPU();
  const Ints pads = {0, 0, 2, 1, 0, 0, 3, 2};  // NCHW: H by 2/3, W by 1/2
  for (const char* mode : {"constant", "edge", "reflect", "wrap"}) {
    SCOPED_TRACE(mode);
    EXPECT_EQ(Check(PadOf(Data(DType::kF32, {2, 3, 7, 13}, 18), mode, pads)), 1);
    EXPECT_EQ(Check(PadOf(Data(DType::kF16, {1, 5, 17, 19}, 19), mode, {0, 1, 3, 2, 0, 2, 1, 4})), 1);
    EXPECT_EQ(Check(PadOf(Data(DType::kI64, {3, 5, 6}, 20), mode, {1, -2, 2, 0, 1, -1})), 1);  // crops too
  }
  // A constant value, and the opset-18 axes input.
  EXPECT_EQ(Check(PadOf(Data(DType::kF32, {3, 7, 13}, 21), "constant", {1, 2, 3, 4}, MakeTensor(DType::kF32, {}, {2.5}),
                        I64s({-1, 0}))),
            1);
  EXPECT_EQ(Check(PadOf(Data(DType::kU8, {3, 8, 16}, 22), "constant", {0, 0, 0, 2, 0, 0}, MakeTensor(DType::kU8, {}, {7}))),
            1);
}

TEST(ShapeCuda, ConcatAndSplit) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_EQ(Check(OpUnderTest{OpKind::kConcat, Attrs({{"axis", int64_t{1}}}),
                              {Data(DType::kF32, {3, 5, 7}, 23), Data(DType::kF32, {3, 1, 7}, 24),
                               Data(DType::kF32, {3, 13, 7}, 25)}}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kConcat, Attrs({{"axis", int64_t{-1}}}),
                              {Data(DType::kF16, {2, 3, 8}, 26), Data(DType::kF16, {2, 3, 16}, 27)}}),
            1);
  // 40 inputs (two launches), bool.
  std::vector<Tensor> many;
  for (int i = 0; i < 40; ++i) many.push_back(Data(DType::kBool, {2, 1 + i % 3, 5}, 100 + i));
  EXPECT_EQ(Check(OpUnderTest{OpKind::kConcat, Attrs({{"axis", int64_t{1}}}), many}), 1);
  // Split with sizes, and the even split into num_outputs.
  EXPECT_EQ(Check(OpUnderTest{OpKind::kSplit, Attrs({{"axis", int64_t{1}}}),
                              {Data(DType::kI64, {3, 13, 5}, 28), I64s({2, 5, 6})}, {false, true}, 3}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kSplit, Attrs({{"axis", int64_t{-1}}, {"num_outputs", int64_t{4}}}),
                              {Data(DType::kF32, {3, 7, 32}, 29)}, {}, 4}),
            1);
}

TEST(ShapeCuda, ExpandAndTile) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_EQ(Check(OpUnderTest{OpKind::kExpand, {}, {Data(DType::kF32, {3, 1, 5}, 30), I64s({2, 3, 7, 5})}, {false, true}}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kExpand, {}, {Data(DType::kF16, {1, 13, 1}, 31), I64s({3, 1, 1, 64})},
                              {false, true}}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kTile, {}, {Data(DType::kF32, {3, 5, 7}, 32), I64s({2, 1, 3})}, {false, true}}),
            1);
  EXPECT_EQ(Check(OpUnderTest{OpKind::kTile, {}, {Data(DType::kI64, {2, 8}, 33), I64s({3, 4})}, {false, true}}), 1);
}

TEST(ShapeCuda, OffersNothingWhenGeometryIsNotConstant) {
  MRT_SKIP_WITHOUT_GPU();
  // A Pad whose constant_value is an activation (its pads are constant, so the shape is static).
  const OpUnderTest t{OpKind::kPad, Attrs({{"mode", std::string("constant")}}),
                      {Data(DType::kF32, {3, 5}, 34), I64s({1, 1, 1, 1}), MakeTensor(DType::kF32, {}, {1.0})},
                      {false, true, false}};
  EXPECT_TRUE(testing::RunProviderTactics(t, AppendShapeTactics).empty());
}

}  // namespace
}  // namespace mrt
