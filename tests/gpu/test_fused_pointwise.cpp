// The Pointwise interpreter tactics (kernels/fused) against the CPU reference on random data:
// the worked example of ir/pointwise_program.h (in0 * Sigmoid(in0) * 0.5 + in1 with in1
// [C,1,1]) over flat, broadcast-vector and scalar paths in f32, f16 and bf16; every opcode on its
// own; DAG programs whose values stay live across many instructions (shared-memory slots and
// their reuse); a long program; a constant result; sixteen broadcast inputs; programs the
// kernel cannot hold (left to the CPU fallback); and the output aliasing an input. A last test
// prints the tactics' times on a large tensor. Tolerances: f32 1e-5, f16 and bf16 1e-2.
#include <string>

#include "ir/attributes.h"
#include "ir/pointwise_program.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"

namespace mrt {
namespace {

using gpu::AppendPointwiseTactics;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;
using P = PointwiseOp;

double Tol(DType dt) { return dt == DType::kF32 ? 1e-5 : (dt == DType::kBF16 ? 2e-2 : 1e-2); }
constexpr DType kFloats[] = {DType::kF32, DType::kF16, DType::kBF16};

Attributes ProgramAttrs(const PointwiseProgram& p) {
  Attributes a;
  WritePointwiseProgram(a, p);
  return a;
}

OpUnderTest PointwiseOf(const PointwiseProgram& p, std::vector<Tensor> inputs) {
  return OpUnderTest{OpKind::kPointwise, ProgramAttrs(p), std::move(inputs)};
}

int Check(const OpUnderTest& t, double tol, const std::string& filter = "") {
  return testing::ExpectTacticsMatchReference(t, AppendPointwiseTactics, tol, {}, filter);
}

// in0 * Sigmoid(in0) * 0.5 + in1
PointwiseProgram WorkedExample() {
  PointwiseBuilder b;
  const int32_t x = b.Input(0);
  const int32_t silu = b.Op(P::kMul, x, b.Op(P::kSigmoid, x));
  b.Op(P::kAdd, b.Op(P::kMul, silu, b.Constant(0.5f)), b.Input(1));
  return b.Take();
}

TEST(PointwiseCuda, WorkedExampleEveryPath) {
  MRT_SKIP_WITHOUT_GPU();
  const std::pair<Ints, Ints> shapes[] = {
      {{3, 13, 17, 19}, {13, 1, 1}},       // scalar kernel only (rows of 323)
      {{2, 8, 16, 16}, {8, 1, 1}},         // broadcast vector path, chunks of 8
      {{2, 6, 14, 14}, {6, 1, 1}},         // chunks of 4 (rows of 196)
      {{2, 6, 7, 14}, {6, 1, 1}},          // chunks of 2 (rows of 98)
      {{3, 13, 17, 19}, {3, 13, 17, 19}},  // flat vector path with a tail
      {{3, 13, 17, 19}, {}},               // scalar operand
      {{1, 1, 1}, {1}},                    // a single element
  };
  for (DType dt : kFloats) {
    for (const auto& [x, bias] : shapes) {
      SCOPED_TRACE(std::string(DTypeName(dt)) + " " + SizesToString(x) + " + " + SizesToString(bias));
      const OpUnderTest t = PointwiseOf(WorkedExample(), {RandomTensor(dt, x, 1, -4, 4), RandomTensor(dt, bias, 2)});
      EXPECT_GE(Check(t, Tol(dt)), 1);
    }
    const std::pair<Ints, std::string> chunks[] = {{{2, 8, 16, 16}, "_vec8"}, {{2, 6, 14, 14}, "_vec4"},
                                                   {{2, 6, 7, 14}, "_vec2"}, {{3, 13, 17, 19}, "_vec8"}};
    for (const auto& [x, name] : chunks) {
      SCOPED_TRACE(SizesToString(x) + " " + name);
      const OpUnderTest vec = PointwiseOf(WorkedExample(), {RandomTensor(dt, x, 3), RandomTensor(dt, {x[1], 1, 1}, 4)});
      const bool odd_rows = x[3] == 19;  // rows of 323: the scalar kernel only
      EXPECT_EQ(Check(vec, Tol(dt), name), odd_rows ? 0 : 1);
    }
  }
}

// A one-opcode program: op(in0), op(in0, in1) or op(in0, constants...) for the parametric ones.
PointwiseProgram OneOp(PointwiseOp op) {
  PointwiseBuilder b;
  const int32_t x = b.Input(0);
  switch (PointwiseOperandCount(op)) {
    case 1: b.Op(op, x); break;
    case 2:
      if (op >= P::kLeakyRelu && op <= P::kThresholdedRelu)
        b.Op(op, x, b.Constant(0.7f));
      else
        b.Op(op, x, b.Input(1));
      break;
    default:
      if (op == P::kClip)
        b.Op(op, x, b.Constant(-0.4f), b.Input(1));
      else
        b.Op(op, x, b.Constant(1.3f), b.Constant(0.45f));
      break;
  }
  return b.Take();
}

TEST(PointwiseCuda, EveryOpcode) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    for (int code = static_cast<int>(P::kRelu); code < kNumPointwiseOps; ++code) {
      const auto op = static_cast<PointwiseOp>(code);
      SCOPED_TRACE(std::string(PointwiseOpName(op)) + " " + std::string(DTypeName(dt)));
      const bool positive = op == P::kLog || op == P::kSqrt || op == P::kReciprocal || op == P::kPow;
      const PointwiseProgram p = OneOp(op);
      // Rows of 16 let the vector kernel run with in1 broadcast along the middle dims.
      std::vector<Tensor> ins = {RandomTensor(dt, {3, 7, 9, 16}, 5, positive ? 0.2 : -4.0, positive ? 3.0 : 4.0)};
      bool two_inputs = false;
      for (const PointwiseInstr& in : p.code) two_inputs = two_inputs || (in.op == P::kInput && in.a == 1);
      if (two_inputs) ins.push_back(RandomTensor(dt, {7, 1, 16}, 6, 0.1, 2.0));
      EXPECT_GE(Check(PointwiseOf(p, ins), Tol(dt)), 2);
    }
  }
}

