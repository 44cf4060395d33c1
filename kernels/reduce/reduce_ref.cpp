// Reference kernels of the Reduce* ops and ArgMax/ArgMin (TopK is in topk_ref.cpp).
//
// Reduce*: axes are input 1 (optional); keepdims (default 1) only shapes the output. No axes (an
// absent or empty input) reduces every axis, unless noop_with_empty_axes = 1, which copies x.
// Over the n elements x_i feeding one output:
//   Sum Σx  Mean Σx/n  Max  Min  Prod Πx  L1 Σ|x|  L2 sqrt(Σx²)  SumSquare Σx²
//   LogSumExp  m + ln Σ e^(x - m), m = max x (no overflow)
// Floats accumulate in double. Integers accumulate exactly in int64 (wrapping), except L2 and
// LogSumExp, which go through double; Mean of integers truncates toward zero. Max and Min
// propagate NaN. An empty reduction gives Sum 0, Prod 1, Max -inf, Min +inf, Mean NaN.
// ReduceMax / ReduceMin also take bool (opset 20): any / all.
//
// ArgMax/ArgMin: index (i64) of the first extreme along `axis` (default 0), of the last one when
// select_last_index = 1; a NaN counts as the extreme (numpy's rule).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <type_traits>

#include "ir/infer_context.h"
#include "ir/op_table.h"
#include "kernels/common/parallel.h"
#include "kernels/elementwise/dtype_dispatch.h"
#include "kernels/elementwise/int_math.h"
#include "kernels/reduce/reduce_layout.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using ew::DTypeTraits;
using reduce::AxisLayout;
using reduce::ReduceLayout;

constexpr int64_t kGrain = 1 << 14;  // input elements per parallel chunk, roughly

template <OpKind R, typename Acc>
Acc Init() {
  if constexpr (R == OpKind::kReduceProd) return Acc(1);
  if constexpr (R == OpKind::kReduceMax)
    return std::numeric_limits<Acc>::has_infinity ? -std::numeric_limits<Acc>::infinity()
                                                  : std::numeric_limits<Acc>::lowest();
  if constexpr (R == OpKind::kReduceMin)
    return std::numeric_limits<Acc>::has_infinity ? std::numeric_limits<Acc>::infinity()
                                                  : std::numeric_limits<Acc>::max();
  return Acc(0);
}

template <typename Acc>
Acc Plus(Acc a, Acc b) {
  if constexpr (std::is_integral_v<Acc>)
    return ew::WrapAdd(a, b);
  else
    return a + b;
}
template <typename Acc>
Acc Times(Acc a, Acc b) {
  if constexpr (std::is_integral_v<Acc>)
    return ew::WrapMul(a, b);
  else
    return a * b;
}

template <OpKind R, typename Acc>
Acc Step(Acc acc, Acc v) {
  if constexpr (R == OpKind::kReduceProd) return Times(acc, v);
  if constexpr (R == OpKind::kReduceMax) return v > acc || v != v ? v : acc;
  if constexpr (R == OpKind::kReduceMin) return v < acc || v != v ? v : acc;
  if constexpr (R == OpKind::kReduceL1) return Plus(acc, v < 0 ? Times(v, Acc(-1)) : v);
  if constexpr (R == OpKind::kReduceL2 || R == OpKind::kReduceSumSquare) return Plus(acc, Times(v, v));
  return Plus(acc, v);  // Sum, Mean
}

template <OpKind R, typename Acc>
Acc Finish(Acc acc, int64_t n) {
  if constexpr (R == OpKind::kReduceL2) return std::sqrt(acc);
  if constexpr (R == OpKind::kReduceMean) {
    if constexpr (std::is_integral_v<Acc>)
      return n == 0 ? 0 : ew::TruncDiv(acc, n);
    else
      return acc / static_cast<Acc>(n);
  }
  return acc;
}

// Rounds (floats) or saturates (integers, from double) an accumulator into dtype D.
template <DType D, typename Acc>
typename DTypeTraits<D>::Storage StoreResult(Acc acc) {
  using Tr = DTypeTraits<D>;
  using S = typename Tr::Storage;
  if constexpr (ew::kIsFloat<D>) {
    return Tr::Store(static_cast<typename Tr::Compute>(acc));
  } else if constexpr (std::is_integral_v<Acc>) {
    return static_cast<S>(acc);
  } else {
    if (std::isnan(acc)) return 0;
    if (acc <= static_cast<double>(std::numeric_limits<S>::lowest())) return std::numeric_limits<S>::lowest();
    if (acc >= static_cast<double>(std::numeric_limits<S>::max())) return std::numeric_limits<S>::max();
    return static_cast<S>(acc);
  }
}

