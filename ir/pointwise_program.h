// The expression program of a Pointwise node: a fused chain (or tree) of elementwise ops that one
// kernel evaluates per output element, reading each input once and writing the output once.
//
// A Pointwise node has N inputs, numpy-broadcast against each other like Add's, and one output
// with the broadcast shape and the inputs' (common) float dtype. Its attributes hold
//   program    ints: one instruction per group of kPointwiseInstrWidth = 4: {opcode, a, b, c}
//   constants  floats: the program's scalar constants
// Registers: instruction i writes register i; its operands a, b, c are registers written earlier
// (-1 where the opcode takes fewer). Two opcodes load instead: kInput (a = input index) and
// kConstant (a = constants index). The result is the last register. Parametric activations take
// their parameters as operands, so LeakyRelu(x) with alpha 0.1 is LeakyRelu(r_x, r_0.1).
//
// Worked example: y = x * Sigmoid(x) * 0.5 + bias, inputs in0 = x [N,C,H,W], in1 = bias [C,1,1]
//   program   = [0,0,-1,-1,   r0 = in0
//                3,0,-1,-1,   r1 = Sigmoid(r0)
//                30,0,1,-1,   r2 = r0 * r1
//                1,0,-1,-1,   r3 = constants[0]
//                30,2,3,-1,   r4 = r2 * r3
//                0,1,-1,-1,   r5 = in1
//                28,4,5,-1]   r6 = r4 + r5     (the result)
//   constants = [0.5]
//   ToString:   "in0 * Sigmoid(in0) * 0.5 + in1"
//
// Every implementation (the reference kernel, CUDA kernels) computes in f32 for f16/bf16/f32 data
// (f64 in double) with EvalPointwise below, so they agree on the formula of each opcode. Opcode
// numbers are stored in plans: append new ones, never renumber.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/status.h"

#if !defined(MRT_HOST_DEVICE)
#if defined(__CUDACC__)
#define MRT_HOST_DEVICE __host__ __device__
#else
#define MRT_HOST_DEVICE
#endif
#endif

namespace mrt {

class Attributes;

// One line per opcode family (clang-format would put each on its own line).
// clang-format off
enum class PointwiseOp : uint8_t {
  // loads: a = index
  kInput = 0, kConstant = 1,
  // unary: f(a)
  kRelu = 2, kSigmoid = 3, kTanh = 4, kErf = 5, kSoftplus = 6, kSoftsign = 7, kMish = 8, kHardSwish = 9,
  kExp = 10, kLog = 11, kSqrt = 12, kNeg = 13, kAbs = 14, kReciprocal = 15, kFloor = 16, kCeil = 17,
  kRound = 18, kSign = 19, kSin = 20, kCos = 21,
  // parametric activations: f(x = a, alpha = b [, beta/gamma = c])
  kLeakyRelu = 22, kElu = 23, kCelu = 24, kThresholdedRelu = 25, kHardSigmoid = 26, kSelu = 27,
  // binary: f(a, b)
  kAdd = 28, kSub = 29, kMul = 30, kDiv = 31, kPow = 32, kMax = 33, kMin = 34, kPRelu = 35,
  // Clip(x = a, lo = b, hi = c)
  kClip = 36,
};
// clang-format on
inline constexpr int kNumPointwiseOps = 37;
inline constexpr int kPointwiseInstrWidth = 4;

struct PointwiseInstr {
  PointwiseOp op = PointwiseOp::kInput;
  int32_t a = -1, b = -1, c = -1;
  bool operator==(const PointwiseInstr&) const = default;
};

struct PointwiseProgram {
  std::vector<PointwiseInstr> code;
  std::vector<float> constants;
  int32_t result() const { return static_cast<int32_t>(code.size()) - 1; }
  bool operator==(const PointwiseProgram&) const = default;
};

std::string_view PointwiseOpName(PointwiseOp op);  // "Relu", "Add", "Input", ...
// Register operands an opcode reads (0 for the loads, 1 unary, 2 binary / one parameter, 3).
int PointwiseOperandCount(PointwiseOp op);

// Checks opcodes, that operands name earlier registers (and unused ones are -1), and that loads
// index existing inputs (< num_inputs) and constants. The error names the instruction.
Status ValidatePointwiseProgram(const PointwiseProgram& p, size_t num_inputs);
// Attributes "program" and "constants" <-> a program (Read validates it).
void WritePointwiseProgram(Attributes& attrs, const PointwiseProgram& p);
Expected<PointwiseProgram> ReadPointwiseProgram(const Attributes& attrs, size_t num_inputs);

// The readable form used in logs and dumps: "in0 * Sigmoid(in0) * 0.5 + in1". Infix for + - * /
// (left-associative, parentheses where the evaluation order needs them), calls for the rest;
// constants print by value. A computed register read more than once is named once:
// "r2 = in0 + in1; r2 * Sigmoid(r2)".
std::string ToString(const PointwiseProgram& p);

// Builds a program, loading each input and each distinct constant once.
class PointwiseBuilder {
 public:
  int32_t Input(int32_t index);
  int32_t Constant(float value);
  int32_t Op(PointwiseOp op, int32_t a, int32_t b = -1, int32_t c = -1);
  const PointwiseProgram& program() const { return program_; }
  PointwiseProgram Take() { return std::move(program_); }

