// The Gather, Concat and Split tactics (kernels in gather_concat.cu). Both widen their units the
// way the strided copy does: k adjacent elements move as one unit of k * elem_size <= 16 bytes
// when every contiguous run (Gather's inner extent; each part's row and column offset) is a
// multiple of k and every pointer is aligned to the unit; the geometry is checked here once,
// the pointers at launch.
#include "kernels/gpu/cuda_check.h"
#include "kernels/shape/shape_plan_launch.h"

namespace mrt::gpu {

namespace {

// Bit k set for each k (power of two, k * elem_size <= 16) dividing every run in `runs`.
unsigned FactorsDividing(size_t elem_size, std::initializer_list<int64_t> runs, const std::vector<int64_t>& more = {}) {
  unsigned mask = 1u << 1;
  for (int64_t k = 2; k * static_cast<int64_t>(elem_size) <= 16; k *= 2) {
    bool ok = true;
    for (int64_t r : runs) ok = ok && r % k == 0;
    for (int64_t r : more) ok = ok && r % k == 0;
    if (!ok) break;
    mask |= 1u << k;
  }
  return mask;
}

class GatherTactic final : public Tactic {
 public:
  GatherTactic(std::string name, const GatherParams& params)
      : name_(std::move(name)), params_(params), allowed_(FactorsDividing(params.unit_bytes, {params.inner})) {}
  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Launch(const LaunchArgs& args) override {
    const void* data = args.inputs[0].data;
    void* out = args.outputs[0].data;
    const int k = WidestUnitFactor(allowed_, params_.unit_bytes, AddressBits(data) | AddressBits(out));
    GatherParams p = params_;
    p.unit_bytes *= k;
    p.inner /= k;
    MRT_CUDA_TRY(LaunchGather(p, data, args.inputs[1].data, out, args.stream));
    return Status::Ok();
  }

 private:
  std::string name_;
  GatherParams params_;
  unsigned allowed_;
};

class ConcatTactic final : public Tactic {
 public:
  ConcatTactic(std::string name, bool split, size_t elem_size, int64_t outer, int64_t total_row,
               std::vector<int64_t> rows)
      : name_(std::move(name)), split_(split), elem_size_(elem_size), outer_(outer), total_row_(total_row),
        rows_(std::move(rows)) {
    int64_t col = 0;
    for (int64_t r : rows_) {
      cols_.push_back(col);
      col += r;
    }
    std::vector<int64_t> runs = rows_;
    runs.insert(runs.end(), cols_.begin(), cols_.end());
    allowed_ = FactorsDividing(elem_size_, {total_row_}, runs);
  }
  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Launch(const LaunchArgs& args) override {
    std::span<const TensorView> parts = split_ ? args.outputs : args.inputs;
    void* big = split_ ? args.inputs[0].data : args.outputs[0].data;
    // More than kMaxConcatParts parts take one launch per group of them.
    for (size_t first = 0; first < parts.size(); first += kMaxConcatParts) {
      const size_t count = std::min<size_t>(kMaxConcatParts, parts.size() - first);
      uintptr_t bits = AddressBits(big);
      for (size_t i = 0; i < count; ++i) bits |= AddressBits(parts[first + i].data);
      const int k = WidestUnitFactor(allowed_, elem_size_, bits);
      ConcatParams p;
      p.unit_bytes = static_cast<int>(elem_size_) * k;
      p.outer = outer_;
      p.total_row = total_row_ / k;
      for (size_t i = 0; i < count; ++i) {
        ConcatPart& part = p.parts[p.count++];
        part.data = parts[first + i].data;
        part.row = rows_[first + i] / k;
        part.col = cols_[first + i] / k;
        part.row_div = FastDivmod(static_cast<uint32_t>(std::min<int64_t>(part.row, int64_t{1} << 31)));
        p.max_part_numel = std::max(p.max_part_numel, outer_ * part.row);
      }
      MRT_CUDA_TRY(LaunchConcat(p, split_, big, args.stream));
    }
    return Status::Ok();
  }

 private:
  std::string name_;
  bool split_;
  size_t elem_size_;
  int64_t outer_, total_row_;
  std::vector<int64_t> rows_, cols_;  // elements, per part
  unsigned allowed_ = 0;
};

}  // namespace

std::unique_ptr<Tactic> MakeGatherTactic(std::string name, const GatherParams& params) {
  return std::make_unique<GatherTactic>(std::move(name), params);
}

std::unique_ptr<Tactic> MakeConcatTactic(std::string name, bool split, int64_t axis, const NodeDesc& desc) {
  const TensorDesc& big = split ? desc.inputs[0] : desc.outputs[0];
  const std::vector<TensorDesc>& parts = split ? desc.outputs : desc.inputs;
  const auto rank = static_cast<int64_t>(big.sizes.size());
  if (axis < 0 || axis >= rank || parts.empty()) return nullptr;
  int64_t outer = 1, inner = 1, axis_total = 0;
  for (int64_t d = 0; d < axis; ++d) outer *= big.sizes[d];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= big.sizes[d];
  std::vector<int64_t> rows;
  for (const TensorDesc& part : parts) {
    if (part.dtype != big.dtype || static_cast<int64_t>(part.sizes.size()) != rank) return nullptr;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && part.sizes[d] != big.sizes[d]) return nullptr;
    axis_total += part.sizes[axis];
    rows.push_back(part.sizes[axis] * inner);
  }
  if (axis_total != big.sizes[axis]) return nullptr;
  return std::make_unique<ConcatTactic>(std::move(name), split, DTypeSize(big.dtype), outer,
                                        big.sizes[axis] * inner, std::move(rows));
}

}  // namespace mrt::gpu
