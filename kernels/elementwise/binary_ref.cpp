// Reference kernels of the broadcasting elementwise ops. ref::Binary: arithmetic (Add Sub Mul Div
// PRelu), Pow, comparisons (bool output) and logic (And Or Xor on bools). ref::Variadic: Max Min
// Sum Mean over any number of inputs. ref::Clip and ref::Where.
// Floats compute in float (f32/f16/bf16) or double (f64). Integers compute in int64 and wrap
// modulo 2^bits like two's-complement hardware; integer Div truncates toward zero, and a zero
// divisor is an error rather than a crash.
#include <cmath>
#include <limits>

#include "ir/op_table.h"
#include "ir/pointwise_lowering.h"
#include "kernels/elementwise/elementwise_loops.h"
#include "kernels/elementwise/int_math.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using ew::DTypeTraits;

// op on compute values, lifted to storage values of dtype D: Store(op(Load(a), Load(b))).
template <DType D, typename Op>
auto OnStorage(Op op) {
  using Tr = DTypeTraits<D>;
  return [op](typename Tr::Storage a, typename Tr::Storage b) { return Tr::Store(op(Tr::Load(a), Tr::Load(b))); };
}

template <DType D, typename Op>
Status ApplySameType(const TensorView& a, const TensorView& b, const TensorView& out, Op op) {
  using S = typename DTypeTraits<D>::Storage;
  return ew::BroadcastApply<S, S, S>(a, b, out, OnStorage<D>(op));
}

bool HasZero(const TensorView& v) {
  for (int64_t i = 0; i < v.numel(); ++i)
    if (LoadAsDouble(v, i) == 0) return true;
  return false;
}

template <DType D>
Status IntArithmetic(OpKind op, const TensorView& a, const TensorView& b, const TensorView& out) {
  auto apply = [&](auto f) { return ApplySameType<D>(a, b, out, f); };
  switch (op) {
    case OpKind::kAdd:
      return apply([](int64_t x, int64_t y) { return ew::WrapAdd(x, y); });
    case OpKind::kSub:
      return apply([](int64_t x, int64_t y) { return ew::WrapSub(x, y); });
    case OpKind::kMul:
      return apply([](int64_t x, int64_t y) { return ew::WrapMul(x, y); });
    case OpKind::kDiv:
      if (HasZero(b)) return Status::Error("integer division by zero (the divisor input holds a 0)");
      return apply([](int64_t x, int64_t y) { return ew::TruncDiv(x, y); });
    case OpKind::kPRelu:
      return apply([](int64_t x, int64_t slope) { return x < 0 ? ew::WrapMul(x, slope) : x; });
    default:
      break;
  }
  return Status::Errorf("{} is not an arithmetic op", OpName(op));
}

// Add Sub Mul Div PRelu with the formula of their Pointwise opcode (ir/pointwise_lowering.h).
template <DType D>
Status FloatArithmetic(OpKind op, const TensorView& a, const TensorView& b, const TensorView& out) {
  using C = typename DTypeTraits<D>::Compute;
  const PointwiseLowering* row = FindPointwiseLowering(op);
  if (row == nullptr || row->inputs() != 2) return Status::Errorf("{} is not an arithmetic op", OpName(op));
  Status status = Status::Ok();
  VisitPointwiseOp(row->opcode, [&](auto opcode) {
    constexpr PointwiseOp kOp = decltype(opcode)::value;
    if constexpr (PointwiseClassOf(kOp) == PointwiseOpClass::kBinary)
      status = ApplySameType<D>(a, b, out, [](C x, C y) { return EvalPointwise<C>(kOp, x, y, x); });
  });
  return status;
}

