// The elementwise CUDA tactics (kernels/elementwise) against the CPU reference on random data:
// every unary op and parametric activation, Not, Clip with and without bounds, the arithmetic
// ops over numpy broadcasting patterns ([N,C,H,W] with [C,1,1], [1,C,1,1], a scalar, [W], both
// sides broadcast [3,1,5] x [1,4,1], ranks 6 and 8), PRelu, Pow (packed constant exponents too),
// and Max/Min/Sum/Mean over 1, 2, 3, 5 and 20 inputs (20 takes two passes through the
// workspace). Odd sizes exercise the vector kernels' tails; sizes whose rows are multiples of 8
// exercise the broadcast vector path. Tolerances (largest abs error / largest |ref|): f32 1e-5,
// f16 1e-2, integers exact.
#include <initializer_list>
#include <span>
#include <string>

#include "ir/op_table.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendElementwiseTactics;
using testing::Attrs;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

double Tol(DType dt) { return dt == DType::kF16 ? 1e-2 : (dt == DType::kF32 ? 1e-5 : 0.0); }

int Check(const OpUnderTest& t, double tol) {
  return testing::ExpectTacticsMatchReference(t, AppendElementwiseTactics, tol);
}
int NumOffered(const OpUnderTest& t) {
  return static_cast<int>(testing::RunProviderTactics(t, AppendElementwiseTactics).size());
}

// Random values of magnitude at least 1: safe divisors.
Tensor NonZero(DType dt, Ints sizes, uint64_t seed) {
  Tensor t = RandomTensor(dt, std::move(sizes), seed, -8.0, 8.0);
  const TensorView v = t.view();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double x = t.ElementAsDouble(i);
    if (std::abs(x) < 1) StoreFromDouble(v, i, x < 0 ? -1.25 : 1.25);
  }
  return t;
}

constexpr DType kFloats[] = {DType::kF32, DType::kF16};
constexpr DType kArithmetic[] = {DType::kF32, DType::kF16, DType::kI32, DType::kI64};
const Ints kOdd = {3, 7, 17, 19};

TEST(ElementwiseCuda, UnaryOps) {
  MRT_SKIP_WITHOUT_GPU();
  const OpKind ops[] = {OpKind::kRelu,  OpKind::kSigmoid,  OpKind::kTanh,     OpKind::kErf,       OpKind::kExp,
                        OpKind::kLog,   OpKind::kSqrt,     OpKind::kNeg,      OpKind::kAbs,       OpKind::kReciprocal,
                        OpKind::kFloor, OpKind::kCeil,     OpKind::kRound,    OpKind::kSign,      OpKind::kSin,
                        OpKind::kCos,   OpKind::kSoftplus, OpKind::kSoftsign, OpKind::kMish,      OpKind::kHardSwish};
  for (DType dt : kFloats) {
    for (OpKind op : ops) {
      SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)));
      const bool positive = op == OpKind::kLog || op == OpKind::kSqrt || op == OpKind::kReciprocal;
      OpUnderTest t{op, {}, {RandomTensor(dt, kOdd, 3, positive ? 0.1 : -5.0, positive ? 3.0 : 5.0)}};
      EXPECT_GE(Check(t, Tol(dt)), 2);  // the vector and the scalar kernel
    }
  }
}

TEST(ElementwiseCuda, ParametricActivations) {
  MRT_SKIP_WITHOUT_GPU();
  const std::pair<OpKind, Attributes> cases[] = {
      {OpKind::kLeakyRelu, {}},
      {OpKind::kLeakyRelu, Attrs({{"alpha", 0.3f}})},
      {OpKind::kElu, Attrs({{"alpha", 0.7f}})},
      {OpKind::kSelu, {}},
      {OpKind::kSelu, Attrs({{"alpha", 1.5f}, {"gamma", 2.0f}})},
      {OpKind::kCelu, Attrs({{"alpha", 1.7f}})},
      {OpKind::kThresholdedRelu, Attrs({{"alpha", 0.4f}})},
      {OpKind::kHardSigmoid, {}},
      {OpKind::kHardSigmoid, Attrs({{"alpha", 0.3f}, {"beta", 0.4f}})},
  };
  for (DType dt : kFloats) {
    for (const auto& [op, attrs] : cases) {
      SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)));
      OpUnderTest t{op, attrs, {RandomTensor(dt, kOdd, 5, -4.0, 4.0)}};
      EXPECT_GE(Check(t, Tol(dt)), 2);
    }
  }
}

