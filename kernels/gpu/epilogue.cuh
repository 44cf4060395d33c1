// The fused epilogue of FusedConv / FusedGemm, evaluated in f32 per output element:
//   y = post_activation(activation(acc + bias[channel]) + residual[i])
// with the formulas of ir/activation.h (ApplyActivation), the same ones the reference uses.
// A kernel keeps its accumulator in f32 and calls Apply once per element before storing.
#pragma once

#include "ir/activation.h"
#include "kernels/gpu/cuda_kernel_util.cuh"

namespace mrt::gpu {

// Plain data (passed by value into kernels). bias: one value per output channel, of the output
// dtype (or null); residual: same shape and dtype as the output (or null).
struct Epilogue {
  const void* bias = nullptr;
  const void* residual = nullptr;
  ActivationSpec act;
  ActivationSpec post;
};

template <typename T>
__device__ __forceinline__ float ApplyEpilogue(const Epilogue& e, float acc, int64_t channel, int64_t index) {
  if (e.bias != nullptr) acc += ToFloat(static_cast<const T*>(e.bias)[channel]);
  acc = ApplyActivation(e.act, acc);
  if (e.residual != nullptr) acc += ToFloat(static_cast<const T*>(e.residual)[index]);
  return ApplyActivation(e.post, acc);
}

}  // namespace mrt::gpu
