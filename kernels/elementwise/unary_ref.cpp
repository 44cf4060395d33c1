// Reference kernels of the unary elementwise ops: y[i] = f(x[i]), y has x's dtype and shape.
// Float ops compute in float for f32/f16/bf16 and in double for f64 (DTypeTraits::Compute).
// Relu, Neg, Abs and Sign also take integers; Not takes bool. Formulas (ONNX defaults):
//   LeakyRelu  x < 0 ? alpha*x : x                          alpha 0.01
//   Elu        x < 0 ? alpha*(e^x - 1) : x                  alpha 1
//   Selu       x <= 0 ? gamma*alpha*(e^x - 1) : gamma*x      alpha 1.6732632, gamma 1.0507010
//   Celu       max(0,x) + min(0, alpha*(e^(x/alpha) - 1))   alpha 1
//   ThresholdedRelu  x > alpha ? x : 0                      alpha 1
//   HardSigmoid  max(0, min(1, alpha*x + beta))             alpha 0.2, beta 0.5
//   HardSwish    x * max(0, min(1, x/6 + 1/2))
//   Sigmoid 1/(1+e^-x); Softplus ln(1+e^x); Softsign x/(1+|x|); Mish x*tanh(softplus(x))
//   Round: half to even (nearbyint in the default rounding mode).
// NaN passes through the piecewise ops (comparisons with NaN are false, so the x branch wins).
#include <algorithm>
#include <cmath>

#include "ir/op_table.h"
#include "kernels/elementwise/elementwise_loops.h"
#include "kernels/elementwise/int_math.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using ew::DTypeTraits;
using ew::MapElements;