TEST(ElementwiseCuda, NotOnBool) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_GE(Check(OpUnderTest{OpKind::kNot, {}, {RandomTensor(DType::kBool, kOdd, 7)}}, 0.0), 2);
  EXPECT_GE(Check(OpUnderTest{OpKind::kNot, {}, {RandomTensor(DType::kBool, {64}, 8)}}, 0.0), 2);
}

TEST(ElementwiseCuda, ClipWithOptionalBounds) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(DTypeName(dt));
    const Tensor x = RandomTensor(dt, kOdd, 9, -2.0, 2.0);
    const Tensor lo = testing::Convert(Tensor::Scalar(-0.5f), dt), hi = testing::Convert(Tensor::Scalar(0.75f), dt);
    EXPECT_GE(Check(OpUnderTest{OpKind::kClip, {}, {x, lo, hi}, {false, true, true}}, Tol(dt)), 2);
    EXPECT_GE(Check(OpUnderTest{OpKind::kClip, {}, {x, lo}, {false, true}}, Tol(dt)), 2);
    EXPECT_GE(Check(OpUnderTest{OpKind::kClip, {}, {x, Tensor(), hi}, {false, false, true}}, Tol(dt)), 2);
    EXPECT_GE(Check(OpUnderTest{OpKind::kClip, {}, {x}}, Tol(dt)), 2);
    EXPECT_GE(Check(OpUnderTest{OpKind::kClip, {}, {x, lo, hi}}, Tol(dt)), 2);  // bounds as activations
  }
}

// Operand shape pairs: same, per-channel, leading-1 per-channel, scalar (both sides), per-row,
// both sides broadcast, per-channel with rows of 256, 196 and 98 (vector chunks of 8, 4, 2), rank 6
// and rank 8.
const std::pair<Ints, Ints> kPatterns[] = {
    {{3, 13, 17, 19}, {3, 13, 17, 19}},
    {{3, 13, 17, 19}, {13, 1, 1}},
    {{3, 13, 17, 19}, {1, 13, 1, 1}},
    {{3, 13, 17, 19}, {}},
    {{}, {3, 13, 17, 19}},
    {{3, 13, 17, 19}, {19}},
    {{3, 1, 5}, {1, 4, 1}},
    {{2, 3, 16, 16}, {3, 1, 1}},
    {{2, 6, 14, 14}, {6, 1, 1}},  // rows of 196: chunks of 4
    {{2, 6, 7, 14}, {1, 6, 1, 1}},  // rows of 98: chunks of 2
    {{2, 1, 3, 1, 5, 2}, {1, 4, 1, 6, 1, 2}},
    {{1, 2, 1, 3, 1, 2, 1, 2}, {2, 1, 2, 1, 3, 1, 2, 1}},
};

OpUnderTest BinaryOf(OpKind op, DType dt, const Ints& a, const Ints& b, uint64_t seed) {
  const bool divides = op == OpKind::kDiv;
  Tensor x = RandomTensor(dt, a, seed, -20.0, 20.0);
  Tensor y = divides ? NonZero(dt, b, seed + 1) : RandomTensor(dt, b, seed + 1, -20.0, 20.0);
  return OpUnderTest{op, {}, {std::move(x), std::move(y)}};
}

// Every op in every arithmetic dtype over every operand shape pair matches the reference.
void CheckBinaryOps(std::initializer_list<OpKind> ops, std::span<const std::pair<Ints, Ints>> shapes, uint64_t seed) {
  for (OpKind op : ops) {
    for (DType dt : kArithmetic) {
      for (const auto& [a, b] : shapes) {
        SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)) + " " + SizesToString(a) + " x " +
                     SizesToString(b));
        EXPECT_GE(Check(BinaryOf(op, dt, a, b, seed), Tol(dt)), 1);
      }
    }
  }
}

