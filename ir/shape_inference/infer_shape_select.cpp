// Shape inference of the ops whose output shape comes from input VALUES: Slice, Expand, Tile,
// Gather, Shape, ConstantOfShape, Range, Pad. With the values known (weights, or everything at
// run time) shapes are exact; without them the rank and untouched dims are kept.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ir/shape_inference/infer_fns.h"
#include "ir/shape_inference/infer_shape_util.h"

namespace mrt::infer {

namespace {

// The values of an optional integer input: nullopt when absent; `known` false when present but
// not known yet.
struct OptionalInts {
  bool known = true;
  std::optional<std::vector<int64_t>> values;
};
OptionalInts ReadOptionalInts(const InferContext& c, size_t i) {
  if (!c.has_input(i)) return {};
  auto v = c.ints(i);
  return OptionalInts{v.has_value(), std::move(v)};
}

// Dims on `axes` become unknown, the others stay (what Slice/Pad know without their amounts).
Shape ForgetDims(const Shape& in, const std::vector<int64_t>& axes) {
  Shape out = in;
  for (int64_t a : axes) out[a] = Dim();
  return out;
}

}  // namespace

Status Slice(InferContext& c) {
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  const auto starts = c.ints(1), ends = c.ints(2);
  const OptionalInts axes = ReadOptionalInts(c, 3), steps = ReadOptionalInts(c, 4);
  if (!starts || !ends || !axes.known || !steps.known) {
    // Which dims change is known when axes are; without axes, starts' length says how many.
    if (axes.known && axes.values) {
      MRT_ASSIGN_OR_RETURN(auto norm, NormalizeAxes(*axes.values, rank, "axes"));
      c.SetOutput(0, c.dtype(0), ForgetDims(in, norm));
    } else if (const auto k = StaticLength(c, 1); !c.has_input(3) && k && *k <= rank) {
      std::vector<int64_t> first_k;
      for (int64_t i = 0; i < *k; ++i) first_k.push_back(i);
      c.SetOutput(0, c.dtype(0), ForgetDims(in, first_k));
    } else {
      c.SetOutput(0, c.dtype(0), UnknownDims(in.rank()));
    }
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const SliceSpec spec, MakeSliceSpec(rank, *starts, *ends, axes.values, steps.values));
  Shape out = in;
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    const Dim& dim = in[spec.axes[i]];
    const bool takes_all =
        spec.starts[i] == 0 && spec.steps[i] == 1 && spec.ends[i] >= std::numeric_limits<int32_t>::max();
    if (dim.is_static())
      out[spec.axes[i]] = Dim(ClampSlice(dim.size, spec.starts[i], spec.ends[i], spec.steps[i]).count);
    else if (!takes_all)
      out[spec.axes[i]] = Dim();
  }
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

Status Expand(InferContext& c) {
  const Shape& in = c.shape(0);
  if (!c.shape(1).unknown_rank() && c.shape(1).rank() != 1)
    return c.Error("the shape input must be 1-D, not {}", c.shape(1).ToString());
  const auto target = c.ints(1);
  if (target) {
    for (int64_t t : *target)
      if (t < 0) return c.Error("shape {} has a negative dim", SizesToString(*target));
    MRT_ASSIGN_OR_RETURN(Shape out, BroadcastShapes(in, Shape::FromSizes(*target)));
    c.SetOutput(0, c.dtype(0), std::move(out));
    return Status::Ok();
  }
  const auto k = StaticLength(c, 1);
  if (!k || in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  // A static input dim other than 1 survives broadcasting whatever the target says.
  const size_t rank = std::max<size_t>(in.rank(), static_cast<size_t>(*k));
  Shape out = UnknownDims(rank);
  for (size_t i = 0; i < in.rank(); ++i)
    if (in[i].is_static() && in[i].size != 1) out[rank - in.rank() + i] = in[i];
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

Status Tile(InferContext& c) {
  const Shape& in = c.shape(0);
  const auto repeats = c.ints(1);
  if (in.unknown_rank() || !repeats) {
    c.SetOutput(0, c.dtype(0), in.unknown_rank() ? Shape::UnknownRank() : UnknownDims(in.rank()));
    return Status::Ok();
  }
  if (repeats->size() != in.rank())
    return c.Error("repeats {} has {} entries for an input of rank {}", SizesToString(*repeats), repeats->size(),
                   in.rank());
  Shape out = in;
  for (size_t i = 0; i < in.rank(); ++i) {
    const int64_t r = (*repeats)[i];
    if (r < 0) return c.Error("repeats {} has a negative entry", SizesToString(*repeats));
    if (in[i].is_static())
      out[i] = Dim(in[i].size * r);
    else if (r != 1)
      out[i] = r == 0 ? Dim(0) : Dim();
  }
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

Status Gather(InferContext& c) {
  const Shape& data = c.shape(0);
  const Shape& indices = c.shape(1);
  if (c.dtype(1) != DType::kI32 && c.dtype(1) != DType::kI64)
    return c.Error("indices must be i32 or i64, not {}", DTypeName(c.dtype(1)));
  if (data.unknown_rank() || indices.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const int64_t axis,
                       NormalizeAxis(c.attrs().GetInt("axis", 0), static_cast<int64_t>(data.rank())));
  if (const auto idx = c.ints(1); idx && data[axis].is_static()) {
    const int64_t n = data[axis].size;
    for (int64_t i : *idx)
      if (i < -n || i >= n) return c.Error("index {} is out of range for axis {} of size {}", i, axis, n);
  }
  std::vector<Dim> out(data.dims().begin(), data.dims().begin() + axis);
  out.insert(out.end(), indices.dims().begin(), indices.dims().end());
  out.insert(out.end(), data.dims().begin() + axis + 1, data.dims().end());
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

Status ShapeOf(InferContext& c) {
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, DType::kI64, UnknownDims(1));
    return Status::Ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  // start/end select dims [start, end) like a Python slice: negative counts from the end, clamped.
  auto clamp = [rank](int64_t x) { return std::clamp<int64_t>(x < 0 ? x + rank : x, 0, rank); };
  const int64_t start = clamp(c.attrs().GetInt("start", 0));
  const int64_t end = clamp(c.attrs().GetInt("end", rank));
  c.SetOutput(0, DType::kI64, Shape{Dim(std::max<int64_t>(end - start, 0))});
  return Status::Ok();
}

Status ConstantOfShape(InferContext& c) {
  DType dtype = DType::kF32;  // default value: a single f32 0
  if (const auto value = c.attrs().GetTensor("value")) {
    if (value->numel() != 1) return c.Error("value must hold exactly one element, not {}", value->numel());
    dtype = value->dtype();
  }
  if (c.dtype(0) != DType::kI64) return c.Error("the shape input must be i64, not {}", DTypeName(c.dtype(0)));
  const auto sizes = c.ints(0);
  if (!sizes) {
    const auto k = StaticLength(c, 0);
    c.SetOutput(0, dtype, k ? UnknownDims(static_cast<size_t>(*k)) : Shape::UnknownRank());
    return Status::Ok();
  }
  for (int64_t s : *sizes)
    if (s < 0) return c.Error("shape {} has a negative dim", SizesToString(*sizes));
  c.SetOutput(0, dtype, Shape::FromSizes(*sizes));
  return Status::Ok();
}

namespace {

// Range's element count: max(ceil((limit - start) / delta), 0), in integers for integer dtypes
// (exact for any i64) and in double otherwise.
Expected<int64_t> RangeCount(const TensorView& start, const TensorView& limit, const TensorView& delta) {
  if (IsInteger(start.dtype)) {
    const int64_t s = ReadInt64s(start)[0], l = ReadInt64s(limit)[0], d = ReadInt64s(delta)[0];
    if (d == 0) return Status::Error("delta is 0");
    const int64_t span = l - s;
    if ((span > 0) != (d > 0) || span == 0) return int64_t{0};
    return (span + d + (d > 0 ? -1 : 1)) / d;  // ceil division of same-sign values
  }
  const double s = LoadAsDouble(start, 0), l = LoadAsDouble(limit, 0), d = LoadAsDouble(delta, 0);
  if (d == 0 || std::isnan(d)) return Status::Errorf("delta is {}", d);
  const double count = std::ceil((l - s) / d);
  if (!std::isfinite(count) || count > 1e12) return Status::Errorf("range({}, {}, {}) is too long", s, l, d);
  return static_cast<int64_t>(std::max(count, 0.0));
}

}  // namespace

Status Range(InferContext& c) {
  for (size_t i = 0; i < 3; ++i) {
    if (c.dtype(i) != c.dtype(0))
      return c.Error("input {} is {} but start is {}; all three must have one dtype", i, DTypeName(c.dtype(i)),
                     DTypeName(c.dtype(0)));
    if (const auto n = c.shape(i).numel(); n && *n != 1) return c.Error("input {} must be a scalar", i);
  }
  if (c.dtype(0) == DType::kBool) return c.Error("Range does not take bool");
  if (!c.value(0) || !c.value(1) || !c.value(2)) {
    c.SetOutput(0, c.dtype(0), UnknownDims(1));
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const int64_t count, RangeCount(*c.value(0), *c.value(1), *c.value(2)));
  c.SetOutput(0, c.dtype(0), Shape{Dim(count)});
  return Status::Ok();
}

Status Pad(InferContext& c) {
  const std::string mode = c.attrs().GetString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return c.Error("mode '{}' is not one of constant, reflect, edge, wrap", mode);
  if (c.has_input(2) && c.dtype(2) != c.dtype(0))
    return c.Error("constant_value is {} but the data is {}", DTypeName(c.dtype(2)), DTypeName(c.dtype(0)));
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  const auto pads = c.ints(1);
  const OptionalInts axes = ReadOptionalInts(c, 3);
  if (!pads || !axes.known) {
    if (axes.known && axes.values) {
      MRT_ASSIGN_OR_RETURN(auto norm, NormalizeAxes(*axes.values, rank, "axes"));
      c.SetOutput(0, c.dtype(0), ForgetDims(in, norm));
    } else {
      c.SetOutput(0, c.dtype(0), UnknownDims(in.rank()));
    }
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const std::vector<int64_t> amounts, PadAmounts(rank, *pads, axes.values));
  Shape out = in;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t added = amounts[d] + amounts[rank + d];
    if (!in[d].is_static()) {
      if (added != 0) out[d] = Dim();
      continue;
    }
    if (in[d].size + added < 0)
      return c.Error("pads {} crop dim {} of size {} below zero", SizesToString(*pads), d, in[d].size);
    out[d] = Dim(in[d].size + added);
  }
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

}  // namespace mrt::infer
