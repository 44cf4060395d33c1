// The one definition of every elementwise formula and of every ONNX attribute default they take.
// Everything that computes an activation or an elementwise op evaluates these templates: the
// reference kernels (kernels/elementwise/*_ref.cpp), the fused Conv/Gemm epilogues on the CPU and
// the GPU (ir/activation.h ApplyActivation), the Pointwise interpreters (kernels/fused/
// pointwise_ref.cpp, pointwise.cu, through ir/pointwise_formulas.h) and the CUDA elementwise
// kernels. So fused and unfused graphs compute the same value, bit for bit, given the same
// compute type C: float for f32/f16/bf16 data, double for f64. This header needs only <cmath>;
// every function is MRT_HOST_DEVICE.
//
// Special values follow ONNX Runtime (checked against onnxruntime 1.30, CPU):
//  - NaN in gives NaN out, for every formula here but one. The piecewise formulas (Relu,
//    LeakyRelu, Elu, Selu, Celu, PRelu, HardSigmoid, HardSwish, Clip) are written so that the
//    comparison is false for NaN and the branch that carries x is taken: `x < 0 ? 0 : x`, never
//    `x > 0 ? x : 0`. fmaxf/fminf return the operand that is not NaN, so they are not used.
//    Max and Min return NaN when either operand is NaN (numpy.maximum, not fmax).
//  - The exception: ThresholdedRelu is `x > alpha ? x : 0`, which is 0 for NaN (ONNX Runtime too).
//  - ±Inf go through the formula as written, with IEEE arithmetic: Sigmoid(-inf) = 0,
//    HardSwish(-inf) = -inf * 0 = NaN, Mish(-inf) = NaN, Softsign(±inf) = inf / inf = NaN.
//  - Signed zeros: a branch that returns x returns it as is (Relu(-0) = -0, Clip(-0, 0, 6) = -0,
//    LeakyRelu(-0) = -0); a computed branch gives what IEEE gives (Selu(-0) = Celu(-0) = +0);
//    Sign(-0) = +0. All as ONNX Runtime, except Max/Min of -0 and +0, which return the first
//    operand (ONNX Runtime returns +0).
#pragma once

#include <cmath>

#if !defined(MRT_HOST_DEVICE)
#if defined(__CUDACC__)
#define MRT_HOST_DEVICE __host__ __device__
#else
#define MRT_HOST_DEVICE
#endif
#endif

namespace mrt {

// ONNX attribute defaults of the parametric activations (the importer fills them in; every
// reader of a node built without the importer falls back to the same values).
namespace onnx_default {
inline constexpr float kLeakyReluAlpha = 0.01f;
inline constexpr float kEluAlpha = 1.0f;
inline constexpr float kCeluAlpha = 1.0f;
inline constexpr float kThresholdedReluAlpha = 1.0f;
inline constexpr float kHardSigmoidAlpha = 0.2f;
inline constexpr float kHardSigmoidBeta = 0.5f;
inline constexpr float kSeluAlpha = 1.67326319217681884765625f;  // the spec's value, rounded to float
inline constexpr float kSeluGamma = 1.05070102214813232421875f;
}  // namespace onnx_default

namespace formula {

// max(x, 0); NaN stays NaN, -0 stays -0.
template <typename C>
MRT_HOST_DEVICE inline C Relu(C x) {
  return x < 0 ? C(0) : x;
}
// x < 0 ? alpha * x : x
template <typename C>
MRT_HOST_DEVICE inline C LeakyRelu(C x, C alpha) {
  return x < 0 ? alpha * x : x;
}
// PRelu is LeakyRelu with the slope from a tensor.
template <typename C>
MRT_HOST_DEVICE inline C PRelu(C x, C slope) {
  return x < 0 ? x * slope : x;
}
// x < 0 ? alpha * (e^x - 1) : x
template <typename C>
MRT_HOST_DEVICE inline C Elu(C x, C alpha) {
  return x < 0 ? alpha * (std::exp(x) - C(1)) : x;
}
// max(0, x) + min(0, alpha * (e^(x/alpha) - 1)), which is x for x > 0 and the second term
// otherwise (for any alpha != 0; alpha 0 is refused where the node is read).
template <typename C>
MRT_HOST_DEVICE inline C Celu(C x, C alpha) {
  return x > 0 ? x : alpha * (std::exp(x / alpha) - C(1));
}
// x <= 0 ? gamma * alpha * (e^x - 1) : gamma * x
template <typename C>
MRT_HOST_DEVICE inline C Selu(C x, C alpha, C gamma) {
  return x <= 0 ? gamma * alpha * (std::exp(x) - C(1)) : gamma * x;
}
// x > alpha ? x : 0 (0 for NaN: the one formula that does not propagate NaN, as ONNX Runtime)
template <typename C>
MRT_HOST_DEVICE inline C ThresholdedRelu(C x, C alpha) {
  return x > alpha ? x : C(0);
}
// min(1, max(0, v)), keeping NaN.
template <typename C>
MRT_HOST_DEVICE inline C Clamp01(C v) {
  return v < 0 ? C(0) : (v > 1 ? C(1) : v);
}
// min(max(x, lo), hi); NaN stays NaN, and lo > hi gives hi everywhere (as numpy.clip).
template <typename C>
MRT_HOST_DEVICE inline C Clip(C x, C lo, C hi) {
  const C t = x < lo ? lo : x;
  return t > hi ? hi : t;
}
// max(0, min(1, alpha * x + beta))
template <typename C>
MRT_HOST_DEVICE inline C HardSigmoid(C x, C alpha, C beta) {
  return Clamp01(alpha * x + beta);
}
// x * max(0, min(1, x / 6 + 1 / 2))
template <typename C>
MRT_HOST_DEVICE inline C HardSwish(C x) {
  return x * Clamp01(x / C(6) + C(0.5));
}
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
// x / (1 + |x|)
template <typename C>
MRT_HOST_DEVICE inline C Softsign(C x) {
  return x / (C(1) + std::abs(x));
}
// x * tanh(softplus(x))
template <typename C>
MRT_HOST_DEVICE inline C Mish(C x) {
  return x * std::tanh(Softplus(x));
}
// SiLU (Swish) x * sigmoid(x): the product exporters write, so the fused form matches it exactly.
template <typename C>
MRT_HOST_DEVICE inline C SiLU(C x) {
  return x * Sigmoid(x);
}
// Gelu (exact, with erf): x / 2 * (1 + erf(x / sqrt(2))), evaluated as 0.5 * x * (1 + erf(x * (1/sqrt(2)))).
template <typename C>
MRT_HOST_DEVICE inline C Gelu(C x) {
  return C(0.5) * x * (C(1) + std::erf(x * C(0.70710678118654752440)));
}
// 1 for x > 0, -1 for x < 0, +0 for ±0, NaN for NaN.
template <typename C>
MRT_HOST_DEVICE inline C Sign(C x) {
  return x > 0 ? C(1) : (x < 0 ? C(-1) : (x == 0 ? C(0) : x));
}
// Round half to even (nearbyint in the default rounding mode).
template <typename C>
MRT_HOST_DEVICE inline C RoundHalfToEven(C x) {
  return std::nearbyint(x);
}
// NaN-propagating max / min (numpy.maximum / numpy.minimum): NaN when either operand is NaN.
template <typename C>
MRT_HOST_DEVICE inline C Max(C a, C b) {
  return b > a || b != b ? b : a;
}
template <typename C>
MRT_HOST_DEVICE inline C Min(C a, C b) {
  return b < a || b != b ? b : a;
}

}  // namespace formula
}  // namespace mrt
