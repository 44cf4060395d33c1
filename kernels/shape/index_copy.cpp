#include "kernels/shape/index_copy.h"

#include <algorithm>
#include <cstring>

#include "kernels/common/parallel.h"

namespace mrt {

namespace {

// A fixed element size lets the compiler turn each memcpy into one load and store (memcpy, not
// a typed pointer, because views into an arena need not be aligned).
template <size_t kSize>
void CopyRow(const uint8_t* in, uint8_t* out, const AxisTable& table, int64_t base, const uint8_t* fill) {
  for (size_t o = 0; o < table.size(); ++o) {
    const uint8_t* src = table[o] == kFill ? fill : in + (base + table[o]) * static_cast<int64_t>(kSize);
    std::memcpy(out + o * kSize, src, kSize);
  }
}

struct CopyPlan {
  const uint8_t* in;
  const uint8_t* fill;
  size_t elem_size;
  const std::vector<AxisTable>& tables;
  std::vector<int64_t> block;  // block[d]: output elements per step of axis d - 1 (block[n] = 1)
};

void CopyInnermost(const CopyPlan& p, int64_t base, uint8_t* out) {
  const AxisTable& t = p.tables.back();
  switch (p.elem_size) {
    case 1:
      return CopyRow<1>(p.in, out, t, base, p.fill);
    case 2:
      return CopyRow<2>(p.in, out, t, base, p.fill);
    case 4:
      return CopyRow<4>(p.in, out, t, base, p.fill);
    case 8:
      return CopyRow<8>(p.in, out, t, base, p.fill);
    default:
      for (size_t o = 0; o < t.size(); ++o) {
        const uint8_t* src = t[o] == kFill ? p.fill : p.in + (base + t[o]) * p.elem_size;
        std::memcpy(out + o * p.elem_size, src, p.elem_size);
      }
  }
}

void FillElements(const CopyPlan& p, uint8_t* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) std::memcpy(out + i * p.elem_size, p.fill, p.elem_size);
}

// Copies output coordinates [begin, end) of axis d, whose input offsets add to `base`.
void CopyAxis(const CopyPlan& p, size_t d, int64_t begin, int64_t end, int64_t base, uint8_t* out) {
  if (d + 1 == p.tables.size()) return CopyInnermost(p, base, out);
  const int64_t inner = p.block[d + 1];
  for (int64_t o = begin; o < end; ++o) {
    uint8_t* dst = out + (o - begin) * inner * static_cast<int64_t>(p.elem_size);
    const int64_t t = p.tables[d][o];
    if (t == kFill)
      FillElements(p, dst, inner);
    else
      CopyAxis(p, d + 1, 0, static_cast<int64_t>(p.tables[d + 1].size()), base + t, dst);
  }
}

}  // namespace

void IndexCopy(const void* in, void* out, size_t elem_size, const std::vector<AxisTable>& tables, const void* fill) {
  auto* dst = static_cast<uint8_t*>(out);
  if (tables.empty()) {
    std::memcpy(dst, in, elem_size);
    return;
  }
  CopyPlan p{static_cast<const uint8_t*>(in), static_cast<const uint8_t*>(fill), elem_size, tables, {}};
  p.block.assign(tables.size() + 1, 1);
  for (size_t d = tables.size(); d-- > 0;) p.block[d] = p.block[d + 1] * static_cast<int64_t>(tables[d].size());
  if (p.block[0] == 0) return;
  if (tables.size() == 1) return CopyInnermost(p, 0, dst);
  // Split the outermost axis across threads; each chunk writes its own contiguous output range.
  const int64_t outer = static_cast<int64_t>(tables[0].size());
  const int64_t grain = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(p.block[1], 1));
  ParallelFor(outer, grain, [&](int64_t begin, int64_t end) {
    CopyAxis(p, 0, begin, end, 0, dst + begin * p.block[1] * static_cast<int64_t>(elem_size));
  });
}

std::vector<int64_t> RowMajorStrides(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> strides(sizes.size(), 1);
  for (size_t d = sizes.size(); d-- > 1;) strides[d - 1] = strides[d] * sizes[d];
  return strides;
}

AxisTable AffineTable(int64_t count, int64_t start, int64_t step, int64_t stride) {
  AxisTable t(static_cast<size_t>(count));
  for (int64_t o = 0; o < count; ++o) t[o] = (start + o * step) * stride;
  return t;
}

}  // namespace mrt
