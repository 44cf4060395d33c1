// CopyPlan simplification and the two tactics that run a plan (shape_plan_launch.h):
//
// - the strided copy (strided_copy.cu) runs any plan. Before that the plan is simplified (fewer
//   axes = fewer divmods per element) and, when the innermost axis reads contiguously (input
//   stride 1) and every other stride and the offset are multiples of k, k adjacent elements move
//   as one unit of k * elem_size <= 16 bytes: a float Slice of rows becomes float4 copies.
//   Which k is used depends on the pointers' alignment too, so it is chosen at launch among the
//   parameter blocks prepared here (Launch only picks one: no allocation, graph-capturable).
// - the tiled transpose (transpose_tiled.cu) runs a permutation that moves the innermost dim.
#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>

#include "kernels/gpu/cuda_check.h"
#include "kernels/shape/index_copy.h"
#include "kernels/shape/shape_plan_launch.h"

namespace mrt::gpu {

namespace {

constexpr int64_t kMaxIndex32 = int64_t{1} << 31;

// A bounded axis whose every output coordinate reads inside the input is affine.
bool ReadsInRange(const CopyAxis& a) { return a.begin <= 0 && a.out_size - 1 - a.begin < a.in_size; }

// Bit k set for every unit factor k the geometry allows (see the file comment).
unsigned AllowedUnitFactors(const CopyPlan& plan) {
  unsigned mask = 1u << 1;
  const CopyAxis& inner = plan.axes.back();
  if (inner.mode != AxisMode::kAffine || inner.in_stride != 1) return mask;
  for (int64_t k = 2; k * static_cast<int64_t>(plan.elem_size) <= 16; k *= 2) {
    bool ok = inner.out_size % k == 0 && plan.in_offset % k == 0;
    for (size_t d = 0; d + 1 < plan.axes.size(); ++d) ok = ok && plan.axes[d].in_stride % k == 0;
    if (!ok) break;
    mask |= 1u << k;
  }
  return mask;
}

// The kernel's parameter block for unit factor k (one of AllowedUnitFactors).
StridedCopyParams ToParams(const CopyPlan& plan, int64_t k) {
  StridedCopyParams p;
  p.rank = static_cast<int>(plan.axes.size());
  p.unit_bytes = static_cast<int>(plan.elem_size * k);
  p.in_offset = plan.in_offset / k;
  p.out_numel = 1;
  for (int d = 0; d < p.rank; ++d) {
    const CopyAxis& a = plan.axes[plan.axes.size() - 1 - d];  // innermost first
    p.out_size[d] = d == 0 ? a.out_size / k : a.out_size;
    p.out_size_div[d] = FastDivmod(static_cast<uint32_t>(std::min(p.out_size[d], kMaxIndex32)));
    p.in_stride[d] = d == 0 && k > 1 ? 1 : a.in_stride / k;
    p.mode[d] = a.mode;
    p.in_size[d] = a.in_size;
    p.begin[d] = a.begin;
    p.bounded |= a.mode != AxisMode::kAffine;
    p.out_numel *= p.out_size[d];
  }
  for (int64_t i = 0; i < k; ++i)
    std::memcpy(p.fill + i * plan.elem_size, plan.fill.data(), plan.elem_size);
  return p;
}

class StridedCopyTactic final : public Tactic {
 public:
  StridedCopyTactic(std::string name, const CopyPlan& plan)
      : name_(std::move(name)), elem_size_(plan.elem_size), in_numel_(plan.in_numel),
        allowed_(AllowedUnitFactors(plan)) {
    for (int64_t k = 1; k <= 16; k *= 2)
      if (allowed_ >> k & 1) params_[std::countr_zero(static_cast<unsigned>(k))] = ToParams(plan, k);
  }
  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Launch(const LaunchArgs& args) override {
    const void* in = args.inputs[0].data;
    void* out = args.outputs[0].data;
    const int k = WidestUnitFactor(allowed_, elem_size_, AddressBits(in) | AddressBits(out));
    const StridedCopyParams& p = params_[std::countr_zero(static_cast<unsigned>(k))];
    MRT_CUDA_TRY(LaunchStridedCopy(p, (in_numel_ + k - 1) / k, in, out, args.stream));
    return Status::Ok();
  }

 private:
  std::string name_;
  size_t elem_size_;
  int64_t in_numel_;
  unsigned allowed_;
  std::array<StridedCopyParams, 5> params_{};  // by log2 of the unit factor
};

// The word-wide vector (4 / elem_size elements) the tiled transpose may move for 1- and 2-byte
// elements, when every extent and stride is a multiple of it; else 1.
int TiledWordVector(const TiledTransposeParams& p) {
  if (p.unit_bytes >= 4) return 1;
  const int64_t v = 4 / p.unit_bytes;
  bool ok = p.a_size % v == 0 && p.b_size % v == 0 && p.in_stride_a % v == 0 && p.out_stride_b % v == 0;
  for (int d = 0; d < p.batch_rank; ++d) ok = ok && p.batch_in_stride[d] % v == 0 && p.batch_out_stride[d] % v == 0;
  return ok ? static_cast<int>(v) : 1;
}

class TiledTransposeTactic final : public Tactic {
 public:
  TiledTransposeTactic(std::string name, const TiledTransposeParams& params, int tile)
      : name_(std::move(name)), params_(params), tile_(tile), vec_(TiledWordVector(params)) {}
  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Launch(const LaunchArgs& args) override {
    const void* in = args.inputs[0].data;
    void* out = args.outputs[0].data;
    const int vec = (AddressBits(in) | AddressBits(out)) % 4 == 0 ? vec_ : 1;
    MRT_CUDA_TRY(LaunchTiledTranspose(params_, tile_, vec, in, out, args.stream));
    return Status::Ok();
  }

