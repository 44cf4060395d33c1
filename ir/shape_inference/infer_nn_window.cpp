#include "ir/shape_inference/infer_nn_window.h"

#include <algorithm>
#include <string>

namespace mrt {

namespace {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

Expected<AutoPad> ReadAutoPad(const Attributes& attrs) {
  const std::string s = attrs.GetString("auto_pad", "NOTSET");
  if (s == "NOTSET" || s.empty()) return AutoPad::kNotSet;
  if (s == "SAME_UPPER") return AutoPad::kSameUpper;
  if (s == "SAME_LOWER") return AutoPad::kSameLower;
  if (s == "VALID") return AutoPad::kValid;
  return Status::Errorf("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", s);
}

// floor(a / b) and ceil(a / b) for b > 0, also for negative a (C++ '/' truncates toward zero).
int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t CeilDiv(int64_t a, int64_t b) { return -FloorDiv(-a, b); }

// An ints attribute with one entry per spatial dim; `dflt` for each dim when absent or empty.
Expected<std::vector<int64_t>> PerDimAttr(const Attributes& attrs, const char* name, size_t count, int64_t dflt,
                                          int64_t min_value) {
  std::vector<int64_t> v = attrs.GetInts(name);
  if (v.empty()) return std::vector<int64_t>(count, dflt);
  if (v.size() != count)
    return Status::Errorf("{} has {} values but the input has {} spatial dims", name, v.size(), count);
  for (int64_t x : v)
    if (x < min_value) return Status::Errorf("{} {} must be >= {}", name, SizesToString(v), min_value);
  return v;
}

// pads = [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; zeros when absent.
Status ReadPads(const Attributes& attrs, WindowGeometry& g) {
  const size_t rank = g.rank();
  std::vector<int64_t> pads = attrs.GetInts("pads");
  if (pads.empty()) pads.assign(2 * rank, 0);
  if (pads.size() != 2 * rank)
    return Status::Errorf("pads has {} values but the input has {} spatial dims (expected {})", pads.size(), rank,
                          2 * rank);
  for (int64_t p : pads)
    if (p < 0) return Status::Errorf("pads {} must be >= 0", SizesToString(pads));
  g.pads_begin.assign(pads.begin(), pads.begin() + rank);
  g.pads_end.assign(pads.begin() + rank, pads.end());
  return Status::Ok();
}

// Kernel, strides and dilations, checked; pads from the attribute (callers override for auto_pad).
Expected<WindowGeometry> CommonGeometry(const Attributes& attrs, const std::vector<int64_t>& input,
                                        const std::vector<int64_t>& kernel) {
  WindowGeometry g;
  g.input = input;
  const size_t rank = input.size();
  if (kernel.size() != rank)
    return Status::Errorf("kernel_shape has {} dims but the input has {} spatial dims", kernel.size(), rank);
  for (int64_t k : kernel)
    if (k == 0 || k < -1) return Status::Errorf("kernel_shape {} must be >= 1", SizesToString(kernel));
  g.kernel = kernel;
  MRT_ASSIGN_OR_RETURN(g.strides, PerDimAttr(attrs, "strides", rank, 1, 1));
  MRT_ASSIGN_OR_RETURN(g.dilations, PerDimAttr(attrs, "dilations", rank, 1, 1));
  MRT_RETURN_IF_ERROR(ReadPads(attrs, g));
  g.output_padding.assign(rank, 0);
  g.output.assign(rank, -1);
  return g;
}

// Splits a total padding between begin and end; the odd unit goes to the end for SAME_UPPER and
// to the beginning otherwise (floor division, so a negative total splits the same way).
void SplitPad(int64_t total, bool upper, int64_t& begin, int64_t& end) {
  const int64_t half = FloorDiv(total, 2);
  begin = upper ? half : total - half;
  end = total - begin;
}

// out = floor((in + pb + pe - ek) / s) + 1, or ceil(...) + 1 with ceil_mode, where a window
// that would start inside the end padding is dropped (as PyTorch and onnxruntime do).
Expected<int64_t> WindowCount(const WindowGeometry& g, size_t i, bool ceil_mode) {
  const int64_t span = g.input[i] + g.pads_begin[i] + g.pads_end[i] - g.EffectiveKernel(i);
  if (span < 0)
    return Status::Errorf("spatial dim {} of size {} (padded by {}+{}) is smaller than the kernel extent {}", i,
                          g.input[i], g.pads_begin[i], g.pads_end[i], g.EffectiveKernel(i));
  if (!ceil_mode) return span / g.strides[i] + 1;
  int64_t out = CeilDiv(span, g.strides[i]) + 1;
  if ((out - 1) * g.strides[i] >= g.input[i] + g.pads_begin[i]) --out;
  return out;
}

}  // namespace

Expected<WindowGeometry> ResolveWindow(WindowKind kind, const Attributes& attrs, const std::vector<int64_t>& input,
                                       const std::vector<int64_t>& kernel) {
  MRT_ASSIGN_OR_RETURN(WindowGeometry g, CommonGeometry(attrs, input, kernel));
  MRT_ASSIGN_OR_RETURN(const AutoPad auto_pad, ReadAutoPad(attrs));
  const int64_t ceil_mode = kind == WindowKind::kPool ? attrs.GetInt("ceil_mode", 0) : 0;
  if (ceil_mode != 0 && ceil_mode != 1) return Status::Errorf("ceil_mode {} must be 0 or 1", ceil_mode);
  for (size_t i = 0; i < g.rank(); ++i) {
    if (auto_pad == AutoPad::kValid) g.pads_begin[i] = g.pads_end[i] = 0;
    // A pooling window must see at least one input element (onnxruntime's rule too).
    if (kind == WindowKind::kPool && g.kernel[i] >= 0 && std::max(g.pads_begin[i], g.pads_end[i]) >= g.kernel[i])
      return Status::Errorf("pads {}+{} of spatial dim {} must be smaller than the kernel size {}", g.pads_begin[i],
                            g.pads_end[i], i, g.kernel[i]);
    if (g.input[i] < 0 || g.kernel[i] < 0) {  // unknown size: so are the output and SAME pads
      if (auto_pad == AutoPad::kSameUpper || auto_pad == AutoPad::kSameLower) g.pads_begin[i] = g.pads_end[i] = -1;
      continue;
    }
    if (auto_pad == AutoPad::kSameUpper || auto_pad == AutoPad::kSameLower) {
      g.output[i] = CeilDiv(g.input[i], g.strides[i]);
      const int64_t total = std::max<int64_t>(0, (g.output[i] - 1) * g.strides[i] + g.EffectiveKernel(i) - g.input[i]);
      SplitPad(total, auto_pad == AutoPad::kSameUpper, g.pads_begin[i], g.pads_end[i]);
      continue;
    }
    MRT_ASSIGN_OR_RETURN(g.output[i], WindowCount(g, i, ceil_mode == 1));
  }
  return g;
}

Expected<WindowGeometry> ResolveTransposedWindow(const Attributes& attrs, const std::vector<int64_t>& input,
                                                 const std::vector<int64_t>& kernel) {
  MRT_ASSIGN_OR_RETURN(WindowGeometry g, CommonGeometry(attrs, input, kernel));
  MRT_ASSIGN_OR_RETURN(const AutoPad auto_pad, ReadAutoPad(attrs));
  const size_t rank = g.rank();
  MRT_ASSIGN_OR_RETURN(g.output_padding, PerDimAttr(attrs, "output_padding", rank, 0, 0));
  const std::vector<int64_t>& output_padding = g.output_padding;
  // output_shape holds the spatial sizes; a full [N, C, ...] shape, which some exporters write,
  // is accepted too and its spatial tail used.
  std::vector<int64_t> output_shape = attrs.GetInts("output_shape");
  if (output_shape.size() == rank + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (!output_shape.empty() && output_shape.size() != rank)
    return Status::Errorf("output_shape {} has {} values but the input has {} spatial dims",
                          SizesToString(output_shape), output_shape.size(), rank);
  const bool same = auto_pad == AutoPad::kSameUpper || auto_pad == AutoPad::kSameLower;
  for (size_t i = 0; i < rank; ++i) {
    if (auto_pad == AutoPad::kValid) g.pads_begin[i] = g.pads_end[i] = 0;
    if (!output_shape.empty() || same) {
      if (!output_shape.empty()) {
        if (output_shape[i] < 0) return Status::Errorf("output_shape {} must be >= 0", SizesToString(output_shape));
        g.output[i] = output_shape[i];
      } else if (g.input[i] >= 0) {
        g.output[i] = g.input[i] * g.strides[i];
      }
      if (g.input[i] < 0 || g.kernel[i] < 0) {
        g.pads_begin[i] = g.pads_end[i] = -1;
        continue;
      }
      const int64_t total = g.strides[i] * (g.input[i] - 1) + output_padding[i] + g.EffectiveKernel(i) - g.output[i];
      SplitPad(total, auto_pad == AutoPad::kSameUpper, g.pads_begin[i], g.pads_end[i]);
      continue;
    }
    if (g.input[i] < 0 || g.kernel[i] < 0) continue;
    g.output[i] =
        g.strides[i] * (g.input[i] - 1) + output_padding[i] + g.EffectiveKernel(i) - g.pads_begin[i] - g.pads_end[i];
    if (g.output[i] < 0)
      return Status::Errorf("spatial dim {}: pads {}+{} exceed the full output size {}", i, g.pads_begin[i],
                            g.pads_end[i], g.output[i] + g.pads_begin[i] + g.pads_end[i]);
  }
  return g;
}

}  // namespace mrt
