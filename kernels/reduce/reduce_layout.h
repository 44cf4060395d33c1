// Index bookkeeping shared by the reduction kernels.
//
// ReduceLayout: which input elements feed each output element of a reduction over a set of axes.
// The kept axes (in order) number the outputs row-major, exactly as the output tensor does with
// or without keepdims; the reduced axes are walked by an odometer, with adjacent reduced axes
// that are contiguous in memory merged (reducing H and W of NCHW is one run of H*W elements).
//
// AxisLayout: x viewed as [outer, n, inner] around one axis (ArgMax, TopK, Softmax): slice i of
// the outer*inner slices starts at (i / inner) * n * inner + i % inner and steps by inner.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/status.h"

namespace mrt::reduce {

class ReduceLayout {
 public:
  // `axes` are normalized (0 <= axis < rank) and distinct.
  ReduceLayout(const std::vector<int64_t>& in_sizes, const std::vector<int64_t>& axes);

  int64_t num_outputs() const { return num_outputs_; }
  int64_t count() const { return count_; }  // input elements per output element

  // Offset of the first input element of output `out_index`.
  int64_t BaseOffset(int64_t out_index) const {
    int64_t offset = 0;
    for (size_t d = kept_sizes_.size(); d-- > 0;) {
      offset += (out_index % kept_sizes_[d]) * kept_strides_[d];
      out_index /= kept_sizes_[d];
    }
    return offset;
  }

  // Calls fn(offset) for each input element of the output whose base offset is `base`; `coord`
  // is scratch space (kept by the caller to avoid an allocation per output).
  template <typename Fn>
  void ForEachReduced(int64_t base, std::vector<int64_t>& coord, Fn&& fn) const {
    const size_t r = red_sizes_.size();
    if (r == 0) {
      fn(base);
      return;
    }
    if (count_ == 0) return;
    const int64_t inner = red_sizes_[r - 1], inner_stride = red_strides_[r - 1];
    coord.assign(r - 1, 0);
    int64_t offset = base;
    for (;;) {
      for (int64_t j = 0; j < inner; ++j) fn(offset + j * inner_stride);
      size_t d = r - 1;
      for (; d-- > 0;) {  // advance the outer reduced coordinates by one
        offset += red_strides_[d];
        if (++coord[d] < red_sizes_[d]) break;
        offset -= coord[d] * red_strides_[d];
        coord[d] = 0;
      }
      if (d == static_cast<size_t>(-1)) return;  // wrapped past the first reduced axis: done
    }
  }

 private:
  std::vector<int64_t> kept_sizes_, kept_strides_;
  std::vector<int64_t> red_sizes_, red_strides_;
  int64_t num_outputs_ = 1, count_ = 1;
};

struct AxisLayout {
  int64_t outer = 1, n = 1, inner = 1;
  static AxisLayout Around(const std::vector<int64_t>& sizes, int64_t axis);
  int64_t num_slices() const { return outer * inner; }
  int64_t SliceBase(int64_t slice) const { return (slice / inner) * n * inner + slice % inner; }
};

}  // namespace mrt::reduce
