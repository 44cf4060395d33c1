// Resize in nearest mode, two kernels:
//
// - the table gather: one thread per output unit decomposes its index over the merged dims;
//   pass-through dims add coordinate * stride, resized dims add their table's offset (the host
//   resolved nearest_mode and the coordinate transform). Consecutive threads walk the innermost
//   dim, so NHWC (C passes through) reads and writes whole runs of C, widened to 16-byte units
//   when C allows; NCHW reads are gathered along W through L1.
// - the 2x upsample (YOLO's nearest Upsample, scales [1, 1, f, 2]): in [rows, W] -> out
//   [rows * f, 2W]. A thread loads `vec` consecutive elements with one vector load, duplicates
//   each, and stores the 2 * vec elements (two vector stores) into each of its f output rows:
//   every byte is read once and written with full-width stores, no index tables.
#include "kernels/resize/resize_dims.cuh"

namespace mrt::gpu {

namespace {

// kernels

template <typename Unit>
__global__ void ResizeNearestKernel(ResizeNearestParams p, const Unit* __restrict__ in, Unit* __restrict__ out) {
  const uint32_t n = static_cast<uint32_t>(p.dims.out_numel);
  const uint32_t step = blockDim.x * gridDim.x;
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
    uint32_t rest = i;
    int32_t offset = 0;
    bool fill = false;
#pragma unroll
    for (int d = 0; d < kMaxResizeRank; ++d) {
      if (d >= p.dims.rank) break;
      const uint32_t o = PeelCoordinate(p.dims, d, rest);
      const int r = p.dims.resized[d];
      if (r < 0) {
        offset += static_cast<int32_t>(o) * p.dims.in_stride[d];
      } else {
        const int32_t t = __ldg(&p.dims.table[r][o].offset);
        fill |= t < 0;
        offset += t;
      }
    }
    out[i] = fill ? *reinterpret_cast<const Unit*>(p.fill) : in[offset >> p.unit_shift];
  }
}

template <typename Elem, int kVec>
__global__ void Upsample2xKernel(ResizeUpsample2xParams p, FastDivmod vecs_per_row, const Elem* __restrict__ in,
                                 Elem* __restrict__ out) {
  using Vec = Pack<Elem, kVec>;
  const uint32_t width = static_cast<uint32_t>(p.width), factor = static_cast<uint32_t>(p.row_factor);
  const uint32_t n = static_cast<uint32_t>(p.rows) * vecs_per_row.divisor;
  for (uint32_t t = blockIdx.x * blockDim.x + threadIdx.x; t < n; t += blockDim.x * gridDim.x) {
    const uint32_t r = vecs_per_row.Div(t), w0 = (t - r * vecs_per_row.divisor) * kVec;
    const Vec x = *reinterpret_cast<const Vec*>(in + r * width + w0);
    Vec lo, hi;  // x's elements, each twice
#pragma unroll
    for (int e = 0; e < kVec; ++e) {
      Elem* half = 2 * e < kVec ? lo.v : hi.v;
      half[(2 * e) % kVec] = x.v[e];
      half[(2 * e + 1) % kVec] = x.v[e];
    }
    for (uint32_t a = 0; a < factor; ++a) {
      Elem* row = out + (r * factor + a) * 2 * width + 2 * w0;
      *reinterpret_cast<Vec*>(row) = lo;
      *reinterpret_cast<Vec*>(row + kVec) = hi;
    }
  }
}

// kVec = 1: each thread writes its element twice (no vector to split).
template <typename Elem>
__global__ void Upsample2xScalarKernel(ResizeUpsample2xParams p, FastDivmod width_div, const Elem* __restrict__ in,
                                       Elem* __restrict__ out) {
  const uint32_t width = width_div.divisor, factor = static_cast<uint32_t>(p.row_factor);
  const uint32_t n = static_cast<uint32_t>(p.rows) * width;
  for (uint32_t t = blockIdx.x * blockDim.x + threadIdx.x; t < n; t += blockDim.x * gridDim.x) {
    const uint32_t r = width_div.Div(t), w = t - r * width;
    const Elem v = in[t];
    for (uint32_t a = 0; a < factor; ++a) {
      Elem* row = out + (r * factor + a) * 2 * width + 2 * w;
      row[0] = v;
      row[1] = v;
    }
  }
}

// launchers

template <typename Unit>
cudaError_t LaunchNearestUnit(const ResizeNearestParams& p, const void* in, void* out, cudaStream_t stream) {
  ResizeNearestKernel<Unit><<<GridFor(p.dims.out_numel), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const Unit*>(in), static_cast<Unit*>(out));
  return cudaGetLastError();
}

template <typename Elem>
cudaError_t LaunchUpsampleElem(const ResizeUpsample2xParams& p, const void* in, void* out, cudaStream_t stream) {
  const auto* src = static_cast<const Elem*>(in);
  auto* dst = static_cast<Elem*>(out);
  const unsigned blocks = GridFor(p.rows * p.width / p.vec);
  const FastDivmod per_row(static_cast<uint32_t>(p.width / p.vec));
  switch (p.vec) {
    case 1:
      Upsample2xScalarKernel<Elem><<<blocks, kThreadsPerBlock, 0, stream>>>(p, per_row, src, dst);
      break;
    case 2:
      Upsample2xKernel<Elem, 2><<<blocks, kThreadsPerBlock, 0, stream>>>(p, per_row, src, dst);
      break;
    case 4:
      if constexpr (sizeof(Elem) <= 4) Upsample2xKernel<Elem, 4><<<blocks, kThreadsPerBlock, 0, stream>>>(p, per_row, src, dst);
      break;
    case 8:
      if constexpr (sizeof(Elem) <= 2) Upsample2xKernel<Elem, 8><<<blocks, kThreadsPerBlock, 0, stream>>>(p, per_row, src, dst);
      break;
    case 16:
      if constexpr (sizeof(Elem) == 1) Upsample2xKernel<Elem, 16><<<blocks, kThreadsPerBlock, 0, stream>>>(p, per_row, src, dst);
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchResizeNearest(const ResizeNearestParams& p, const void* in, void* out, cudaStream_t stream) {
  if (p.dims.out_numel == 0) return cudaSuccess;
  return WithUnitOfBytes(p.unit_bytes,
                         [&](auto unit) { return LaunchNearestUnit<decltype(unit)>(p, in, out, stream); });
}

cudaError_t LaunchResizeUpsample2x(const ResizeUpsample2xParams& p, const void* in, void* out, cudaStream_t stream) {
  if (p.rows * p.width == 0) return cudaSuccess;
  if (p.vec < 1 || p.width % p.vec != 0 || p.vec * p.elem_bytes > 16 || p.rows * p.row_factor * 2 * p.width >= (int64_t{1} << 31))
    return cudaErrorInvalidValue;  // the host offers this kernel only within these limits
  switch (p.elem_bytes) {
    case 1:
      return LaunchUpsampleElem<uint8_t>(p, in, out, stream);
    case 2:
      return LaunchUpsampleElem<uint16_t>(p, in, out, stream);
    case 4:
      return LaunchUpsampleElem<uint32_t>(p, in, out, stream);
    case 8:
      return LaunchUpsampleElem<unsigned long long>(p, in, out, stream);
    default:
      return cudaErrorInvalidValue;
  }
}

}  // namespace mrt::gpu
