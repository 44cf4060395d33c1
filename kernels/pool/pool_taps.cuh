// Device helpers shared by the pooling kernels: windowed NCHW (pool_window.cu), windowed NHWC
// (pool_nhwc.cu) and global (global_pool.cu), so that they agree with each other and with the
// reference (pool_ref.cpp) on where max starts and which taps an average counts.
#pragma once

#include "kernels/gpu/cuda_kernel_util.cuh"

namespace mrt::gpu::pool {

// Max pooling starts from the float's lowest value, like the reference.
inline constexpr float kLowest = -3.402823466e38f;

// Taps of one dim whose input position o * stride - pad + k * dilation (k < kernel) lies in
// [lo, hi): the divisor of count_include_pad averages.
__device__ __forceinline__ int TapsWithin(int o, int stride, int pad, int dilation, int kernel, int lo, int hi) {
  int n = 0;
  for (int k = 0; k < kernel; ++k) {
    const int i = o * stride - pad + k * dilation;
    n += (i >= lo && i < hi);
  }
  return n;
}

}  // namespace mrt::gpu::pool
