// PlanResize: a Resize node resolved on the host into per-dim tap tables (resize_plan_launch.h).
//
// The coordinate formulas below are the reference's (kernels/resize/resize_ref.cpp states them:
// coordinate_transformation_mode -> x_original; nearest_mode rounding; linear / cubic (Keys) taps
// with edge clamping or exclude_outside renormalization; tf_crop_and_resize's outside), computed in
// double exactly as it computes them, so the GPU reads the very input elements the reference reads.
// They are repeated here because the reference keeps them file-local; once they move to a shared
// header (see kernels/resize/README.md) this file should call them instead.
//
// A dim whose every output coordinate reads its own coordinate with weight 1 passes through;
// neighbouring pass-through dims that are contiguous in the input merge into one.
#include <algorithm>
#include <cmath>
#include <optional>

#include "ir/shape_inference/infer_shape_resize.h"
#include "kernels/resize/resize_plan_launch.h"
#include "kernels/shape/index_copy.h"

namespace mrt::gpu {

namespace {

struct ResizeOptions {
  std::string mode, transform, nearest_mode;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;
};

ResizeOptions ReadOptions(const Attributes& a) {
  return ResizeOptions{a.GetString("mode", "nearest"),
                       a.GetString("coordinate_transformation_mode", "half_pixel"),
                       a.GetString("nearest_mode", "round_prefer_floor"),
                       a.GetFloat("cubic_coeff_a", -0.75f),
                       a.GetInt("exclude_outside", 0) != 0,
                       a.GetFloat("extrapolation_value", 0.f)};
}

struct AxisGeometry {
  int64_t in_len = 0;
  double scale = 1.0, roi_start = 0.0, roi_end = 1.0;
};

// ---- The reference's formulas (resize_ref.cpp), unchanged ----

double OriginalCoordinate(const std::string& transform, int64_t x_int, const AxisGeometry& g) {
  const double x = static_cast<double>(x_int), s = g.scale, in = static_cast<double>(g.in_len);
  const double len_r = s * in;
  if (transform == "half_pixel") return (x + 0.5) / s - 0.5;
  if (transform == "half_pixel_symmetric") {
    const double offset = in / 2 * (1 - std::floor(len_r) / len_r);
    return offset + (x + 0.5) / s - 0.5;
  }
  if (transform == "pytorch_half_pixel") return len_r == 1 ? -0.5 : (x + 0.5) / s - 0.5;
  if (transform == "align_corners") return len_r == 1 ? 0.0 : x * (in - 1) / (len_r - 1);
  if (transform == "asymmetric") return x / s;
  if (transform == "tf_half_pixel_for_nn") return (x + 0.5) / s;
  const double span = (g.roi_end - g.roi_start) * (in - 1);
  return g.roi_start * (in - 1) + (len_r == 1 ? span / 2 : x * span / (len_r - 1));
}

bool OutsideCrop(const ResizeOptions& o, double x, int64_t in_len) {
  return o.transform == "tf_crop_and_resize" && (x < 0 || x > static_cast<double>(in_len - 1));
}

int64_t NearestIndex(const std::string& nearest_mode, double x, int64_t in_len) {
  const double fl = std::floor(x);
  double r;
  if (nearest_mode == "floor")
    r = fl;
  else if (nearest_mode == "ceil")
    r = std::ceil(x);
  else if (x - fl == 0.5)
    r = nearest_mode == "round_prefer_floor" ? fl : fl + 1;
  else
    r = std::round(x);
  return std::clamp<int64_t>(static_cast<int64_t>(r), 0, in_len - 1);
}

double CubicWeight(double t, double a) {
  t = std::abs(t);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

struct Tap {
  int64_t index;
  double weight;
};

std::vector<Tap> InterpolationTaps(const ResizeOptions& o, double x, int64_t in_len) {
  const double fl = std::floor(x), r = x - fl;
  const auto base = static_cast<int64_t>(fl);
  std::vector<Tap> taps;
  if (o.mode == "linear") {
    taps = {{base, 1 - r}, {base + 1, r}};
  } else {
    for (int64_t k = -1; k <= 2; ++k) taps.push_back({base + k, CubicWeight(r - static_cast<double>(k), o.cubic_a)});
  }
  double kept = 0;
  for (Tap& t : taps) {
    const bool outside = t.index < 0 || t.index >= in_len;
    if (o.exclude_outside && outside) t.weight = 0;
    kept += t.weight;
    t.index = std::clamp<int64_t>(t.index, 0, in_len - 1);
  }
  std::vector<Tap> nonzero;
  for (Tap t : taps) {
    if (o.exclude_outside && kept != 0) t.weight /= kept;
    if (t.weight != 0) nonzero.push_back(t);
  }
  return nonzero;
}

// ---- Tables ----

// taps[x] for every output coordinate x of one axis (empty: outside the crop).
std::vector<std::vector<Tap>> AxisTaps(const ResizeOptions& o, const AxisGeometry& g, int64_t out_len) {
  std::vector<std::vector<Tap>> taps(static_cast<size_t>(out_len));
  for (int64_t x = 0; x < out_len; ++x) {
    const double xo = OriginalCoordinate(o.transform, x, g);
    if (OutsideCrop(o, xo, g.in_len)) continue;
    if (o.mode == "nearest")
      taps[x] = {Tap{NearestIndex(o.nearest_mode, xo, g.in_len), 1.0}};
    else
      taps[x] = InterpolationTaps(o, xo, g.in_len);
  }
  return taps;
}

bool PassesThrough(const std::vector<std::vector<Tap>>& taps, int64_t in_len) {
  if (static_cast<int64_t>(taps.size()) != in_len) return false;
  for (size_t x = 0; x < taps.size(); ++x)
    if (taps[x].size() != 1 || taps[x][0].index != static_cast<int64_t>(x) || taps[x][0].weight != 1.0) return false;
  return true;
}

// The device table of one resized dim: `per` taps per coordinate, unused ones weight 0.
std::vector<ResizeTap> DeviceTable(const std::vector<std::vector<Tap>>& taps, int per, int64_t stride) {
  std::vector<ResizeTap> table;
  for (const std::vector<Tap>& list : taps) {
    for (int k = 0; k < per; ++k) {
      if (list.empty())
        table.push_back(ResizeTap{k == 0 ? -1 : 0, 0.f});
      else if (k < static_cast<int>(list.size()))
        table.push_back(ResizeTap{static_cast<int32_t>(list[k].index * stride), static_cast<float>(list[k].weight)});
      else
        table.push_back(ResizeTap{static_cast<int32_t>(list[0].index * stride), 0.f});
    }
  }
  return table;
}

// Resize's optional roi / scales / sizes inputs: they must be constants (or absent / empty).
Status ReadResizeInputs(const NodeDesc& desc, ResizeInputs& inputs) {
  for (size_t i = 1; i <= 3; ++i) {
    if (!desc.has_input(i) || desc.inputs[i].numel() == 0) continue;
    const Tensor* t = desc.inputs[i].constant;
    if (t == nullptr) return Status::Errorf("input {} of Resize is not a constant", i);
    if (i == 3) {
      inputs.sizes = t->ToInt64Vector();
      continue;
    }
    std::vector<double> v;
    for (int64_t k = 0; k < t->numel(); ++k) v.push_back(t->ElementAsDouble(k));
    (i == 1 ? inputs.roi : inputs.scales) = std::move(v);
  }
  return Status::Ok();
}

// Appends the dims of the plan, merging contiguous pass-through neighbours.
void AddDim(ResizePlan& plan, const ResizePlanDim& dim) {
  if (dim.resized < 0 && dim.out_size == 1) return;
  if (!plan.dims.empty() && dim.resized < 0 && plan.dims.back().resized < 0 &&
      plan.dims.back().in_stride == dim.out_size * dim.in_stride) {
    plan.dims.back().out_size *= dim.out_size;
    plan.dims.back().in_size *= dim.in_size;
    plan.dims.back().in_stride = dim.in_stride;
    return;
  }
  plan.dims.push_back(dim);
}

}  // namespace

Expected<ResizePlan> PlanResize(const NodeDesc& desc) {
  MRT_RETURN_IF_ERROR(ValidateResizeAttributes(desc.attrs()));
  const ResizeOptions o = ReadOptions(desc.attrs());
  const TensorDesc& in = desc.inputs[0];
  const TensorDesc& out = desc.outputs[0];
  ResizeInputs inputs;
  MRT_RETURN_IF_ERROR(ReadResizeInputs(desc, inputs));
  MRT_ASSIGN_OR_RETURN(const ResizeGeometry g, ComputeResizeGeometry(in.sizes, desc.attrs(), inputs));
  if (out.sizes != g.out_sizes || out.dtype != in.dtype) return Status::Error("output does not match the geometry");
  if (o.mode != "nearest" && in.dtype != DType::kF32 && in.dtype != DType::kF16)
    return Status::Errorf("mode '{}' runs on f32 and f16 only, not {}", o.mode, DTypeName(in.dtype));
  if (in.numel() >= (int64_t{1} << 31) || out.numel() >= (int64_t{1} << 31) || in.sizes.size() > kMaxResizeRank)
    return Status::Error("tensor too large for 32-bit offsets, or rank above 8");

  ResizePlan plan;
  plan.mode = o.mode == "nearest" ? ResizeMode::kNearest : o.mode == "linear" ? ResizeMode::kLinear : ResizeMode::kCubic;
  plan.dtype = in.dtype;
  plan.taps = plan.mode == ResizeMode::kNearest ? 1 : plan.mode == ResizeMode::kLinear ? 2 : 4;
  plan.extrapolation_value = o.extrapolation_value;
  StoreFromDouble(TensorView{in.dtype, {}, plan.fill.data()}, 0, o.extrapolation_value);
  plan.out_numel = out.numel();
  bool downsamples = false;
  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  std::vector<std::vector<std::vector<Tap>>> resized_taps;  // outermost first, like the dims
  for (size_t d = 0; d < in.sizes.size(); ++d) {
    if (in.sizes[d] == 0 && out.sizes[d] > 0) return Status::Error("cannot resize an empty axis");
    downsamples |= g.scales[d] < 1;
    const AxisGeometry axis{in.sizes[d], g.scales[d], g.roi_start[d], g.roi_end[d]};
    std::vector<std::vector<Tap>> taps = AxisTaps(o, axis, out.sizes[d]);
    ResizePlanDim dim{out.sizes[d], in.sizes[d], strides[d], -1};
    if (!PassesThrough(taps, in.sizes[d])) {
      dim.resized = static_cast<int>(resized_taps.size());
      resized_taps.push_back(std::move(taps));
    }
    AddDim(plan, dim);
  }
  if (desc.attrs().GetInt("antialias", 0) != 0 && downsamples && plan.mode != ResizeMode::kNearest)
    return Status::Error("antialias=1 when downsampling is not supported");
  if (plan.dims.empty()) plan.dims.push_back(ResizePlanDim{1, 1, 1, -1});
  // Number the resized dims innermost first (the kernels' order) and build their tables.
  const int count = static_cast<int>(resized_taps.size());
  for (auto it = plan.dims.rbegin(); it != plan.dims.rend(); ++it) {
    if (it->resized < 0) continue;
    plan.tables.push_back(DeviceTable(resized_taps[it->resized], plan.taps, it->in_stride));
    it->resized = static_cast<int>(plan.tables.size()) - 1;
  }
  if (count > kMaxResizedAxes && plan.mode != ResizeMode::kNearest)
    return Status::Errorf("{} resized dims; the interpolating kernel takes at most {}", count, kMaxResizedAxes);
  return plan;
}

}  // namespace mrt::gpu
