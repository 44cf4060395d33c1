// Reference kernels that move elements: Transpose, Concat, Split, Slice, Expand, Tile, Gather,
// Pad, DepthToSpace, SpaceToDepth. Inputs are mostly 0, 1, 2, ... so an output lists which input
// element landed where; expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "kernels/shape/index_copy.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attr;
using testing::ExpectError;
using testing::F32;
using testing::I64;
using testing::I64s;
using testing::Iota;
using testing::RunSingleOp;
using Ints = std::vector<int64_t>;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// Sizes and elements (as int64) of a result, for compact comparisons.
void ExpectInts(const Tensor& t, const Ints& sizes, const Ints& values) {
  EXPECT_EQ(t.sizes(), sizes);
  EXPECT_EQ(t.ToInt64Vector(), values);
}

TEST(IndexCopy, FillsAndOddElementSizes) {
  // 3-byte elements go through the generic path; kFill entries read the fill element.
  const uint8_t in[] = {1, 2, 3, 4, 5, 6};
  const uint8_t fill[] = {9, 9, 9};
  uint8_t out[9] = {};
  IndexCopy(in, out, 3, {AxisTable{1, kFill, 0}}, fill);
  EXPECT_EQ(std::vector<uint8_t>(out, out + 9), (std::vector<uint8_t>{4, 5, 6, 9, 9, 9, 1, 2, 3}));
}

TEST(TransposeRef, DefaultReversesDims) {
  MRT_RUN_OK(out, OpKind::kTranspose, {Iota(DType::kI64, {2, 3})}, {});
  ExpectInts(out[0], {3, 2}, {0, 3, 1, 4, 2, 5});
}

TEST(TransposeRef, PermutationOfThreeDims) {
  // out[i, j, k] = in[k, i, j] for perm (1, 2, 0); in[a, b, c] = 12a + 4b + c.
  const Tensor x = Iota(DType::kF16, {2, 3, 4});
  MRT_RUN_OK(out, OpKind::kTranspose, {x}, Attr("perm", Ints{1, 2, 0}));
  ASSERT_EQ(out[0].sizes(), (Ints{3, 4, 2}));
  EXPECT_EQ(out[0].dtype(), DType::kF16);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t k = 0; k < 2; ++k)
        EXPECT_EQ(out[0].ElementAsDouble(i * 8 + j * 2 + k), 12 * k + 4 * i + j) << i << j << k;
}

TEST(TransposeRef, BoolAndErrors) {
  const Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {2, 2}, {1, 1, 0, 0});
  MRT_RUN_OK(out, OpKind::kTranspose, {b}, Attr("perm", Ints{1, 0}));
  ExpectInts(out[0], {2, 2}, {1, 0, 1, 0});
  ExpectError(OpKind::kTranspose, {b}, Attr("perm", Ints{0, 0}), "twice");
  ExpectError(OpKind::kTranspose, {b}, Attr("perm", Ints{0, 1, 2}), "3 entries");
}

TEST(ConcatRef, AlongEachAxis) {
  const Tensor a = I64({2, 1}, {1, 2});
  const Tensor b = I64({2, 2}, {3, 4, 5, 6});
  MRT_RUN_OK(cols, OpKind::kConcat, {a, b}, Attr("axis", int64_t{1}));
  ExpectInts(cols[0], {2, 3}, {1, 3, 4, 2, 5, 6});
  MRT_RUN_OK(neg, OpKind::kConcat, {b, a, b}, Attr("axis", int64_t{-1}));
  ExpectInts(neg[0], {2, 5}, {3, 4, 1, 3, 4, 5, 6, 2, 5, 6});
  const Tensor empty(DType::kI64, {0, 2});
  MRT_RUN_OK(rows, OpKind::kConcat, {b, empty, b}, Attr("axis", int64_t{0}));
  ExpectInts(rows[0], {4, 2}, {3, 4, 5, 6, 3, 4, 5, 6});
}

