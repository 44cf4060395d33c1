// Reduce*, ArgMax/ArgMin and TopK reference kernels against values computed by hand.
#include <cmath>
#include <limits>

#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::I64;
using testing::MakeTensor;
using testing::RunAll;
using testing::RunOne;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor F32(std::vector<int64_t> sizes, const std::vector<double>& values) {
  return MakeTensor(DType::kF32, std::move(sizes), values);
}
Tensor Axes(const std::vector<int64_t>& axes) { return I64({static_cast<int64_t>(axes.size())}, axes); }

Attributes KeepDims(int64_t keep) {
  Attributes a;
  a.set("keepdims", keep);
  return a;
}

const Tensor& X23() {  // [[1,2,3],[4,5,6]]
  static const Tensor x = F32({2, 3}, {1, 2, 3, 4, 5, 6});
  return x;
}

// ---- Reduce* ----

TEST(ReduceRef, SumOverEachAxisWithAndWithoutKeepDims) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({1})}), F32({2, 1}, {6, 15})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({1})}, KeepDims(0)), F32({2}, {6, 15})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({-1})}, KeepDims(0)), F32({2}, {6, 15})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({0})}), F32({1, 3}, {5, 7, 9})));
}

TEST(ReduceRef, NoAxesReducesEverythingUnlessNoop) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23()}), F32({1, 1}, {21})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({})}, KeepDims(0)), F32({}, {21})));
  Attributes noop;
  noop.set("noop_with_empty_axes", int64_t{1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({})}, noop), X23()));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceMax, {X23()}, noop), X23()));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSum, {X23(), Axes({1})}, noop), F32({2, 1}, {6, 15})));
}

TEST(ReduceRef, EveryReduction) {
  const Tensor x = F32({2, 3}, {-1, 2, -3, 4, -5, 6});
  const Tensor a = Axes({1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceMean, {X23(), a}), F32({2, 1}, {2, 5})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceMax, {x, a}), F32({2, 1}, {2, 6})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceMin, {x, a}), F32({2, 1}, {-3, -5})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceProd, {x, a}), F32({2, 1}, {6, -120})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceL1, {x, a}), F32({2, 1}, {6, 15})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceL2, {x, a}), F32({2, 1}, {3.7416573868, 8.7749643874})));  // √14, √77
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceSumSquare, {x, a}), F32({2, 1}, {14, 77})));
  // ln(e^1 + e^2 + e^3) = 3 + ln(1.5032147244) = 3.4076059645
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceLogSumExp, {X23(), a}), F32({2, 1}, {3.4076059645, 6.4076059645})));
}

TEST(ReduceRef, LogSumExpDoesNotOverflow) {
  const Tensor x = F32({3}, {1000, 1000, -std::numeric_limits<double>::infinity()});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceLogSumExp, {x}, KeepDims(0)), F32({}, {1000.6931471806})));
  const Tensor all_neg_inf =
      F32({2}, {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kReduceLogSumExp, {all_neg_inf}, KeepDims(0)),
                       F32({}, {-std::numeric_limits<double>::infinity()})));
}

// Reduces a random [3,4,5,2] tensor over several axis sets and checks against plain loops.
TEST(ReduceRef, ManyAxisSetsMatchLoops) {
  const std::vector<int64_t> sizes = {3, 4, 5, 2};
  const Tensor x = testing::RandomTensor(DType::kF32, sizes, 11);
  const std::vector<std::vector<int64_t>> axis_sets = {{0}, {1}, {3}, {1, 2}, {0, 2}, {2, 3}, {0, 1, 3}, {3, 0}};
  for (const auto& axes : axis_sets) {
    const Tensor y = RunOne(OpKind::kReduceSum, {x, Axes(axes)});
    std::vector<int64_t> out_sizes = sizes;
    for (int64_t a : axes) out_sizes[a] = 1;
    ASSERT_EQ(y.sizes(), out_sizes);
    std::vector<double> expected(static_cast<size_t>(Numel(out_sizes)), 0.0);
    for (int64_t i = 0; i < x.numel(); ++i) {
      int64_t rest = i, out_index = 0, out_stride = 1;
      for (int64_t d = 3; d >= 0; --d) {
        const int64_t coord = rest % sizes[d];
        rest /= sizes[d];
        out_index += (out_sizes[d] == 1 ? 0 : coord) * out_stride;
        out_stride *= out_sizes[d];
      }
      expected[out_index] += x.data<float>()[i];
    }
    for (size_t o = 0; o < expected.size(); ++o)
      EXPECT_NEAR(y.data<float>()[o], expected[o], 1e-5) << "axes " << SizesToString(axes) << " output " << o;
  }
}