// Values read long after they are computed, so they need slots, and slots get reused:
//   s = in0 + in1; t = Tanh(s * in0); u = Max(t - in1, s); v = Clip(u * in2, -1.5, s) + Exp(-Abs(t))
PointwiseProgram DagProgram() {
  PointwiseBuilder b;
  const int32_t x = b.Input(0), y = b.Input(1), z = b.Input(2);
  const int32_t s = b.Op(P::kAdd, x, y);
  const int32_t t = b.Op(P::kTanh, b.Op(P::kMul, s, x));
  const int32_t u = b.Op(P::kMax, b.Op(P::kSub, t, y), s);
  const int32_t clipped = b.Op(P::kClip, b.Op(P::kMul, u, z), b.Constant(-1.5f), s);
  b.Op(P::kAdd, clipped, b.Op(P::kExp, b.Op(P::kNeg, b.Op(P::kAbs, t))));
  return b.Take();
}

// The sum over k < n of Sin(in0 * c_k) * in1, every term kept until the additions at the end.
PointwiseProgram WideProgram(int n) {
  PointwiseBuilder b;
  const int32_t x = b.Input(0), y = b.Input(1);
  std::vector<int32_t> terms;
  for (int k = 0; k < n; ++k) terms.push_back(b.Op(P::kMul, b.Op(P::kSin, b.Op(P::kMul, x, b.Constant(0.3f * k + 0.1f))), y));
  int32_t acc = terms.back();
  for (int k = n - 2; k >= 0; --k) acc = b.Op(P::kAdd, acc, terms[k]);
  return b.Take();
}