TEST(ConcatRef, Errors) {
  const Tensor a = I64({2, 1}, {1, 2});
  ExpectError(OpKind::kConcat, {a, I64({3, 1}, {0, 0, 0})}, Attr("axis", int64_t{1}), "dim 0 is 2");
  ExpectError(OpKind::kConcat, {a, F32({2, 1}, {0, 0})}, Attr("axis", int64_t{1}), "input 1 is f32");
  ExpectError(OpKind::kConcat, {a, a}, {}, "axis attribute is required");
  ExpectError(OpKind::kConcat, {a, a}, Attr("axis", int64_t{2}), "out of range");
}

TEST(SplitRef, EvenAndGivenSizes) {
  const Tensor x = Iota(DType::kI64, {6});
  MRT_RUN_OK(even, OpKind::kSplit, {x}, {}, 3);
  ExpectInts(even[0], {2}, {0, 1});
  ExpectInts(even[2], {2}, {4, 5});
  MRT_RUN_OK(given, OpKind::kSplit, {x, I64s({2, 4})}, {}, 2);
  ExpectInts(given[0], {2}, {0, 1});
  ExpectInts(given[1], {4}, {2, 3, 4, 5});
  // 2-D, axis 1: rows [0..5] and [6..11] cut at column 1.
  MRT_RUN_OK(cols, OpKind::kSplit, {Iota(DType::kI64, {2, 6}), I64s({1, 5})}, Attr("axis", int64_t{1}), 2);
  ExpectInts(cols[0], {2, 1}, {0, 6});
  ExpectInts(cols[1], {2, 5}, {1, 2, 3, 4, 5, 7, 8, 9, 10, 11});
}

TEST(SplitRef, UnevenNumOutputsMakesTheLastSmaller) {
  // 7 into 3: chunks of ceil(7 / 3) = 3, the last gets 1.
  MRT_RUN_OK(out, OpKind::kSplit, {Iota(DType::kI64, {7})}, Attr("num_outputs", int64_t{3}), 3);
  ExpectInts(out[0], {3}, {0, 1, 2});
  ExpectInts(out[1], {3}, {3, 4, 5});
  ExpectInts(out[2], {1}, {6});
  ExpectError(OpKind::kSplit, {Iota(DType::kI64, {5})}, {}, "cannot be split", 4);  // 2, 2, 2, -1
  ExpectError(OpKind::kSplit, {Iota(DType::kI64, {6}), I64s({2, 2})}, {}, "sums to 4", 2);
  ExpectError(OpKind::kSplit, {Iota(DType::kI64, {6})}, Attr("num_outputs", int64_t{2}), "num_outputs is 2", 3);
}

TEST(SliceRef, StartsEndsAxesSteps) {
  const Tensor x = Iota(DType::kI64, {3, 4});  // rows [0..3], [4..7], [8..11]
  MRT_RUN_OK(a, OpKind::kSlice, {x, I64s({1, 1}), I64s({3, 3})}, {});
  ExpectInts(a[0], {2, 2}, {5, 6, 9, 10});
  MRT_RUN_OK(b, OpKind::kSlice, {x, I64s({0}), I64s({kMax}), I64s({-1}), I64s({2})}, {});  // columns 0, 2
  ExpectInts(b[0], {3, 2}, {0, 2, 4, 6, 8, 10});
  MRT_RUN_OK(c, OpKind::kSlice, {x, I64s({-1, 1000}), I64s({kMin, -1000}), I64s({0, 1}), I64s({-1, -3})}, {});
  // rows 2, 1, 0 (from the last, to before the start); columns 3, 0 (1000 clamps to 3, step -3).
  ExpectInts(c[0], {3, 2}, {11, 8, 7, 4, 3, 0});
}

