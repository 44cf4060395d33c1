// Numpy-style broadcasting for kernels: maps an element of the output to the offsets of the
// elements it reads in each input.
//
// Inputs are right-aligned against the output's dims; an input dim equals the output dim or is 1
// (then every output coordinate along it reads coordinate 0). With row-major strides s_k of
// input k, and stride 0 on its broadcast (size-1 or missing) dims,
//     offset_k(out coords c) = sum_d c_d * s_k[d].
// Adjacent dims that every input walks contiguously (s_k[d] == s_k[d+1] * size[d+1] for all k)
// are merged first, so equal shapes become one flat run, a per-channel bias over NCHW becomes
// [N, C, H*W] with bias strides [0, 1, 0], and a scalar operand is a stride-0 run.
//
// Kernels walk the output as *runs*: stretches contiguous in the output along the innermost
// merged dim, where input k advances by a step of 0 (broadcast) or 1. A tight loop per run, with
// the steps hoisted, is what makes broadcasting kernels fast; ParallelForEachRun splits the
// output into chunks for the thread pool (results do not depend on the chunking).
//
// Any kernel that reads numpy-broadcast operands can use it (Expand, per-axis quantization, ...).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ir/status.h"
#include "ir/tensor.h"
#include "kernels/common/parallel.h"

namespace mrt {

class BroadcastIndexer {
 public:
  // `input_sizes[k]` must broadcast to `out_sizes` (rank <= output rank; each dim equal to the
  // output's or 1). The error names the offending input and dim.
  static Expected<BroadcastIndexer> Make(const std::vector<int64_t>& out_sizes,
                                         const std::vector<std::vector<int64_t>>& input_sizes);
  // The same from views: `out`'s sizes and each input's.
  static Expected<BroadcastIndexer> Make(const TensorView& out, const std::vector<TensorView>& inputs);

  size_t num_inputs() const { return strides_.size(); }
  int64_t numel() const { return numel_; }
  int64_t inner_size() const { return sizes_.back(); }  // length of a full run
  // Step of input k along a run: 1 when it walks with the output, 0 when broadcast along it.
  int64_t step(size_t k) const { return strides_[k].back(); }
  std::vector<int64_t> steps() const;  // step(k) of every input, for hoisting out of run loops

  // Offset in input k of output element `out_index` (row-major); random access, for clarity
  // and for tests. Kernels use ForEachRun.
  int64_t InputOffset(size_t k, int64_t out_index) const;

  // Calls fn(out_begin, count, offsets) for consecutive runs covering output elements
  // [begin, end): output elements out_begin + j (0 <= j < count) read input k at
  // offsets[k] + j * step(k).
  template <typename Fn>
  void ForEachRun(int64_t begin, int64_t end, Fn&& fn) const;

 private:
  std::vector<int64_t> sizes_;                 // merged output dims (at least one)
  std::vector<std::vector<int64_t>> strides_;  // [input][merged dim]; 0 where broadcast
  int64_t numel_ = 0;
};

// For every element t of `out_sizes` (row-major), the offset of the element it reads in a tensor
// of `in_sizes` that broadcasts to it (right-aligned; size-1 dims read coordinate 0), in units of
// `element_stride` (1 for elements; m * k for a batch of [m, k] matrices). A plain table for
// kernels that index a small broadcast operand per output position (MatMul batches, norm params).
std::vector<int64_t> BroadcastOffsets(const std::vector<int64_t>& out_sizes, const std::vector<int64_t>& in_sizes,
                                      int64_t element_stride = 1);

// Runs fn(out_begin, count, offsets) over every output element, chunked across threads; each
// chunk holds at least `grain` elements.
template <typename Fn>
void ParallelForEachRun(const BroadcastIndexer& ix, Fn&& fn, int64_t grain = 1 << 14) {
  ParallelFor(ix.numel(), grain, [&](int64_t begin, int64_t end) { ix.ForEachRun(begin, end, fn); });
}

template <typename Fn>
void BroadcastIndexer::ForEachRun(int64_t begin, int64_t end, Fn&& fn) const {
  if (begin >= end) return;
  const size_t rank = sizes_.size(), n_in = strides_.size();
  const int64_t inner = sizes_.back();
  // Outer coordinates (all dims but the innermost) of the first run, and the offsets they give.
  std::vector<int64_t> coord(rank, 0), offsets(n_in, 0), run_offsets(n_in);
  int64_t row = begin / inner;
  for (size_t d = rank - 1; d-- > 0;) {
    coord[d] = row % sizes_[d];
    row /= sizes_[d];
  }
  for (size_t k = 0; k < n_in; ++k)
    for (size_t d = 0; d + 1 < rank; ++d) offsets[k] += coord[d] * strides_[k][d];
  int64_t col = begin % inner;
  for (int64_t pos = begin; pos < end;) {
    const int64_t count = std::min(inner - col, end - pos);
    for (size_t k = 0; k < n_in; ++k) run_offsets[k] = offsets[k] + col * strides_[k][rank - 1];
    fn(pos, count, static_cast<const int64_t*>(run_offsets.data()));
    pos += count;
    col = 0;
    // Advance the outer odometer by one row, updating offsets incrementally.
    for (size_t d = rank - 1; d-- > 0;) {
      for (size_t k = 0; k < n_in; ++k) offsets[k] += strides_[k][d];
      if (++coord[d] < sizes_[d]) break;
      for (size_t k = 0; k < n_in; ++k) offsets[k] -= coord[d] * strides_[k][d];
      coord[d] = 0;
    }
  }
}

}  // namespace mrt
