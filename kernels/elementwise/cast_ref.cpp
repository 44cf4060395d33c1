// Reference kernel of Cast: y[i] = x[i] converted to the dtype named by `to` (an ONNX
// TensorProto code), for every pair of f32 f16 bf16 f64 i8 u8 i32 i64 bool.
//   float -> float   rounds to nearest even (f64 -> f16/bf16 goes through f32)
//   float -> int     truncates toward zero, saturates out of range, NaN -> 0
//   int   -> int     wraps modulo 2^bits (numpy's astype)
//   int   -> float   rounds to nearest
//   x     -> bool    x != 0 (NaN -> true); bool -> x gives 0 or 1
#include <cmath>
#include <limits>

#include "kernels/common/parallel.h"
#include "kernels/elementwise/dtype_dispatch.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using ew::DTypeTraits;

template <typename Int>
Int SaturatingFloatToInt(double x) {
  if (std::isnan(x)) return 0;
  if (x <= static_cast<double>(std::numeric_limits<Int>::lowest())) return std::numeric_limits<Int>::lowest();
  if (x >= static_cast<double>(std::numeric_limits<Int>::max())) return std::numeric_limits<Int>::max();
  return static_cast<Int>(x);
}

template <DType To, DType From>
typename DTypeTraits<To>::Storage ConvertElement(typename DTypeTraits<From>::Storage x) {
  using ToT = DTypeTraits<To>;
  using FromT = DTypeTraits<From>;
  using ToStorage = typename ToT::Storage;
  if constexpr (To == From) {
    return x;
  } else if constexpr (To == DType::kBool) {
    return FromT::Load(x) != 0 ? 1 : 0;
  } else if constexpr (ew::kIsFloat<From>) {
    const auto v = FromT::Load(x);  // float or double
    if constexpr (ew::kIsInt<To>)
      return SaturatingFloatToInt<ToStorage>(static_cast<double>(v));
    else if constexpr (To == DType::kF64)
      return static_cast<double>(v);
    else
      return ToT::Store(static_cast<float>(v));
  } else {  // integer or bool source
    const int64_t v = static_cast<int64_t>(FromT::Load(x));
    if constexpr (ew::kIsInt<To>)
      return static_cast<ToStorage>(v);
    else
      return ToT::Store(static_cast<typename ToT::Compute>(v));
  }
}

template <DType To, DType From>
Status CastElements(const TensorView& in, const TensorView& out) {
  const auto* x = in.as<const typename DTypeTraits<From>::Storage>();
  auto* y = out.as<typename DTypeTraits<To>::Storage>();
  ParallelFor(in.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = ConvertElement<To, From>(x[i]);
  });
  return Status::Ok();
}

}  // namespace

Status Cast(RefContext& c) {
  const TensorView &in = c.inputs[0], &out = c.outputs[0];
  if (!c.attrs().has("to")) return Status::Error("attribute 'to' is missing");
  const int64_t to = c.attrs().GetInt("to");
  const DType target = to > 0 && to < 64 ? DTypeFromOnnx(static_cast<int32_t>(to)) : DType::kUndefined;
  if (target == DType::kUndefined) return Status::Errorf("casting to ONNX type {} is not supported", to);
  if (out.dtype != target || out.sizes != in.sizes)
    return Status::Errorf("output is {}{} but should be {}{}", DTypeName(out.dtype), SizesToString(out.sizes),
                          DTypeName(target), SizesToString(in.sizes));
  return ew::VisitDType<ew::kAllTypes>(in.dtype, [&](auto from) {
    return ew::VisitDType<ew::kAllTypes>(
        target, [&](auto to_tag) { return CastElements<decltype(to_tag)::value, decltype(from)::value>(in, out); });
  });
}

}  // namespace mrt::ref