// Pow: out has the base's dtype; the exponent may be any numeric dtype. Exponents are read as
// double once (they are usually a scalar or small), then y = base ^ exponent in the base's
// compute type; integer bases use exact integer powers for non-negative integral exponents.
template <DType D>
Status Pow(const TensorView& base, const TensorView& exponent, const TensorView& out) {
  using Tr = DTypeTraits<D>;
  using S = typename Tr::Storage;
  using C = typename Tr::Compute;
  Tensor exps(DType::kF64, exponent.sizes);
  for (int64_t i = 0; i < exponent.numel(); ++i) exps.data<double>()[i] = LoadAsDouble(exponent, i);
  if constexpr (ew::kIsInt<D>) {
    return ew::BroadcastApply<S, double, S>(base, exps.view(), out,
                                            [](S x, double e) { return Tr::Store(ew::IntPow(Tr::Load(x), e)); });
  } else {
    return ew::BroadcastApply<S, double, S>(
        base, exps.view(), out, [](S x, double e) { return Tr::Store(std::pow(Tr::Load(x), static_cast<C>(e))); });
  }
}

bool IsComparison(OpKind op) {
  return op == OpKind::kEqual || op == OpKind::kLess || op == OpKind::kGreater || op == OpKind::kLessOrEqual ||
         op == OpKind::kGreaterOrEqual;
}
bool IsLogic(OpKind op) { return op == OpKind::kAnd || op == OpKind::kOr || op == OpKind::kXor; }

// Comparisons and logic: out (bool) = pred(a, b), compared in the compute type (exact for every
// dtype: f16/bf16 widen to float exactly, integers to int64).
template <DType D>
Status Predicate(OpKind op, const TensorView& a, const TensorView& b, const TensorView& out) {
  using Tr = DTypeTraits<D>;
  using S = typename Tr::Storage;
  using C = typename Tr::Compute;
  auto apply = [&](auto pred) {
    return ew::BroadcastApply<S, S, uint8_t>(
        a, b, out, [pred](S x, S y) -> uint8_t { return pred(Tr::Load(x), Tr::Load(y)) ? 1 : 0; });
  };
  switch (op) {
    case OpKind::kEqual:
      return apply([](C x, C y) { return x == y; });
    case OpKind::kLess:
      return apply([](C x, C y) { return x < y; });
    case OpKind::kGreater:
      return apply([](C x, C y) { return x > y; });
    case OpKind::kLessOrEqual:
      return apply([](C x, C y) { return x <= y; });
    case OpKind::kGreaterOrEqual:
      return apply([](C x, C y) { return x >= y; });
    case OpKind::kAnd:
      return apply([](C x, C y) { return x && y; });
    case OpKind::kOr:
      return apply([](C x, C y) { return x || y; });
    case OpKind::kXor:
      return apply([](C x, C y) { return static_cast<bool>(x) != static_cast<bool>(y); });
    default:
      break;
  }
  return Status::Errorf("{} is not a comparison", OpName(op));
}

Status CheckOutputDType(const TensorView& out, DType expected) {
  if (out.dtype != expected)
    return Status::Errorf("output is {} but should be {}", DTypeName(out.dtype), DTypeName(expected));
  return Status::Ok();
}

// out[i] = finish(step(...step(step(x0, x1), x2)..., xn)) over broadcast inputs, accumulated in
// the compute type (so f16 inputs are summed in float and rounded once).
template <DType D, typename Step, typename Finish>
Status FoldInputs(const std::vector<TensorView>& ins, const TensorView& out, Step step, Finish finish) {
  using Tr = DTypeTraits<D>;
  using S = typename Tr::Storage;
  using C = typename Tr::Compute;
  std::vector<const S*> data;
  for (const TensorView& v : ins) data.push_back(v.as<const S>());
  MRT_ASSIGN_OR_RETURN(const BroadcastIndexer ix, BroadcastIndexer::Make(out, ins));
  const std::vector<int64_t> steps = ix.steps();
  S* y = out.as<S>();
  ParallelForEachRun(ix, [&](int64_t o, int64_t n, const int64_t* off) {
    for (int64_t j = 0; j < n; ++j) {
      C acc = Tr::Load(data[0][off[0] + j * steps[0]]);
      for (size_t k = 1; k < data.size(); ++k) acc = step(acc, Tr::Load(data[k][off[k] + j * steps[k]]));
      y[o + j] = Tr::Store(finish(acc));
    }
  });
  return Status::Ok();
}

