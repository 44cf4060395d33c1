#include "kernels/reduce/reduce_layout.h"

namespace mrt::reduce {

ReduceLayout::ReduceLayout(const std::vector<int64_t>& in_sizes, const std::vector<int64_t>& axes) {
  const size_t rank = in_sizes.size();
  std::vector<bool> reduced(rank, false);
  for (int64_t a : axes) reduced[static_cast<size_t>(a)] = true;
  std::vector<int64_t> strides(rank, 1);
  for (size_t d = rank; d-- > 1;) strides[d - 1] = strides[d] * in_sizes[d];
  for (size_t d = 0; d < rank; ++d) {
    const int64_t size = in_sizes[d];
    if (!reduced[d]) {
      num_outputs_ *= size;
      if (size != 1) {
        kept_sizes_.push_back(size);
        kept_strides_.push_back(strides[d]);
      }
      continue;
    }
    count_ *= size;
    if (size == 1) continue;
    // Merge with the previous reduced axis when the two form one contiguous run.
    if (!red_sizes_.empty() && red_strides_.back() == strides[d] * size) {
      red_sizes_.back() *= size;
      red_strides_.back() = strides[d];
    } else {
      red_sizes_.push_back(size);
      red_strides_.push_back(strides[d]);
    }
  }
}

AxisLayout AxisLayout::Around(const std::vector<int64_t>& sizes, int64_t axis) {
  AxisLayout s;
  for (int64_t d = 0; d < static_cast<int64_t>(sizes.size()); ++d) {
    if (d < axis) s.outer *= sizes[d];
    if (d == axis) s.n = sizes[d];
    if (d > axis) s.inner *= sizes[d];
  }
  return s;
}

}  // namespace mrt::reduce
