// Broadcasting elementwise reference kernels (Binary, Variadic, Clip, Where) and the
// BroadcastIndexer they are built on, against values computed by hand.
#include <cmath>
#include <limits>

#include "kernels/common/broadcast.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::MakeTensor;
using testing::RunOne;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor Vec(DType dtype, const std::vector<double>& values) {
  return MakeTensor(dtype, {static_cast<int64_t>(values.size())}, values);
}
Tensor F32(std::vector<int64_t> sizes, const std::vector<double>& values) {
  return MakeTensor(DType::kF32, std::move(sizes), values);
}
Tensor Bools(std::vector<int64_t> sizes, const std::vector<double>& values) {
  return MakeTensor(DType::kBool, std::move(sizes), values);
}

Status RunStatus(OpKind op, const std::vector<Tensor>& inputs) { return testing::RunSingleOp(op, inputs, {}).status(); }

// ---- BroadcastIndexer ----

TEST(BroadcastIndexer, OffsetsFollowNumpyRules) {
  // out [2,3,4]; a [3,1] (rank 2, broadcast along the last dim); b [2,1,4]; c scalar.
  auto ix = BroadcastIndexer::Make({2, 3, 4}, {{3, 1}, {2, 1, 4}, {}});
  ASSERT_TRUE(ix.ok()) << ix.status().message();
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t h = 0; h < 3; ++h)
      for (int64_t w = 0; w < 4; ++w) {
        const int64_t o = (n * 3 + h) * 4 + w;
        EXPECT_EQ(ix->InputOffset(0, o), h);
        EXPECT_EQ(ix->InputOffset(1, o), n * 4 + w);
        EXPECT_EQ(ix->InputOffset(2, o), 0);
      }
}

TEST(BroadcastIndexer, RunsCoverAnyChunkAndAgreeWithRandomAccess) {
  auto ix = BroadcastIndexer::Make({2, 3, 5}, {{2, 3, 5}, {3, 1}, {5}});
  ASSERT_TRUE(ix.ok());
  int64_t next = 7;
  ix->ForEachRun(7, 26, [&](int64_t begin, int64_t count, const int64_t* off) {
    EXPECT_EQ(begin, next);  // consecutive runs, in order
    for (int64_t j = 0; j < count; ++j)
      for (size_t k = 0; k < 3; ++k) EXPECT_EQ(off[k] + j * ix->step(k), ix->InputOffset(k, begin + j));
    next += count;
  });
  EXPECT_EQ(next, 26);
}

TEST(BroadcastIndexer, MergesDimsIntoLongRuns) {
  // Equal shapes are one run; a per-channel bias over [N,C,H,W] runs over H*W with step 0.
  auto same = BroadcastIndexer::Make({2, 3, 4}, {{2, 3, 4}, {2, 3, 4}});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->inner_size(), 24);
  auto bias = BroadcastIndexer::Make({2, 3, 4, 5}, {{2, 3, 4, 5}, {3, 1, 1}});
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(bias->inner_size(), 20);
  EXPECT_EQ(bias->step(0), 1);
  EXPECT_EQ(bias->step(1), 0);
}

TEST(BroadcastIndexer, RejectsShapesThatDoNotBroadcast) {
  EXPECT_FALSE(BroadcastIndexer::Make({2, 3}, {{4}}).ok());
  EXPECT_FALSE(BroadcastIndexer::Make({3}, {{2, 3}}).ok());  // input of higher rank
}

// ---- arithmetic ----

TEST(BinaryRef, AddSubMulDivSameShape) {
  const Tensor a = F32({3}, {1, 2, 3}), b = F32({3}, {10, 20, -30});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kAdd, {a, b}), F32({3}, {11, 22, -27})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kSub, {a, b}), F32({3}, {-9, -18, 33})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMul, {a, b}), F32({3}, {10, 40, -90})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kDiv, {a, b}), F32({3}, {0.1, 0.1, -0.1})));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(AllClose(RunOne(OpKind::kDiv, {F32({2}, {1, -1}), F32({2}, {0, 0})}), F32({2}, {inf, -inf})));
}

