// Reference MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool on hand-computed cases.
#include <gtest/gtest.h>

#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attrs;
using testing::Convert;
using testing::F32;
using testing::I64;
using testing::RandomTensor;
using testing::RunSingleOp;

using Ints = std::vector<int64_t>;

std::vector<Tensor> RunOp(OpKind op, const Tensor& x, const Attributes& attrs, int num_outputs = 1) {
  auto r = RunSingleOp(op, {x}, attrs, num_outputs);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : std::vector<Tensor>(static_cast<size_t>(num_outputs));
}

std::string RunError(OpKind op, const Tensor& x, const Attributes& attrs, int num_outputs = 1) {
  auto r = RunSingleOp(op, {x}, attrs, num_outputs);
  return r.ok() ? std::string("(no error)") : r.status().message();
}

const Tensor k4x4 = F32({1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
const Tensor k3x3 = F32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});

Attributes Kernel(Ints k, std::initializer_list<std::pair<const std::string, AttrValue>> more = {}) {
  Attributes a = Attrs(more);
  a.set("kernel_shape", std::move(k));
  return a;
}

// ---- MaxPool ----

TEST(MaxPoolRef, StridedWithRowAndColumnMajorIndices) {
  // 2x2 blocks of 1..16: maxima 6, 8, 14, 16 at flat positions 5, 7, 13, 15 (row-major);
  // column-major within the plane (h + w * H): (1,1) -> 5, (1,3) -> 13, (3,1) -> 7, (3,3) -> 15.
  const std::vector<Tensor> rm = RunOp(OpKind::kMaxPool, k4x4, Kernel({2, 2}, {{"strides", Ints{2, 2}}}), 2);
  EXPECT_TRUE(AllClose(rm[0], F32({1, 1, 2, 2}, {6, 8, 14, 16})));
  EXPECT_TRUE(AllClose(rm[1], I64({1, 1, 2, 2}, {5, 7, 13, 15})));
  const std::vector<Tensor> cm =
      RunOp(OpKind::kMaxPool, k4x4, Kernel({2, 2}, {{"strides", Ints{2, 2}}, {"storage_order", 1}}), 2);
  EXPECT_TRUE(AllClose(cm[1], I64({1, 1, 2, 2}, {5, 13, 7, 15})));
}

TEST(MaxPoolRef, IndicesCountBatchAndChannelPlanes) {
  // X [2, 2, 1, 2]: planes [1, 3], [4, 2], [0, -1], [7, 8]; each plane has 2 elements.
  const Tensor x = F32({2, 2, 1, 2}, {1, 3, 4, 2, 0, -1, 7, 8});
  const std::vector<Tensor> out = RunOp(OpKind::kMaxPool, x, Kernel({1, 2}), 2);
  EXPECT_TRUE(AllClose(out[0], F32({2, 2, 1, 1}, {3, 4, 0, 8})));
  EXPECT_TRUE(AllClose(out[1], I64({2, 2, 1, 1}, {1, 2, 4, 7})));
}

TEST(MaxPoolRef, PaddingNeverWins) {
  // pads 1, stride 2 over 1..9: windows see {1}, {2, 3}, {4, 7}, {5, 6, 8, 9}
  EXPECT_TRUE(
      AllClose(RunOp(OpKind::kMaxPool, k3x3, Kernel({2, 2}, {{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}}))[0],
               F32({1, 1, 2, 2}, {1, 3, 7, 9})));
  // all-negative input: the padded positions (which would be 0) are ignored
  const Tensor neg = F32({1, 1, 2}, {-3, -5});
  EXPECT_TRUE(
      AllClose(RunOp(OpKind::kMaxPool, neg, Kernel({2}, {{"pads", Ints{1, 1}}}))[0], F32({1, 1, 3}, {-3, -3, -5})));
}