TEST(ReduceRef, IntegersAccumulateExactly) {
  const Tensor big = I64({2}, {(1LL << 60) + 1, 2});
  EXPECT_EQ(RunOne(OpKind::kReduceSum, {big}, KeepDims(0)).data<int64_t>()[0], (1LL << 60) + 3);
  // Mean of integers truncates: (1+2)/2 = 1, (3+5)/2 = 4, (-3-4)/2 = -3.
  EXPECT_EQ(
      RunOne(OpKind::kReduceMean, {MakeTensor(DType::kI32, {3, 2}, {1, 2, 3, 5, -3, -4}), Axes({1})}).ToInt64Vector(),
      (std::vector<int64_t>{1, 4, -3}));
  EXPECT_EQ(RunOne(OpKind::kReduceMax, {MakeTensor(DType::kI8, {3}, {-128, 5, -3})}).ToInt64Vector(),
            (std::vector<int64_t>{5}));
  EXPECT_EQ(RunOne(OpKind::kReduceL2, {MakeTensor(DType::kI32, {2}, {3, 4})}).ToInt64Vector(),
            (std::vector<int64_t>{5}));
  EXPECT_EQ(RunOne(OpKind::kReduceProd, {MakeTensor(DType::kU8, {2}, {20, 13})}).ToInt64Vector(),
            (std::vector<int64_t>{4}));  // 260 wraps to 4 in u8
}

TEST(ReduceRef, HalfAccumulatesInDoubleAndMaxPropagatesNaN) {
  const Tensor y = RunOne(OpKind::kReduceSum, {MakeTensor(DType::kF16, {3}, {2048, 1, 1})}, KeepDims(0));
  ASSERT_EQ(y.dtype(), DType::kF16);
  EXPECT_EQ(y.ElementAsDouble(0), 2050.0);  // f16 arithmetic would give 2048
  EXPECT_TRUE(std::isnan(RunOne(OpKind::kReduceMax, {F32({3}, {1, kNaN, 3})}).ElementAsDouble(0)));
  EXPECT_TRUE(std::isnan(RunOne(OpKind::kReduceMin, {F32({3}, {1, kNaN, 3})}).ElementAsDouble(0)));
}

TEST(ReduceRef, BadAxesAreErrors) {
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kReduceSum, {X23(), Axes({1, -1})}, {}).ok());  // duplicate
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kReduceSum, {X23(), Axes({2})}, {}).ok());      // out of range
  const Tensor i32_axes = Tensor::FromVector<int32_t>(DType::kI32, {1}, {0});
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kReduceSum, {X23(), i32_axes}, {}).ok());
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kReduceSum, {MakeTensor(DType::kBool, {1}, {1})}, {}).ok());
}

// ---- ArgMax / ArgMin ----

Attributes ArgAttrs(int64_t axis, int64_t keepdims = 1, int64_t select_last = 0) {
  Attributes a;
  a.set("axis", axis);
  a.set("keepdims", keepdims);
  a.set("select_last_index", select_last);
  return a;
}

TEST(ArgReduceRef, ArgMaxAndArgMinWithTies) {
  const Tensor x = F32({2, 3}, {1, 5, 5, 7, 2, 7});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kArgMax, {x}, ArgAttrs(1)), I64({2, 1}, {1, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kArgMax, {x}, ArgAttrs(1, 1, 1)), I64({2, 1}, {2, 2})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kArgMax, {x}, ArgAttrs(-1, 0)), I64({2}, {1, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kArgMax, {x}, ArgAttrs(0)), I64({1, 3}, {1, 0, 1})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kArgMin, {x}, ArgAttrs(1)), I64({2, 1}, {0, 1})));
  // Default axis 0, keepdims 1: columns [1,7], [5,2], [5,7].
  EXPECT_TRUE(AllClose(RunOne(OpKind::kArgMin, {x}), I64({1, 3}, {0, 1, 0})));
}