TEST(ElementwiseCuda, AddAndMulEveryBroadcastPattern) {
  MRT_SKIP_WITHOUT_GPU();
  CheckBinaryOps({OpKind::kAdd, OpKind::kMul}, kPatterns, 11);
}

// The vector kernel takes the widest chunk the broadcast rows allow: 8 halves for rows of 256,
// 4 for 196, 2 for 98, none for 323.
TEST(ElementwiseCuda, ChunkWidthFollowsRowLength) {
  MRT_SKIP_WITHOUT_GPU();
  const std::pair<Ints, std::string> cases[] = {
      {{2, 3, 16, 16}, "_vec8"}, {{2, 6, 14, 14}, "_vec4"}, {{2, 6, 7, 14}, "_vec2"}};
  for (const auto& [shape, name] : cases) {
    SCOPED_TRACE(SizesToString(shape));
    const OpUnderTest t = BinaryOf(OpKind::kMul, DType::kF16, shape, {shape[1], 1, 1}, 15);
    EXPECT_EQ(testing::ExpectTacticsMatchReference(t, AppendElementwiseTactics, 1e-2, {}, name), 1);
  }
  EXPECT_EQ(NumOffered(BinaryOf(OpKind::kMul, DType::kF16, {3, 13, 17, 19}, {13, 1, 1}, 16)), 1);
}

TEST(ElementwiseCuda, ArithmeticOpsAndDtypes) {
  MRT_SKIP_WITHOUT_GPU();
  const std::pair<Ints, Ints> shapes[] = {kPatterns[0], kPatterns[1], kPatterns[3], kPatterns[6], kPatterns[7],
                                          kPatterns[8]};
  CheckBinaryOps({OpKind::kAdd, OpKind::kSub, OpKind::kMul, OpKind::kDiv, OpKind::kMax, OpKind::kMin}, shapes, 13);
}

// Integer arithmetic wraps like two's-complement hardware (the reference computes in int64 and
// narrows); Div truncates toward zero.
TEST(ElementwiseCuda, IntegerWrapAndTruncation) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : {DType::kI32, DType::kI64}) {
    const double big = dt == DType::kI32 ? 2147483647.0 : 4.0e18;
    for (OpKind op : {OpKind::kAdd, OpKind::kSub, OpKind::kMul}) {
      SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)));
      OpUnderTest t{op, {}, {RandomTensor(dt, kOdd, 17, -big, big), RandomTensor(dt, {19}, 18, -big, big)}};
      EXPECT_GE(Check(t, 0.0), 1);
    }
    OpUnderTest div{OpKind::kDiv, {}, {RandomTensor(dt, kOdd, 19, -1000.0, 1000.0), NonZero(dt, {17, 19}, 20)}};
    EXPECT_GE(Check(div, 0.0), 1);
  }
}

TEST(ElementwiseCuda, PReluSlopeBroadcast) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    for (const Ints& slope : {Ints{13, 1, 1}, Ints{1}, Ints{19}, Ints{3, 13, 17, 19}}) {
      SCOPED_TRACE(std::string(DTypeName(dt)) + " slope " + SizesToString(slope));
      OpUnderTest t{OpKind::kPRelu, {}, {RandomTensor(dt, {3, 13, 17, 19}, 21), RandomTensor(dt, slope, 22, 0.0, 0.5)}};
      EXPECT_GE(Check(t, Tol(dt)), 1);
    }
  }
}

