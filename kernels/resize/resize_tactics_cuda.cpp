// AppendResizeTactics: the CUDA tactics of Resize, from the ResizePlan (resize_plan_cuda.cpp):
//
//   resize_nearest_table      nearest, any dtype, any dims: the table gather (resize_nearest.cu),
//                             widened to 16-byte units over a pass-through innermost dim (NHWC's C)
//   resize_nearest_upsample2x nearest whose two innermost dims are integer repeats with width
//                             factor 2 and the rest passes through (YOLO's NCHW Upsample)
//   resize_linear_taps        linear, f32/f16, up to 3 resized dims (any position: NCHW or NHWC)
//   resize_cubic_taps         cubic, the same with 4 taps per dim
//
// The tap tables go to the device once, in Setup(); Launch() only picks a parameter block.
#include <bit>
#include <cstring>

#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/providers.h"
#include "kernels/resize/resize_plan_launch.h"

namespace mrt::gpu {

namespace {

// The dims of `plan` for the kernels (innermost first), the innermost counted in units of k
// elements, and the device tables at `tables`.
ResizeDims KernelDims(const ResizePlan& plan, const std::vector<const ResizeTap*>& tables, int64_t k) {
  ResizeDims dims;
  dims.rank = static_cast<int>(plan.dims.size());
  dims.out_numel = plan.out_numel / k;
  for (int d = 0; d < dims.rank; ++d) {
    const ResizePlanDim& dim = plan.dims[plan.dims.size() - 1 - d];
    const int64_t size = d == 0 ? dim.out_size / k : dim.out_size;
    dims.out_size[d] = FastDivmod(static_cast<uint32_t>(size));
    dims.in_stride[d] = static_cast<int32_t>(d == 0 ? dim.in_stride * k : dim.in_stride);
    dims.resized[d] = static_cast<int8_t>(dim.resized);
  }
  for (size_t r = 0; r < tables.size(); ++r) dims.table[r] = tables[r];
  return dims;
}

// The plan's tables in one device buffer; pointers[r] is table r.
Status UploadTables(const ResizePlan& plan, DeviceBuffer& buffer, std::vector<const ResizeTap*>& pointers) {
  size_t total = 0;
  for (const auto& t : plan.tables) total += t.size();
  MRT_ASSIGN_OR_RETURN(buffer, DeviceBuffer::Allocate(std::max<size_t>(total, 1) * sizeof(ResizeTap), "resize tables"));
  pointers.clear();
  auto* dst = buffer.as<ResizeTap>();
  for (const auto& t : plan.tables) {
    pointers.push_back(dst);
    if (!t.empty()) MRT_CUDA_TRY(cudaMemcpy(dst, t.data(), t.size() * sizeof(ResizeTap), cudaMemcpyHostToDevice));
    dst += t.size();
  }
  return Status::Ok();
}

// Unit factors k (bit k) the nearest gather may use: the innermost dim passes through
// contiguously with a multiple of k elements, and every other step (strides, table offsets) is a
// multiple of k.
unsigned NearestUnitFactors(const ResizePlan& plan) {
  unsigned mask = 1u << 1;
  const ResizePlanDim& inner = plan.dims.back();
  if (inner.resized >= 0 || inner.in_stride != 1) return mask;
  const size_t es = DTypeSize(plan.dtype);
  for (int64_t k = 2; k * static_cast<int64_t>(es) <= 16; k *= 2) {
    bool ok = inner.out_size % k == 0;
    for (const ResizePlanDim& d : plan.dims)
      if (&d != &inner && d.resized < 0) ok = ok && d.in_stride % k == 0;
    for (const auto& table : plan.tables)
      for (const ResizeTap& t : table) ok = ok && (t.offset < 0 || t.offset % k == 0);
    if (!ok) break;
    mask |= 1u << k;
  }
  return mask;
}

class ResizeNearestTableTactic final : public Tactic {
 public:
  explicit ResizeNearestTableTactic(ResizePlan plan) : plan_(std::move(plan)), allowed_(NearestUnitFactors(plan_)) {}
  std::string name() const override { return "resize_nearest_table"; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Setup(GpuResources&) override {
    std::vector<const ResizeTap*> tables;
    MRT_RETURN_IF_ERROR(UploadTables(plan_, tables_, tables));
    const size_t es = DTypeSize(plan_.dtype);
    for (int64_t k = 1; k <= 16; k *= 2) {
      if (!(allowed_ >> k & 1)) continue;
      ResizeNearestParams& p = params_[std::countr_zero(static_cast<unsigned>(k))];
      p.dims = KernelDims(plan_, tables, k);
      p.unit_bytes = static_cast<int>(es * k);
      p.unit_shift = std::countr_zero(static_cast<unsigned>(k));
      for (int64_t i = 0; i < k; ++i) std::memcpy(p.fill + i * es, plan_.fill.data(), es);
    }
    return Status::Ok();
  }
  Status Launch(const LaunchArgs& args) override {
    const void* in = args.inputs[0].data;
    void* out = args.outputs[0].data;
    const uintptr_t bits = reinterpret_cast<uintptr_t>(in) | reinterpret_cast<uintptr_t>(out);
    const size_t es = DTypeSize(plan_.dtype);
    int k = 16;
    while (k > 1 && (!(allowed_ >> k & 1) || bits % (k * es) != 0)) k /= 2;
    MRT_CUDA_TRY(LaunchResizeNearest(params_[std::countr_zero(static_cast<unsigned>(k))], in, out, args.stream));
    return Status::Ok();
  }

 private:
  ResizePlan plan_;
  unsigned allowed_;
  DeviceBuffer tables_;
  std::array<ResizeNearestParams, 5> params_{};
};

class ResizeInterpolateTactic final : public Tactic {
 public:
  explicit ResizeInterpolateTactic(ResizePlan plan) : plan_(std::move(plan)) {}
  std::string name() const override {
    return plan_.mode == ResizeMode::kLinear ? "resize_linear_taps" : "resize_cubic_taps";
  }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Setup(GpuResources&) override {
    std::vector<const ResizeTap*> tables;
    MRT_RETURN_IF_ERROR(UploadTables(plan_, tables_, tables));
    params_.dims = KernelDims(plan_, tables, 1);
    params_.taps = plan_.taps;
    params_.resized_axes = static_cast<int>(plan_.tables.size());
    params_.extrapolation_value = static_cast<float>(plan_.extrapolation_value);
    return Status::Ok();
  }
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(LaunchResizeInterpolate(params_, plan_.dtype == DType::kF16, args.inputs[0].data,
                                         args.outputs[0].data, args.stream));
    return Status::Ok();
  }

