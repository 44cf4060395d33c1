// Device side of ResizeDims (resize_launch.h), shared by the nearest and interpolating kernels.
#pragma once

#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/resize/resize_launch.h"

namespace mrt::gpu {

// The output coordinate along merged dim d (innermost first) of the element whose index over dims
// d.. is `rest`; leaves in `rest` the index over dims d+1.. (the outermost dim takes what is left).
__device__ __forceinline__ uint32_t PeelCoordinate(const ResizeDims& dims, int d, uint32_t& rest) {
  uint32_t o = rest;
  if (d + 1 < dims.rank) {
    const uint32_t q = dims.out_size[d].Div(rest);
    o = rest - q * dims.out_size[d].divisor;
    rest = q;
  }
  return o;
}

}  // namespace mrt::gpu
