// The opcodes of a Pointwise program (ir/pointwise_program.h) and the formula of each, split out
// so that CUDA kernels can include them: this header needs only <cmath>, no Status or fmt, and
// every formula is MRT_HOST_DEVICE. The CPU reference (kernels/fused/pointwise_ref.cpp), the
// elementwise CUDA kernels (kernels/elementwise/*.cu) and the Pointwise interpreter
// (kernels/fused/pointwise.cu) all evaluate these same templates, so they agree on each formula:
// f32/f16/bf16 data compute in float (C = float), f64 in double.
#pragma once

#include <cmath>
#include <cstdint>

#if !defined(MRT_HOST_DEVICE)
#if defined(__CUDACC__)
#define MRT_HOST_DEVICE __host__ __device__
#else
#define MRT_HOST_DEVICE
#endif
#endif

namespace mrt {

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

// ---- the formula of every opcode (C = float for f32/f16/bf16 data, double for f64) ----
// They match the reference kernels of the ONNX ops (kernels/elementwise/*_ref.cpp), including
// NaN handling: NaN passes through the piecewise ops, and Max/Min propagate NaN like numpy.
namespace pointwise_detail {
// Softplus and Sigmoid evaluate one exponential, e = e^-|x| (never overflows), and select by the
// sign of x afterwards instead of branching to two exponentials: the same values, operation for
// operation, as x > 0 ? x + ln(1 + e^-x) : ln(1 + e^x) and x >= 0 ? 1 / (1 + e^-x) : e^x / (1 + e^x),
// but branch-free, which matters on a GPU where a warp's lanes of both signs would run both.
template <typename C>
MRT_HOST_DEVICE inline C Softplus(C x) {  // ln(1 + e^x) without overflow
  const C l = std::log1p(std::exp(-std::abs(x)));
  return x > 0 ? x + l : l;
}
template <typename C>
MRT_HOST_DEVICE inline C Sigmoid(C x) {  // 1 / (1 + e^-x)
  const C e = std::exp(-std::abs(x));
  return (x >= 0 ? C(1) : e) / (C(1) + e);
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
