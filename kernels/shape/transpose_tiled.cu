// The tiled transpose: for permutations that move the innermost dim (NCHW <-> NHWC, the
// reformat layers the layout pass inserts), a plain gather would read with a large stride. Here a
// block loads a kTile x kTile tile along the input's contiguous axis B (coalesced reads), and
// stores it transposed along the output's contiguous axis A (coalesced writes):
//
//   tile[a][b] = in[in_base + a * in_stride_a + b]        (threads walk b)
//   out[out_base + b * out_stride_b + a] = tile[a][b]     (threads walk a)
//
// Elements narrower than 4 bytes move kVec = 4 / size at a time (f16 pairs, u8 quads) on both
// sides, so every global access is a 32-bit word; the column read of the store phase gathers the
// kVec elements of a word from kVec tile rows. Tile rows are padded so that the column reads of a
// warp hit distinct banks: one element when kVec > 1 or for 4/8-byte elements, one word's worth
// (4 / size elements) for narrow elements moved one at a time.
// The remaining axes are a batch: each block decomposes its batch index once to offset both
// sides. NCHW -> NHWC is the batched 2-D case [N, C, HW] -> [N, HW, C] (A = C, B = HW).
#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/shape/shape_kernels_launch.h"

namespace mrt::gpu {

namespace {

// kernels

constexpr int kTransposeThreads = 256;

template <typename Elem, int kVec, typename Index, int kTile>
__global__ void __launch_bounds__(kTransposeThreads)
    TiledTransposeKernel(TiledTransposeParams p, int64_t tiles_a, int64_t tiles_b, int64_t num_tiles,
                         const Elem* __restrict__ in, Elem* __restrict__ out) {
  using Vec = Pack<Elem, kVec>;
  constexpr int kPad = (kVec > 1 || sizeof(Elem) >= 4) ? 1 : 4 / static_cast<int>(sizeof(Elem));
  constexpr int kUnitsPerRow = kTile / kVec;
  __shared__ Elem tile[kTile][kTile + kPad];
  const int tid = threadIdx.x;
  for (int64_t blk = blockIdx.x; blk < num_tiles; blk += gridDim.x) {
    const int64_t ta = blk % tiles_a;
    int64_t rest = blk / tiles_a;
    const int64_t tb = rest % tiles_b;
    rest /= tiles_b;
    Index in_base = 0, out_base = 0;
    for (int d = 0; d < p.batch_rank; ++d) {
      const int64_t c = rest % p.batch_size[d];
      rest /= p.batch_size[d];
      in_base += static_cast<Index>(c * p.batch_in_stride[d]);
      out_base += static_cast<Index>(c * p.batch_out_stride[d]);
    }
    const int64_t a0 = ta * kTile, b0 = tb * kTile;
    const int a_count = static_cast<int>(p.a_size - a0 < kTile ? p.a_size - a0 : kTile);
    const int b_count = static_cast<int>(p.b_size - b0 < kTile ? p.b_size - b0 : kTile);
    const Index in_tile = in_base + static_cast<Index>(a0 * p.in_stride_a + b0);
    const Index out_tile = out_base + static_cast<Index>(b0 * p.out_stride_b + a0);
    const Index sa = static_cast<Index>(p.in_stride_a), sb = static_cast<Index>(p.out_stride_b);
    // Load: row r of the tile is a = a0 + r; unit u covers b = b0 + u * kVec ...
#pragma unroll 4
    for (int k = tid; k < kTile * kUnitsPerRow; k += kTransposeThreads) {
      const int r = k / kUnitsPerRow, u = k % kUnitsPerRow;
      if (r < a_count && u * kVec < b_count) {
        const Vec v = *reinterpret_cast<const Vec*>(in + in_tile + r * sa + u * kVec);
#pragma unroll
        for (int j = 0; j < kVec; ++j) tile[r][u * kVec + j] = v.v[j];
      }
    }
    __syncthreads();
    // Store: output row r is b = b0 + r; unit u covers a = a0 + u * kVec ...
#pragma unroll 4
    for (int k = tid; k < kTile * kUnitsPerRow; k += kTransposeThreads) {
      const int r = k / kUnitsPerRow, u = k % kUnitsPerRow;
      if (r < b_count && u * kVec < a_count) {
        Vec v;
#pragma unroll
        for (int j = 0; j < kVec; ++j) v.v[j] = tile[u * kVec + j][r];
        *reinterpret_cast<Vec*>(out + out_tile + r * sb + u * kVec) = v;
      }
    }
    __syncthreads();  // the tile is reused by the next iteration
  }
}

// launchers

template <typename Elem, int kVec, int kTile>
cudaError_t LaunchTiledTransposeTile(const TiledTransposeParams& p, bool small, const void* in, void* out,
                                     cudaStream_t stream) {
  const int64_t tiles_a = (p.a_size + kTile - 1) / kTile, tiles_b = (p.b_size + kTile - 1) / kTile;
  int64_t num_tiles = tiles_a * tiles_b;
  for (int d = 0; d < p.batch_rank; ++d) num_tiles *= p.batch_size[d];
  const unsigned blocks = static_cast<unsigned>(num_tiles < (1 << 24) ? num_tiles : (1 << 24));
  const auto* src = static_cast<const Elem*>(in);
  auto* dst = static_cast<Elem*>(out);
  if (small)
    TiledTransposeKernel<Elem, kVec, uint32_t, kTile>
        <<<blocks, kTransposeThreads, 0, stream>>>(p, tiles_a, tiles_b, num_tiles, src, dst);
  else
    TiledTransposeKernel<Elem, kVec, int64_t, kTile>
        <<<blocks, kTransposeThreads, 0, stream>>>(p, tiles_a, tiles_b, num_tiles, src, dst);
  return cudaGetLastError();
}

template <typename Elem, int kVec>
cudaError_t LaunchTiledTransposeVec(const TiledTransposeParams& p, int tile, bool small, const void* in, void* out,
                                    cudaStream_t stream) {
  if (tile == 64) return LaunchTiledTransposeTile<Elem, kVec, 64>(p, small, in, out, stream);
  if (tile == 32) return LaunchTiledTransposeTile<Elem, kVec, 32>(p, small, in, out, stream);
  return cudaErrorInvalidValue;
}

// vec 1, or 4 / sizeof(Elem) for elements narrower than a word.
template <typename Elem>
cudaError_t LaunchTiledTransposeElem(const TiledTransposeParams& p, int tile, int vec, bool small, const void* in,
                                     void* out, cudaStream_t stream) {
  if (vec == 1) return LaunchTiledTransposeVec<Elem, 1>(p, tile, small, in, out, stream);
  if constexpr (sizeof(Elem) < 4) {
    if (vec == 4 / static_cast<int>(sizeof(Elem)))
      return LaunchTiledTransposeVec<Elem, 4 / sizeof(Elem)>(p, tile, small, in, out, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t LaunchTiledTranspose(const TiledTransposeParams& p, int tile, int vec, const void* in, void* out,
                                 cudaStream_t stream) {
  int64_t numel = p.a_size * p.b_size;
  for (int d = 0; d < p.batch_rank; ++d) numel *= p.batch_size[d];
  if (numel == 0) return cudaSuccess;
  const bool small = numel < (int64_t{1} << 31);
  switch (p.unit_bytes) {
    case 1:
      return LaunchTiledTransposeElem<uint8_t>(p, tile, vec, small, in, out, stream);
    case 2:
      return LaunchTiledTransposeElem<uint16_t>(p, tile, vec, small, in, out, stream);
    case 4:
      return LaunchTiledTransposeElem<uint32_t>(p, tile, vec, small, in, out, stream);
    case 8:
      return LaunchTiledTransposeElem<unsigned long long>(p, tile, vec, small, in, out, stream);
    default:
      return cudaErrorInvalidValue;
  }
}

}  // namespace mrt::gpu