 private:
  int32_t Emit(PointwiseInstr instr);
  PointwiseProgram program_;
};

// ---- the formula of every opcode (C = float for f32/f16/bf16 data, double for f64) ----
// They match the reference kernels of the ONNX ops (kernels/elementwise/*_ref.cpp), including
// NaN handling: NaN passes through the piecewise ops, and Max/Min propagate NaN like numpy.
namespace pointwise_detail {
template <typename C>
MRT_HOST_DEVICE inline C Softplus(C x) {  // ln(1 + e^x) without overflow
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
template <typename C>
MRT_HOST_DEVICE inline C Sigmoid(C x) {  // 1 / (1 + e^-x), e^(...) never overflows
  if (x >= 0) return C(1) / (C(1) + std::exp(-x));
  const C e = std::exp(x);
  return e / (C(1) + e);
}
template <typename C>
MRT_HOST_DEVICE inline C Clamp01(C v) {  // keeps NaN
  return v < 0 ? C(0) : (v > 1 ? C(1) : v);
}
}  // namespace pointwise_detail

template <typename C>
MRT_HOST_DEVICE inline C EvalPointwiseUnary(PointwiseOp op, C x) {
  namespace d = pointwise_detail;
  switch (op) {
    case PointwiseOp::kRelu:
      return x < 0 ? C(0) : x;
    case PointwiseOp::kSigmoid:
      return d::Sigmoid(x);
    case PointwiseOp::kTanh:
      return std::tanh(x);
    case PointwiseOp::kErf:
      return std::erf(x);
    case PointwiseOp::kSoftplus:
      return d::Softplus(x);
    case PointwiseOp::kSoftsign:
      return x / (C(1) + std::abs(x));
    case PointwiseOp::kMish:
      return x * std::tanh(d::Softplus(x));
    case PointwiseOp::kHardSwish:
      return x * d::Clamp01(x / C(6) + C(0.5));
    case PointwiseOp::kExp:
      return std::exp(x);
    case PointwiseOp::kLog:
      return std::log(x);
    case PointwiseOp::kSqrt:
      return std::sqrt(x);
    case PointwiseOp::kNeg:
      return -x;
    case PointwiseOp::kAbs:
      return std::abs(x);
    case PointwiseOp::kReciprocal:
      return C(1) / x;
    case PointwiseOp::kFloor:
      return std::floor(x);
    case PointwiseOp::kCeil:
      return std::ceil(x);
    case PointwiseOp::kRound:
      return std::nearbyint(x);  // half to even
    case PointwiseOp::kSign:
      return x > 0 ? C(1) : (x < 0 ? C(-1) : x);
    case PointwiseOp::kSin:
      return std::sin(x);
    case PointwiseOp::kCos:
      return std::cos(x);
    default:
      return x;
  }
}

// Ops with two or three operands (activation parameters are operands b and c).
template <typename C>
MRT_HOST_DEVICE inline C EvalPointwiseBinary(PointwiseOp op, C a, C b, C c) {
  switch (op) {
    case PointwiseOp::kLeakyRelu:
      return a < 0 ? b * a : a;
    case PointwiseOp::kElu:
      return a < 0 ? b * (std::exp(a) - C(1)) : a;
    case PointwiseOp::kCelu:
      return a > 0 ? a : b * (std::exp(a / b) - C(1));
    case PointwiseOp::kThresholdedRelu:
      return a > b ? a : (a != a ? a : C(0));
    case PointwiseOp::kHardSigmoid:
      return pointwise_detail::Clamp01(b * a + c);
    case PointwiseOp::kSelu:
      return a <= 0 ? c * b * (std::exp(a) - C(1)) : c * a;
    case PointwiseOp::kAdd:
      return a + b;
    case PointwiseOp::kSub:
      return a - b;
    case PointwiseOp::kMul:
      return a * b;
    case PointwiseOp::kDiv:
      return a / b;
    case PointwiseOp::kPow:
      return std::pow(a, b);
    case PointwiseOp::kMax:
      return b > a || b != b ? b : a;
    case PointwiseOp::kMin:
      return b < a || b != b ? b : a;
    case PointwiseOp::kPRelu:
      return a < 0 ? a * b : a;
    case PointwiseOp::kClip: {
      const C t = a < b ? b : a;
      return t > c ? c : t;
    }
    default:
      return a;
  }
}

// y = op(a, b, c) for every computing opcode (not the loads).
template <typename C>
MRT_HOST_DEVICE inline C EvalPointwise(PointwiseOp op, C a, C b, C c) {
  return static_cast<int>(op) < static_cast<int>(PointwiseOp::kLeakyRelu) ? EvalPointwiseUnary(op, a)
                                                                          : EvalPointwiseBinary(op, a, b, c);
}

}  // namespace mrt