TEST(MaxPoolRef, CeilModeDilationsAndAutoPad) {
  const Tensor x = F32({1, 1, 5}, {1, 5, 2, 4, 3});
  // k 2, s 2: floor -> 2 windows [1 5] [2 4]; ceil -> a third, partial window [3]
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, x, Kernel({2}, {{"strides", Ints{2}}}))[0], F32({1, 1, 2}, {5, 4})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, x, Kernel({2}, {{"strides", Ints{2}}, {"ceil_mode", 1}}))[0],
                       F32({1, 1, 3}, {5, 4, 3})));
  // ceil_mode drops a window that would start in the end padding: 4 + 1 pad, k 2, s 2 -> 2 windows, not 3
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, F32({1, 1, 4}, {1, 2, 3, 4}),
                             Kernel({2}, {{"strides", Ints{2}}, {"ceil_mode", 1}, {"pads", Ints{0, 1}}}))[0],
                       F32({1, 1, 2}, {2, 4})));
  // dilation 2: max(x0, x2), max(x1, x3), max(x2, x4)
  EXPECT_TRUE(
      AllClose(RunOp(OpKind::kMaxPool, x, Kernel({2}, {{"dilations", Ints{2}}}))[0], F32({1, 1, 3}, {2, 5, 3})));
  // SAME: one pad at the end (UPPER) or the beginning (LOWER) of [4, 1, 2, 3]
  const Tensor y = F32({1, 1, 4}, {4, 1, 2, 3});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, y, Kernel({2}, {{"auto_pad", std::string("SAME_UPPER")}}))[0],
                       F32({1, 1, 4}, {4, 2, 3, 3})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, y, Kernel({2}, {{"auto_pad", std::string("SAME_LOWER")}}))[0],
                       F32({1, 1, 4}, {4, 4, 2, 3})));
}

TEST(MaxPoolRef, ThreeDimensionsWithIndices) {
  // 2x2x2 cube with its maximum at (z=1, y=0, x=0): row-major 4, column-major z + y*D + x*D*H = 1
  const Tensor x = F32({1, 1, 2, 2, 2}, {1, 2, 3, 4, 100, 6, 7, 8});
  const std::vector<Tensor> rm = RunOp(OpKind::kMaxPool, x, Kernel({2, 2, 2}), 2);
  EXPECT_TRUE(AllClose(rm[0], F32({1, 1, 1, 1, 1}, {100})));
  EXPECT_TRUE(AllClose(rm[1], I64({1, 1, 1, 1, 1}, {4})));
  EXPECT_TRUE(
      AllClose(RunOp(OpKind::kMaxPool, x, Kernel({2, 2, 2}, {{"storage_order", 1}}), 2)[1], I64({1, 1, 1, 1, 1}, {1})));
}

TEST(MaxPoolRef, IntegerAndHalfDtypes) {
  const Attributes k2 = Kernel({2}, {{"strides", Ints{2}}});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, Convert(F32({1, 1, 4}, {-5, -3, -8, -1}), DType::kI8), k2)[0],
                       Convert(F32({1, 1, 2}, {-3, -1}), DType::kI8)));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, Convert(F32({1, 1, 4}, {200, 100, 255, 0}), DType::kU8), k2)[0],
                       Convert(F32({1, 1, 2}, {200, 255}), DType::kU8)));
  for (DType dt : {DType::kF16, DType::kF64})
    EXPECT_TRUE(AllClose(RunOp(OpKind::kMaxPool, Convert(F32({1, 1, 4}, {0.5f, -2, 3, 1}), dt), k2)[0],
                         Convert(F32({1, 1, 2}, {0.5f, 3}), dt)))
        << DTypeName(dt);
}

TEST(MaxPoolRef, Errors) {
  EXPECT_NE(RunError(OpKind::kMaxPool, k4x4, {}).find("kernel_shape is required"), std::string::npos);
  EXPECT_NE(
      RunError(OpKind::kMaxPool, k4x4, Kernel({2, 2}, {{"pads", Ints{2, 0, 0, 0}}})).find("smaller than the kernel"),
      std::string::npos);
  EXPECT_NE(RunError(OpKind::kMaxPool, k4x4, Kernel({2, 2}, {{"storage_order", 2}})).find("storage_order 2"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kMaxPool, k4x4, Kernel({2})).find("kernel_shape has 1 dims"), std::string::npos);
  EXPECT_NE(RunError(OpKind::kMaxPool, Convert(k4x4, DType::kI32), Kernel({2, 2})).find("dtype i32"),
            std::string::npos);
}

// ---- AveragePool ----

TEST(AveragePoolRef, PadsWithAndWithoutCountIncludePad) {
  // pads 1, stride 2 over 1..9: windows hold {1}, {2, 3}, {4, 7}, {5, 6, 8, 9} of 4 taps each
  const Attributes base = Kernel({2, 2}, {{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAveragePool, k3x3, base)[0], F32({1, 1, 2, 2}, {1, 2.5f, 5.5f, 7})));
  Attributes incl = base;
  incl.set("count_include_pad", int64_t{1});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAveragePool, k3x3, incl)[0], F32({1, 1, 2, 2}, {0.25f, 1.25f, 2.75f, 7})));
}

