// Resize's reference kernel, following the ONNX reference implementation axis by axis:
//
// 1. Each output coordinate x of an axis maps to a fractional input coordinate x_original by
//    coordinate_transformation_mode, with scale s and length_resized = s * length_original
//    (fractional when scales were given, as in the ONNX reference):
//      half_pixel            (x + 0.5) / s - 0.5
//      half_pixel_symmetric  offset + (x + 0.5) / s - 0.5, offset = in/2 * (1 - floor(len_r) / len_r)
//      pytorch_half_pixel    len_r == 1 ? -0.5 : (x + 0.5) / s - 0.5
//      align_corners         len_r == 1 ? 0 : x * (in - 1) / (len_r - 1)
//      asymmetric            x / s
//      tf_half_pixel_for_nn  (x + 0.5) / s
//      tf_crop_and_resize    roi_start * (in - 1) + x * (roi_end - roi_start) * (in - 1) / (len_r - 1)
//                            (len_r == 1: the roi's centre); outside [0, in - 1] -> extrapolation_value
// 2. The mode turns x_original into input taps:
//      nearest  one index, rounded by nearest_mode, clamped to [0, in - 1]
//      linear   floor(x) and floor(x) + 1 with weights 1 - r and r (r = x - floor(x))
//      cubic    floor(x) - 1 .. floor(x) + 2 with Keys' weights for a = cubic_coeff_a:
//               W(t) = (a+2)|t|³ - (a+3)|t|² + 1 for |t| <= 1, a|t|³ - 5a|t|² + 8a|t| - 4a for 1 < |t| < 2
//    Taps outside the input read the edge, or with exclude_outside get weight 0 and the rest
//    are renormalized to sum 1.
//    antialias=1 (linear and cubic, on axes with s < 1): the kernel is stretched by 1/s, so an
//    output averages every input it covers: taps floor(x) + i for i = start .. 1 - start,
//    start = floor(-support / s) + 1 (support 1 linear, 2 cubic), weights kernel((i - r) * s)
//    normalized to sum 1, with r in (0, 1] (an integral x has r = 1), as the ONNX reference does
//    (resize_coordinates.h, AntialiasTaps). Axes with s >= 1 use the plain taps.
// 3. An output element is the sum over the product of every axis' taps (separable filter).
//
// Nearest moves elements bytewise (every dtype); linear and cubic compute in double and store
// rounded to the output dtype (integers truncate, as the ONNX reference's astype does).
#include <optional>
#include <string>

#include "ir/shape_inference/infer_shape_resize.h"
#include "kernels/common/parallel.h"
#include "kernels/reference/ref_kernels.h"
#include "kernels/resize/resize_coordinates.h"
#include "kernels/shape/index_copy.h"

