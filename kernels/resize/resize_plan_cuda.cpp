// PlanResize: a Resize node resolved on the host into per-dim tap tables (resize_plan_launch.h).
//
// The coordinate formulas are the reference's own (resize_coordinates.h, shared with
// resize_ref.cpp), so the GPU reads the very input elements, with the same weights, that the
// reference reads.
//
// A dim whose every output coordinate reads its own coordinate with weight 1 passes through;
// neighbouring pass-through dims that are contiguous in the input merge into one.
#include <optional>

#include "ir/shape_inference/infer_shape_resize.h"
#include "kernels/resize/resize_coordinates.h"
#include "kernels/resize/resize_plan_launch.h"
#include "kernels/shape/index_copy.h"

namespace mrt::gpu {

namespace {

using namespace resize;  // the per-axis formulas (resize_coordinates.h)

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
