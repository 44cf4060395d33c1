// Launchers of the CUDA normalization kernels (row_norm.cu: LayerNormalization and
// InstanceNormalization; batch_norm.cu: BatchNormalization in inference mode), in plain C++
// types for the host tactics (norm_tactics_cuda.cpp). Statistics are always computed in f32.
// Sizes are int: tactics are offered only for tensors of fewer than 2^31 elements. Launchers
// return the launch's cudaError_t and never allocate or synchronize.
#pragma once

#include <cuda_runtime.h>

namespace mrt::gpu::norm {

enum class ElemType : int { kF32 = 0, kF16 = 1 };

// The longest row the warp-per-row kernel holds in registers.
inline constexpr int kWarpMaxRow = 1024;

// x [rows, n] -> y = (x - mean) / sqrt(var + epsilon) * scale + bias, mean and (population)
// variance per row. LayerNorm: scale / bias per element of the row (channels = 0).
// InstanceNorm: per row, index row % channels (rows are the (n, c) planes).
// scale and bias have x's dtype; bias may be null (0).
struct RowNormArgs {
  int rows = 0;
  int n = 0;
  int channels = 0;
  float epsilon = 1e-5f;
  const void* x = nullptr;
  const void* scale = nullptr;
  const void* bias = nullptr;
  void* y = nullptr;
};

// n <= kWarpMaxRow: a warp per row, the row in registers; exact two-pass mean and variance.
cudaError_t LaunchRowNormWarp(ElemType type, const RowNormArgs& args, cudaStream_t stream);
// Any n: a block of 256 threads per row; Welford mean / variance in one pass, then a write pass.
cudaError_t LaunchRowNormBlock(ElemType type, const RowNormArgs& args, cudaStream_t stream);

// x [N, C, inner] -> y = x * a[c] + b[c] with a = scale / sqrt(var + epsilon), b = bias - mean * a.
// The four parameter vectors [C] have param_type (f32 or x's dtype).
struct BatchNormArgs {
  int elements = 0;
  int channels = 0;
  int inner = 0;
  float epsilon = 1e-5f;
  const void* x = nullptr;
  const void* scale = nullptr;
  const void* bias = nullptr;
  const void* mean = nullptr;
  const void* var = nullptr;
  void* y = nullptr;
};
cudaError_t LaunchBatchNormInference(ElemType type, ElemType param_type, const BatchNormArgs& args,
                                     cudaStream_t stream);

}  // namespace mrt::gpu::norm
