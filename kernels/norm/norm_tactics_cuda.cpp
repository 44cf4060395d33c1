// The normalization tactic provider (kernels in row_norm.cu and batch_norm.cu), f32 and f16 with
// statistics in f32:
//   LayerNormalization (any axis; only Y: a node that also produces Mean / InvStdDev goes to the
//   CPU fallback), Scale / B spanning exactly the normalized dims (the usual [D]):
//     layernorm_warp_<dt>   n <= 1024, a warp per row        layernorm_block_<dt>   a block per row
//   InstanceNormalization (rows = the N*C planes, Scale / B per channel):
//     instancenorm_warp_<dt>, instancenorm_block_<dt>
//   BatchNormalization in inference mode (one output), mean / var / scale / B in f32 or X's dtype:
//     batchnorm_inference_<dt>
#include <optional>
#include <string>

#include "ir/infer_context.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"
#include "kernels/norm/norm_launch.h"

namespace mrt::gpu {

namespace {

using norm::ElemType;

constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;  // the kernels index with int

ElemType ElemTypeOf(DType t) { return t == DType::kF16 ? ElemType::kF16 : ElemType::kF32; }

bool IsF32OrF16(DType t) { return t == DType::kF32 || t == DType::kF16; }

// One float input X (f32 / f16, < 2^31 elements) and exactly one produced output Y like X.
bool XAndYSupported(const NodeDesc& desc) {
  if (desc.inputs.empty() || desc.outputs.empty() || !desc.inputs[0].present()) return false;
  for (size_t i = 1; i < desc.outputs.size(); ++i)
    if (desc.outputs[i].present()) return false;
  const TensorDesc &x = desc.inputs[0], &y = desc.outputs[0];
  return IsF32OrF16(x.dtype) && y.dtype == x.dtype && y.sizes == x.sizes && x.numel() > 0 &&
         x.numel() <= kMaxElements;
}

// Scale / B of LayerNorm apply per position in the row when, right-aligned against the
// normalized dims, they match them exactly (missing leading dims must be 1 there).
bool SpansNormalizedDims(const TensorDesc& t, const std::vector<int64_t>& normalized) {
  if (t.sizes.size() > normalized.size()) {
    for (size_t i = 0; i < t.sizes.size() - normalized.size(); ++i)
      if (t.sizes[i] != 1) return false;
  }
  std::vector<int64_t> a = t.sizes, b = normalized;
  while (!a.empty() && a.front() == 1) a.erase(a.begin());
  while (!b.empty() && b.front() == 1) b.erase(b.begin());
  return a == b;
}

struct RowNormNode {
  ElemType type = ElemType::kF32;
  norm::RowNormArgs args;  // sizes and attributes; pointers are filled at launch
  std::string prefix, dtype_name;
};

std::optional<RowNormNode> ResolveLayerNorm(const NodeDesc& desc) {
  const TensorDesc& x = desc.inputs[0];
  auto axis = NormalizeAxis(desc.attrs().GetInt("axis", -1), static_cast<int64_t>(x.sizes.size()));
  if (!axis.ok() || !desc.has_input(1)) return std::nullopt;
  const std::vector<int64_t> normalized(x.sizes.begin() + *axis, x.sizes.end());
  for (size_t i = 1; i < 3; ++i) {
    if (i == 2 && !desc.has_input(2)) continue;
    if (desc.inputs[i].dtype != x.dtype || !SpansNormalizedDims(desc.inputs[i], normalized)) return std::nullopt;
  }
  RowNormNode r;
  r.args.n = static_cast<int>(Numel(normalized));
  r.args.rows = static_cast<int>(x.numel() / r.args.n);
  r.args.channels = 0;
  r.prefix = "layernorm";
  return r;
}

std::optional<RowNormNode> ResolveInstanceNorm(const NodeDesc& desc) {
  const TensorDesc& x = desc.inputs[0];
  if (x.sizes.size() < 3 || !desc.has_input(1) || !desc.has_input(2)) return std::nullopt;
  for (size_t i = 1; i < 3; ++i)
    if (desc.inputs[i].dtype != x.dtype || desc.inputs[i].numel() != x.sizes[1]) return std::nullopt;
  RowNormNode r;
  r.args.rows = static_cast<int>(x.sizes[0] * x.sizes[1]);
  r.args.n = static_cast<int>(x.numel() / r.args.rows);
  r.args.channels = static_cast<int>(x.sizes[1]);
  r.prefix = "instancenorm";
  return r;
}

class RowNormTactic final : public Tactic {
 public:
  RowNormTactic(const RowNormNode& node, bool warp_per_row)
      : node_(node),
        warp_per_row_(warp_per_row),
        name_(node.prefix + (warp_per_row ? "_warp_" : "_block_") + node.dtype_name) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

