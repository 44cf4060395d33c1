// im2col / col2im: the data rearrangements that turn a convolution into a GEMM.
//
// Geometry is normalized to 3 spatial dims (depth, height, width); 1-D and 2-D convolutions get
// leading dims of size 1 (kernel 1, stride 1, dilation 1, pad 0), so one loop nest serves all.
//
// For one image and one group, with K = channels * kd * kh * kw and P = od * oh * ow:
//   col[(c, z, y, x), (oz, oy, ox)] = in[c, oz*s0 - p0 + z*d0, oy*s1 - p1 + y*d1, ox*s2 - p2 + x*d2]
// (zero where that position is padding). Conv is then W[M, K] x col[K, P]; ConvTranspose is the
// adjoint: col = W^T x X, then col2im adds every col entry into the output position above.
#pragma once

#include <cstdint>

#include "ir/shape_inference/infer_nn_window.h"
#include "ir/status.h"

namespace mrt::nn {

struct Window3d {
  int64_t in[3], kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3], out[3];

  int64_t KernelVolume() const { return kernel[0] * kernel[1] * kernel[2]; }
  int64_t InputVolume() const { return in[0] * in[1] * in[2]; }
  int64_t OutputVolume() const { return out[0] * out[1] * out[2]; }
};

// The window of a Conv / Pool / ConvTranspose with 1 to 3 spatial dims; an error for more.
// For ConvTranspose "in" is its input (the GEMM side) and "out" its output, which col2im fills.
Expected<Window3d> ToWindow3d(const WindowGeometry& g);

// col[channels * kernel volume, output volume] from in[channels, input volume].
template <typename T>
void Im2Col(const T* in, int64_t channels, const Window3d& w, T* col);

// out[channels, output volume] += col2im(col[channels * kernel volume, input volume]), where
// input position i of row (c, z, y, x) lands on output position i * stride - pad + k * dilation.
template <typename T>
void Col2ImAdd(const T* col, int64_t channels, const Window3d& w, T* out);

}  // namespace mrt::nn