TEST(AveragePoolRef, CeilModeWindowPastThePaddedEnd) {
  // x = 1..6, k 3, s 2, pads 1+1, ceil: 4 windows starting at -1, 1, 3, 5. The last covers 5 (x=6),
  // 6 (end pad) and 7 (beyond the padded input): exclusive 6 / 1, inclusive 6 / 2.
  const Tensor x = F32({1, 1, 6}, {1, 2, 3, 4, 5, 6});
  const Attributes a = Kernel({3}, {{"strides", Ints{2}}, {"pads", Ints{1, 1}}, {"ceil_mode", 1}});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAveragePool, x, a)[0], F32({1, 1, 4}, {1.5f, 3, 5, 6})));
  Attributes incl = a;
  incl.set("count_include_pad", int64_t{1});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAveragePool, x, incl)[0], F32({1, 1, 4}, {1, 3, 5, 3})));
}

TEST(AveragePoolRef, ThreeDimensionsDilationsSameLowerAndDtypes) {
  EXPECT_TRUE(
      AllClose(RunOp(OpKind::kAveragePool, F32({1, 1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), Kernel({2, 2, 2}))[0],
               F32({1, 1, 1, 1, 1}, {4.5f})));
  const Tensor x = F32({1, 1, 5}, {1, 2, 3, 4, 5});
  EXPECT_TRUE(
      AllClose(RunOp(OpKind::kAveragePool, x, Kernel({2}, {{"dilations", Ints{2}}}))[0], F32({1, 1, 3}, {2, 3, 4})));
  // SAME_LOWER, k 2: the pad goes first and is not counted: [1, 1.5, 2.5, 3.5, 4.5]
  const Attributes lower = Kernel({2}, {{"auto_pad", std::string("SAME_LOWER")}});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kAveragePool, x, lower)[0], F32({1, 1, 5}, {1, 1.5f, 2.5f, 3.5f, 4.5f})));
  for (DType dt : {DType::kF16, DType::kF64})
    EXPECT_TRUE(AllClose(RunOp(OpKind::kAveragePool, Convert(x, dt), lower)[0],
                         Convert(F32({1, 1, 5}, {1, 1.5f, 2.5f, 3.5f, 4.5f}), dt)))
        << DTypeName(dt);
}

TEST(AveragePoolRef, Errors) {
  EXPECT_NE(RunError(OpKind::kAveragePool, Convert(k4x4, DType::kU8), Kernel({2, 2})).find("dtype u8"),
            std::string::npos);
  EXPECT_NE(RunError(OpKind::kAveragePool, k4x4, Kernel({2, 2}), 2).find("has 2 outputs"), std::string::npos);
  EXPECT_NE(RunError(OpKind::kAveragePool, k4x4, Kernel({2, 2}, {{"ceil_mode", 3}})).find("ceil_mode 3"),
            std::string::npos);
}

// ---- Global pools ----

TEST(GlobalPoolRef, RanksThreeFourFive) {
  // rank 3: c0 = [1, 2, 3], c1 = [-1, -5, 0]
  const Tensor x3 = F32({1, 2, 3}, {1, 2, 3, -1, -5, 0});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalAveragePool, x3, {})[0], F32({1, 2, 1}, {2, -2})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalMaxPool, x3, {})[0], F32({1, 2, 1}, {3, 0})));
  // rank 4, two images
  const Tensor x4 = F32({2, 1, 2, 2}, {1, 2, 3, 4, -4, -3, -2, -8});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalAveragePool, x4, {})[0], F32({2, 1, 1, 1}, {2.5f, -4.25f})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalMaxPool, x4, {})[0], F32({2, 1, 1, 1}, {4, -2})));
  // rank 5
  const Tensor x5 = F32({1, 1, 2, 1, 2}, {1, 7, 3, 5});
  EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalAveragePool, x5, {})[0], F32({1, 1, 1, 1, 1}, {4})));
  EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalMaxPool, x5, {})[0], F32({1, 1, 1, 1, 1}, {7})));
}

TEST(GlobalPoolRef, DtypesAndErrors) {
  const Tensor x = F32({1, 1, 4}, {1, 2, 3, 6});
  for (DType dt : {DType::kF16, DType::kF64}) {
    EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalAveragePool, Convert(x, dt), {})[0], Convert(F32({1, 1, 1}, {3}), dt)));
    EXPECT_TRUE(AllClose(RunOp(OpKind::kGlobalMaxPool, Convert(x, dt), {})[0], Convert(F32({1, 1, 1}, {6}), dt)));
  }
  EXPECT_NE(RunError(OpKind::kGlobalMaxPool, F32({2, 2}, {1, 2, 3, 4}), {}).find("rank >= 3"), std::string::npos);
  EXPECT_NE(RunError(OpKind::kGlobalAveragePool, Convert(x, DType::kI64), {}).find("dtype i64"), std::string::npos);
}

}  // namespace
}  // namespace mrt