TEST(BinaryRef, BroadcastRowsColumnsScalarsAndChannels) {
  // [2,3] + [3]: the row is added to each row.
  EXPECT_TRUE(AllClose(RunOne(OpKind::kAdd, {F32({2, 3}, {1, 2, 3, 4, 5, 6}), F32({3}, {10, 20, 30})}),
                       F32({2, 3}, {11, 22, 33, 14, 25, 36})));
  // [2,1] - [1,3]: an outer difference.
  EXPECT_TRUE(AllClose(RunOne(OpKind::kSub, {F32({2, 1}, {10, 20}), F32({1, 3}, {1, 2, 3})}),
                       F32({2, 3}, {9, 8, 7, 19, 18, 17})));
  // scalar on the left keeps operand order: 5 - [1,2,3].
  EXPECT_TRUE(AllClose(RunOne(OpKind::kSub, {F32({}, {5}), F32({3}, {1, 2, 3})}), F32({3}, {4, 3, 2})));
  // [1,2,2,2] * per-channel [2,1,1].
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMul, {F32({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), F32({2, 1, 1}, {10, -1})}),
                       F32({1, 2, 2, 2}, {10, 20, 30, 40, -5, -6, -7, -8})));
}

TEST(BinaryRef, GenericBroadcastMatchesIndexMath) {
  const Tensor a = testing::RandomTensor(DType::kF32, {2, 3, 4, 5}, 1);
  const Tensor b = testing::RandomTensor(DType::kF32, {3, 1, 5}, 2);
  const Tensor y = RunOne(OpKind::kSub, {a, b});
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 3, 4, 5}));
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t h = 0; h < 4; ++h)
        for (int64_t w = 0; w < 5; ++w) {
          const int64_t o = ((n * 3 + c) * 4 + h) * 5 + w;
          const float expected = a.data<float>()[o] - b.data<float>()[c * 5 + w];
          ASSERT_EQ(y.data<float>()[o], expected) << o;
        }
}

TEST(BinaryRef, LargeBroadcastRunsInParallelChunks) {
  const Tensor a = testing::RandomTensor(DType::kF32, {64, 301}, 3);
  const Tensor b = testing::RandomTensor(DType::kF32, {64, 1}, 4);
  const Tensor y = RunOne(OpKind::kMul, {a, b});
  for (int64_t r = 0; r < 64; ++r)
    for (int64_t col = 0; col < 301; ++col)
      ASSERT_EQ(y.data<float>()[r * 301 + col], a.data<float>()[r * 301 + col] * b.data<float>()[r]);
}

TEST(BinaryRef, IntegersWrapAndDivTruncatesTowardZero) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kDiv, {Vec(DType::kI32, {7, -7, 7, -7, 6}), Vec(DType::kI32, {2, 2, -2, -2, 3})}),
                       Vec(DType::kI32, {3, -3, -3, 3, 2})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kAdd, {Vec(DType::kI8, {100, -100}), Vec(DType::kI8, {100, -100})}),
                       Vec(DType::kI8, {-56, 56})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kSub, {Vec(DType::kU8, {3}), Vec(DType::kU8, {5})}), Vec(DType::kU8, {254})));
  const Tensor x = Tensor::FromVector<int64_t>(DType::kI64, {1}, {3037000499LL});
  EXPECT_EQ(RunOne(OpKind::kMul, {x, x}).data<int64_t>()[0], 9223372030926249001LL);  // exact, above 2^53
  // INT32_MIN / -1 wraps instead of trapping.
  const Tensor lo = Tensor::FromVector<int32_t>(DType::kI32, {1}, {std::numeric_limits<int32_t>::min()});
  EXPECT_EQ(RunOne(OpKind::kDiv, {lo, Vec(DType::kI32, {-1})}).data<int32_t>()[0], std::numeric_limits<int32_t>::min());
}

TEST(BinaryRef, IntegerDivisionByZeroIsAnError) {
  const Status s = RunStatus(OpKind::kDiv, {Vec(DType::kI64, {1, 2}), Vec(DType::kI64, {1, 0})});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("division by zero"), std::string::npos) << s.message();
}

TEST(BinaryRef, HalfRoundsOnce) {
  // 1 + 2^-11 lies halfway between f16 neighbours 1 and 1 + 2^-10: ties to even give 1.
  const Tensor y = RunOne(OpKind::kAdd, {Vec(DType::kF16, {1, 1}), Vec(DType::kF16, {0.00048828125, 0.0009765625})});
  ASSERT_EQ(y.dtype(), DType::kF16);
  EXPECT_EQ(y.ElementAsDouble(0), 1.0);
  EXPECT_EQ(y.ElementAsDouble(1), 1.0009765625);
}

