// Resize's per-axis coordinate formulas, shared by the reference (resize_ref.cpp, whose file
// comment states the math) and the CUDA tactics' host planning (resize_plan_cuda.cpp), so that the
// GPU reads the very input elements, with the very weights, that the reference reads:
// coordinate_transformation_mode -> x_original; nearest_mode rounding; linear / cubic (Keys) taps
// with edge clamping or exclude_outside renormalization; tf_crop_and_resize's outside test; the
// antialiased (widened) linear / cubic taps, which only the reference uses.
// Everything is computed in double. Plain C++ (no CUDA), so the CPU-only build uses it too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/attributes.h"

namespace mrt::resize {

struct ResizeOptions {
  std::string mode, transform, nearest_mode;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;
};

inline ResizeOptions ReadOptions(const Attributes& a) {
  return ResizeOptions{a.GetString("mode", "nearest"),
                       a.GetString("coordinate_transformation_mode", "half_pixel"),
                       a.GetString("nearest_mode", "round_prefer_floor"),
                       a.GetFloat("cubic_coeff_a", -0.75f),
                       a.GetInt("exclude_outside", 0) != 0,
                       a.GetFloat("extrapolation_value", 0.f)};
}

// One axis' parameters for the coordinate transform.
struct AxisGeometry {
  int64_t in_len = 0;
  double scale = 1.0, roi_start = 0.0, roi_end = 1.0;
};

// Step 1: x_original for output coordinate x (see resize_ref.cpp's file comment).
inline double OriginalCoordinate(const std::string& transform, int64_t x_int, const AxisGeometry& g) {
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
  // tf_crop_and_resize
  const double span = (g.roi_end - g.roi_start) * (in - 1);
  return g.roi_start * (in - 1) + (len_r == 1 ? span / 2 : x * span / (len_r - 1));
}

// tf_crop_and_resize only: x_original lies outside the input (the output gets extrapolation_value).
inline bool OutsideCrop(const ResizeOptions& o, double x, int64_t in_len) {
  return o.transform == "tf_crop_and_resize" && (x < 0 || x > static_cast<double>(in_len - 1));
}

// Step 2 for nearest: x_original rounded by nearest_mode, clamped to [0, in_len - 1].
inline int64_t NearestIndex(const std::string& nearest_mode, double x, int64_t in_len) {
  const double fl = std::floor(x);
  double r;
  if (nearest_mode == "floor")
    r = fl;
  else if (nearest_mode == "ceil")
    r = std::ceil(x);
  else if (x - fl == 0.5)  // a tie: the mode's preference
    r = nearest_mode == "round_prefer_floor" ? fl : fl + 1;
  else
    r = std::round(x);
  return std::clamp<int64_t>(static_cast<int64_t>(r), 0, in_len - 1);
}

// Keys' cubic convolution weight W(t) for a = cubic_coeff_a.
inline double CubicWeight(double t, double a) {
  t = std::abs(t);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

struct Tap {
  int64_t index;  // input coordinate along the axis (callers may scale it to an element offset)
  double weight;
};

// Step 2 for linear and cubic: the taps of x_original, edge-clamped or excluded; taps of weight 0
// are dropped.
inline std::vector<Tap> InterpolationTaps(const ResizeOptions& o, double x, int64_t in_len) {
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

// Step 2 for linear and cubic with antialias=1 on an axis that shrinks (scale s < 1): the filter
// is stretched by 1/s, as in the ONNX reference. With x = base + ratio, ratio in (0, 1] (an
// integral x counts as the right end of the cell before it), the taps are base + i for
// i = start .. 1 - start, start = floor(-support / s) + 1 (support 1 for linear, 2 for cubic),
// each weighted by the kernel at (i - ratio) * s: linear max(0, 1 - |t|), cubic W(t); the weights
// are normalized to sum 1. Taps outside the input read the edge, or with exclude_outside get weight
// 0 and the rest are renormalized; taps of weight 0 are dropped.
inline std::vector<Tap> AntialiasTaps(const ResizeOptions& o, double x, int64_t in_len, double scale) {
  const bool linear = o.mode == "linear";
  const double fl = std::floor(x);
  const double ratio = x == fl ? 1.0 : x - fl;
  const auto base = static_cast<int64_t>(x - ratio);
  const auto start = static_cast<int64_t>(std::floor(-(linear ? 1.0 : 2.0) / scale)) + 1;
  std::vector<Tap> taps;
  double total = 0;
  for (int64_t i = start; i <= 1 - start; ++i) {
    const double t = (static_cast<double>(i) - ratio) * scale;
    const double w = linear ? std::max(0.0, 1 - std::abs(t)) : CubicWeight(t, o.cubic_a);
    taps.push_back({base + i, w});
    total += w;
  }
  double kept = 0;
  for (Tap& t : taps) {
    t.weight /= total;
    if (o.exclude_outside && (t.index < 0 || t.index >= in_len)) t.weight = 0;
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

}  // namespace mrt::resize