TEST(PointwiseCuda, LiveValuesAndLongPrograms) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(DTypeName(dt));
    const std::vector<Tensor> dag_ins = {RandomTensor(dt, {3, 13, 17, 19}, 7), RandomTensor(dt, {13, 1, 1}, 8),
                                         RandomTensor(dt, {17, 19}, 9)};
    EXPECT_GE(Check(PointwiseOf(DagProgram(), dag_ins), Tol(dt)), 1);
    const std::vector<Tensor> ins = {RandomTensor(dt, {2, 8, 16, 16}, 10), RandomTensor(dt, {8, 1, 1}, 11)};
    // WideProgram(n) keeps n + 1 values live (in0, in1 and n - 1 finished terms).
    EXPECT_GE(Check(PointwiseOf(WideProgram(6), ins), Tol(dt)), 2);
    EXPECT_GE(Check(PointwiseOf(WideProgram(11), ins), Tol(dt)), 2);  // 12 live: every slot
    EXPECT_EQ(testing::RunProviderTactics(PointwiseOf(WideProgram(12), ins), AppendPointwiseTactics).size(), 0u);
  }
  // A chain of 60 computing instructions (the kernel holds 64 after lowering).
  PointwiseBuilder b;
  int32_t r = b.Input(0);
  for (int i = 0; i < 30; ++i) r = b.Op(i % 2 ? P::kTanh : P::kSigmoid, b.Op(P::kAdd, r, b.Input(1)));
  const PointwiseProgram chain = b.Take();
  const std::vector<Tensor> ins = {RandomTensor(DType::kF32, {3, 13, 17, 19}, 12), RandomTensor(DType::kF32, {19}, 13)};
  EXPECT_GE(Check(PointwiseOf(chain, ins), 1e-5), 1);
  PointwiseBuilder longer;
  r = longer.Input(0);
  for (int i = 0; i < 40; ++i) r = longer.Op(P::kTanh, longer.Op(P::kAdd, r, longer.Input(1)));
  EXPECT_EQ(testing::RunProviderTactics(PointwiseOf(longer.Take(), ins), AppendPointwiseTactics).size(), 0u);
}

TEST(PointwiseCuda, ConstantResultAndSixteenInputs) {
  MRT_SKIP_WITHOUT_GPU();
  PointwiseBuilder c;
  c.Input(0);
  c.Constant(2.5f);
  EXPECT_GE(Check(PointwiseOf(c.Take(), {RandomTensor(DType::kF16, {3, 7, 5}, 14)}), 1e-2), 1);
  // Sum of 16 inputs of assorted broadcast shapes; 17 inputs are too many.
  const Ints shapes[] = {{2, 5, 7, 9}, {5, 1, 1}, {9}, {}, {2, 1, 7, 1}, {1, 5, 7, 9}, {7, 9}, {2, 5, 1, 1}};
  for (DType dt : kFloats) {
    SCOPED_TRACE(DTypeName(dt));
    PointwiseBuilder b;
    std::vector<Tensor> ins;
    int32_t acc = b.Input(0);
    ins.push_back(RandomTensor(dt, shapes[0], 20));
    for (int k = 1; k < 16; ++k) {
      acc = b.Op(k % 3 ? P::kAdd : P::kMul, acc, b.Input(k));
      ins.push_back(RandomTensor(dt, shapes[k % 8], 20 + k));
    }
    EXPECT_GE(Check(PointwiseOf(b.Take(), ins), Tol(dt)), 1);
    PointwiseBuilder too_many;
    acc = too_many.Input(0);
    for (int k = 1; k < 17; ++k) acc = too_many.Op(P::kAdd, acc, too_many.Input(k));
    ins.push_back(RandomTensor(dt, {9}, 40));
    EXPECT_EQ(testing::RunProviderTactics(PointwiseOf(too_many.Take(), ins), AppendPointwiseTactics).size(), 0u);
  }
}

TEST(PointwiseCuda, OutputMayAliasInput) {
  MRT_SKIP_WITHOUT_GPU();
  for (const Ints& shape : {Ints{3, 13, 17, 19}, Ints{2, 8, 16, 16}}) {
    // Every tactic with its output written over input 0 (same shape).
    const OpUnderTest t = PointwiseOf(DagProgram(), {RandomTensor(DType::kF16, shape, 50),
                                                     RandomTensor(DType::kF16, {shape[1], 1, 1}, 51),
                                                     RandomTensor(DType::kF16, {shape[3]}, 52)});
    EXPECT_GE(testing::ExpectInPlaceMatchesReference(t, AppendPointwiseTactics, 0, 1e-2), 1);
  }
}

// Prints each tactic's time for the worked example on large tensors.
void PrintTimes(DType dt, const Ints& big, const Ints& bias_shape) {
  const OpUnderTest t = PointwiseOf(WorkedExample(), {RandomTensor(dt, big, 1), RandomTensor(dt, bias_shape, 2)});
  testing::ReportTacticTimings("x*Sigmoid(x)*0.5+bias " + std::string(DTypeName(dt)) + " " + SizesToString(big), t,
                               AppendPointwiseTactics);
}

TEST(PointwiseCuda, PrintTacticTimes) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : {DType::kF32, DType::kF16}) {
    PrintTimes(dt, {8, 64, 160, 160}, {64, 1, 1});
    PrintTimes(dt, {64, 256, 14, 14}, {256, 1, 1});
  }
}

}  // namespace
}  // namespace mrt
