// The Softmax / LogSoftmax tactic provider (opset-13 semantics: normalize along one axis).
// x is viewed as [outer, n, inner] around the axis (reduce::AxisLayout, as the reference does)
// and the shape of that view picks the kernels (softmax.cu):
//   inner == 1 (the last axis, or only size-1 dims after it):
//     <op>_warp_lastaxis_<dt>        n <= 1024: a warp per row, the row in registers
//     <op>_block256_lastaxis_<dt>    any n: a block per row, online max/sum then a write pass
//     <op>_block1024_lastaxis_<dt>   n >= 4096: the same with 1024 threads (few, long rows)
//   inner > 1 (an inner axis, e.g. YOLOv8's DFL: axis 1 of [N, 16, 4, 8400]):
//     <op>_strided_<dt>              a thread per slice, coalesced across slices
//     <op>_strided_cached_<dt>       n <= 32: the same with the slice held in registers
// <op> is softmax or logsoftmax, <dt> f32 or f16 (computed in f32).
#include <optional>
#include <string>

#include "ir/infer_context.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"
#include "kernels/reduce/reduce_layout.h"
#include "kernels/softmax/softmax_launch.h"

namespace mrt::gpu {

namespace {

using softmax::ElemType;

constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;  // the kernels index with int

struct SoftmaxNode {
  bool log_softmax = false;
  ElemType type = ElemType::kF32;
  int outer = 1, n = 1, inner = 1;
  std::string prefix;  // "softmax" or "logsoftmax"
  std::string dtype_name;
};

std::optional<SoftmaxNode> ResolveSoftmaxNode(const NodeDesc& desc) {
  if (desc.op() != OpKind::kSoftmax && desc.op() != OpKind::kLogSoftmax) return std::nullopt;
  if (desc.inputs.size() != 1 || desc.outputs.size() != 1) return std::nullopt;
  const TensorDesc &x = desc.inputs[0], &y = desc.outputs[0];
  if ((x.dtype != DType::kF32 && x.dtype != DType::kF16) || y.dtype != x.dtype || y.sizes != x.sizes)
    return std::nullopt;
  if (x.sizes.empty() || x.numel() <= 0 || x.numel() > kMaxElements) return std::nullopt;
  auto axis = NormalizeAxis(desc.attrs().GetInt("axis", -1), static_cast<int64_t>(x.sizes.size()));
  if (!axis.ok()) return std::nullopt;
  const reduce::AxisLayout layout = reduce::AxisLayout::Around(x.sizes, *axis);
  SoftmaxNode s;
  s.log_softmax = desc.op() == OpKind::kLogSoftmax;
  s.type = x.dtype == DType::kF16 ? ElemType::kF16 : ElemType::kF32;
  s.outer = static_cast<int>(layout.outer);
  s.n = static_cast<int>(layout.n);
  s.inner = static_cast<int>(layout.inner);
  s.prefix = s.log_softmax ? "logsoftmax" : "softmax";
  s.dtype_name = std::string(DTypeName(x.dtype));
  return s;
}

enum class SoftmaxKernel { kWarp, kBlock, kStrided, kStridedCached };

class SoftmaxTactic final : public Tactic {
 public:
  SoftmaxTactic(const SoftmaxNode& node, SoftmaxKernel kernel, int threads, std::string variant)
      : node_(node), kernel_(kernel), threads_(threads), name_(node.prefix + "_" + variant + "_" + node.dtype_name) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

  Status Launch(const LaunchArgs& args) override {
    const void* x = args.inputs[0].data;
    void* y = args.outputs[0].data;
    const SoftmaxNode& s = node_;
    switch (kernel_) {
      case SoftmaxKernel::kWarp:
        MRT_CUDA_TRY(softmax::LaunchSoftmaxWarpPerRow(s.type, s.log_softmax, s.outer, s.n, x, y, args.stream));
        break;
      case SoftmaxKernel::kBlock:
        MRT_CUDA_TRY(
            softmax::LaunchSoftmaxBlockPerRow(s.type, s.log_softmax, s.outer, s.n, threads_, x, y, args.stream));
        break;
      case SoftmaxKernel::kStrided:
        MRT_CUDA_TRY(
            softmax::LaunchSoftmaxStrided(s.type, s.log_softmax, s.outer, s.n, s.inner, x, y, args.stream));
        break;
      case SoftmaxKernel::kStridedCached:
        MRT_CUDA_TRY(
            softmax::LaunchSoftmaxStridedCached(s.type, s.log_softmax, s.outer, s.n, s.inner, x, y, args.stream));
        break;
    }
    return Status::Ok();
  }

 private:
  SoftmaxNode node_;
  SoftmaxKernel kernel_;
  int threads_;
  std::string name_;
};

}  // namespace

void AppendSoftmaxTactics(const NodeDesc& desc, TacticList& out) {
  const std::optional<SoftmaxNode> s = ResolveSoftmaxNode(desc);
  if (!s) return;
  auto add = [&](SoftmaxKernel kernel, int threads, const char* variant) {
    out.push_back(std::make_unique<SoftmaxTactic>(*s, kernel, threads, variant));
  };
  if (s->inner == 1) {
    if (s->n <= softmax::kWarpMaxRow) add(SoftmaxKernel::kWarp, 0, "warp_lastaxis");
    add(SoftmaxKernel::kBlock, 256, "block256_lastaxis");
    if (s->n >= 4096) add(SoftmaxKernel::kBlock, 1024, "block1024_lastaxis");
    return;
  }
  add(SoftmaxKernel::kStrided, 0, "strided");
  if (s->n <= softmax::kStridedCachedMaxAxis) add(SoftmaxKernel::kStridedCached, 0, "strided_cached");
}

}  // namespace mrt::gpu