TEST(SliceRef, ClampingAndEmptyResults) {
  const Tensor x = Iota(DType::kF32, {10});
  MRT_RUN_OK(neg, OpKind::kSlice, {x, I64s({-1}), I64s({kMin}), I64s({0}), I64s({-2})}, {});
  EXPECT_TRUE(AllClose(neg[0], F32({5}, {9, 7, 5, 3, 1})));
  MRT_RUN_OK(past, OpKind::kSlice, {x, I64s({1000}), I64s({1000})}, {});
  EXPECT_EQ(past[0].sizes(), (Ints{0}));
  MRT_RUN_OK(backwards, OpKind::kSlice, {x, I64s({5}), I64s({2})}, {});  // step 1, end before start
  EXPECT_EQ(backwards[0].sizes(), (Ints{0}));
  MRT_RUN_OK(mid, OpKind::kSlice, {x, I64s({-3}), I64s({-1})}, {});
  EXPECT_TRUE(AllClose(mid[0], F32({2}, {7, 8})));
}

TEST(SliceRef, Errors) {
  const Tensor x = Iota(DType::kF32, {4, 4});
  ExpectError(OpKind::kSlice, {x, I64s({0}), I64s({2}), I64s({0}), I64s({0})}, {}, "non-zero");
  ExpectError(OpKind::kSlice, {x, I64s({0, 0}), I64s({2, 2}), I64s({1, -1})}, {}, "twice");
  ExpectError(OpKind::kSlice, {x, I64s({0}), I64s({2, 2})}, {}, "ends has 2");
  ExpectError(OpKind::kSlice, {x, I64s({0}), I64s({2}), I64s({2})}, {}, "out of range");
}

TEST(ExpandRef, BroadcastsBothWays) {
  // [3, 1] to [2, 1, 6]: each row value repeats 6 times, the whole block twice.
  MRT_RUN_OK(a, OpKind::kExpand, {I64({3, 1}, {1, 2, 3}), I64s({2, 1, 6})}, {});
  ASSERT_EQ(a[0].sizes(), (Ints{2, 3, 6}));
  for (int64_t i = 0; i < 36; ++i) EXPECT_EQ(a[0].ToInt64Vector()[i], i % 18 / 6 + 1) << i;
  // A target dim of 1 keeps the input's larger dim: [3] with [2, 1] gives [2, 3].
  MRT_RUN_OK(b, OpKind::kExpand, {I64s({7, 8, 9}), I64s({2, 1})}, {});
  ExpectInts(b[0], {2, 3}, {7, 8, 9, 7, 8, 9});
  ExpectError(OpKind::kExpand, {I64s({1, 2, 3}), I64s({2})}, {}, "cannot be broadcast");
}

TEST(TileRef, RepeatsEachAxis) {
  MRT_RUN_OK(a, OpKind::kTile, {I64({2, 2}, {0, 1, 2, 3}), I64s({2, 2})}, {});
  ExpectInts(a[0], {4, 4}, {0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3});
  MRT_RUN_OK(b, OpKind::kTile, {I64({1, 3}, {4, 5, 6}), I64s({2, 1})}, {});
  ExpectInts(b[0], {2, 3}, {4, 5, 6, 4, 5, 6});
  MRT_RUN_OK(zero, OpKind::kTile, {I64({1, 3}, {4, 5, 6}), I64s({0, 1})}, {});
  EXPECT_EQ(zero[0].sizes(), (Ints{0, 3}));
  ExpectError(OpKind::kTile, {I64({1, 3}, {4, 5, 6}), I64s({2})}, {}, "1 entries");
  ExpectError(OpKind::kTile, {I64({1, 3}, {4, 5, 6}), I64s({1, -1})}, {}, "negative");
}

