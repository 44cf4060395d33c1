// Shape inference of Softmax/LogSoftmax (shape kept), Reduce* (axes input 1, keepdims,
// noop_with_empty_axes), ArgMax/ArgMin (one axis, i64 output) and TopK (K input 1).
// When the axes or K are not known yet, the result keeps what can be known: the rank (with
// keepdims, or when the number of axes is known) and the dims that cannot change.
#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

namespace {

// Normalized, distinct axes; every axis of the rank when `given` is empty.
Expected<std::vector<bool>> ReducedMask(InferContext& c, const std::vector<int64_t>& given, int64_t rank) {
  std::vector<bool> mask(static_cast<size_t>(rank), given.empty());
  for (int64_t a : given) {
    MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(a, rank));
    if (mask[axis]) return c.Error("axis {} appears twice in axes", a);
    mask[axis] = true;
  }
  return mask;
}

// Reduce with unknown axes values: keepdims keeps the rank (dims of size 1 stay 1); without it
// the rank is known only from the number of axes.
Shape ReduceWithUnknownAxes(const Shape& in, const Shape& axes_shape, bool keepdims) {
  if (in.unknown_rank()) return Shape::UnknownRank();
  if (keepdims) {
    std::vector<Dim> dims(in.rank());
    for (size_t d = 0; d < in.rank(); ++d)
      if (in[d].size == 1) dims[d] = Dim(1);
    return Shape(std::move(dims));
  }
  const auto num_axes = axes_shape.numel();
  if (!num_axes || *num_axes == 0 || *num_axes > static_cast<int64_t>(in.rank())) return Shape::UnknownRank();
  return Shape(std::vector<Dim>(in.rank() - static_cast<size_t>(*num_axes)));
}

}  // namespace

Status Softmax(InferContext& c) {
  const Shape& in = c.shape(0);
  if (!in.unknown_rank())
    MRT_RETURN_IF_ERROR(NormalizeAxis(c.attrs().GetInt("axis", -1), static_cast<int64_t>(in.rank())).status());
  c.SetOutput(0, c.dtype(0), in);
  return Status::Ok();
}

Status Reduce(InferContext& c) {
  const Shape& in = c.shape(0);
  const bool keepdims = c.attrs().GetInt("keepdims", 1) != 0;
  const bool noop_when_empty = c.attrs().GetInt("noop_with_empty_axes", 0) != 0;
  std::optional<std::vector<int64_t>> axes = std::vector<int64_t>{};
  if (c.has_input(1)) {
    if (c.dtype(1) != DType::kI64) return c.Error("axes (input 1) must be i64, not {}", DTypeName(c.dtype(1)));
    axes = c.ints(1);
    if (!axes && c.shape(1).numel() == 0) axes = std::vector<int64_t>{};  // known to be empty
  }
  if (!axes) {
    c.SetOutput(0, c.dtype(0), ReduceWithUnknownAxes(in, c.shape(1), keepdims));
    return Status::Ok();
  }
  if (axes->empty() && noop_when_empty) {
    c.SetOutput(0, c.dtype(0), in);
    return Status::Ok();
  }
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const std::vector<bool> reduced, ReducedMask(c, *axes, static_cast<int64_t>(in.rank())));
  std::vector<Dim> dims;
  for (size_t d = 0; d < in.rank(); ++d) {
    if (!reduced[d])
      dims.push_back(in[d]);
    else if (keepdims)
      dims.emplace_back(1);
  }
  c.SetOutput(0, c.dtype(0), Shape(std::move(dims)));
  return Status::Ok();
}

Status ArgReduce(InferContext& c) {
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, DType::kI64, Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", 0), static_cast<int64_t>(in.rank())));
  const bool keepdims = c.attrs().GetInt("keepdims", 1) != 0;
  std::vector<Dim> dims;
  for (size_t d = 0; d < in.rank(); ++d) {
    if (static_cast<int64_t>(d) != axis)
      dims.push_back(in[d]);
    else if (keepdims)
      dims.emplace_back(1);
  }
  c.SetOutput(0, DType::kI64, Shape(std::move(dims)));
  return Status::Ok();
}

Status TopK(InferContext& c) {
  if (c.dtype(1) != DType::kI64) return c.Error("K (input 1) must be i64, not {}", DTypeName(c.dtype(1)));
  const auto k_count = c.shape(1).numel();
  if (k_count && *k_count != 1) return c.Error("K must hold one value, not shape {}", c.shape(1).ToString());
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    c.SetOutput(1, DType::kI64, Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const int64_t axis,
                       NormalizeAxis(c.attrs().GetInt("axis", -1), static_cast<int64_t>(in.rank())));
  Shape out = in;
  out[axis] = Dim();
  if (const auto k = c.ints(1); k && k->size() == 1) {
    const int64_t kv = (*k)[0];
    if (kv < 0) return c.Error("K = {} is negative", kv);
    if (in[axis].is_static() && kv > in[axis].size)
      return c.Error("K = {} exceeds the size {} of axis {}", kv, in[axis].size, axis);
    out[axis] = Dim(kv);
  }
  c.SetOutput(0, c.dtype(0), out);
  c.SetOutput(1, DType::kI64, std::move(out));
  return Status::Ok();
}

}  // namespace mrt::infer