namespace mrt::ref {

namespace {

using namespace resize;  // the per-axis formulas (resize_coordinates.h)

// Nearest: one input offset (or kFill outside a crop) per output coordinate, then IndexCopy.
Status ResizeNearest(const RefContext& c, const ResizeOptions& o, const std::vector<AxisGeometry>& axes) {
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  std::vector<AxisTable> tables(axes.size());
  for (size_t d = 0; d < axes.size(); ++d) {
    for (int64_t x = 0; x < out.sizes[d]; ++x) {
      const double xo = OriginalCoordinate(o.transform, x, axes[d]);
      tables[d].push_back(
          OutsideCrop(o, xo, axes[d].in_len) ? kFill : NearestIndex(o.nearest_mode, xo, axes[d].in_len) * strides[d]);
    }
  }
  uint8_t fill[16] = {};
  StoreFromDouble(TensorView{out.dtype, {}, fill}, 0, o.extrapolation_value);
  IndexCopy(in.data, out.data, DTypeSize(in.dtype), tables, fill);
  return Status::Ok();
}

// Sum over the taps of axes d.. of the product of their weights times the input element.
double Interpolate(const std::vector<std::vector<std::vector<Tap>>>& taps, const std::vector<int64_t>& coord, size_t d,
                   int64_t offset, const std::vector<double>& in) {
  if (d == taps.size()) return in[offset];
  double sum = 0;
  for (const Tap& t : taps[d][coord[d]]) sum += t.weight * Interpolate(taps, coord, d + 1, offset + t.index, in);
  return sum;
}

Status ResizeInterpolate(const RefContext& c, const ResizeOptions& o, const std::vector<AxisGeometry>& axes,
                         bool antialias) {
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  if (in.dtype == DType::kBool) return Status::Errorf("mode '{}' cannot interpolate bool", o.mode);
  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  // taps[d][x]: the taps of output coordinate x on axis d, indices scaled to element offsets;
  // an empty list marks a coordinate outside the crop.
  std::vector<std::vector<std::vector<Tap>>> taps(axes.size());
  for (size_t d = 0; d < axes.size(); ++d) {
    for (int64_t x = 0; x < out.sizes[d]; ++x) {
      const double xo = OriginalCoordinate(o.transform, x, axes[d]);
      std::vector<Tap> t;
      if (OutsideCrop(o, xo, axes[d].in_len)) {
        // no taps: extrapolation_value
      } else if (antialias && axes[d].scale < 1) {
        t = AntialiasTaps(o, xo, axes[d].in_len, axes[d].scale);
      } else {
        t = InterpolationTaps(o, xo, axes[d].in_len);
      }
      for (Tap& tap : t) tap.index *= strides[d];
      taps[d].push_back(std::move(t));
    }
  }
  std::vector<double> values(static_cast<size_t>(in.numel()));
  for (int64_t i = 0; i < in.numel(); ++i) values[i] = LoadAsDouble(in, i);
  const std::vector<int64_t> out_strides = RowMajorStrides(out.sizes);
  ParallelFor(out.numel(), 1024, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> coord(out.rank());
    for (int64_t i = begin; i < end; ++i) {
      bool outside = false;
      for (size_t d = 0; d < out.rank(); ++d) {
        coord[d] = i / out_strides[d] % out.sizes[d];
        outside |= taps[d][coord[d]].empty();
      }
      StoreFromDouble(out, i, outside ? o.extrapolation_value : Interpolate(taps, coord, 0, 0, values));
    }
  });
  return Status::Ok();
}

// Resize's optional float / int inputs as values; absent and empty are both "not given".
std::optional<std::vector<double>> OptionalDoubles(const RefContext& c, size_t i) {
  if (!c.has_input(i) || c.inputs[i].numel() == 0) return std::nullopt;
  std::vector<double> v;
  for (int64_t k = 0; k < c.inputs[i].numel(); ++k) v.push_back(LoadAsDouble(c.inputs[i], k));
  return v;
}

}  // namespace

Status Resize(RefContext& c) {
  MRT_RETURN_IF_ERROR(ValidateResizeAttributes(c.attrs()));
  const ResizeOptions o = ReadOptions(c.attrs());
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  ResizeInputs inputs{OptionalDoubles(c, 1), OptionalDoubles(c, 2), std::nullopt};
  if (c.has_input(3) && c.inputs[3].numel() > 0) inputs.sizes = ReadInt64s(c.inputs[3]);
  MRT_ASSIGN_OR_RETURN(const ResizeGeometry g, ComputeResizeGeometry(in.sizes, c.attrs(), inputs));
  if (out.sizes != g.out_sizes || out.dtype != in.dtype)
    return Status::Errorf("output {}{} does not match the resized {}{}", DTypeName(out.dtype), SizesToString(out.sizes),
                          DTypeName(in.dtype), SizesToString(g.out_sizes));
  std::vector<AxisGeometry> axes;
  for (size_t d = 0; d < in.rank(); ++d) {
    axes.push_back(AxisGeometry{in.sizes[d], g.scales[d], g.roi_start[d], g.roi_end[d]});
    if (in.sizes[d] == 0 && out.sizes[d] > 0) return Status::Errorf("cannot resize an empty axis {}", d);
  }
  if (out.numel() == 0) return Status::Ok();
  if (o.mode == "nearest") return ResizeNearest(c, o, axes);  // antialias does not apply to nearest
  return ResizeInterpolate(c, o, axes, c.attrs().GetInt("antialias", 0) != 0);
}

}  // namespace mrt::ref
