// Reference kernels of the unary elementwise ops: y[i] = f(x[i]), y has x's dtype and shape.
// Float ops compute in float for f32/f16/bf16 and in double for f64 (DTypeTraits::Compute), with
// the formula of the op's Pointwise opcode (ir/pointwise_lowering.h maps the op to the opcode and
// its attributes to the formula's parameters, ONNX defaults included; the formulas and their
// NaN / Inf / signed-zero rules are ir/elementwise_formulas.h). So this kernel, the fused
// Pointwise programs and the CUDA kernels evaluate the same expression.
// Relu, Neg, Abs and Sign also take integers; Not takes bool.
#include <algorithm>
#include <cmath>

#include "ir/op_table.h"
#include "ir/pointwise_lowering.h"
#include "kernels/elementwise/elementwise_loops.h"
#include "kernels/elementwise/int_math.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using ew::DTypeTraits;
using ew::MapElements;

// y = formula(x, b, c) of the op's opcode, instantiated per opcode so each loop is straight-line.
template <DType D>
Status FloatUnary(OpKind op, const Attributes& attrs, const TensorView& in, const TensorView& out) {
  using C = typename DTypeTraits<D>::Compute;
  const PointwiseLowering* row = FindPointwiseLowering(op);
  if (row == nullptr || row->inputs() != 1) return Status::Errorf("{} is not a unary op", OpName(op));
  const FormulaParams params = ReadFormulaParams(*row, attrs);
  MRT_RETURN_IF_ERROR(CheckFormulaParams(*row, params));
  const C b = params.b, c = params.c;
  Status status = Status::Ok();
  const bool known = VisitPointwiseOp(row->opcode, [&](auto opcode) {
    constexpr PointwiseOp kOp = decltype(opcode)::value;
    constexpr PointwiseOpClass kClass = PointwiseClassOf(kOp);
    if constexpr (kClass == PointwiseOpClass::kUnary || kClass == PointwiseOpClass::kParametric)
      status = MapElements<D>(in, out, [=](C x) { return EvalPointwise<C>(kOp, x, b, c); });
  });
  if (!known)
    return Status::Errorf("{} maps to unknown Pointwise opcode {}", OpName(op), static_cast<int>(row->opcode));
  return status;
}

// Integers compute in int64 and wrap on store (Neg/Abs of the most negative value stay there).
template <DType D>
Status IntUnary(OpKind op, const TensorView& in, const TensorView& out) {
  auto map = [&](auto f) { return MapElements<D>(in, out, f); };
  switch (op) {
    case OpKind::kRelu:
      return map([](int64_t x) { return formula::Relu(x); });
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