 private:
  std::string name_;
  TiledTransposeParams params_;
  int tile_;
  int vec_;
};

// The tiled transpose's parameters for a simplified plan, when it is a permutation that moves the
// input's contiguous axis away from the output's innermost position.
std::optional<TiledTransposeParams> TiledParams(const CopyPlan& plan) {
  const size_t rank = plan.axes.size();
  if (rank < 2 || plan.in_offset != 0 || plan.axes.back().in_stride == 1) return std::nullopt;
  int b_axis = -1;
  for (size_t d = 0; d < rank; ++d) {
    const CopyAxis& a = plan.axes[d];
    if (a.mode != AxisMode::kAffine || a.in_stride <= 0) return std::nullopt;
    if (a.in_stride == 1) b_axis = static_cast<int>(d);
  }
  if (b_axis < 0) return std::nullopt;
  std::vector<int64_t> out_sizes;
  for (const CopyAxis& a : plan.axes) out_sizes.push_back(a.out_size);
  const std::vector<int64_t> out_strides = RowMajorStrides(out_sizes);
  TiledTransposeParams p;
  p.unit_bytes = static_cast<int>(plan.elem_size);
  p.a_size = plan.axes.back().out_size;
  p.in_stride_a = plan.axes.back().in_stride;
  p.b_size = plan.axes[b_axis].out_size;
  p.out_stride_b = out_strides[b_axis];
  for (size_t d = rank - 1; d-- > 0;) {  // innermost first, skipping A (rank - 1) and B
    if (static_cast<int>(d) == b_axis) continue;
    p.batch_size[p.batch_rank] = plan.axes[d].out_size;
    p.batch_in_stride[p.batch_rank] = plan.axes[d].in_stride;
    p.batch_out_stride[p.batch_rank] = out_strides[d];
    ++p.batch_rank;
  }
  return p;
}

}  // namespace

int WidestUnitFactor(unsigned allowed, size_t elem_size, uintptr_t address_bits) {
  for (int k = 16; k > 1; k /= 2)
    if ((allowed >> k & 1) && address_bits % (k * elem_size) == 0) return k;
  return 1;
}

CopyPlan PermutationPlan(const std::vector<int64_t>& sizes, const std::vector<int64_t>& perm, size_t elem_size) {
  CopyPlan plan;
  plan.elem_size = elem_size;
  plan.in_numel = Numel(sizes);
  const std::vector<int64_t> strides = RowMajorStrides(sizes);
  for (int64_t p : perm) plan.axes.push_back(CopyAxis{sizes[p], strides[p]});
  return plan;
}

CopyPlan SimplifyCopyPlan(CopyPlan plan) {
  std::vector<CopyAxis> kept;
  for (CopyAxis a : plan.axes) {
    if (a.mode != AxisMode::kAffine && ReadsInRange(a)) {
      plan.in_offset -= a.begin * a.in_stride;  // i = o - begin
      a = CopyAxis{a.out_size, a.in_stride};
    }
    if (a.mode == AxisMode::kAffine && a.out_size == 1) continue;  // reads offset 0
    // Merge into the previous (outer) axis when the two walk one contiguous run.
    if (!kept.empty() && a.mode == AxisMode::kAffine && kept.back().mode == AxisMode::kAffine &&
        kept.back().in_stride == a.out_size * a.in_stride) {
      kept.back().out_size *= a.out_size;
      kept.back().in_stride = a.in_stride;
      continue;
    }
    kept.push_back(a);
  }
  if (kept.empty()) kept.push_back(CopyAxis{1, 0});
  plan.axes = std::move(kept);
  return plan;
}

std::unique_ptr<Tactic> MakeStridedCopyTactic(std::string name, const CopyPlan& plan) {
  CopyPlan simple = SimplifyCopyPlan(plan);
  if (simple.axes.size() > static_cast<size_t>(kMaxCopyRank) || simple.elem_size > 8) return nullptr;
  return std::make_unique<StridedCopyTactic>(std::move(name), simple);
}

std::unique_ptr<Tactic> MakeTiledTransposeTactic(std::string name, const CopyPlan& plan, int tile) {
  const CopyPlan simple = SimplifyCopyPlan(plan);
  if (simple.axes.size() > static_cast<size_t>(kMaxCopyRank) || simple.elem_size > 8) return nullptr;
  const std::optional<TiledTransposeParams> params = TiledParams(simple);
  if (!params) return nullptr;
  return std::make_unique<TiledTransposeTactic>(std::move(name), *params, tile);
}

}  // namespace mrt::gpu
