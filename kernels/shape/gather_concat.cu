// Gather, Concat and Split: the data-movement kernels whose source is chosen per element by
// data (Gather's indices) or by a table of tensors (Concat's inputs, Split's outputs).
//
// Gather: out[o, j, x] = data[o, indices[j], x] over data [outer, axis, inner]. One thread per
//   output unit; consecutive threads walk x, so both sides are coalesced whenever inner > 1 (and
//   the host widens units over inner). The index is read from device memory (it may be an
//   activation), normalized (negative counts from the end) and, if still outside, gives zeros.
// Concat/Split: big [outer, total_row] and part p [outer, row_p] at columns [col_p, col_p + row_p).
//   One launch for every part: blockIdx.y picks the part, and its blocks walk the part densely
//   (contiguous on the part's side, contiguous runs of row_p on the big side).
#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/shape/shape_kernels_launch.h"

namespace mrt::gpu {

namespace {

// kernels

// n / d on the index path's type: FastDivmod for 32-bit indices, a plain division for 64-bit.
template <typename Index>
struct Divider {
  FastDivmod fast;
  int64_t d;
  __device__ __forceinline__ Index Div(Index n) const;
};
template <>
__device__ __forceinline__ uint32_t Divider<uint32_t>::Div(uint32_t n) const { return fast.Div(n); }
template <>
__device__ __forceinline__ int64_t Divider<int64_t>::Div(int64_t n) const { return n / d; }

template <typename Unit, typename Index, typename IndexT>
__global__ void GatherKernel(GatherParams p, Divider<Index> inner_div, Divider<Index> count_div,
                             const Unit* __restrict__ data, const IndexT* __restrict__ indices,
                             Unit* __restrict__ out) {
  const Index n = static_cast<Index>(p.outer * p.num_indices * p.inner);
  const Index step = static_cast<Index>(blockDim.x) * gridDim.x;
  const int64_t axis = p.axis_size;
  for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    const Index t = inner_div.Div(i);
    const Index x = i - t * static_cast<Index>(p.inner);
    const Index o = count_div.Div(t);
    const Index j = t - o * static_cast<Index>(p.num_indices);
    int64_t k = static_cast<int64_t>(indices[j]);
    if (k < 0) k += axis;
    if (k >= 0 && k < axis)
      out[i] = data[(o * static_cast<Index>(axis) + static_cast<Index>(k)) * static_cast<Index>(p.inner) + x];
    else
      out[i] = Unit{};
  }
}

template <typename Unit, typename Index, bool kSplit>
__global__ void ConcatKernel(ConcatParams p, Unit* __restrict__ big) {
  const ConcatPart& part = p.parts[blockIdx.y];
  const Index row = static_cast<Index>(part.row);
  const Index n = static_cast<Index>(p.outer) * row;
  Unit* __restrict__ small = static_cast<Unit*>(part.data);
  const Index step = static_cast<Index>(blockDim.x) * gridDim.x;
  for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    Index o;
    if constexpr (sizeof(Index) == 4)
      o = part.row_div.Div(i);
    else
      o = i / row;
    const Index b = o * static_cast<Index>(p.total_row) + static_cast<Index>(part.col) + (i - o * row);
    if constexpr (kSplit)
      small[i] = big[b];
    else
      big[b] = small[i];
  }
}

// launchers

template <typename Index>
Divider<Index> MakeDivider(int64_t d) {
  return Divider<Index>{FastDivmod(static_cast<uint32_t>(sizeof(Index) == 4 ? d : 1)), d};
}

template <typename Unit, typename Index>
cudaError_t LaunchGatherTyped(const GatherParams& p, const void* data, const void* indices, void* out,
                              cudaStream_t stream) {
  const unsigned blocks = GridFor(p.outer * p.num_indices * p.inner);
  const auto inner = MakeDivider<Index>(p.inner), count = MakeDivider<Index>(p.num_indices);
  const auto* src = static_cast<const Unit*>(data);
  auto* dst = static_cast<Unit*>(out);
  if (p.indices_i64)
    GatherKernel<Unit, Index, int64_t>
        <<<blocks, kThreadsPerBlock, 0, stream>>>(p, inner, count, src, static_cast<const int64_t*>(indices), dst);
  else
    GatherKernel<Unit, Index, int32_t>
        <<<blocks, kThreadsPerBlock, 0, stream>>>(p, inner, count, src, static_cast<const int32_t*>(indices), dst);
  return cudaGetLastError();
}

template <typename Unit>
cudaError_t LaunchGatherUnit(const GatherParams& p, const void* data, const void* indices, void* out,
                             cudaStream_t stream) {
  const int64_t limit = int64_t{1} << 31;
  const bool small = p.outer * p.axis_size * p.inner < limit && p.outer * p.num_indices * p.inner < limit;
  if (small) return LaunchGatherTyped<Unit, uint32_t>(p, data, indices, out, stream);
  return LaunchGatherTyped<Unit, int64_t>(p, data, indices, out, stream);
}

template <typename Unit>
cudaError_t LaunchConcatUnit(const ConcatParams& p, bool split, void* big, cudaStream_t stream) {
  const dim3 blocks(GridFor(p.max_part_numel), static_cast<unsigned>(p.count));
  const bool small = p.outer * p.total_row < (int64_t{1} << 31);
  auto* b = static_cast<Unit*>(big);
  if (small && split)
    ConcatKernel<Unit, uint32_t, true><<<blocks, kThreadsPerBlock, 0, stream>>>(p, b);
  else if (small)
    ConcatKernel<Unit, uint32_t, false><<<blocks, kThreadsPerBlock, 0, stream>>>(p, b);
  else if (split)
    ConcatKernel<Unit, int64_t, true><<<blocks, kThreadsPerBlock, 0, stream>>>(p, b);
  else
    ConcatKernel<Unit, int64_t, false><<<blocks, kThreadsPerBlock, 0, stream>>>(p, b);
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchGather(const GatherParams& p, const void* data, const void* indices, void* out,
                         cudaStream_t stream) {
  if (p.outer * p.num_indices * p.inner == 0) return cudaSuccess;
  return WithUnitOfBytes(p.unit_bytes,
                         [&](auto unit) { return LaunchGatherUnit<decltype(unit)>(p, data, indices, out, stream); });
}

cudaError_t LaunchConcat(const ConcatParams& p, bool split, void* big, cudaStream_t stream) {
  if (p.count == 0 || p.max_part_numel == 0) return cudaSuccess;
  return WithUnitOfBytes(p.unit_bytes,
                         [&](auto unit) { return LaunchConcatUnit<decltype(unit)>(p, split, big, stream); });
}

}  // namespace mrt::gpu