  Status Launch(const LaunchArgs& args) override {
    norm::RowNormArgs a = node_.args;
    a.x = args.inputs[0].data;
    a.scale = args.inputs[1].data;
    a.bias = args.inputs.size() > 2 && args.inputs[2].present() ? args.inputs[2].data : nullptr;
    a.y = args.outputs[0].data;
    if (warp_per_row_)
      MRT_CUDA_TRY(norm::LaunchRowNormWarp(node_.type, a, args.stream));
    else
      MRT_CUDA_TRY(norm::LaunchRowNormBlock(node_.type, a, args.stream));
    return Status::Ok();
  }

 private:
  RowNormNode node_;
  bool warp_per_row_;
  std::string name_;
};

class BatchNormTactic final : public Tactic {
 public:
  BatchNormTactic(ElemType type, ElemType param_type, norm::BatchNormArgs sizes, const std::string& dtype_name)
      : type_(type), param_type_(param_type), sizes_(sizes), name_("batchnorm_inference_" + dtype_name) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

  Status Launch(const LaunchArgs& args) override {
    norm::BatchNormArgs a = sizes_;
    a.x = args.inputs[0].data;
    a.scale = args.inputs[1].data;
    a.bias = args.inputs[2].data;
    a.mean = args.inputs[3].data;
    a.var = args.inputs[4].data;
    a.y = args.outputs[0].data;
    MRT_CUDA_TRY(norm::LaunchBatchNormInference(type_, param_type_, a, args.stream));
    return Status::Ok();
  }

 private:
  ElemType type_, param_type_;
  norm::BatchNormArgs sizes_;
  std::string name_;
};

void AppendBatchNormTactic(const NodeDesc& desc, TacticList& out) {
  const TensorDesc& x = desc.inputs[0];
  if (desc.attrs().GetInt("training_mode", 0) != 0 || x.sizes.size() < 2 || desc.inputs.size() != 5) return;
  const DType param = desc.inputs[1].dtype;
  if (param != DType::kF32 && param != x.dtype) return;
  for (size_t i = 1; i < 5; ++i)
    if (desc.inputs[i].dtype != param || desc.inputs[i].numel() != x.sizes[1]) return;
  norm::BatchNormArgs sizes;
  sizes.elements = static_cast<int>(x.numel());
  sizes.channels = static_cast<int>(x.sizes[1]);
  sizes.inner = static_cast<int>(x.numel() / (x.sizes[0] * x.sizes[1]));
  sizes.epsilon = desc.attrs().GetFloat("epsilon", 1e-5f);
  out.push_back(std::make_unique<BatchNormTactic>(ElemTypeOf(x.dtype), ElemTypeOf(param), sizes,
                                                  std::string(DTypeName(x.dtype))));
}

}  // namespace

void AppendNormTactics(const NodeDesc& desc, TacticList& out) {
  const OpKind op = desc.op();
  if (op != OpKind::kLayerNormalization && op != OpKind::kInstanceNormalization &&
      op != OpKind::kBatchNormalization)
    return;
  if (!XAndYSupported(desc)) return;
  if (op == OpKind::kBatchNormalization) {
    AppendBatchNormTactic(desc, out);
    return;
  }
  std::optional<RowNormNode> r =
      op == OpKind::kLayerNormalization ? ResolveLayerNorm(desc) : ResolveInstanceNorm(desc);
  if (!r) return;
  r->type = ElemTypeOf(desc.inputs[0].dtype);
  r->dtype_name = std::string(DTypeName(desc.inputs[0].dtype));
  r->args.epsilon = desc.attrs().GetFloat("epsilon", 1e-5f);
  if (r->args.n <= norm::kWarpMaxRow) out.push_back(std::make_unique<RowNormTactic>(*r, /*warp_per_row=*/true));
  out.push_back(std::make_unique<RowNormTactic>(*r, /*warp_per_row=*/false));
}

}  // namespace mrt::gpu
