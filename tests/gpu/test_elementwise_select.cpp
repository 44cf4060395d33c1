// The elementwise CUDA tactics that compare, select and convert (kernels/elementwise) against
// the CPU reference, exactly: comparisons on f32 f16 i32 i64 with ties and broadcasting, And/Or/
// Xor, Where with broadcast condition and operands, Cast between every pair of f32 f16 bf16 i32
// i64 i8 u8 bool (with NaN, infinities, out-of-range values and halfway cases), and in-place
// runs where the output aliases an input of the same shape, as the runtime's memory planner
// allows. A last test prints each tactic's time on large tensors (no assertion).
#include <cstring>
#include <limits>
#include <string>

#include "ir/op_table.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendElementwiseTactics;
using testing::Attrs;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

// Every offered tactic's output equals the reference's: bit for bit for integers and bools,
// value for value (NaN where the reference has NaN) for floats. Returns the tactics checked.
int ExpectExact(const OpUnderTest& t) {
  const std::vector<Tensor> ref = testing::ReferenceOutputs(t);
  int checked = 0;
  for (const testing::TacticRun& run : testing::RunProviderTactics(t, AppendElementwiseTactics)) {
    SCOPED_TRACE("tactic " + run.name);
    ++checked;
    if (!run.status.ok() || run.outputs.size() != 1 || ref.size() != 1) {
      ADD_FAILURE() << run.status.message();
      continue;
    }
    const Tensor &got = run.outputs[0], &want = ref[0];
    if (IsFloat(want.dtype())) {
      EXPECT_TRUE(testing::AllClose(got, want, 0.0, 0.0));
    } else {
      EXPECT_TRUE(got.nbytes() == want.nbytes() && std::memcmp(got.raw(), want.raw(), got.nbytes()) == 0)
          << "output differs from the reference: " << testing::AllClose(got, want, 0.0, 0.0).message();
    }
  }
  return checked;
}

constexpr DType kArithmetic[] = {DType::kF32, DType::kF16, DType::kI32, DType::kI64};
const std::pair<Ints, Ints> kPatterns[] = {
    {{3, 13, 17, 19}, {3, 13, 17, 19}}, {{3, 13, 17, 19}, {13, 1, 1}}, {{3, 13, 17, 19}, {}},
    {{3, 1, 5}, {1, 4, 1}},             {{2, 3, 16, 16}, {3, 1, 1}},   {{64}, {64}},
};

// Small integers in any dtype, so comparisons see many ties.
Tensor SmallInts(DType dt, Ints sizes, uint64_t seed) {
  return testing::Convert(RandomTensor(DType::kI32, std::move(sizes), seed, -3.0, 3.0), dt);
}

TEST(ElementwiseCudaSelect, Comparisons) {
  MRT_SKIP_WITHOUT_GPU();
  const OpKind ops[] = {OpKind::kEqual, OpKind::kLess, OpKind::kGreater, OpKind::kLessOrEqual,
                        OpKind::kGreaterOrEqual};
  for (OpKind op : ops) {
    for (DType dt : kArithmetic) {
      for (const auto& [a, b] : kPatterns) {
        SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)) + " " + SizesToString(a) + " x " +
                     SizesToString(b));
        EXPECT_GE(ExpectExact(OpUnderTest{op, {}, {SmallInts(dt, a, 1), SmallInts(dt, b, 2)}}), 1);
      }
    }
  }
}

TEST(ElementwiseCudaSelect, LogicOnBool) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : {OpKind::kAnd, OpKind::kOr, OpKind::kXor}) {
    for (const auto& [a, b] : kPatterns) {
      SCOPED_TRACE(std::string(OpName(op)) + " " + SizesToString(a) + " x " + SizesToString(b));
      OpUnderTest t{op, {}, {RandomTensor(DType::kBool, a, 3), RandomTensor(DType::kBool, b, 4)}};
      EXPECT_GE(ExpectExact(t), 1);
    }
  }
}