TEST(BinaryRef, PowKeepsTheBaseDType) {
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kPow, {F32({3}, {2, 3, 4}), F32({3}, {3, 0.5, -1})}), F32({3}, {8, 1.7320508, 0.25})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kPow, {F32({2}, {2, 3}), Vec(DType::kI64, {2})}), F32({2}, {4, 9})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kPow, {Vec(DType::kI32, {1, 2, 3}), F32({3}, {4, 5, 6})}),
                       Vec(DType::kI32, {1, 32, 729})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kPow, {Vec(DType::kI64, {2, 1, -2}), Vec(DType::kI64, {-1, -3, 3})}),
                       Vec(DType::kI64, {0, 1, -8})));
  // 3^39 = 4052555153018976267 needs exact integer arithmetic (double has 53 bits).
  const Tensor y = RunOne(OpKind::kPow, {Vec(DType::kI64, {3}), Vec(DType::kI64, {39})});
  EXPECT_EQ(y.data<int64_t>()[0], 4052555153018976267LL);
}

TEST(BinaryRef, PRelu) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kPRelu, {F32({2, 3}, {-1, 2, -3, 4, -5, 6}), F32({3}, {0.1, 0.2, 0.3})}),
                       F32({2, 3}, {-0.1, 2, -0.9, 4, -1, 6})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kPRelu, {F32({2}, {-4, 4}), F32({1}, {0.25})}), F32({2}, {-1, 4})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kPRelu, {Vec(DType::kI32, {-4, 4}), Vec(DType::kI32, {3})}), Vec(DType::kI32, {-12, 4})));
}

// ---- comparisons and logic ----

TEST(BinaryRef, Comparisons) {
  const Tensor a = F32({2, 2}, {1, 2, 3, kNaN}), two = F32({}, {2});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kEqual, {a, two}), Bools({2, 2}, {0, 1, 0, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kLess, {a, two}), Bools({2, 2}, {1, 0, 0, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGreater, {a, two}), Bools({2, 2}, {0, 0, 1, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kLessOrEqual, {a, two}), Bools({2, 2}, {1, 1, 0, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGreaterOrEqual, {a, two}), Bools({2, 2}, {0, 1, 1, 0})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kEqual, {Vec(DType::kI64, {5, 6}), Vec(DType::kI64, {5, 7})}), Bools({2}, {1, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kEqual, {Bools({2}, {1, 0}), Bools({2}, {1, 1})}), Bools({2}, {1, 0})));
  // int64 values that double cannot tell apart still compare exactly.
  const Tensor p = Tensor::FromVector<int64_t>(DType::kI64, {1}, {(1LL << 60) + 1});
  const Tensor q = Tensor::FromVector<int64_t>(DType::kI64, {1}, {1LL << 60});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kGreater, {p, q}), Bools({1}, {1})));
}

TEST(BinaryRef, LogicOpsWithBroadcast) {
  const Tensor a = Bools({4, 1}, {0, 0, 1, 1}), b = Bools({2}, {0, 1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kAnd, {a, b}), Bools({4, 2}, {0, 0, 0, 0, 0, 1, 0, 1})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kOr, {a, b}), Bools({4, 2}, {0, 1, 0, 1, 1, 1, 1, 1})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kXor, {a, b}), Bools({4, 2}, {0, 1, 0, 1, 1, 0, 1, 0})));
  EXPECT_FALSE(RunStatus(OpKind::kAnd, {F32({1}, {1}), F32({1}, {1})}).ok());
}

TEST(BinaryRef, MismatchedInputsAreErrors) {
  EXPECT_FALSE(RunStatus(OpKind::kAdd, {F32({2}, {1, 2}), Vec(DType::kI32, {1, 2})}).ok());
  const Status s = RunStatus(OpKind::kAdd, {F32({2, 3}, {1, 2, 3, 4, 5, 6}), F32({4}, {1, 2, 3, 4})});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("broadcast"), std::string::npos) << s.message();
  EXPECT_FALSE(RunStatus(OpKind::kAdd, {Bools({1}, {1}), Bools({1}, {1})}).ok());
}

// ---- variadic ----

TEST(VariadicRef, MaxMinSumMeanBroadcastOverThreeInputs) {
  const Tensor a = F32({2, 2}, {1, 5, 3, 2}), b = F32({2}, {4, 0}), c = F32({}, {2.5});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMax, {a, b, c}), F32({2, 2}, {4, 5, 4, 2.5})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMin, {a, b, c}), F32({2, 2}, {1, 0, 2.5, 0})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kSum, {a, b, c}), F32({2, 2}, {7.5, 7.5, 9.5, 4.5})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMean, {a, b, c}), F32({2, 2}, {2.5, 2.5, 9.5 / 3, 1.5})));
}

