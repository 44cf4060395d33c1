// The one loop behind every data-movement reference kernel (Transpose, Slice, Expand, Tile,
// Gather, Pad, DepthToSpace, SpaceToDepth, Resize in nearest mode). Each output axis d has a
// table mapping an output coordinate to an element offset in the input:
//
//   out[o_0, ..., o_{n-1}] = in[table_0[o_0] + ... + table_{n-1}[o_{n-1}]]
//
// or the fill element when any table entry is kFill. Elements are copied by their byte size, so
// every dtype (bool, f16, i64, ...) moves through the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mrt {

inline constexpr int64_t kFill = -1;  // table entry: write the fill element here

using AxisTable = std::vector<int64_t>;  // output coordinate -> input element offset (or kFill)

// Writes prod(table sizes) elements of `elem_size` bytes to `out` (row-major over the tables).
// `fill` (one element) is read only where a table says kFill; it may be null otherwise. A rank-0
// copy (no tables) moves one element.
void IndexCopy(const void* in, void* out, size_t elem_size, const std::vector<AxisTable>& tables,
               const void* fill = nullptr);

// Row-major strides, in elements, of a tensor with `sizes`.
std::vector<int64_t> RowMajorStrides(const std::vector<int64_t>& sizes);

// table[o] = (start + o * step) * stride for o in [0, count): slices, transposes, identity axes.
AxisTable AffineTable(int64_t count, int64_t start, int64_t step, int64_t stride);

}  // namespace mrt