TEST(ElementwiseCuda, PowExponentDtypes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(DTypeName(dt));
    const Tensor base = RandomTensor(dt, kOdd, 23, 0.2, 3.0);
    EXPECT_GE(Check(OpUnderTest{OpKind::kPow, {}, {base, RandomTensor(dt, kOdd, 24, -2.0, 2.0)}}, Tol(dt)), 2);
    EXPECT_GE(Check(OpUnderTest{OpKind::kPow, {}, {base, RandomTensor(dt, {19}, 25, -2.0, 2.0)}}, Tol(dt)), 1);
    // An f32 exponent (activation), and constant exponents of other dtypes (packed to f32).
    EXPECT_GE(Check(OpUnderTest{OpKind::kPow, {}, {base, RandomTensor(DType::kF32, {7, 1, 1}, 26, -2.0, 2.0)}},
                    Tol(dt)),
              1);
    EXPECT_GE(Check(OpUnderTest{OpKind::kPow, {}, {base, testing::I64({}, {3})}, {false, true}}, Tol(dt)), 2);
    EXPECT_GE(Check(OpUnderTest{OpKind::kPow, {}, {base, testing::MakeTensor(DType::kI32, {1}, {2})}, {false, true}},
                    Tol(dt)),
              2);
  }
  // f32 base with an f16 constant exponent, packed.
  const Tensor base = RandomTensor(DType::kF32, kOdd, 27, 0.2, 3.0);
  const Tensor half_exp = testing::Convert(Tensor::Scalar(0.5f), DType::kF16);
  EXPECT_GE(Check(OpUnderTest{OpKind::kPow, {}, {base, half_exp}, {false, true}}, 1e-5), 2);
}

// Inputs of the variadic tests: shapes cycle through full, per-channel, per-row and scalar.
std::vector<Tensor> VariadicInputs(DType dt, int n, uint64_t seed) {
  const Ints shapes[] = {{3, 13, 17, 19}, {13, 1, 1}, {19}, {}, {3, 1, 17, 1}};
  std::vector<Tensor> ins;
  for (int i = 0; i < n; ++i) ins.push_back(RandomTensor(dt, shapes[i % 5], seed + i, -20.0, 20.0));
  return ins;
}

TEST(ElementwiseCuda, VariadicAnyNumberOfInputs) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : {OpKind::kSum, OpKind::kMean, OpKind::kMax, OpKind::kMin}) {
    for (DType dt : kArithmetic) {
      for (int n : {1, 2, 3, 5, 20}) {
        SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)) + " x" + std::to_string(n));
        EXPECT_GE(Check(OpUnderTest{op, {}, VariadicInputs(dt, n, 31)}, Tol(dt)), 1);
      }
    }
  }
  // Same-shape inputs whose rows allow the vector fold, over two passes.
  for (DType dt : kArithmetic) {
    std::vector<Tensor> ins;
    for (int i = 0; i < 18; ++i) ins.push_back(RandomTensor(dt, {2, 3, 16, 16}, 40 + i, -20.0, 20.0));
    EXPECT_GE(Check(OpUnderTest{OpKind::kMean, {}, ins}, Tol(dt)), 2);
  }
}

TEST(ElementwiseCuda, NodesLeftToOtherTactics) {
  MRT_SKIP_WITHOUT_GPU();
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kRelu, {}, {RandomTensor(DType::kF64, {5}, 1)}}), 0);
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kRelu, {}, {RandomTensor(DType::kI32, {5}, 1)}}), 0);
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kCelu, Attrs({{"alpha", 0.0f}}), {RandomTensor(DType::kF32, {5}, 1)}}),
            0);
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kAdd, {}, {RandomTensor(DType::kU8, {5}, 1), RandomTensor(DType::kU8, {5}, 2)}}),
            0);
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kPow, {}, {RandomTensor(DType::kI32, {5}, 1), RandomTensor(DType::kI32, {5}, 2)}}),
            0);
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kPRelu, {}, {RandomTensor(DType::kI64, {5}, 1), RandomTensor(DType::kI64, {5}, 2)}}),
            0);
  // A non-constant exponent of another dtype cannot be packed.
  EXPECT_EQ(NumOffered(OpUnderTest{OpKind::kPow, {}, {RandomTensor(DType::kF32, {5}, 1), RandomTensor(DType::kI64, {5}, 2)}}),
            0);
}

}  // namespace
}  // namespace mrt