TEST(GatherRef, AxesAndIndexShapes) {
  const Tensor x = Iota(DType::kF32, {3, 3});  // rows [0 1 2], [3 4 5], [6 7 8]
  MRT_RUN_OK(rows, OpKind::kGather, {x, I64s({2, 0})}, {});
  EXPECT_TRUE(AllClose(rows[0], F32({2, 3}, {6, 7, 8, 0, 1, 2})));
  MRT_RUN_OK(cols, OpKind::kGather, {x, I64({1, 2}, {0, 2})}, Attr("axis", int64_t{1}));  // out [3, 1, 2]
  EXPECT_TRUE(AllClose(cols[0], F32({3, 1, 2}, {0, 2, 3, 5, 6, 8})));
  const Tensor i32 = Tensor::FromVector<int32_t>(DType::kI32, {2}, {-1, -3});  // negative: from the end
  MRT_RUN_OK(neg, OpKind::kGather, {x, i32}, Attr("axis", int64_t{-1}));
  EXPECT_TRUE(AllClose(neg[0], F32({3, 2}, {2, 0, 5, 3, 8, 6})));
  MRT_RUN_OK(scalar, OpKind::kGather, {x, I64({}, {1})}, {});  // a scalar index drops the axis
  EXPECT_TRUE(AllClose(scalar[0], F32({3}, {3, 4, 5})));
}

TEST(GatherRef, Errors) {
  const Tensor x = Iota(DType::kF32, {3, 3});
  ExpectError(OpKind::kGather, {x, I64s({3})}, {}, "index 3 is out of range");
  ExpectError(OpKind::kGather, {x, I64s({-4})}, {}, "index -4 is out of range");
  ExpectError(OpKind::kGather, {x, F32({1}, {0})}, {}, "indices must be i32 or i64");
}

TEST(PadRef, EveryMode) {
  const Tensor x = I64s({1, 2, 3});
  Attributes a;
  a.set("mode", std::string("reflect"));
  MRT_RUN_OK(reflect, OpKind::kPad, {x, I64s({2, 2})}, a);
  ExpectInts(reflect[0], {7}, {3, 2, 1, 2, 3, 2, 1});
  MRT_RUN_OK(far, OpKind::kPad, {x, I64s({4, 0})}, a);  // reflects again past the edge, like numpy
  ExpectInts(far[0], {7}, {1, 2, 3, 2, 1, 2, 3});
  a.set("mode", std::string("edge"));
  MRT_RUN_OK(edge, OpKind::kPad, {x, I64s({2, 2})}, a);
  ExpectInts(edge[0], {7}, {1, 1, 1, 2, 3, 3, 3});
  a.set("mode", std::string("wrap"));
  MRT_RUN_OK(wrap, OpKind::kPad, {x, I64s({2, 2})}, a);
  ExpectInts(wrap[0], {7}, {2, 3, 1, 2, 3, 1, 2});
  MRT_RUN_OK(zero, OpKind::kPad, {x, I64s({1, 0})}, {});  // constant mode, absent value: 0
  ExpectInts(zero[0], {4}, {0, 1, 2, 3});
}

TEST(PadRef, ConstantValueAxesAndCropping) {
  // [2, 2] padded 1 row above and 1 column after: pads [x1_begin, x2_begin, x1_end, x2_end].
  MRT_RUN_OK(a, OpKind::kPad, {F32({2, 2}, {1, 2, 3, 4}), I64s({1, 0, 0, 1}), Tensor::Scalar(1.5f)}, {});
  EXPECT_TRUE(AllClose(a[0], F32({3, 3}, {1.5, 1.5, 1.5, 1, 2, 1.5, 3, 4, 1.5})));
  // axes [-1] pads only the last axis.
  MRT_RUN_OK(b, OpKind::kPad, {F32({2, 1}, {1, 2}), I64s({0, 2}), Tensor::Scalar(7.f), I64s({-1})}, {});
  EXPECT_TRUE(AllClose(b[0], F32({2, 3}, {1, 7, 7, 2, 7, 7})));
  MRT_RUN_OK(crop, OpKind::kPad, {I64s({1, 2, 3, 4, 5}), I64s({-1, -2})}, {});
  ExpectInts(crop[0], {2}, {2, 3});
  const int64_t big = (int64_t{1} << 53) + 1;  // the constant is copied bytewise, exactly
  MRT_RUN_OK(exact, OpKind::kPad, {I64s({1}), I64s({0, 1}), I64({}, {big})}, {});
  ExpectInts(exact[0], {2}, {1, big});
}