TEST(VariadicRef, OneInputIsACopyAndIntegersWork) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kSum, {F32({3}, {1, 2, 3})}), F32({3}, {1, 2, 3})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kMax, {Vec(DType::kI32, {-5, 9}), Vec(DType::kI32, {3, 3})}), Vec(DType::kI32, {3, 9})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kMin, {Vec(DType::kU8, {200, 9}), Vec(DType::kU8, {3, 30})}), Vec(DType::kU8, {3, 9})));
}

TEST(VariadicRef, MaxAndMinPropagateNaN) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMax, {F32({2}, {kNaN, 1}), F32({2}, {1, kNaN})}), F32({2}, {kNaN, kNaN})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kMin, {F32({2}, {kNaN, 1}), F32({2}, {1, kNaN})}), F32({2}, {kNaN, kNaN})));
}

TEST(VariadicRef, HalfSumsAccumulateInFloat) {
  // In f16, 2048 + 1 rounds back to 2048 (spacing 2 there); accumulated in float, 2048+1+1 = 2050.
  const Tensor y = RunOne(OpKind::kSum, {Vec(DType::kF16, {2048}), Vec(DType::kF16, {1}), Vec(DType::kF16, {1})});
  EXPECT_EQ(y.ElementAsDouble(0), 2050.0);
}

TEST(VariadicRef, MixedDTypesAreAnError) {
  EXPECT_FALSE(RunStatus(OpKind::kMax, {F32({1}, {1}), Vec(DType::kF64, {1})}).ok());
}

// ---- Clip ----

TEST(ClipRef, MinMaxAndAbsentBounds) {
  const Tensor x = F32({4}, {-2, 0.5, 3, kNaN});
  const Tensor lo = F32({}, {0}), hi = F32({}, {1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {x, lo, hi}), F32({4}, {0, 0.5, 1, kNaN})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {x, lo}), F32({4}, {0, 0.5, 3, kNaN})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {x, Tensor(), hi}), F32({4}, {-2, 0.5, 1, kNaN})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {x}), x));
  // min > max: every value becomes max (numpy.clip).
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {F32({2}, {-5, 5}), F32({}, {2}), F32({}, {1})}), F32({2}, {1, 1})));
}

TEST(ClipRef, Integers) {
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {Vec(DType::kI8, {-128, -1, 0, 127}), MakeTensor(DType::kI8, {}, {0})}),
                       Vec(DType::kI8, {0, 0, 0, 127})));
  EXPECT_TRUE(AllClose(RunOne(OpKind::kClip, {Vec(DType::kI64, {-9, 4, 9}), MakeTensor(DType::kI64, {}, {-3}),
                                              MakeTensor(DType::kI64, {}, {5})}),
                       Vec(DType::kI64, {-3, 4, 5})));
}

TEST(ClipRef, BoundsMustBeScalarsOfXsDType) {
  EXPECT_FALSE(RunStatus(OpKind::kClip, {F32({2}, {1, 2}), F32({2}, {0, 0})}).ok());
  EXPECT_FALSE(RunStatus(OpKind::kClip, {F32({2}, {1, 2}), MakeTensor(DType::kF64, {}, {0})}).ok());
}

// ---- Where ----

TEST(WhereRef, BroadcastsAllThreeInputs) {
  const Tensor cond = Bools({2, 1}, {1, 0}), x = F32({3}, {1, 2, 3}), y = F32({}, {9});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kWhere, {cond, x, y}), F32({2, 3}, {1, 2, 3, 9, 9, 9})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kWhere, {Bools({3}, {0, 1, 0}), Vec(DType::kI64, {1, 2, 3}), Vec(DType::kI64, {-1})}),
               Vec(DType::kI64, {-1, 2, -1})));
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kWhere, {Bools({2}, {1, 0}), Vec(DType::kF16, {0.5, 0.5}), Vec(DType::kF16, {2, 2})}),
               Vec(DType::kF16, {0.5, 2})));
}

TEST(WhereRef, ConditionMustBeBool) {
  EXPECT_FALSE(RunStatus(OpKind::kWhere, {F32({1}, {1}), F32({1}, {1}), F32({1}, {2})}).ok());
  EXPECT_FALSE(RunStatus(OpKind::kWhere, {Bools({1}, {1}), F32({1}, {1}), Vec(DType::kF64, {2})}).ok());
}

}  // namespace
}  // namespace mrt
