#include "kernels/common/broadcast.h"

#include "ir/shape.h"

namespace mrt {

Expected<BroadcastIndexer> BroadcastIndexer::Make(const std::vector<int64_t>& out_sizes,
                                                  const std::vector<std::vector<int64_t>>& input_sizes) {
  const size_t rank = out_sizes.size();
  // Full-rank strides per input: row-major over the input's own dims, 0 on broadcast dims.
  std::vector<std::vector<int64_t>> full(input_sizes.size(), std::vector<int64_t>(rank, 0));
  for (size_t k = 0; k < input_sizes.size(); ++k) {
    const std::vector<int64_t>& in = input_sizes[k];
    if (in.size() > rank)
      return Status::Errorf("input {} has shape {}, of higher rank than the output {}", k, SizesToString(in),
                            SizesToString(out_sizes));
    int64_t stride = 1;
    for (size_t j = in.size(); j-- > 0;) {
      const size_t d = j + rank - in.size();
      if (in[j] != out_sizes[d] && in[j] != 1)
        return Status::Errorf("input {} has shape {}, which does not broadcast to {} (dim {})", k, SizesToString(in),
                              SizesToString(out_sizes), d);
      full[k][d] = in[j] == 1 ? 0 : stride;
      stride *= in[j];
    }
  }
  // Merge dims: drop size-1 output dims (nobody moves along them), then join dim d into the
  // previous kept dim p when every input walks both contiguously: s[p] == s[d] * size[d].
  BroadcastIndexer ix;
  ix.numel_ = Numel(out_sizes);
  ix.strides_.assign(input_sizes.size(), {});
  for (size_t d = 0; d < rank; ++d) {
    if (out_sizes[d] == 1) continue;
    bool mergeable = !ix.sizes_.empty();
    for (size_t k = 0; mergeable && k < full.size(); ++k)
      mergeable = ix.strides_[k].back() == full[k][d] * out_sizes[d];
    if (mergeable) {
      ix.sizes_.back() *= out_sizes[d];
      for (size_t k = 0; k < full.size(); ++k) ix.strides_[k].back() = full[k][d];
    } else {
      ix.sizes_.push_back(out_sizes[d]);
      for (size_t k = 0; k < full.size(); ++k) ix.strides_[k].push_back(full[k][d]);
    }
  }
  if (ix.sizes_.empty()) {  // scalar output, or every dim is 1: one run of one element
    ix.sizes_.push_back(1);
    for (auto& s : ix.strides_) s.push_back(0);
  }
  // An empty output (some dim 0) keeps its dims; ForEachRun is never entered for it.
  return ix;
}

int64_t BroadcastIndexer::InputOffset(size_t k, int64_t out_index) const {
  int64_t offset = 0;
  for (size_t d = sizes_.size(); d-- > 0;) {
    offset += (out_index % sizes_[d]) * strides_[k][d];
    out_index /= sizes_[d];
  }
  return offset;
}

Expected<BroadcastIndexer> BroadcastIndexer::Make(const TensorView& out, const std::vector<TensorView>& inputs) {
  std::vector<std::vector<int64_t>> sizes;
  sizes.reserve(inputs.size());
  for (const TensorView& v : inputs) sizes.push_back(v.sizes);
  return Make(out.sizes, sizes);
}

std::vector<int64_t> BroadcastIndexer::steps() const {
  std::vector<int64_t> out;
  out.reserve(strides_.size());
  for (size_t k = 0; k < strides_.size(); ++k) out.push_back(step(k));
  return out;
}

std::vector<int64_t> BroadcastOffsets(const std::vector<int64_t>& out_sizes, const std::vector<int64_t>& in_sizes,
                                      int64_t element_stride) {
  std::vector<int64_t> offsets(static_cast<size_t>(Numel(out_sizes)));
  const size_t lead = out_sizes.size() - in_sizes.size();
  for (int64_t t = 0; t < static_cast<int64_t>(offsets.size()); ++t) {
    int64_t rest = t, offset = 0, stride = element_stride;
    for (size_t d = out_sizes.size(); d-- > lead;) {
      const int64_t coord = rest % out_sizes[d];
      rest /= out_sizes[d];
      const int64_t size = in_sizes[d - lead];
      offset += (size == 1 ? 0 : coord) * stride;
      stride *= size;
    }
    offsets[t] = offset;
  }
  return offsets;
}

}  // namespace mrt
