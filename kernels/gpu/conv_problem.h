// A 2-D convolution node (Conv or FusedConv) resolved into the numbers every conv tactic needs:
// sizes, window, groups, layout and epilogue. Tactics for 1-D/3-D convs are not offered (the
// CPU fallback runs them).
//
// Layout: with attribute channels_last = 1 (set by passes/layout_nhwc.cpp) X, Y and the residual
// Z are NHWC ([N,H,W,C]); W stays [K, C/group, R, S] and B [K] in the graph (a tactic packs W
// into its own layout in PackWeights).
#pragma once

#include "ir/activation.h"
#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

struct ConvProblem {
  int64_t n = 0, c = 0, h = 0, w = 0;  // input
  int64_t k = 0, r = 0, s = 0;         // output channels, kernel height, width
  int64_t oh = 0, ow = 0;              // output spatial
  int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1;
  int64_t pad_h_end = 0, pad_w_end = 0;
  int64_t group = 1;
  bool channels_last = false;
  DType dtype = DType::kF32;  // X, W, Y (the same)
  bool has_bias = false, has_residual = false;
  ActivationSpec act, post;  // kNone for a plain Conv

  int64_t c_per_group() const { return c / group; }
  int64_t k_per_group() const { return k / group; }
  bool is_depthwise() const { return group == c && group == k; }
  bool is_pointwise() const {  // 1x1, stride 1, no padding: a GEMM
    return r == 1 && s == 1 && stride_h == 1 && stride_w == 1 && pad_h == 0 && pad_w == 0 && pad_h_end == 0 &&
           pad_w_end == 0;
  }
  bool symmetric_pads() const { return pad_h == pad_h_end && pad_w == pad_w_end; }
  // y[n,k,oh,ow] += x[n,c,oh*stride-pad+r*dil, ...] * w[k,c,r,s]: 2 flops per multiply-add.
  double flops() const { return 2.0 * n * k * oh * ow * c_per_group() * r * s; }
};

// nullopt-like error when the node is not a 2-D Conv/FusedConv with static shapes, float dtype
// and constant W (and B); the message says why (providers just offer nothing then).
Expected<ConvProblem> ConvProblemOf(const NodeDesc& desc);

}  // namespace mrt::gpu
