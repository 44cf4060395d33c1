#include "ir/shape_inference/infer_shape_resize.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>

#include "ir/shape_inference/infer_shape_util.h"

namespace mrt {

namespace {

Status CheckOneOf(const Attributes& attrs, const char* name, const char* dflt,
                  std::initializer_list<const char*> allowed) {
  const std::string v = attrs.GetString(name, dflt);
  for (const char* a : allowed)
    if (v == a) return Status::Ok();
  return Status::Errorf("{} '{}' is not one of {}", name, v, fmt::join(allowed, ", "));
}

}  // namespace

Status ValidateResizeAttributes(const Attributes& attrs) {
  MRT_RETURN_IF_ERROR(CheckOneOf(attrs, "mode", "nearest", {"nearest", "linear", "cubic"}));
  MRT_RETURN_IF_ERROR(CheckOneOf(attrs, "coordinate_transformation_mode", "half_pixel",
                                 {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                  "asymmetric", "tf_crop_and_resize", "tf_half_pixel_for_nn"}));
  MRT_RETURN_IF_ERROR(CheckOneOf(attrs, "nearest_mode", "round_prefer_floor",
                                 {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}));
  MRT_RETURN_IF_ERROR(
      CheckOneOf(attrs, "keep_aspect_ratio_policy", "stretch", {"stretch", "not_larger", "not_smaller"}));
  return Status::Ok();
}

namespace {

// Fills geometry for `axes` from sizes (all three keep_aspect_ratio_policy values).
Status SizesGeometry(const std::vector<int64_t>& in, const std::vector<int64_t>& axes,
                     const std::vector<int64_t>& sizes, const std::string& policy, ResizeGeometry& g) {
  for (int64_t s : sizes)
    if (s < 0) return Status::Errorf("sizes {} has a negative entry", SizesToString(sizes));
  if (policy == "stretch") {
    for (size_t i = 0; i < axes.size(); ++i) {
      const int64_t a = axes[i];
      g.out_sizes[a] = sizes[i];
      g.scales[a] = in[a] > 0 ? static_cast<double>(sizes[i]) / static_cast<double>(in[a]) : 1.0;
    }
    return Status::Ok();
  }
  // One scale for every axis keeps the aspect ratio: the largest that fits (not_larger) or the
  // smallest that covers (not_smaller) the requested box.
  double scale = policy == "not_larger" ? INFINITY : 0.0;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t dim = in[axes[i]];
    if (dim < 0) {  // unknown input dim: the common scale is unknown too
      for (int64_t a : axes) g.out_sizes[a] = -1;
      return Status::Ok();
    }
    if (dim == 0) return Status::Errorf("keep_aspect_ratio_policy '{}' cannot scale a dim of size 0", policy);
    const double s = static_cast<double>(sizes[i]) / static_cast<double>(dim);
    scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
  }
  for (int64_t a : axes) {
    g.scales[a] = scale;
    g.out_sizes[a] = static_cast<int64_t>(std::nearbyint(scale * static_cast<double>(in[a])));
  }
  return Status::Ok();
}

}  // namespace

Expected<ResizeGeometry> ComputeResizeGeometry(const std::vector<int64_t>& in_sizes, const Attributes& attrs,
                                               const ResizeInputs& inputs) {
  const auto rank = static_cast<int64_t>(in_sizes.size());
  std::vector<int64_t> axes;
  if (const auto attr_axes = attrs.Get<std::vector<int64_t>>("axes")) {
    MRT_ASSIGN_OR_RETURN(axes, NormalizeAxes(*attr_axes, rank, "axes"));
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  const size_t k = axes.size();
  ResizeGeometry g{in_sizes, std::vector<double>(in_sizes.size(), 1.0), std::vector<double>(in_sizes.size(), 0.0),
                   std::vector<double>(in_sizes.size(), 1.0)};
  if (attrs.GetString("coordinate_transformation_mode", "half_pixel") == "tf_crop_and_resize") {
    if (!inputs.roi) return Status::Error("coordinate_transformation_mode tf_crop_and_resize needs the roi input");
    if (inputs.roi->size() != 2 * k)
      return Status::Errorf("roi has {} values; {} axes need {} (starts, then ends)", inputs.roi->size(), k, 2 * k);
    for (size_t i = 0; i < k; ++i) {
      g.roi_start[axes[i]] = (*inputs.roi)[i];
      g.roi_end[axes[i]] = (*inputs.roi)[k + i];
    }
  }
  if (inputs.scales && inputs.sizes) return Status::Error("give scales or sizes, not both");
  if (!inputs.scales && !inputs.sizes) return Status::Error("needs scales or sizes (neither was given)");
  if (inputs.sizes) {
    if (inputs.sizes->size() != k) return Status::Errorf("sizes has {} values for {} axes", inputs.sizes->size(), k);
    MRT_RETURN_IF_ERROR(
        SizesGeometry(in_sizes, axes, *inputs.sizes, attrs.GetString("keep_aspect_ratio_policy", "stretch"), g));
    return g;
  }
  if (inputs.scales->size() != k) return Status::Errorf("scales has {} values for {} axes", inputs.scales->size(), k);
  for (size_t i = 0; i < k; ++i) {
    const double s = (*inputs.scales)[i];
    if (!(s > 0) || !std::isfinite(s)) return Status::Errorf("scales[{}] is {}; scales must be positive", i, s);
    const int64_t a = axes[i];
    g.scales[a] = s;
    g.out_sizes[a] = in_sizes[a] < 0 ? -1 : static_cast<int64_t>(std::floor(static_cast<double>(in_sizes[a]) * s));
  }
  return g;
}

}  // namespace mrt
