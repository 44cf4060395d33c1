// The opcodes of a Pointwise program (ir/pointwise_program.h): one table, MRT_POINTWISE_OPCODES,
// that gives each opcode its number, name, class, operand count and formula. Everything about
// opcodes is generated from it: the PointwiseOp enum, the operand counts, EvalPointwise (one
// switch, one case per row), VisitPointwiseOp (the compile-time dispatch the interpreters and the
// CUDA kernels use), and the name table of pointwise_program.cpp. So an opcode cannot be routed by
// its position, and a row without a formula does not compile.
// The formulas themselves are ir/elementwise_formulas.h (the one place, with the NaN rules); this
// header needs only <cmath> and <type_traits>, so CUDA kernels include it. f32/f16/bf16 data
// compute in float (C = float), f64 in double.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include "ir/elementwise_formulas.h"

namespace mrt {

// What an opcode's operands are:
//   kLoad        none: a is an input index (kInput) or a constants index (kConstant); evaluated
//                by the interpreters themselves, never by EvalPointwise
//   kUnary       f(a)
//   kParametric  f(x = a, parameters b [, c]): a unary ONNX op whose attributes (or Clip's
//                constant bounds) become operands
//   kBinary      f(a, b) of two tensors, numpy-broadcast
enum class PointwiseOpClass : uint8_t { kLoad, kUnary, kParametric, kBinary };

// One row per opcode: X(enumerator, number, name, class, register operands, formula of a, b, c).
// Opcode numbers are stored in plans: append a row with the next number, never renumber or reuse
// one (a static_assert below checks the rows are numbered 0, 1, 2, ... in order).
// Adding an opcode: one row here (the formula in ir/elementwise_formulas.h when it is more than
// an expression); ir/README.md lists the rest of "adding a unary op".
// clang-format off
#define MRT_POINTWISE_OPCODES(X)                                                                \
  X(kInput,            0, "Input",           kLoad,       0, a)                                 \
  X(kConstant,         1, "Constant",        kLoad,       0, a)                                 \
  X(kRelu,             2, "Relu",            kUnary,      1, f::Relu(a))                        \
  X(kSigmoid,          3, "Sigmoid",         kUnary,      1, f::Sigmoid(a))                     \
  X(kTanh,             4, "Tanh",            kUnary,      1, std::tanh(a))                      \
  X(kErf,              5, "Erf",             kUnary,      1, std::erf(a))                       \
  X(kSoftplus,         6, "Softplus",        kUnary,      1, f::Softplus(a))                    \
  X(kSoftsign,         7, "Softsign",        kUnary,      1, f::Softsign(a))                    \
  X(kMish,             8, "Mish",            kUnary,      1, f::Mish(a))                        \
  X(kHardSwish,        9, "HardSwish",       kUnary,      1, f::HardSwish(a))                   \
  X(kExp,             10, "Exp",             kUnary,      1, std::exp(a))                       \
  X(kLog,             11, "Log",             kUnary,      1, std::log(a))                       \
  X(kSqrt,            12, "Sqrt",            kUnary,      1, std::sqrt(a))                      \
  X(kNeg,             13, "Neg",             kUnary,      1, -a)                                \
  X(kAbs,             14, "Abs",             kUnary,      1, std::abs(a))                       \
  X(kReciprocal,      15, "Reciprocal",      kUnary,      1, C(1) / a)                          \
  X(kFloor,           16, "Floor",           kUnary,      1, std::floor(a))                     \
  X(kCeil,            17, "Ceil",            kUnary,      1, std::ceil(a))                      \
  X(kRound,           18, "Round",           kUnary,      1, f::RoundHalfToEven(a))             \
  X(kSign,            19, "Sign",            kUnary,      1, f::Sign(a))                        \
  X(kSin,             20, "Sin",             kUnary,      1, std::sin(a))                       \
  X(kCos,             21, "Cos",             kUnary,      1, std::cos(a))                       \
  X(kLeakyRelu,       22, "LeakyRelu",       kParametric, 2, f::LeakyRelu(a, b))                \
  X(kElu,             23, "Elu",             kParametric, 2, f::Elu(a, b))                      \
  X(kCelu,            24, "Celu",            kParametric, 2, f::Celu(a, b))                     \
  X(kThresholdedRelu, 25, "ThresholdedRelu", kParametric, 2, f::ThresholdedRelu(a, b))          \
  X(kHardSigmoid,     26, "HardSigmoid",     kParametric, 3, f::HardSigmoid(a, b, c))           \
  X(kSelu,            27, "Selu",            kParametric, 3, f::Selu(a, b, c))                  \
  X(kAdd,             28, "Add",             kBinary,     2, a + b)                             \
  X(kSub,             29, "Sub",             kBinary,     2, a - b)                             \
  X(kMul,             30, "Mul",             kBinary,     2, a * b)                             \
  X(kDiv,             31, "Div",             kBinary,     2, a / b)                             \
  X(kPow,             32, "Pow",             kBinary,     2, std::pow(a, b))                    \
  X(kMax,             33, "Max",             kBinary,     2, f::Max(a, b))                      \
  X(kMin,             34, "Min",             kBinary,     2, f::Min(a, b))                      \
  X(kPRelu,           35, "PRelu",           kBinary,     2, f::PRelu(a, b))                    \
  X(kClip,            36, "Clip",            kParametric, 3, f::Clip(a, b, c))
// clang-format on

enum class PointwiseOp : uint8_t {
#define MRT_PW_ENUM(e, number, name, cls, operands, expr) e = number,
  MRT_POINTWISE_OPCODES(MRT_PW_ENUM)
#undef MRT_PW_ENUM
};

#define MRT_PW_COUNT(e, number, name, cls, operands, expr) +1
inline constexpr int kNumPointwiseOps = 0 MRT_POINTWISE_OPCODES(MRT_PW_COUNT);
#undef MRT_PW_COUNT
inline constexpr int kPointwiseInstrWidth = 4;

// Rows are numbered 0, 1, 2, ... in order, so opcode < kNumPointwiseOps is exactly "known".
constexpr bool PointwiseOpcodesNumberedInOrder() {
  int next = 0;
  bool ok = true;
#define MRT_PW_ORDER(e, number, name, cls, operands, expr) ok = ok && (number) == next++;
  MRT_POINTWISE_OPCODES(MRT_PW_ORDER)
#undef MRT_PW_ORDER
  return ok;
}
static_assert(PointwiseOpcodesNumberedInOrder(), "MRT_POINTWISE_OPCODES rows must be numbered 0, 1, 2, ... in order");
static_assert(kNumPointwiseOps == 37,
              "a new opcode: it is stored in plans; add its ToString/test rows (tests/ir/test_pointwise_program.cpp) "
              "and then update this count");

// Register operands an opcode reads (0 for the loads); -1 for a number that is no opcode.
MRT_HOST_DEVICE constexpr int PointwiseOperandCount(PointwiseOp op) {
  switch (op) {
#define MRT_PW_OPERANDS(e, number, name, cls, operands, expr) \
  case PointwiseOp::e:                                        \
    return operands;
    MRT_POINTWISE_OPCODES(MRT_PW_OPERANDS)
#undef MRT_PW_OPERANDS
  }
  return -1;
}

MRT_HOST_DEVICE constexpr PointwiseOpClass PointwiseClassOf(PointwiseOp op) {
  switch (op) {
#define MRT_PW_CLASS(e, number, name, cls, operands, expr) \
  case PointwiseOp::e:                                     \
    return PointwiseOpClass::cls;
    MRT_POINTWISE_OPCODES(MRT_PW_CLASS)
#undef MRT_PW_CLASS
  }
  return PointwiseOpClass::kLoad;
}

// y = op(a, b, c) for every computing opcode (operands the opcode does not read are ignored).
// Callers run only validated programs (ValidatePointwiseProgram refuses unknown opcodes; the CUDA
// launcher checks again), so the end of the switch is unreachable: it traps rather than return a
// made-up value.
template <typename C>
MRT_HOST_DEVICE inline C EvalPointwise(PointwiseOp op, C a, C b, C c) {
  namespace f = formula;
  switch (op) {
#define MRT_PW_EVAL(e, number, name, cls, operands, expr) \
  case PointwiseOp::e:                                    \
    return expr;
    MRT_POINTWISE_OPCODES(MRT_PW_EVAL)
#undef MRT_PW_EVAL
  }
#if defined(__CUDA_ARCH__)
  __trap();
#else
  std::abort();
#endif
  return a;
}

// Calls fn(std::integral_constant<PointwiseOp, op>{}) for the opcode `op`, so the callee is
// instantiated per opcode with a compile-time constant. Returns false (calling nothing) for a
// number that is no opcode: the caller reports the error.
#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <typename Fn>
MRT_HOST_DEVICE inline bool VisitPointwiseOp(PointwiseOp op, Fn&& fn) {
  switch (op) {
#define MRT_PW_VISIT(e, number, name, cls, operands, expr)     \
  case PointwiseOp::e:                                         \
    fn(std::integral_constant<PointwiseOp, PointwiseOp::e>{}); \
    return true;
    MRT_POINTWISE_OPCODES(MRT_PW_VISIT)
#undef MRT_PW_VISIT
  }
  return false;
}

}  // namespace mrt