// Max and Min propagate NaN like numpy.maximum / numpy.minimum (ir/elementwise_formulas.h).
template <DType D>
Status VariadicOfType(OpKind op, const std::vector<TensorView>& ins, const TensorView& out) {
  using C = typename DTypeTraits<D>::Compute;
  auto same = [](C acc) { return acc; };
  auto add = [](C acc, C x) {
    if constexpr (ew::kIsInt<D>)
      return ew::WrapAdd(acc, x);
    else
      return acc + x;
  };
  switch (op) {
    case OpKind::kMax:
      return FoldInputs<D>(
          ins, out, [](C acc, C x) { return formula::Max(acc, x); }, same);
    case OpKind::kMin:
      return FoldInputs<D>(
          ins, out, [](C acc, C x) { return formula::Min(acc, x); }, same);
    case OpKind::kSum:
      return FoldInputs<D>(ins, out, add, same);
    case OpKind::kMean: {
      const auto n = static_cast<C>(ins.size());
      return FoldInputs<D>(ins, out, add, [n](C acc) { return acc / n; });
    }
    default:
      break;
  }
  return Status::Errorf("{} is not a variadic op", OpName(op));
}

// The bound of a Clip input: its single element, or `absent` when the input is omitted.
template <DType D>
Expected<typename DTypeTraits<D>::Compute> ClipBound(const RefContext& c, size_t i,
                                                     typename DTypeTraits<D>::Compute absent) {
  if (!c.has_input(i)) return absent;
  const TensorView& v = c.inputs[i];
  if (v.dtype != D) return Status::Errorf("input {} is {} but x is {}", i, DTypeName(v.dtype), DTypeName(D));
  if (v.numel() != 1) return Status::Errorf("input {} must hold one value, not shape {}", i, SizesToString(v.sizes));
  return DTypeTraits<D>::Load(v.as<const typename DTypeTraits<D>::Storage>()[0]);
}

// y = min(max(x, lo), hi); NaN stays NaN, and lo > hi gives hi everywhere (as numpy.clip).
template <DType D>
Status ClipOfType(const RefContext& c) {
  using C = typename DTypeTraits<D>::Compute;
  using S = typename DTypeTraits<D>::Storage;
  C lowest, highest;
  if constexpr (ew::kIsInt<D>) {
    lowest = std::numeric_limits<S>::lowest();
    highest = std::numeric_limits<S>::max();
  } else {
    lowest = -std::numeric_limits<C>::infinity();
    highest = std::numeric_limits<C>::infinity();
  }
  MRT_ASSIGN_OR_RETURN(const C lo, ClipBound<D>(c, 1, lowest));
  MRT_ASSIGN_OR_RETURN(const C hi, ClipBound<D>(c, 2, highest));
  return ew::MapElements<D>(c.inputs[0], c.outputs[0], [lo, hi](C x) { return formula::Clip(x, lo, hi); });
}

// out = cond ? x : y, copied as raw elements of T (every dtype of the same size is alike here).
template <typename T>
Status SelectElements(const TensorView& cond, const TensorView& x, const TensorView& y, const TensorView& out) {
  MRT_ASSIGN_OR_RETURN(const BroadcastIndexer ix, BroadcastIndexer::Make(out.sizes, {cond.sizes, x.sizes, y.sizes}));
  const uint8_t* pc = cond.as<const uint8_t>();
  const T *px = x.as<const T>(), *py = y.as<const T>();
  T* po = out.as<T>();
  const int64_t sc = ix.step(0), sx = ix.step(1), sy = ix.step(2);
  ParallelForEachRun(ix, [&](int64_t o, int64_t n, const int64_t* off) {
    for (int64_t j = 0; j < n; ++j) po[o + j] = pc[off[0] + j * sc] ? px[off[1] + j * sx] : py[off[2] + j * sy];
  });
  return Status::Ok();
}

}  // namespace

