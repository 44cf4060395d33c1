// Sliding-window geometry shared by Conv, ConvTranspose, MaxPool and AveragePool: the attributes
// (kernel_shape, strides, dilations, pads, auto_pad, ceil_mode, output_padding, output_shape)
// resolved against the input's spatial sizes into explicit per-dim kernel, stride, dilation,
// begin/end pads and output sizes. Shape inference and the reference kernels both call these, so
// the two can never disagree about an output size or a padding split.
//
// Per spatial dim, with the effective kernel extent ek = (k - 1) * d + 1:
//   Conv / Pool, explicit pads:  out = floor((in + pb + pe - ek) / s) + 1        (ceil for ceil_mode)
//   SAME_UPPER / SAME_LOWER:     out = ceil(in / s), total = max(0, (out - 1) * s + ek - in),
//                                the odd pad goes at the end (UPPER) or the beginning (LOWER)
//   VALID:                       pads are 0
//   ConvTranspose:               out = s * (in - 1) + output_padding + ek - pb - pe, or the given
//                                output_shape with total = s * (in - 1) + output_padding + ek - out
//                                split as pb = total / 2 (UPPER) or total - total / 2 (otherwise).
#pragma once

#include <cstdint>
#include <vector>

#include "ir/attributes.h"
#include "ir/status.h"

namespace mrt {

struct WindowGeometry {
  // One entry per spatial dim. Sizes are -1 where unknown (static inference over a symbolic dim).
  std::vector<int64_t> input;
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;  // may be negative only for ConvTranspose with output_shape
  std::vector<int64_t> pads_end;
  std::vector<int64_t> output_padding;  // ConvTranspose only; zeros otherwise
  std::vector<int64_t> output;

  size_t rank() const { return input.size(); }
  int64_t EffectiveKernel(size_t i) const { return (kernel[i] - 1) * dilations[i] + 1; }
};

enum class WindowKind { kConv, kPool };

// Conv (ceil_mode is always 0) and MaxPool / AveragePool. `kernel` holds the kernel_shape
// attribute, or for Conv W's spatial dims when the attribute is absent (-1 where unknown).
// Errors name the attribute whose length or value is wrong, or the input that is too small.
Expected<WindowGeometry> ResolveWindow(WindowKind kind, const Attributes& attrs, const std::vector<int64_t>& input,
                                       const std::vector<int64_t>& kernel);

// ConvTranspose: W's spatial dims (or kernel_shape) give `kernel`.
Expected<WindowGeometry> ResolveTransposedWindow(const Attributes& attrs, const std::vector<int64_t>& input,
                                                 const std::vector<int64_t>& kernel);

}  // namespace mrt