TEST(ElementwiseCudaSelect, WhereWithBroadcast) {
  MRT_SKIP_WITHOUT_GPU();
  const Ints shapes[][3] = {
      {{3, 1, 5}, {1, 4, 1}, {3, 4, 5}},
      {{3, 7, 17, 19}, {3, 7, 17, 19}, {3, 7, 17, 19}},
      {{2, 3, 16, 16}, {3, 1, 1}, {}},
      {{17, 19}, {3, 7, 1, 1}, {19}},
      {{128}, {128}, {128}},
  };
  for (DType dt : kArithmetic) {
    for (const auto& s : shapes) {
      SCOPED_TRACE(std::string(DTypeName(dt)) + " " + SizesToString(s[0]) + " " + SizesToString(s[1]) + " " +
                   SizesToString(s[2]));
      OpUnderTest t{OpKind::kWhere,
                    {},
                    {RandomTensor(DType::kBool, s[0], 5), RandomTensor(dt, s[1], 6, -50.0, 50.0),
                     RandomTensor(dt, s[2], 7, -50.0, 50.0)}};
      EXPECT_GE(ExpectExact(t), 1);
    }
  }
}

constexpr DType kCastTypes[] = {DType::kF32, DType::kF16, DType::kBF16, DType::kI32,
                                DType::kI64, DType::kI8,  DType::kU8,   DType::kBool};

// Random values of `dt` across (and past) every target's range, with the edge cases of the
// conversion rules in front: NaN, infinities, halfway values, out-of-range magnitudes.
Tensor CastSource(DType dt, Ints sizes, uint64_t seed) {
  const double range = dt == DType::kI8 ? 128 : (dt == DType::kU8 ? 256 : (dt == DType::kBool ? 2 : 400));
  const double lo = dt == DType::kU8 || dt == DType::kBool ? 0 : -range;
  Tensor t = RandomTensor(dt, std::move(sizes), seed, lo, range);
  std::vector<double> specials;
  if (IsFloat(dt)) {
    const double inf = std::numeric_limits<double>::infinity();
    specials = {std::nan(""), inf, -inf, 2.5, -2.5, 0.5, -0.5, 255.5, 127.5, -128.5, 1e-8, -0.0, 65504, 300};
    if (dt == DType::kF32) specials.insert(specials.end(), {3e9, -3e9, 1e19, -1e19, 70000.0, 16777217.0});
  } else if (dt == DType::kI64) {
    specials = {1099511627777.0, -1099511627777.0, 4294967296.0 + 200, 16777217.0, 2147483648.0, -2147483649.0};
  } else if (dt == DType::kI32) {
    specials = {2147483647.0, -2147483648.0, 16777217.0, 65536 + 255.0, -129};
  }
  for (size_t i = 0; i < specials.size() && static_cast<int64_t>(i) < t.numel(); ++i)
    StoreFromDouble(t.view(), static_cast<int64_t>(i), specials[i]);
  return t;
}

TEST(ElementwiseCudaSelect, CastEveryPair) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType from : kCastTypes) {
    for (DType to : kCastTypes) {
      for (const Ints& sizes : {Ints{3, 7, 17, 19}, Ints{2, 3, 16, 16}, Ints{5}}) {
        SCOPED_TRACE(std::string(DTypeName(from)) + " -> " + std::string(DTypeName(to)) + " " + SizesToString(sizes));
        const Tensor x = CastSource(from, sizes, 9);
        EXPECT_GE(ExpectExact(OpUnderTest{OpKind::kCast, Attrs({{"to", int64_t{DTypeToOnnx(to)}}}), {x}}), 1);
      }
    }
  }
}

// Casting f32 -> f16/bf16/i32 -> back gives what the reference's two casts give.
TEST(ElementwiseCudaSelect, CastRoundTrips) {
  MRT_SKIP_WITHOUT_GPU();
  const Tensor x = CastSource(DType::kF32, {3, 7, 17, 19}, 10);
  for (DType mid : {DType::kF16, DType::kBF16, DType::kI32, DType::kI8}) {
    SCOPED_TRACE(DTypeName(mid));
    const Tensor there = testing::RunOne(OpKind::kCast, {x}, Attrs({{"to", int64_t{DTypeToOnnx(mid)}}}));
    EXPECT_GE(ExpectExact(OpUnderTest{OpKind::kCast, Attrs({{"to", int64_t{DTypeToOnnx(mid)}}}), {x}}), 1);
    EXPECT_GE(ExpectExact(OpUnderTest{OpKind::kCast, Attrs({{"to", int64_t{DTypeToOnnx(DType::kF32)}}}), {there}}), 1);
  }
}

// ---- in place ----

// Every tactic, run with its output written over input `alias`, matches the reference.
void ExpectInPlaceMatches(const OpUnderTest& t, int alias, double tol) {
  EXPECT_GE(testing::ExpectInPlaceMatchesReference(t, AppendElementwiseTactics, alias, tol), 1);
}