TEST(ArgReduceRef, NaNWinsAndIntegersCompareExactly) {
  EXPECT_EQ(RunOne(OpKind::kArgMax, {F32({3}, {1, kNaN, 3})}).data<int64_t>()[0], 1);
  EXPECT_EQ(RunOne(OpKind::kArgMin, {F32({3}, {1, kNaN, -3})}).data<int64_t>()[0], 1);
  EXPECT_EQ(RunOne(OpKind::kArgMax, {I64({2}, {(1LL << 60), (1LL << 60) + 1})}).data<int64_t>()[0], 1);
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kArgMax, {X23()}, ArgAttrs(2)).ok());
}

// ---- TopK ----

Attributes TopKAttrs(int64_t axis, int64_t largest = 1) {
  Attributes a;
  a.set("axis", axis);
  a.set("largest", largest);
  return a;
}

TEST(TopKRef, LargestAndSmallestAlongTheLastAxis) {
  std::vector<double> v(12);
  for (int i = 0; i < 12; ++i) v[i] = i;
  const Tensor x = F32({3, 4}, v);
  auto top = RunAll(OpKind::kTopK, {x, I64({1}, {3})}, {}, 2);
  EXPECT_TRUE(AllClose(top[0], F32({3, 3}, {3, 2, 1, 7, 6, 5, 11, 10, 9})));
  EXPECT_TRUE(AllClose(top[1], I64({3, 3}, {3, 2, 1, 3, 2, 1, 3, 2, 1})));
  auto low = RunAll(OpKind::kTopK, {x, I64({1}, {2})}, TopKAttrs(-1, 0), 2);
  EXPECT_TRUE(AllClose(low[0], F32({3, 2}, {0, 1, 4, 5, 8, 9})));
  EXPECT_TRUE(AllClose(low[1], I64({3, 2}, {0, 1, 0, 1, 0, 1})));
}

TEST(TopKRef, AxisZero) {
  const Tensor x = F32({3, 2}, {1, 6, 5, 2, 3, 4});
  auto top = RunAll(OpKind::kTopK, {x, I64({1}, {2})}, TopKAttrs(0), 2);
  EXPECT_TRUE(AllClose(top[0], F32({2, 2}, {5, 6, 3, 4})));
  EXPECT_TRUE(AllClose(top[1], I64({2, 2}, {1, 0, 2, 2})));
}

TEST(TopKRef, TiesKeepTheSmallerIndexAndNaNIsLargest) {
  auto ties = RunAll(OpKind::kTopK, {F32({4}, {2, 1, 2, 2}), I64({1}, {2})}, {}, 2);
  EXPECT_TRUE(AllClose(ties[1], I64({2}, {0, 2})));
  auto low_ties = RunAll(OpKind::kTopK, {F32({4}, {2, 1, 2, 1}), I64({1}, {2})}, TopKAttrs(-1, 0), 2);
  EXPECT_TRUE(AllClose(low_ties[1], I64({2}, {1, 3})));
  auto nan_top = RunAll(OpKind::kTopK, {F32({3}, {1, kNaN, 3}), I64({1}, {2})}, {}, 2);
  EXPECT_TRUE(AllClose(nan_top[0], F32({2}, {kNaN, 3})));
  EXPECT_TRUE(AllClose(nan_top[1], I64({2}, {1, 2})));
  auto nan_low = RunAll(OpKind::kTopK, {F32({3}, {1, kNaN, 3}), I64({1}, {2})}, TopKAttrs(-1, 0), 2);
  EXPECT_TRUE(AllClose(nan_low[1], I64({2}, {0, 2})));
}

TEST(TopKRef, IntegersZeroKAndErrors) {
  auto ints = RunAll(OpKind::kTopK, {MakeTensor(DType::kI32, {4}, {-5, 9, 0, 9}), I64({1}, {3})}, {}, 2);
  EXPECT_TRUE(AllClose(ints[0], MakeTensor(DType::kI32, {3}, {9, 9, 0})));
  EXPECT_TRUE(AllClose(ints[1], I64({3}, {1, 3, 2})));
  auto none = RunAll(OpKind::kTopK, {X23(), I64({1}, {0})}, {}, 2);
  EXPECT_EQ(none[0].sizes(), (std::vector<int64_t>{2, 0}));
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kTopK, {X23(), I64({1}, {4})}, {}, 2).ok());     // K > 3
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kTopK, {X23(), I64({2}, {1, 1})}, {}, 2).ok());  // two Ks
  EXPECT_FALSE(testing::RunSingleOp(OpKind::kTopK, {X23(), I64({1}, {-1})}, {}, 2).ok());
}

}  // namespace
}  // namespace mrt
