// The stand-alone epilogue pass that library tactics (cuDNN, cuBLAS) run after a convolution or
// GEMM that could not fuse it, in place on the output y:
//   y[i] = post(act(y[i] + bias_scale * bias[(i / bias_inner) % bias_channels]) + residual[i])
// evaluated in f32 with the formulas of ir/activation.h (the ones the reference uses); every term
// is optional (bias or residual null, activations kNone). The bias index covers each layout:
//   NCHW per-channel bias:  channels = C, inner = H*W      NHWC per-channel: channels = C, inner = 1
//   GEMM bias per column:   channels = N, inner = 1        per row: channels = M, inner = N
//   GEMM C [M, N]:          channels = M*N, inner = 1      scalar: channels = 1, inner = 1
// Plain C++ types only: kernels/gpu/epilogue_apply.cu includes this header (nvcc).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ir/activation.h"

namespace mrt::gpu {

enum class EpilogueDType : uint8_t { kF32, kF16, kBF16 };

struct EpilogueApplyArgs {
  EpilogueDType dtype = EpilogueDType::kF32;
  void* y = nullptr;  // numel elements, read and rewritten
  int64_t numel = 0;
  const void* bias = nullptr;  // y's dtype; null: no bias
  int64_t bias_channels = 1, bias_inner = 1;
  float bias_scale = 1.f;
  const void* residual = nullptr;  // y's dtype and layout; null: none
  ActivationSpec act, post;
};

// Whether the pass would change anything (a bias, a residual or an activation).
inline bool EpilogueApplyNeeded(const EpilogueApplyArgs& a) {
  return a.bias != nullptr || a.residual != nullptr || a.act.kind != Activation::kNone ||
         a.post.kind != Activation::kNone;
}

// Enqueues the pass on `stream` (nothing when not needed or numel is 0); returns the launch error.
cudaError_t LaunchEpilogueApply(const EpilogueApplyArgs& args, cudaStream_t stream);

}  // namespace mrt::gpu