TEST(PadRef, Errors) {
  ExpectError(OpKind::kPad, {I64s({1, 2}), I64s({1, 1})}, Attr("mode", std::string("mirror")), "mode 'mirror'");
  ExpectError(OpKind::kPad, {I64s({1, 2}), I64s({1})}, {}, "pads has 1 values");
  ExpectError(OpKind::kPad, {I64s({1, 2}), I64s({-2, -1})}, {}, "below zero");
  ExpectError(OpKind::kPad, {Tensor(DType::kI64, {0}), I64s({1, 0})}, Attr("mode", std::string("edge")), "empty axis");
  ExpectError(OpKind::kPad, {I64s({1, 2}), I64s({1, 0}), Tensor::Scalar(1.f)}, {}, "constant_value is f32");
}

TEST(DepthToSpaceRef, DcrAndCrd) {
  // x [1, 4, 1, 2]: channel k holds [2k, 2k+1]. DCR: out[h*2+i, w*2+j] = channel i*2+j at (h, w).
  const Tensor x = Iota(DType::kI64, {1, 4, 1, 2});
  MRT_RUN_OK(dcr, OpKind::kDepthToSpace, {x}, Attr("blocksize", int64_t{2}));
  ExpectInts(dcr[0], {1, 1, 2, 4}, {0, 2, 1, 3, 4, 6, 5, 7});
  // x [1, 8, 1, 1] = 0..7 with 2 output channels. DCR: channel c, block (i, j) reads i*4 + j*2 + c;
  // CRD reads c*4 + i*2 + j.
  const Tensor y = Iota(DType::kI64, {1, 8, 1, 1});
  MRT_RUN_OK(dcr2, OpKind::kDepthToSpace, {y}, Attr("blocksize", int64_t{2}));
  ExpectInts(dcr2[0], {1, 2, 2, 2}, {0, 2, 4, 6, 1, 3, 5, 7});
  Attributes crd = Attr("blocksize", int64_t{2});
  crd.set("mode", std::string("CRD"));
  MRT_RUN_OK(crd2, OpKind::kDepthToSpace, {y}, crd);
  ExpectInts(crd2[0], {1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
}

TEST(SpaceToDepthRef, InvertsDepthToSpaceDcr) {
  MRT_RUN_OK(s2d, OpKind::kSpaceToDepth, {I64({1, 1, 2, 4}, {0, 2, 1, 3, 4, 6, 5, 7})}, Attr("blocksize", int64_t{2}));
  ExpectInts(s2d[0], {1, 4, 1, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  const Tensor x = testing::RandomTensor(DType::kF32, {2, 3, 6, 9}, 7);
  MRT_RUN_OK(down, OpKind::kSpaceToDepth, {x}, Attr("blocksize", int64_t{3}));
  EXPECT_EQ(down[0].sizes(), (Ints{2, 27, 2, 3}));
  MRT_RUN_OK(up, OpKind::kDepthToSpace, {down[0]}, Attr("blocksize", int64_t{3}));
  EXPECT_TRUE(AllClose(up[0], x, 0, 0));
}

TEST(DepthToSpaceRef, Errors) {
  const Tensor x = Iota(DType::kF32, {1, 6, 2, 2});
  ExpectError(OpKind::kDepthToSpace, {x}, Attr("blocksize", int64_t{2}), "not a multiple of 4");
  ExpectError(OpKind::kDepthToSpace, {x}, {}, "blocksize attribute is required");
  ExpectError(OpKind::kDepthToSpace, {Iota(DType::kF32, {4, 2, 2})}, Attr("blocksize", int64_t{2}), "4-D");
  ExpectError(OpKind::kSpaceToDepth, {Iota(DType::kF32, {1, 1, 3, 4})}, Attr("blocksize", int64_t{2}),
              "height 3 is not a multiple of 2");
}

}  // namespace
}  // namespace mrt