TEST(ElementwiseCudaSelect, OutputMayAliasAnInput) {
  MRT_SKIP_WITHOUT_GPU();
  const Ints odd = {3, 13, 17, 19}, even = {2, 3, 16, 16};
  ExpectInPlaceMatches(OpUnderTest{OpKind::kSigmoid, {}, {RandomTensor(DType::kF16, odd, 1)}}, 0, 1e-2);
  for (const Ints& shape : {odd, even}) {
    SCOPED_TRACE(SizesToString(shape));
    const Tensor big = RandomTensor(DType::kF32, shape, 2), bias = RandomTensor(DType::kF32, {3, 1, 1}, 3);
    const Tensor bias13 = RandomTensor(DType::kF32, {13, 1, 1}, 3);
    const Tensor& b = shape == odd ? bias13 : bias;
    ExpectInPlaceMatches(OpUnderTest{OpKind::kAdd, {}, {big, b}}, 0, 1e-5);
    ExpectInPlaceMatches(OpUnderTest{OpKind::kSub, {}, {b, big}}, 1, 1e-5);
    ExpectInPlaceMatches(OpUnderTest{OpKind::kWhere, {}, {RandomTensor(DType::kBool, shape, 4), b, big}}, 2, 0.0);
    ExpectInPlaceMatches(OpUnderTest{OpKind::kSum, {}, {b, big, RandomTensor(DType::kF32, shape, 5)}}, 1, 1e-5);
  }
  std::vector<Tensor> many;
  for (int i = 0; i < 20; ++i) many.push_back(RandomTensor(DType::kF16, even, 10 + i));
  ExpectInPlaceMatches(OpUnderTest{OpKind::kMean, {}, many}, 17, 1e-2);
  ExpectInPlaceMatches(OpUnderTest{OpKind::kCast, Attrs({{"to", int64_t{DTypeToOnnx(DType::kI32)}}}),
                                   {RandomTensor(DType::kI32, odd, 6, -100, 100)}},
                       0, 0.0);
}

// ---- timing (informational) ----

// Each tactic's time on large tensors; the elementwise tactics need no workspace.
void PrintTimes(const OpUnderTest& t, const std::string& label) {
  for (const testing::TacticTiming& timing : testing::ReportTacticTimings(label, t, AppendElementwiseTactics))
    EXPECT_EQ(timing.workspace_bytes, 0u) << timing.name;
}

TEST(ElementwiseCudaSelect, PrintTacticTimes) {
  MRT_SKIP_WITHOUT_GPU();
  const Ints big = {8, 64, 160, 160};
  const Tensor x16 = RandomTensor(DType::kF16, big, 1), x32 = RandomTensor(DType::kF32, big, 2);
  PrintTimes(OpUnderTest{OpKind::kRelu, {}, {x32}}, "Relu f32 8x64x160x160");
  PrintTimes(OpUnderTest{OpKind::kSigmoid, {}, {x16}}, "Sigmoid f16 8x64x160x160");
  PrintTimes(OpUnderTest{OpKind::kAdd, {}, {x16, RandomTensor(DType::kF16, big, 3)}}, "Add f16 same shape");
  PrintTimes(OpUnderTest{OpKind::kMul, {}, {x16, RandomTensor(DType::kF16, {64, 1, 1}, 4)}}, "Mul f16 x [64,1,1]");
  PrintTimes(OpUnderTest{OpKind::kAdd, {}, {x32, RandomTensor(DType::kF32, {160}, 5)}}, "Add f32 x [160]");
  PrintTimes(OpUnderTest{OpKind::kMul, {}, {RandomTensor(DType::kF16, {64, 256, 14, 14}, 8),
                                            RandomTensor(DType::kF16, {256, 1, 1}, 9)}},
             "Mul f16 64x256x14x14 x [256,1,1]");
  PrintTimes(OpUnderTest{OpKind::kCast, Attrs({{"to", int64_t{DTypeToOnnx(DType::kF16)}}}), {x32}}, "Cast f32->f16");
  PrintTimes(OpUnderTest{OpKind::kWhere, {}, {RandomTensor(DType::kBool, big, 6), x16, RandomTensor(DType::kF16, {}, 7)}},
             "Where f16, scalar y");
}

}  // namespace
}  // namespace mrt