 private:
  ResizePlan plan_;
  DeviceBuffer tables_;
  ResizeInterpolateParams params_;
};

class ResizeUpsample2xTactic final : public Tactic {
 public:
  ResizeUpsample2xTactic(const ResizeUpsample2xParams& params) : params_(params) {}
  std::string name() const override { return "resize_nearest_upsample2x"; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Launch(const LaunchArgs& args) override {
    const void* in = args.inputs[0].data;
    void* out = args.outputs[0].data;
    const uintptr_t bits = reinterpret_cast<uintptr_t>(in) | reinterpret_cast<uintptr_t>(out);
    ResizeUpsample2xParams p = params_;
    p.vec = 16 / p.elem_bytes;
    while (p.vec > 1 && (p.width % p.vec != 0 || bits % (p.vec * p.elem_bytes) != 0)) p.vec /= 2;
    MRT_CUDA_TRY(LaunchResizeUpsample2x(p, in, out, args.stream));
    return Status::Ok();
  }

 private:
  ResizeUpsample2xParams params_;
};

// Whether the nearest table of `dim` reads input coordinate o / factor (out = factor * in).
bool RepeatsBy(const ResizePlan& plan, const ResizePlanDim& dim, int64_t factor) {
  if (dim.resized < 0 || dim.out_size != factor * dim.in_size) return false;
  const std::vector<ResizeTap>& table = plan.tables[dim.resized];
  for (int64_t o = 0; o < dim.out_size; ++o)
    if (table[o].offset != (o / factor) * dim.in_stride) return false;
  return true;
}

// The 2x upsample's parameters when the plan is [pass-through..., H repeated by f (or passing
// through), W repeated by 2].
std::optional<ResizeUpsample2xParams> Upsample2xParams(const ResizePlan& plan) {
  const size_t rank = plan.dims.size();
  if (plan.mode != ResizeMode::kNearest || !RepeatsBy(plan, plan.dims.back(), 2) || plan.dims.back().in_stride != 1)
    return std::nullopt;
  ResizeUpsample2xParams p;
  p.elem_bytes = static_cast<int>(DTypeSize(plan.dtype));
  p.width = plan.dims.back().in_size;
  p.rows = 1;
  for (size_t d = 0; d + 1 < rank; ++d) {
    const ResizePlanDim& dim = plan.dims[d];
    if (dim.resized >= 0) {
      if (d + 2 != rank || dim.in_size == 0 || dim.out_size % dim.in_size != 0) return std::nullopt;
      p.row_factor = dim.out_size / dim.in_size;
      if (!RepeatsBy(plan, dim, p.row_factor)) return std::nullopt;
    }
    p.rows *= dim.in_size;
  }
  return p;
}

}  // namespace

void AppendResizeTactics(const NodeDesc& desc, TacticList& out) {
  if (desc.op() != OpKind::kResize || !desc.has_input(0) || desc.outputs.empty()) return;
  Expected<ResizePlan> plan = PlanResize(desc);
  if (!plan.ok()) return;
  if (plan->mode != ResizeMode::kNearest) {
    out.push_back(std::make_unique<ResizeInterpolateTactic>(std::move(*plan)));
    return;
  }
  if (const auto upsample = Upsample2xParams(*plan)) out.push_back(std::make_unique<ResizeUpsample2xTactic>(*upsample));
  out.push_back(std::make_unique<ResizeNearestTableTactic>(std::move(*plan)));
}

}  // namespace mrt::gpu
