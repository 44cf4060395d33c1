#include "ir/shape_inference/infer_shape_util.h"

#include <algorithm>

namespace mrt {

SliceRange ClampSlice(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (start < 0) start += dim;
  if (end < 0) end += dim;  // INT64_MIN + dim cannot overflow: dim >= 0
  SliceRange r;
  r.step = step;
  if (dim == 0) return r;  // nothing to take (and [0, dim - 1] below would be empty)
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    r.count = end > start ? (end - start + step - 1) / step : 0;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    r.count = start > end ? (start - end - step - 1) / -step : 0;
  }
  r.start = r.count > 0 ? start : 0;
  return r;
}

Expected<SliceSpec> MakeSliceSpec(int64_t rank, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                                  const std::optional<std::vector<int64_t>>& axes,
                                  const std::optional<std::vector<int64_t>>& steps) {
  const size_t n = starts.size();
  if (ends.size() != n)
    return Status::Errorf("starts has {} values but ends has {}; they must be alike", n, ends.size());
  if (axes && axes->size() != n) return Status::Errorf("axes has {} values but starts has {}", axes->size(), n);
  if (steps && steps->size() != n) return Status::Errorf("steps has {} values but starts has {}", steps->size(), n);
  SliceSpec spec;
  spec.starts = starts;
  spec.ends = ends;
  if (axes) {
    MRT_ASSIGN_OR_RETURN(spec.axes, NormalizeAxes(*axes, rank, "axes"));
  } else {
    if (static_cast<int64_t>(n) > rank) return Status::Errorf("{} starts for an input of rank {}", n, rank);
    for (size_t i = 0; i < n; ++i) spec.axes.push_back(static_cast<int64_t>(i));
  }
  spec.steps = steps ? *steps : std::vector<int64_t>(n, 1);
  for (size_t i = 0; i < n; ++i)
    if (spec.steps[i] == 0) return Status::Errorf("steps[{}] is 0; a slice step must be non-zero", i);
  return spec;
}

Expected<std::vector<int64_t>> EvenSplitSizes(int64_t dim, int64_t num_outputs) {
  if (num_outputs <= 0) return Status::Errorf("cannot split into {} outputs", num_outputs);
  const int64_t chunk = (dim + num_outputs - 1) / num_outputs;
  std::vector<int64_t> sizes(static_cast<size_t>(num_outputs), chunk);
  sizes.back() = dim - chunk * (num_outputs - 1);
  if (sizes.back() < 0)
    return Status::Errorf("a dim of {} cannot be split into {} chunks of {} (the last would be {})", dim, num_outputs,
                          chunk, sizes.back());
  return sizes;
}

Expected<std::vector<int64_t>> PadAmounts(int64_t rank, const std::vector<int64_t>& pads,
                                          const std::optional<std::vector<int64_t>>& axes) {
  std::vector<int64_t> axis_list;
  if (axes) {
    MRT_ASSIGN_OR_RETURN(axis_list, NormalizeAxes(*axes, rank, "axes"));
  } else {
    for (int64_t i = 0; i < rank; ++i) axis_list.push_back(i);
  }
  const size_t n = axis_list.size();
  if (pads.size() != 2 * n)
    return Status::Errorf("pads has {} values; {} axes need {} (begins, then ends)", pads.size(), n, 2 * n);
  std::vector<int64_t> amounts(static_cast<size_t>(2 * rank), 0);
  for (size_t i = 0; i < n; ++i) {
    amounts[axis_list[i]] = pads[i];
    amounts[rank + axis_list[i]] = pads[n + i];
  }
  return amounts;
}

Expected<std::vector<int64_t>> NormalizeAxes(const std::vector<int64_t>& axes, int64_t rank, const char* what) {
  std::vector<int64_t> out;
  std::vector<bool> seen(static_cast<size_t>(std::max<int64_t>(rank, 0)), false);
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) return Status::Errorf("{} value {} is out of range for rank {}", what, a, rank);
    const int64_t axis = a < 0 ? a + rank : a;
    if (seen[axis]) return Status::Errorf("{} names axis {} twice", what, axis);
    seen[axis] = true;
    out.push_back(axis);
  }
  return out;
}

Dim DimProduct(const Shape& shape, size_t begin, size_t end) {
  int64_t product = 1;
  const Dim* only_dynamic = nullptr;
  int dynamic_count = 0;
  for (size_t i = begin; i < end; ++i) {
    if (shape[i].is_static()) {
      product *= shape[i].size;
    } else {
      only_dynamic = &shape[i];
      ++dynamic_count;
    }
  }
  if (dynamic_count == 0) return Dim(product);
  if (dynamic_count == 1 && product == 1) return *only_dynamic;
  if (product == 0) return Dim(0);
  return Dim();
}

Shape UnknownDims(size_t rank) { return Shape(std::vector<Dim>(rank)); }

std::optional<int64_t> StaticLength(const InferContext& c, size_t input) {
  if (!c.has_input(input)) return std::nullopt;
  const Shape& s = c.shape(input);
  if (s.unknown_rank()) return std::nullopt;
  if (s.rank() == 0) return 1;
  if (s.rank() == 1 && s[0].is_static()) return s[0].size;
  return std::nullopt;
}

}  // namespace mrt
