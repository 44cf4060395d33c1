// Resize's geometry: output sizes and the per-axis scales and regions of interest that the
// coordinate transform uses. Shared by Resize's shape inference (ir/shape_inference/infer_spatial.cpp)
// and its reference kernel (kernels/resize/resize_ref.cpp) so both size the output alike.
#pragma once

#include <optional>
#include <vector>

#include "ir/attributes.h"
#include "ir/status.h"

namespace mrt {

// Resize's optional inputs as plain values; nullopt when absent or empty (opset 11-12 models
// pass empty roi/scales tensors to mean "not given").
struct ResizeInputs {
  std::optional<std::vector<double>> roi;
  std::optional<std::vector<double>> scales;
  std::optional<std::vector<int64_t>> sizes;
};

struct ResizeGeometry {
  std::vector<int64_t> out_sizes;          // per dim of X; -1 where unknown (a dynamic input dim)
  std::vector<double> scales;              // per dim; the coordinate transform divides by these
  std::vector<double> roi_start, roi_end;  // per dim, normalized input coordinates (tf_crop_and_resize)
};

// Checks mode, coordinate_transformation_mode, nearest_mode, keep_aspect_ratio_policy and
// antialias; the error names the attribute and its allowed values.
Status ValidateResizeAttributes(const Attributes& attrs);

// in_sizes: X's dims, -1 where unknown. Output dims, with `axes` (default: all dims) naming the
// dims scales/sizes/roi describe (other dims keep size, scale 1, roi [0, 1]):
//   scales: out = floor(in * scale);
//   sizes, keep_aspect_ratio_policy stretch: out = size, scale = size / in;
//   sizes, not_larger / not_smaller: scale = min / max over axes of size / in, and
//     out = round(scale * in) (half to even, like the ONNX reference), the same scale on every axis.
Expected<ResizeGeometry> ComputeResizeGeometry(const std::vector<int64_t>& in_sizes, const Attributes& attrs,
                                               const ResizeInputs& inputs);

}  // namespace mrt
