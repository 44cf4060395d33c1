// Launcher of the tensor-core implicit-GEMM convolution (conv_igemm_tc.cu), plain C++ types only.
//
// An NHWC convolution is the GEMM
//   Y[m, k] = sum_{(r, s, c)} X[n, oh*sh - ph + r*dh, ow*sw - pw + s*dw, c] * W'[k, r, s, c]
// with M = N*OH*OW rows m = (n, oh, ow), N_gemm = K output channels and K_gemm = R*S*C; Y is
// then exactly the dense [M, K] matrix, and the weights packed as W' = [K, R, S, C] are the
// K-contiguous B operand. The A operand (im2col of X) is never built: the kernel gathers each
// 16-byte chunk of 8 (f16) or 4 (f32) channels of a tap straight from X, zero outside the image,
// which is why C must be a multiple of 8 (f16) or 4 (f32).
#pragma once

#include "kernels/gemm/gemm_tc_launch.h"

namespace mrt::gpu {

struct ConvIgemmParams {
  const void* x = nullptr;  // [N, H, W, C]
  const void* w = nullptr;  // [K, R, S, C]
  void* y = nullptr;        // [N, OH, OW, K]
  int n = 0, h = 0, w_in = 0, c = 0;
  int k = 0, r = 0, s = 0;
  int oh = 0, ow = 0;
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1;
  TileEpilogueParams epi;  // C = the bias [K] (c_row_stride 0, c_col_stride 1); Z = the residual, like Y
};

// Once per device before launching configuration `config` of kTcTileConfigs.
cudaError_t PrepareConvIgemm(int config, TcMath math);
cudaError_t LaunchConvIgemm(int config, TcMath math, const ConvIgemmParams& p, cudaStream_t stream);

}  // namespace mrt::gpu
