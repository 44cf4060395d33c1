// The strided copy: out[o] = in[in_offset + sum_d i_d(o_d) * in_stride[d]] (shape_kernels_launch.h
// states the per-axis modes). One thread per output unit, in output order, so writes are
// coalesced; reads are coalesced whenever the innermost axis has input stride 1 (Slice, Expand of
// outer dims, Pad/Tile of outer dims, permutations that keep the innermost dim). Transpose, Slice,
// Expand, Tile, Pad, DepthToSpace and SpaceToDepth all run through it after the host merged
// adjacent axes and widened units (shape_plan_cuda.cpp).
//
// The index math is the cost beyond memory: one divmod per merged axis (a multiply-high with the
// 32-bit FastDivmod) and, for bounded axes, a range check.
#include <type_traits>

#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/shape/shape_kernels_launch.h"

namespace mrt::gpu {

namespace {

// kernels

// Unsigned 32-bit offsets wrap modulo 2^32, so negative strides (Slice with step < 0) add up
// correctly whenever the final offset is in range, which the host guarantees.
template <typename Index>
struct IndexMath;

template <>
struct IndexMath<uint32_t> {
  __device__ static uint32_t DivMod(const StridedCopyParams& p, int d, uint32_t& rest) {
    const uint32_t q = p.out_size_div[d].Div(rest);
    const uint32_t r = rest - q * p.out_size_div[d].divisor;
    rest = q;
    return r;
  }
};

template <>
struct IndexMath<int64_t> {
  __device__ static int64_t DivMod(const StridedCopyParams& p, int d, int64_t& rest) {
    const int64_t q = rest / p.out_size[d];
    const int64_t r = rest - q * p.out_size[d];
    rest = q;
    return r;
  }
};

// Input coordinate of a bounded axis, or -1 for the fill. Signed is int32_t on the 32-bit index
// path (every coordinate and extent is below 2^31 there), so the common in-range case costs a
// subtraction and two compares.
template <typename Signed>
__device__ __forceinline__ Signed BoundedCoordinate(AxisMode mode, Signed o, Signed begin, Signed n) {
  Signed i = o - begin;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case AxisMode::kEdge:
      return i < 0 ? 0 : n - 1;
    case AxisMode::kWrap:
      i %= n;
      return i < 0 ? i + n : i;
    case AxisMode::kReflect: {
      if (n == 1) return 0;
      const Signed period = 2 * (n - 1);
      Signed m = i % period;
      if (m < 0) m += period;
      return m < n ? m : period - m;
    }
    default:
      return -1;
  }
}

template <typename Unit, typename Index, bool kBounded>
__global__ void StridedCopyKernel(StridedCopyParams p, const Unit* __restrict__ in, Unit* __restrict__ out) {
  const Index n = static_cast<Index>(p.out_numel);
  const Index step = static_cast<Index>(blockDim.x) * gridDim.x;
  for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    Index rest = i;
    Index offset = static_cast<Index>(p.in_offset);
    bool fill = false;
#pragma unroll
    for (int d = 0; d < kMaxCopyRank; ++d) {
      if (d >= p.rank) break;
      const Index o = d + 1 == p.rank ? rest : IndexMath<Index>::DivMod(p, d, rest);
      if (!kBounded || p.mode[d] == AxisMode::kAffine) {
        offset += o * static_cast<Index>(p.in_stride[d]);
      } else {
        using Signed = std::make_signed_t<Index>;
        const Signed c = BoundedCoordinate<Signed>(p.mode[d], static_cast<Signed>(o), static_cast<Signed>(p.begin[d]),
                                                   static_cast<Signed>(p.in_size[d]));
        fill |= c < 0;
        offset += static_cast<Index>(c) * static_cast<Index>(p.in_stride[d]);
      }
    }
    if (kBounded && fill)
      out[i] = *reinterpret_cast<const Unit*>(p.fill);
    else
      out[i] = in[offset];
  }
}

// launchers

template <typename Unit>
cudaError_t LaunchStridedCopyUnit(const StridedCopyParams& p, bool small, const void* in, void* out,
                                  cudaStream_t stream) {
  const unsigned blocks = GridFor(p.out_numel);
  const auto* src = static_cast<const Unit*>(in);
  auto* dst = static_cast<Unit*>(out);
  if (small && p.bounded)
    StridedCopyKernel<Unit, uint32_t, true><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
  else if (small)
    StridedCopyKernel<Unit, uint32_t, false><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
  else if (p.bounded)
    StridedCopyKernel<Unit, int64_t, true><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
  else
    StridedCopyKernel<Unit, int64_t, false><<<blocks, kThreadsPerBlock, 0, stream>>>(p, src, dst);
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchStridedCopy(const StridedCopyParams& p, int64_t in_numel, const void* in, void* out,
                              cudaStream_t stream) {
  if (p.out_numel == 0) return cudaSuccess;
  // Bounded axes compute o - begin in 32 bits: keep both sides below 2^30 so it cannot overflow.
  const int64_t limit = int64_t{1} << (p.bounded ? 30 : 31);
  const bool small = p.out_numel < limit && in_numel < limit;
  return WithUnitOfBytes(p.unit_bytes,
                         [&](auto unit) { return LaunchStridedCopyUnit<decltype(unit)>(p, small, in, out, stream); });
}

}  // namespace mrt::gpu
