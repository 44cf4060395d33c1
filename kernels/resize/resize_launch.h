// Launchers of the Resize kernels (resize_nearest.cu, resize_interpolate.cu) and the parameter
// blocks they take by value. Plain C++ only: the .cu files include this and nothing heavier;
// resize_tactics_cuda.cpp resolves the geometry on the host and fills the blocks.
//
// Every coordinate decision (coordinate_transformation_mode, nearest_mode, cubic weights,
// exclude_outside, the crop of tf_crop_and_resize) is made on the host, in double, by the same
// formulas as the reference, and handed to the kernels as per-axis tap tables. The kernels only
// add up taps, so they cannot disagree with the reference about which input element is read.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/shape/shape_kernels_launch.h"  // FastDivmod (header-only)

namespace mrt::gpu {

inline constexpr int kMaxResizeRank = 8;
inline constexpr int kMaxResizedAxes = 3;  // for linear / cubic (nearest takes any number)

// One tap of a resized axis: an input element offset (coordinate * the axis' input stride) and its
// weight. Nearest tables have one tap per output coordinate; linear 2, cubic 4. Tap 0 with offset
// -1 marks a coordinate outside tf_crop_and_resize's crop (the output is the extrapolation value).
struct ResizeTap {
  int32_t offset = 0;
  float weight = 0.f;
};

// The output's dims after merging neighbouring pass-through dims, innermost first. A pass-through
// dim reads coordinate o at in_stride * o; a resized dim looks its taps up in table[resized[d]].
// Offsets are in input elements and fit 32 bits (the host offers nothing otherwise).
struct ResizeDims {
  int rank = 0;
  int64_t out_numel = 0;
  FastDivmod out_size[kMaxResizeRank];
  int32_t in_stride[kMaxResizeRank] = {};
  int8_t resized[kMaxResizeRank] = {};  // -1 for a pass-through dim
  const ResizeTap* table[kMaxResizeRank] = {};  // device pointers, by resized-dim number
};

// Nearest: out[o] = in[taps' offsets summed] moved as units of unit_bytes (elements, or a run of
// 2^unit_shift elements of the innermost pass-through dim; dims are then counted in units there).
struct ResizeNearestParams {
  ResizeDims dims;
  int unit_bytes = 1;
  int unit_shift = 0;
  alignas(16) uint8_t fill[16] = {};  // one unit of the extrapolation value, read as the unit type
};

// Linear / cubic: out[o] = sum over the taps of every resized axis of prod(weights) * in[offsets],
// in f32, stored as the output dtype.
struct ResizeInterpolateParams {
  ResizeDims dims;
  int taps = 2;          // per resized axis: 2 (linear) or 4 (cubic)
  int resized_axes = 1;  // 1..kMaxResizedAxes
  float extrapolation_value = 0.f;
};

// Integer-factor nearest upsampling along the two innermost dims with width factor 2 (YOLO's
// Upsample): in [rows, width] -> out [rows * row_factor, 2 * width], out[r * row_factor + a, 2w + b]
// = in[r, w]. Each thread moves `vec` input elements (vec * elem_bytes <= 16, width % vec == 0).
struct ResizeUpsample2xParams {
  int elem_bytes = 4;
  int vec = 1;
  int64_t rows = 0, width = 0, row_factor = 1;
};

cudaError_t LaunchResizeNearest(const ResizeNearestParams& p, const void* in, void* out, cudaStream_t stream);
// half_precision: f16 data (else f32).
cudaError_t LaunchResizeInterpolate(const ResizeInterpolateParams& p, bool half_precision, const void* in, void* out,
                                    cudaStream_t stream);
cudaError_t LaunchResizeUpsample2x(const ResizeUpsample2xParams& p, const void* in, void* out, cudaStream_t stream);

}  // namespace mrt::gpu
