// Launchers of the data-movement kernels of kernels/shape (strided_copy.cu, transpose_tiled.cu,
// gather_concat.cu) and the parameter blocks they take by value. Plain C++ only: the .cu files
// include this and nothing heavier; the tactics (shape_tactics_cuda.cpp) fill the blocks.
//
// Every kernel moves "units" of 1, 2, 4, 8 or 16 bytes: an element, or several adjacent elements
// moved together when the geometry and the pointers allow it (16-byte units are one vector load
// and store per thread). All sizes, strides and offsets below are counted in units.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace mrt::gpu {

inline constexpr int kMaxCopyRank = 8;

// n / d and n % d for 0 <= n < 2^31 with a multiply-high and a shift instead of a division
// (Granlund & Montgomery): l = ceil(log2 d), m = floor(2^32 (2^l - d) / d) + 1, and then
// n / d = (mulhi(n, m) + n) >> l. Integer division is ~20 instructions on the GPU; this is 3.
struct FastDivmod {
  uint32_t divisor = 1, multiplier = 1, shift = 0;

  FastDivmod() = default;
  explicit FastDivmod(uint32_t d) : divisor(d < 1 ? 1 : d) {
    while ((uint64_t{1} << shift) < divisor) ++shift;
    multiplier = static_cast<uint32_t>((uint64_t{1} << 32) * ((uint64_t{1} << shift) - divisor) / divisor + 1);
  }
#ifdef __CUDACC__
  __device__ __forceinline__ uint32_t Div(uint32_t n) const { return (__umulhi(n, multiplier) + n) >> shift; }
#endif
};

// How an output coordinate o of one axis turns into an input coordinate i (then i * in_stride):
//   kAffine: i = o (the start and step are folded into in_offset and in_stride; never outside)
//   others:  i = o - begin, and when i falls outside [0, in_size):
//     kConstant -> the fill unit; kEdge -> clamp; kReflect -> mirror without repeating the edge;
//     kWrap -> i mod in_size (Tile is kWrap with begin 0).
enum class AxisMode : uint8_t { kAffine, kConstant, kEdge, kReflect, kWrap };

// out[o] = in[in_offset + sum_d i_d(o_d) * in_stride[d]] over `rank` axes stored innermost
// first (axis 0 is the output's contiguous one). Output is row-major and dense.
struct StridedCopyParams {
  int rank = 0;
  bool bounded = false;  // some axis is not kAffine (Pad, Tile): the slower per-axis path
  int unit_bytes = 1;
  int64_t out_numel = 0;
  int64_t in_offset = 0;
  int64_t out_size[kMaxCopyRank] = {};
  FastDivmod out_size_div[kMaxCopyRank];  // the same, for the 32-bit index path
  int64_t in_stride[kMaxCopyRank] = {};
  int64_t in_size[kMaxCopyRank] = {};
  int64_t begin[kMaxCopyRank] = {};
  AxisMode mode[kMaxCopyRank] = {};
  alignas(16) uint8_t fill[16] = {};  // one unit of the fill value (kConstant), read as the unit type
};

// One batched 2-D transpose: the output's innermost axis A (input stride in_stride_a) and the
// input's innermost axis B (output stride out_stride_b) are swapped through a shared-memory tile;
// the other axes ("batch", innermost first) just offset both sides.
struct TiledTransposeParams {
  int unit_bytes = 1;
  int64_t a_size = 1, b_size = 1;
  int64_t in_stride_a = 0, out_stride_b = 0;
  int batch_rank = 0;
  int64_t batch_size[kMaxCopyRank] = {};
  int64_t batch_in_stride[kMaxCopyRank] = {};
  int64_t batch_out_stride[kMaxCopyRank] = {};
};

// Gather: data viewed as [outer, axis_size, inner], indices as [num_indices] (i32 or i64), out as
// [outer, num_indices, inner]. A negative index counts from the end; one still outside the axis
// writes zeros (the reference rejects it; the GPU never reads out of bounds).
struct GatherParams {
  int unit_bytes = 1;
  bool indices_i64 = true;
  int64_t outer = 1, axis_size = 1, num_indices = 1, inner = 1;
};

// Concat (parts are the inputs) or Split (parts are the outputs) along one axis: the big tensor
// is [outer, total_row] and part p is [outer, row] at columns [col, col + row).
inline constexpr int kMaxConcatParts = 32;
struct ConcatPart {
  void* data = nullptr;
  int64_t row = 0, col = 0;
  FastDivmod row_div;
};
struct ConcatParams {
  int unit_bytes = 1;
  int count = 0;
  int64_t outer = 1, total_row = 0, max_part_numel = 0;
  ConcatPart parts[kMaxConcatParts];
};

// Each launcher picks the 32-bit index path when every tensor involved has < 2^31 units.
cudaError_t LaunchStridedCopy(const StridedCopyParams& p, int64_t in_numel, const void* in, void* out,
                              cudaStream_t stream);
// tile: 32 or 64 (a 64x64 tile moves more bytes per block; the builder times both). vec: 1, or
// 4 / unit_bytes for 1- and 2-byte elements (word-wide accesses; needs a_size, b_size and every
// stride to be multiples of vec and both pointers 4-byte aligned).
cudaError_t LaunchTiledTranspose(const TiledTransposeParams& p, int tile, int vec, const void* in, void* out,
                                 cudaStream_t stream);
cudaError_t LaunchGather(const GatherParams& p, const void* data, const void* indices, void* out,
                         cudaStream_t stream);
// split = false: parts -> big (Concat); split = true: big -> parts (Split).
cudaError_t LaunchConcat(const ConcatParams& p, bool split, void* big, cudaStream_t stream);

}  // namespace mrt::gpu
