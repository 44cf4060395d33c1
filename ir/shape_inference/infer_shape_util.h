// Index arithmetic shared by the shape inference of the data-movement ops and their reference
// kernels (kernels/shape/), so the two can never disagree about Slice bounds, Split sizes or Pad
// amounts. Everything here works on plain integers; callers turn inputs into them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ir/infer_context.h"

namespace mrt {

// One axis of a Slice after ONNX's clamping: elements start, start + step, ... (count of them).
struct SliceRange {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
};

// Clamps one axis of Slice (step != 0) against a dim of `dim` elements:
//   negative start/end count from the end (x += dim);
//   step > 0: start, end clamped to [0, dim];       count = max(0, ceil((end - start) / step))
//   step < 0: start clamped to [0, dim-1], end to [-1, dim-1]; count = max(0, ceil((start - end) / -step))
// so INT64_MAX / INT64_MIN ends mean "to the end" in either direction.
SliceRange ClampSlice(int64_t dim, int64_t start, int64_t end, int64_t step);

// Slice's inputs as one entry per sliced axis, axes normalized to [0, rank).
struct SliceSpec {
  std::vector<int64_t> axes, starts, ends, steps;
};
// Checks lengths (starts, ends, axes, steps all alike), axes in range and distinct, steps != 0.
// Absent axes mean 0..n-1, absent steps mean 1.
Expected<SliceSpec> MakeSliceSpec(int64_t rank, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                                  const std::optional<std::vector<int64_t>>& axes,
                                  const std::optional<std::vector<int64_t>>& steps);

// Split without a `split` input (opset 18): chunks of ceil(dim / n), the last one smaller; error
// when that leaves the last chunk negative (e.g. 5 into 4: 2, 2, 2, -1).
Expected<std::vector<int64_t>> EvenSplitSizes(int64_t dim, int64_t num_outputs);

// Pad's `pads` ([x1_begin, x2_begin, ..., x1_end, x2_end, ...] over `axes`, or over every axis
// when axes is absent) as 2 * rank amounts: begins of axes 0..rank-1, then their ends.
Expected<std::vector<int64_t>> PadAmounts(int64_t rank, const std::vector<int64_t>& pads,
                                          const std::optional<std::vector<int64_t>>& axes);

// Normalizes a list of axes against `rank` (negative count from the end) and rejects duplicates.
// `what` names the list in the error ("axes", "perm").
Expected<std::vector<int64_t>> NormalizeAxes(const std::vector<int64_t>& axes, int64_t rank, const char* what);

// Product of dims [begin, end) of a shape as a Dim: static when every dim is, the dim itself when
// it is the only non-1 factor (so [batch, 1] flattens to batch), otherwise unknown.
Dim DimProduct(const Shape& shape, size_t begin, size_t end);

// A shape of `rank` unknown dims.
Shape UnknownDims(size_t rank);

// The static length of a 1-D input (a shape, axes or pads list) when its shape says so.
std::optional<int64_t> StaticLength(const InferContext& c, size_t input);

}  // namespace mrt