Status Binary(RefContext& c) {
  const OpKind op = c.node.op;
  const TensorView &a = c.inputs[0], &b = c.inputs[1], &out = c.outputs[0];
  if (op == OpKind::kPow) {
    if (!IsFloat(b.dtype) && !IsInteger(b.dtype))
      return Status::Errorf("the exponent's dtype {} is not numeric", DTypeName(b.dtype));
    MRT_RETURN_IF_ERROR(CheckOutputDType(out, a.dtype));
    return ew::VisitDType<ew::kNumericTypes>(a.dtype, [&](auto tag) { return Pow<decltype(tag)::value>(a, b, out); });
  }
  if (a.dtype != b.dtype)
    return Status::Errorf("inputs have different dtypes ({} and {})", DTypeName(a.dtype), DTypeName(b.dtype));
  if (IsLogic(op)) {
    MRT_RETURN_IF_ERROR(CheckOutputDType(out, DType::kBool));
    return ew::VisitDType<ew::kBoolTypes>(a.dtype, [&](auto tag) { return Predicate<DType::kBool>(op, a, b, out); });
  }
  if (IsComparison(op)) {
    MRT_RETURN_IF_ERROR(CheckOutputDType(out, DType::kBool));
    return ew::VisitDType<ew::kAllTypes>(a.dtype,
                                         [&](auto tag) { return Predicate<decltype(tag)::value>(op, a, b, out); });
  }
  MRT_RETURN_IF_ERROR(CheckOutputDType(out, a.dtype));
  return ew::VisitDType<ew::kNumericTypes>(a.dtype, [&](auto tag) {
    constexpr DType D = decltype(tag)::value;
    if constexpr (ew::kIsInt<D>)
      return IntArithmetic<D>(op, a, b, out);
    else
      return FloatArithmetic<D>(op, a, b, out);
  });
}

Status Variadic(RefContext& c) {
  const TensorView& out = c.outputs[0];
  for (size_t i = 1; i < c.inputs.size(); ++i)
    if (c.inputs[i].dtype != c.inputs[0].dtype)
      return Status::Errorf("input {} is {} but input 0 is {}", i, DTypeName(c.inputs[i].dtype),
                            DTypeName(c.inputs[0].dtype));
  MRT_RETURN_IF_ERROR(CheckOutputDType(out, c.inputs[0].dtype));
  return ew::VisitDType<ew::kNumericTypes>(
      out.dtype, [&](auto tag) { return VariadicOfType<decltype(tag)::value>(c.node.op, c.inputs, out); });
}

Status Clip(RefContext& c) {
  MRT_RETURN_IF_ERROR(CheckOutputDType(c.outputs[0], c.inputs[0].dtype));
  if (c.outputs[0].sizes != c.inputs[0].sizes)
    return Status::Errorf("output shape {} differs from the input's {}", SizesToString(c.outputs[0].sizes),
                          SizesToString(c.inputs[0].sizes));
  return ew::VisitDType<ew::kNumericTypes>(c.inputs[0].dtype,
                                           [&](auto tag) { return ClipOfType<decltype(tag)::value>(c); });
}

Status Where(RefContext& c) {
  const TensorView &cond = c.inputs[0], &x = c.inputs[1], &y = c.inputs[2], &out = c.outputs[0];
  if (cond.dtype != DType::kBool) return Status::Errorf("condition is {}, not bool", DTypeName(cond.dtype));
  if (x.dtype != y.dtype)
    return Status::Errorf("x and y have different dtypes ({} and {})", DTypeName(x.dtype), DTypeName(y.dtype));
  MRT_RETURN_IF_ERROR(CheckOutputDType(out, x.dtype));
  switch (DTypeSize(x.dtype)) {
    case 1:
      return SelectElements<uint8_t>(cond, x, y, out);
    case 2:
      return SelectElements<uint16_t>(cond, x, y, out);
    case 4:
      return SelectElements<uint32_t>(cond, x, y, out);
    case 8:
      return SelectElements<uint64_t>(cond, x, y, out);
    default:
      break;
  }
  return Status::Errorf("dtype {} is not supported", DTypeName(x.dtype));
}

}  // namespace mrt::ref
