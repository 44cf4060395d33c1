// Launchers of mini-rt's hand-written convolution kernels (conv_direct.cu, conv_depthwise.cu,
// conv_pointwise_gemm.cu), in plain C++ types so the host-side tactics
// (conv_handwritten_tactics_cuda.cpp) include no CUDA kernel code and the .cu files no heavy
// headers. Every launcher enqueues on `stream`, allocates nothing and returns the launch error.
//
// All kernels compute, per output element (f32 accumulation, stored in the tensor's dtype):
//   y = post(act(sum_{c,r,s} x[n, c, oh*sh - ph + r*dh, ow*sw - pw + s*dw] * w[k, c, r, s] + b[k]) + z)
// with x zero outside the image (only the leading pads matter: the output size already accounts
// for the trailing ones). Sizes fit in int32 (the provider checks every tensor's element count).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ir/activation.h"

namespace mrt::gpu {

enum class ConvElement : uint8_t { kF32, kF16 };

// The convolution in the numbers the kernels use (ConvProblem narrowed to int).
struct ConvGeometry {
  int n = 0, c = 0, h = 0, w = 0;  // input
  int k = 0, r = 0, s = 0;         // output channels, window
  int oh = 0, ow = 0;              // output spatial
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1;
  int group = 1;
  bool channels_last = false;  // X, Y, Z are NHWC (else NCHW)
  ConvElement element = ConvElement::kF32;
};

// Device pointers of one launch. bias: [k] or null; residual: Y's shape or null.
struct ConvOperands {
  const void* x = nullptr;
  const void* w = nullptr;  // in the layout the tactic packed (see each launcher)
  void* y = nullptr;
  const void* bias = nullptr;
  const void* residual = nullptr;
  ActivationSpec act, post;
  void* workspace = nullptr;  // the tactic's scratch (split-K partial sums)
};

// ---- Direct convolution (conv_direct.cu): any group / stride / pad / dilation / window ----
// A block computes `channels_per_thread` output channels of one group for a tile_h x tile_w
// output tile (one pixel per thread); the input tile and the weights of a chunk of input
// channels are staged in shared memory. W is the graph's [K, C/group, R, S].
struct DirectConvConfig {
  int channels_per_thread = 8;  // 4, 8 or 16
  int tile_h = 8, tile_w = 16;  // threads per block = tile_h * tile_w (32..256)
};
// Input channels staged per shared-memory chunk (0: even one channel does not fit the budget,
// the tactic is not offered).
int DirectConvChunkChannels(const ConvGeometry& g, const DirectConvConfig& config);
size_t DirectConvSharedBytes(const ConvGeometry& g, const DirectConvConfig& config, int chunk_channels);
cudaError_t LaunchConvDirect(const ConvGeometry& g, const DirectConvConfig& config, const ConvOperands& op,
                             cudaStream_t stream);

// ---- Depthwise convolution (conv_depthwise.cu): group == C == K ----
// NCHW: one block per (image, channel) x output tile, staged in shared memory; the window is
// a template for 3x3 and 5x5 (window 0 = any). W is the graph's [C, 1, R, S].
struct DepthwiseNchwConfig {
  int window = 0;                // 3, 5 (R == S == window) or 0 (generic)
  int tile_h = 16, tile_w = 32;  // output tile; threads = tile_w * tile_h / rows_per_thread
  int rows_per_thread = 2;
};
size_t DepthwiseNchwSharedBytes(const ConvGeometry& g, const DepthwiseNchwConfig& config);  // must be <= 48 KiB
cudaError_t LaunchConvDepthwiseNchw(const ConvGeometry& g, const DepthwiseNchwConfig& config, const ConvOperands& op,
                                    cudaStream_t stream);

// NHWC: a thread computes a vector of channels (16 bytes when C allows) for `pixels_per_thread`
// consecutive output pixels of a row, reusing each input column across them. The window and
// stride are templates for 3x3/5x5 and stride 1/2 with dilation 1 (window 0 = generic, one
// pixel per thread). W is packed as [R, S, C] (PackDepthwiseNhwcWeights).
struct DepthwiseNhwcConfig {
  int window = 0;  // 3 or 5 (with stride 1 or 2, dilation 1) or 0 (generic)
  int stride = 1;
  int pixels_per_thread = 1;  // 1, 2 or 4 (generic: 1)
};
cudaError_t LaunchConvDepthwiseNhwc(const ConvGeometry& g, const DepthwiseNhwcConfig& config, const ConvOperands& op,
                                    cudaStream_t stream);

// ---- 1x1 convolution as a GEMM (conv_pointwise_gemm.cu): 1x1, stride 1, no pad, group 1 ----
//   NHWC: Y[N*H*W, K] = X[N*H*W, C] * Wt[C, K]          (W packed as Wt = W^T, [C, K])
//   NCHW: Y[n][K, H*W] = W[K, C] * X[n][C, H*W]          (W used as the graph holds it)
// f16 runs on tensor cores (WMMA 16x16x16, f32 accumulation); f32 either on tensor cores in
// TF32 (when the build allows TF32) or in strict f32 on the SIMT units.
enum class GemmMath : uint8_t { kTensorCore, kSimt };  // f16 -> f16 MMA, f32 -> TF32 MMA; kSimt: f32 FMA
struct PointwiseGemmConfig {
  GemmMath math = GemmMath::kTensorCore;
  int block_m = 128, block_n = 128;  // tensor core: 64x64, 128x64, 64x128, 128x128; SIMT: 64x64, 128x64, 128x128
  int splits = 1;                    // tensor core only: split-K over this many runs of K tiles (fewer when K is short)
};
// f32 partial sums of split-K: splits * N * K * OH * OW floats (0 without split-K).
size_t PointwiseGemmWorkspaceBytes(const ConvGeometry& g, const PointwiseGemmConfig& config);
// Raises the kernels' shared-memory limit (tiles above 48 KiB); call once per device before
// launching (the tactic's Setup), not during stream capture.
cudaError_t PrepareConvPointwiseGemm(const ConvGeometry& g, const PointwiseGemmConfig& config);
cudaError_t LaunchConvPointwiseGemm(const ConvGeometry& g, const PointwiseGemmConfig& config, const ConvOperands& op,
                                    cudaStream_t stream);

}  // namespace mrt::gpu