template <DType D, OpKind R, typename Acc>
Acc ReduceOne(const typename DTypeTraits<D>::Storage* x, const ReduceLayout& layout, int64_t base,
              std::vector<int64_t>& coord) {
  auto load = [x](int64_t offset) { return static_cast<Acc>(DTypeTraits<D>::Load(x[offset])); };
  if constexpr (R == OpKind::kReduceLogSumExp) {
    Acc m = -std::numeric_limits<Acc>::infinity();
    layout.ForEachReduced(base, coord, [&](int64_t o) { m = Step<OpKind::kReduceMax>(m, load(o)); });
    if (std::isinf(m)) return m;  // all -inf (or an empty set): -inf; any +inf: +inf
    Acc sum = 0;
    layout.ForEachReduced(base, coord, [&](int64_t o) { sum += std::exp(load(o) - m); });
    return m + std::log(sum);
  } else {
    Acc acc = Init<R, Acc>();
    layout.ForEachReduced(base, coord, [&](int64_t o) { acc = Step<R>(acc, load(o)); });
    return Finish<R>(acc, layout.count());
  }
}

template <DType D, OpKind R>
Status ReduceAll(const TensorView& in, const TensorView& out, const ReduceLayout& layout) {
  constexpr bool kExactInt = ew::kIsInt<D> && R != OpKind::kReduceL2 && R != OpKind::kReduceLogSumExp;
  using Acc = std::conditional_t<kExactInt, int64_t, double>;
  using S = typename DTypeTraits<D>::Storage;
  const S* x = in.as<const S>();
  S* y = out.as<S>();
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(layout.count(), 1));
  ParallelFor(layout.num_outputs(), grain, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> coord;
    for (int64_t i = begin; i < end; ++i)
      y[i] = StoreResult<D>(ReduceOne<D, R, Acc>(x, layout, layout.BaseOffset(i), coord));
  });
  return Status::Ok();
}

template <DType D>
Status ReduceOfType(OpKind op, const TensorView& in, const TensorView& out, const ReduceLayout& layout) {
  switch (op) {
    case OpKind::kReduceSum:
      return ReduceAll<D, OpKind::kReduceSum>(in, out, layout);
    case OpKind::kReduceMean:
      return ReduceAll<D, OpKind::kReduceMean>(in, out, layout);
    case OpKind::kReduceMax:
      return ReduceAll<D, OpKind::kReduceMax>(in, out, layout);
    case OpKind::kReduceMin:
      return ReduceAll<D, OpKind::kReduceMin>(in, out, layout);
    case OpKind::kReduceProd:
      return ReduceAll<D, OpKind::kReduceProd>(in, out, layout);
    case OpKind::kReduceL1:
      return ReduceAll<D, OpKind::kReduceL1>(in, out, layout);
    case OpKind::kReduceL2:
      return ReduceAll<D, OpKind::kReduceL2>(in, out, layout);
    case OpKind::kReduceSumSquare:
      return ReduceAll<D, OpKind::kReduceSumSquare>(in, out, layout);
    case OpKind::kReduceLogSumExp:
      return ReduceAll<D, OpKind::kReduceLogSumExp>(in, out, layout);
    default:
      break;
  }
  return Status::Error("not a Reduce op");
}

// The normalized, distinct axes to reduce (every axis when none are given).
Expected<std::vector<int64_t>> ReducedAxes(const std::vector<int64_t>& given, int64_t rank) {
  std::vector<int64_t> axes;
  if (given.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  std::set<int64_t> seen;
  for (int64_t a : given) {
    MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(a, rank));
    if (!seen.insert(axis).second) return Status::Errorf("axis {} appears twice in axes", a);
    axes.push_back(axis);
  }
  return axes;
}

// True when v should replace the current extreme `best` (NaN wins; ties go to the last index
// only with select_last_index).
template <typename C>
bool Replaces(C v, C best, bool is_max, bool last) {
  if (best != best) return last && v != v;
  if (v != v) return true;
  if (v == best) return last;
  return is_max ? v > best : v < best;
}

