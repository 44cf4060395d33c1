// Resize in linear and cubic mode (f32 and f16 data, f32 arithmetic): the separable filter
//
//   out[o] = sum_{a_0..a_{R-1}} (prod_r w_r[a_r]) * in[base(o) + sum_r offset_r[a_r]]
//
// over the R resized dims (1..3) with kTaps taps each (2 linear, 4 cubic), from tables the host
// built with the reference's formulas; pass-through dims only add coordinate * stride to base(o).
// One thread per output element in output order: writes are coalesced, and with NHWC data (C
// passes through innermost) so are the reads of every tap. kTaps and R are template parameters so
// the tap loops unroll into independent loads.
#include "kernels/resize/resize_dims.cuh"

namespace mrt::gpu {

namespace {

// kernels

template <typename T, int kTaps, int kAxes>
__global__ void ResizeInterpolateKernel(ResizeInterpolateParams p, const T* __restrict__ in, T* __restrict__ out) {
  const uint32_t n = static_cast<uint32_t>(p.dims.out_numel);
  const uint32_t step = blockDim.x * gridDim.x;
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
    uint32_t rest = i;
    int32_t base = 0;
    const ResizeTap* taps[kMaxResizedAxes] = {nullptr, nullptr, nullptr};
#pragma unroll
    for (int d = 0; d < kMaxResizeRank; ++d) {
      if (d >= p.dims.rank) break;
      const uint32_t o = PeelCoordinate(p.dims, d, rest);
      const int r = p.dims.resized[d];
      // Selects instead of taps[r] = ...: a register array must not be indexed at run time.
      if (r < 0) base += static_cast<int32_t>(o) * p.dims.in_stride[d];
      else if (r == 0) taps[0] = p.dims.table[0] + o * kTaps;
      else if (r == 1) taps[1] = p.dims.table[1] + o * kTaps;
      else taps[2] = p.dims.table[2] + o * kTaps;
    }
    bool outside = false;
#pragma unroll
    for (int r = 0; r < kAxes; ++r) outside |= __ldg(&taps[r][0].offset) < 0;
    float acc = p.extrapolation_value;
    if (!outside) {
      acc = 0.f;
#pragma unroll
      for (int a0 = 0; a0 < kTaps; ++a0) {
        const ResizeTap t0 = taps[0][a0];
        if constexpr (kAxes == 1) {
          acc += t0.weight * ToFloat(in[base + t0.offset]);
        } else {
#pragma unroll
          for (int a1 = 0; a1 < kTaps; ++a1) {
            const ResizeTap t1 = taps[1][a1];
            if constexpr (kAxes == 2) {
              acc += t0.weight * t1.weight * ToFloat(in[base + t0.offset + t1.offset]);
            } else {
#pragma unroll
              for (int a2 = 0; a2 < kTaps; ++a2) {
                const ResizeTap t2 = taps[2][a2];
                acc += t0.weight * t1.weight * t2.weight * ToFloat(in[base + t0.offset + t1.offset + t2.offset]);
              }
            }
          }
        }
      }
    }
    out[i] = FromFloat<T>(acc);
  }
}

// launchers

template <typename T, int kTaps>
cudaError_t LaunchInterpolateTaps(const ResizeInterpolateParams& p, const void* in, void* out, cudaStream_t stream) {
  const unsigned blocks = GridFor(p.dims.out_numel);
  const auto* src = static_cast<const T*>(in);
  auto* dst = static_cast<T*>(out);
  switch (p.resized_axes) {
    case 1:
      ResizeInterpolateKernel<T, kTaps, 1><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
      break;
    case 2:
      ResizeInterpolateKernel<T, kTaps, 2><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
      break;
    case 3:
      ResizeInterpolateKernel<T, kTaps, 3><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

template <typename T>
cudaError_t LaunchInterpolateType(const ResizeInterpolateParams& p, const void* in, void* out, cudaStream_t stream) {
  if (p.taps == 2) return LaunchInterpolateTaps<T, 2>(p, in, out, stream);
  if (p.taps == 4) return LaunchInterpolateTaps<T, 4>(p, in, out, stream);
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t LaunchResizeInterpolate(const ResizeInterpolateParams& p, bool half_precision, const void* in, void* out,
                                    cudaStream_t stream) {
  if (p.dims.out_numel == 0) return cudaSuccess;
  if (half_precision) return LaunchInterpolateType<__half>(p, in, out, stream);
  return LaunchInterpolateType<float>(p, in, out, stream);
}

}  // namespace mrt::gpu
