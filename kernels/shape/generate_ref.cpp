// Ops that create data rather than move it: Shape (the input's dims), ConstantOfShape (one value
// repeated), Range (an arithmetic sequence).
#include <algorithm>
#include <cstring>

#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

// out = in.sizes[start:end] as i64, with Python slice semantics for start/end (negative counts
// from the end, clamped to [0, rank]).
Status ShapeOf(RefContext& c) {
  const auto rank = static_cast<int64_t>(c.inputs[0].rank());
  auto clamp = [rank](int64_t x) { return std::clamp<int64_t>(x < 0 ? x + rank : x, 0, rank); };
  const int64_t start = clamp(c.attrs().GetInt("start", 0));
  const int64_t end = std::max(start, clamp(c.attrs().GetInt("end", rank)));
  const TensorView& out = c.outputs[0];
  if (out.dtype != DType::kI64 || out.numel() != end - start)
    return Status::Errorf("output {}{} cannot hold {} dims as i64", DTypeName(out.dtype), SizesToString(out.sizes),
                          end - start);
  for (int64_t i = start; i < end; ++i) out.as<int64_t>()[i - start] = c.inputs[0].sizes[i];
  return Status::Ok();
}

// Every element is the `value` attribute's single element (default: f32 0).
Status ConstantOfShape(RefContext& c) {
  const TensorView& out = c.outputs[0];
  const auto value = c.attrs().GetTensor("value");
  const DType dtype = value ? value->dtype() : DType::kF32;
  if (value && value->numel() != 1) return Status::Errorf("value must hold one element, not {}", value->numel());
  if (out.dtype != dtype) return Status::Errorf("output is {} but value is {}", DTypeName(out.dtype), DTypeName(dtype));
  const size_t es = DTypeSize(dtype);
  uint8_t element[16] = {};
  if (value) std::memcpy(element, value->raw(), es);
  auto* dst = static_cast<uint8_t*>(out.data);
  for (int64_t i = 0; i < out.numel(); ++i) std::memcpy(dst + i * es, element, es);
  return Status::Ok();
}

// out[i] = start + i * delta for i < count (count was fixed by shape inference:
// max(ceil((limit - start) / delta), 0)). Integers in i64 arithmetic, floats in double.
Status Range(RefContext& c) {
  const TensorView& out = c.outputs[0];
  const TensorView& start = c.inputs[0];
  const TensorView& delta = c.inputs[2];
  if (out.dtype != start.dtype || out.rank() != 1)
    return Status::Errorf("output {}{} does not fit a Range of {}", DTypeName(out.dtype), SizesToString(out.sizes),
                          DTypeName(start.dtype));
  if (IsInteger(out.dtype)) {
    const int64_t s = ReadInt64s(start)[0], d = ReadInt64s(delta)[0];
    if (out.dtype == DType::kI64) {
      for (int64_t i = 0; i < out.numel(); ++i) out.as<int64_t>()[i] = s + i * d;
    } else {
      for (int64_t i = 0; i < out.numel(); ++i) StoreFromDouble(out, i, static_cast<double>(s + i * d));
    }
    return Status::Ok();
  }
  const double s = LoadAsDouble(start, 0), d = LoadAsDouble(delta, 0);
  for (int64_t i = 0; i < out.numel(); ++i) StoreFromDouble(out, i, s + static_cast<double>(i) * d);
  return Status::Ok();
}

}  // namespace mrt::ref