template <DType D>
Status ArgReduceOfType(const TensorView& in, const TensorView& out, const AxisLayout& s, bool is_max, bool last) {
  using Tr = DTypeTraits<D>;
  const auto* x = in.as<const typename Tr::Storage>();
  int64_t* y = out.as<int64_t>();
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(s.n, 1));
  ParallelFor(s.num_slices(), grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t base = s.SliceBase(i);
      auto best = Tr::Load(x[base]);
      int64_t best_index = 0;
      for (int64_t j = 1; j < s.n; ++j) {
        const auto v = Tr::Load(x[base + j * s.inner]);
        if (Replaces(v, best, is_max, last)) {
          best = v;
          best_index = j;
        }
      }
      y[i] = best_index;
    }
  });
  return Status::Ok();
}

// ReduceMax / ReduceMin of bool (opset 20): booleans are the bytes 0 and 1, so Max is "any" and
// Min "all" when the bytes are reduced as u8; an empty reduction gives u8's lowest / highest,
// stored back as false / true.
Status ReduceBool(OpKind op, const TensorView& in, const TensorView& out, const ReduceLayout& layout) {
  if (op != OpKind::kReduceMax && op != OpKind::kReduceMin)
    return Status::Errorf("{} of bool is not defined (only ReduceMax and ReduceMin take bool)", OpName(op));
  const TensorView in_u8{DType::kU8, in.sizes, in.data};
  const TensorView out_u8{DType::kU8, out.sizes, out.data};
  MRT_RETURN_IF_ERROR(ReduceOfType<DType::kU8>(op, in_u8, out_u8, layout));
  uint8_t* y = out_u8.as<uint8_t>();
  for (int64_t i = 0; i < out.numel(); ++i) y[i] = y[i] != 0;
  return Status::Ok();
}

}  // namespace

Status Reduce(RefContext& c) {
  const TensorView &in = c.inputs[0], &out = c.outputs[0];
  if (out.dtype != in.dtype)
    return Status::Errorf("output is {} but the input is {}", DTypeName(out.dtype), DTypeName(in.dtype));
  std::vector<int64_t> given;
  if (c.has_input(1)) given = ReadInt64s(c.inputs[1]);
  if (given.empty() && c.attrs().GetInt("noop_with_empty_axes", 0) != 0) {
    if (out.sizes != in.sizes)
      return Status::Errorf("output shape {} differs from the input's", SizesToString(out.sizes));
    if (in.nbytes()) std::memcpy(out.data, in.data, in.nbytes());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const std::vector<int64_t> axes, ReducedAxes(given, static_cast<int64_t>(in.rank())));
  const ReduceLayout layout(in.sizes, axes);
  if (layout.num_outputs() != out.numel())
    return Status::Errorf("output shape {} does not hold the {} results", SizesToString(out.sizes),
                          layout.num_outputs());
  if (in.dtype == DType::kBool) return ReduceBool(c.node.op, in, out, layout);
  return ew::VisitDType<ew::kNumericTypes>(
      in.dtype, [&](auto tag) { return ReduceOfType<decltype(tag)::value>(c.node.op, in, out, layout); });
}

Status ArgReduce(RefContext& c) {
  const TensorView &in = c.inputs[0], &out = c.outputs[0];
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", 0), static_cast<int64_t>(in.rank())));
  const AxisLayout s = AxisLayout::Around(in.sizes, axis);
  if (out.dtype != DType::kI64 || out.numel() != s.num_slices())
    return Status::Errorf("output is {}{}; expected i64 with {} elements", DTypeName(out.dtype),
                          SizesToString(out.sizes), s.num_slices());
  if (s.n == 0 && s.num_slices() > 0) return Status::Errorf("axis {} is empty: there is no extreme to find", axis);
  const bool is_max = c.node.op == OpKind::kArgMax;
  const bool last = c.attrs().GetInt("select_last_index", 0) != 0;
  return ew::VisitDType<ew::kNumericTypes>(
      in.dtype, [&](auto tag) { return ArgReduceOfType<decltype(tag)::value>(in, out, s, is_max, last); });
}

}  // namespace mrt::ref