// ln(1 + e^x) without overflow: for x > 0 it is x + ln(1 + e^-x).
template <typename C>
C Softplus(C x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// min(1, max(0, v)), keeping NaN.
template <typename C>
C Clamp01(C v) {
  return v < 0 ? C(0) : (v > 1 ? C(1) : v);
}

// 1 / (1 + e^-x), evaluated so that e^(...) never overflows.
template <typename C>
C Sigmoid(C x) {
  if (x >= 0) return C(1) / (C(1) + std::exp(-x));
  const C e = std::exp(x);
  return e / (C(1) + e);
}

// Activations with attributes.
template <DType D>
Status ParametricActivation(OpKind op, const Attributes& attrs, const TensorView& in, const TensorView& out) {
  using C = typename DTypeTraits<D>::Compute;
  auto map = [&](auto f) { return MapElements<D>(in, out, f); };
  switch (op) {
    case OpKind::kLeakyRelu: {
      const C alpha = attrs.GetFloat("alpha", 0.01f);
      return map([=](C x) { return x < 0 ? alpha * x : x; });
    }
    case OpKind::kElu: {
      const C alpha = attrs.GetFloat("alpha", 1.0f);
      return map([=](C x) { return x < 0 ? alpha * (std::exp(x) - C(1)) : x; });
    }
    case OpKind::kSelu: {
      const C alpha = attrs.GetFloat("alpha", 1.67326319217681884765625f);
      const C gamma = attrs.GetFloat("gamma", 1.05070102214813232421875f);
      return map([=](C x) { return x <= 0 ? gamma * alpha * (std::exp(x) - C(1)) : gamma * x; });
    }
    case OpKind::kCelu: {
      const C alpha = attrs.GetFloat("alpha", 1.0f);
      if (alpha == 0) return Status::Error("Celu alpha must not be 0");
      // max(0,x) + min(0, alpha*(e^(x/alpha)-1)) is x for x > 0 and the second term otherwise (any alpha != 0).
      return map([=](C x) { return x > 0 ? x : alpha * (std::exp(x / alpha) - C(1)); });
    }
    case OpKind::kThresholdedRelu: {
      const C alpha = attrs.GetFloat("alpha", 1.0f);
      return map([=](C x) { return x > alpha ? x : (x != x ? x : C(0)); });
    }
    case OpKind::kHardSigmoid: {
      const C alpha = attrs.GetFloat("alpha", 0.2f), beta = attrs.GetFloat("beta", 0.5f);
      return map([=](C x) { return Clamp01(alpha * x + beta); });
    }
    default:
      break;
  }
  return Status::Errorf("{} is not a unary op", OpName(op));
}

template <DType D>
Status FloatUnary(OpKind op, const Attributes& attrs, const TensorView& in, const TensorView& out) {
  using C = typename DTypeTraits<D>::Compute;
  auto map = [&](auto f) { return MapElements<D>(in, out, f); };
  switch (op) {
    case OpKind::kRelu:
      return map([](C x) { return x < 0 ? C(0) : x; });
    case OpKind::kSigmoid:
      return map([](C x) { return Sigmoid(x); });
    case OpKind::kHardSwish:
      return map([](C x) { return x * Clamp01(x / C(6) + C(0.5)); });
    case OpKind::kTanh:
      return map([](C x) { return std::tanh(x); });
    case OpKind::kErf:
      return map([](C x) { return std::erf(x); });
    case OpKind::kSoftplus:
      return map([](C x) { return Softplus(x); });
    case OpKind::kSoftsign:
      return map([](C x) { return x / (C(1) + std::abs(x)); });
    case OpKind::kMish:
      return map([](C x) { return x * std::tanh(Softplus(x)); });
    case OpKind::kExp:
      return map([](C x) { return std::exp(x); });
    case OpKind::kLog:
      return map([](C x) { return std::log(x); });
    case OpKind::kSqrt:
      return map([](C x) { return std::sqrt(x); });
    case OpKind::kNeg:
      return map([](C x) { return -x; });
    case OpKind::kAbs:
      return map([](C x) { return std::abs(x); });
    case OpKind::kReciprocal:
      return map([](C x) { return C(1) / x; });
    case OpKind::kFloor:
      return map([](C x) { return std::floor(x); });
    case OpKind::kCeil:
      return map([](C x) { return std::ceil(x); });
    case OpKind::kRound:
      return map([](C x) { return std::nearbyint(x); });
    case OpKind::kSign:
      return map([](C x) { return x > 0 ? C(1) : (x < 0 ? C(-1) : x); });
    case OpKind::kSin:
      return map([](C x) { return std::sin(x); });
    case OpKind::kCos:
      return map([](C x) { return std::cos(x); });
    default:
      return ParametricActivation<D>(op, attrs, in, out);
  }
}

// Integers compute in int64 and wrap on store (Neg/Abs of the most negative value stay there).
template <DType D>
Status IntUnary(OpKind op, const TensorView& in, const TensorView& out) {
  auto map = [&](auto f) { return MapElements<D>(in, out, f); };
  switch (op) {
    case OpKind::kRelu:
      return map([](int64_t x) { return x < 0 ? int64_t{0} : x; });
    case OpKind::kNeg:
      return map([](int64_t x) { return ew::WrapNeg(x); });
    case OpKind::kAbs:
      return map([](int64_t x) { return x < 0 ? ew::WrapNeg(x) : x; });
    case OpKind::kSign:
      return map([](int64_t x) { return int64_t{x > 0} - int64_t{x < 0}; });
    default:
      break;
  }
  return Status::Errorf("integer inputs are not supported by {}", OpName(op));
}

bool TakesIntegers(OpKind op) {
  return op == OpKind::kRelu || op == OpKind::kNeg || op == OpKind::kAbs || op == OpKind::kSign;
}

}  // namespace

Status Unary(RefContext& c) {
  const OpKind op = c.node.op;
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  if (out.dtype != in.dtype || out.sizes != in.sizes)
    return Status::Errorf("output is {}{} but the input is {}{}", DTypeName(out.dtype), SizesToString(out.sizes),
                          DTypeName(in.dtype), SizesToString(in.sizes));
  if (op == OpKind::kNot) {
    return ew::VisitDType<ew::kBoolTypes>(
        in.dtype, [&](auto) { return MapElements<DType::kBool>(in, out, [](bool x) { return !x; }); });
  }
  if (TakesIntegers(op)) {
    return ew::VisitDType<ew::kNumericTypes>(in.dtype, [&](auto tag) {
      constexpr DType D = decltype(tag)::value;
      if constexpr (ew::kIsInt<D>)
        return IntUnary<D>(op, in, out);
      else
        return FloatUnary<D>(op, c.attrs(), in, out);
    });
  }
  return ew::VisitDType<ew::kFloatTypes>(in.dtype, [&](auto tag) {
    constexpr DType D = decltype(tag)::value;
    return FloatUnary<D>(op, c.attrs(), in, out);
  });
}

}  // namespace mrt::ref
