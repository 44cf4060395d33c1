// Convolution, matrix multiply, normalization and pooling. Conv/ConvTranspose/pools share the
// window attributes (kernel_shape, strides, dilations, pads): each per-dim list must have one
// entry per spatial dim (pads two: begins then ends), which the importer checks against each
// other and against the weight, and fills with the spec's defaults (1s, 0s) when the spatial rank
// is known at import time (from kernel_shape, the weight, or the input's declared shape).
#include "ir/onnx/op_importers.h"

namespace mrt::onnx_import {

namespace {

using A = AttrType;

// A per-dim window list: `per_dim` entries per spatial dim, each >= min_value, `fill` when absent.
struct WindowList {
  std::string_view name;
  size_t per_dim;
  int64_t min_value;
  int64_t fill;
};
constexpr WindowList kKernelShape{"kernel_shape", 1, 1, 1};
constexpr WindowList kStrides{"strides", 1, 1, 1};
constexpr WindowList kDilations{"dilations", 1, 1, 1};
constexpr WindowList kPads{"pads", 2, 0, 0};
constexpr WindowList kOutputPadding{"output_padding", 1, 0, 0};

// The number of spatial dims and what told us, for error messages.
struct SpatialRank {
  size_t k;
  std::string source;  // "kernel_shape has 2 dims", "the weight has 2 spatial dims"
};

std::optional<SpatialRank> FindSpatialRank(ImportContext& ctx, const Attributes& a, ValueId x, ValueId w) {
  if (auto ks = a.Get<std::vector<int64_t>>("kernel_shape"))
    return SpatialRank{ks->size(), fmt::format("kernel_shape has {} dims", ks->size())};
  if (auto r = ctx.KnownRank(w); r && *r >= 2)
    return SpatialRank{*r - 2, fmt::format("the weight has {} spatial dims", *r - 2)};
  if (auto r = ctx.KnownRank(x); r && *r >= 2)
    return SpatialRank{*r - 2, fmt::format("the input has {} spatial dims", *r - 2)};
  return std::nullopt;
}

// Checks every window list present in `attrs` against the spatial rank (or, when unknown, against
// the first list present) and each value against its minimum; fills absent lists when k is known.
Status CheckWindowLists(Attributes& attrs, std::optional<SpatialRank> rank, std::span<const WindowList> lists) {
  for (const WindowList& l : lists) {
    const std::string name(l.name);
    auto values = attrs.Get<std::vector<int64_t>>(name);
    if (!values) {
      if (rank && l.name != "kernel_shape") attrs.set(name, std::vector<int64_t>(rank->k * l.per_dim, l.fill));
      continue;
    }
    if (!rank) {
      if (values->size() % l.per_dim != 0)
        return Status::Errorf("{} has {} values; it needs {} per spatial dim", name, values->size(), l.per_dim);
      const size_t k = values->size() / l.per_dim;
      rank = SpatialRank{k, l.per_dim == 1 ? fmt::format("{} has {} dims", name, k)
                                           : fmt::format("{} has {} values ({} dims)", name, values->size(), k)};
    }
    if (values->size() != rank->k * l.per_dim) {
      if (l.per_dim == 1) return Status::Errorf("{} but {} has {}", rank->source, name, values->size());
      return Status::Errorf("{} but {} has {} values (needs {})", rank->source, name, values->size(),
                            rank->k * l.per_dim);
    }
    for (int64_t v : *values)
      if (v < l.min_value) return Status::Errorf("{} holds {}; each value must be >= {}", name, v, l.min_value);
  }
  return Status::Ok();
}

Status CheckAutoPad(const Attributes& a) {
  return CheckOneOf(a, "auto_pad", {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"});
}

// kernel_shape, when absent, is the weight's spatial dims (when the weight's shape is known).
void FillKernelShapeFromWeight(ImportContext& ctx, Attributes& a, ValueId w) {
  if (a.has("kernel_shape") || w == kNoValue) return;
  const Shape& s = ctx.graph().value(w).shape;
  if (s.unknown_rank() || s.rank() < 3) return;
  std::vector<int64_t> ks;
  for (size_t i = 2; i < s.rank(); ++i) {
    if (!s[i].is_static()) return;
    ks.push_back(s[i].size);
  }
  a.set("kernel_shape", ks);
}

constexpr AttrSpec kConvSpec[] = {
    Str("auto_pad", "NOTSET"),          Optional("dilations", A::kInts), Int("group", 1),
    Optional("kernel_shape", A::kInts), Optional("pads", A::kInts),      Optional("strides", A::kInts)};
constexpr AttrSpec kConvTransposeSpec[] = {
    Str("auto_pad", "NOTSET"),          Optional("dilations", A::kInts),      Int("group", 1),
    Optional("kernel_shape", A::kInts), Optional("output_padding", A::kInts), Optional("output_shape", A::kInts),
    Optional("pads", A::kInts),         Optional("strides", A::kInts)};

Status ImportConvLike(ImportContext& ctx, const onnx::NodeProto& node, OpKind op, std::span<const AttrSpec> spec,
                      std::span<const WindowList> lists) {
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, spec));
  MRT_RETURN_IF_ERROR(CheckAutoPad(a));
  if (a.GetInt("group") < 1) return Status::Errorf("group is {}; it must be >= 1", a.GetInt("group"));
  std::vector<ValueId> ins = ctx.Inputs(node);
  const ValueId x = ins.empty() ? kNoValue : ins[0];
  const ValueId w = ins.size() > 1 ? ins[1] : kNoValue;
  if (auto ks = a.Get<std::vector<int64_t>>("kernel_shape");
      ks && ctx.KnownRank(w) && *ctx.KnownRank(w) >= 2 && *ctx.KnownRank(w) - 2 != ks->size())
    return Status::Errorf("kernel_shape has {} dims but the weight has {} spatial dims", ks->size(),
                          *ctx.KnownRank(w) - 2);
  MRT_RETURN_IF_ERROR(CheckWindowLists(a, FindSpatialRank(ctx, a, x, w), lists));
  FillKernelShapeFromWeight(ctx, a, w);
  return ctx.AddNode(op, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportConv(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr WindowList kLists[] = {kKernelShape, kStrides, kDilations, kPads};
  return ImportConvLike(ctx, node, OpKind::kConv, kConvSpec, kLists);
}

Status ImportConvTranspose(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr WindowList kLists[] = {kKernelShape, kStrides, kDilations, kPads, kOutputPadding};
  return ImportConvLike(ctx, node, OpKind::kConvTranspose, kConvTransposeSpec, kLists);
}

constexpr AttrSpec kMaxPoolSpec[] = {Str("auto_pad", "NOTSET"),       Int("ceil_mode", 0),
                                     Optional("dilations", A::kInts), Required("kernel_shape", A::kInts),
                                     Optional("pads", A::kInts),      Int("storage_order", 0),
                                     Optional("strides", A::kInts)};
constexpr AttrSpec kAveragePoolSpec[] = {Str("auto_pad", "NOTSET"),   Int("ceil_mode", 0),
                                         Int("count_include_pad", 0), Required("kernel_shape", A::kInts),
                                         Optional("pads", A::kInts),  Optional("strides", A::kInts)};
// AveragePool-19 added dilations (MaxPool has had them since opset 10).
constexpr AttrSpec kAveragePool19Spec[] = {Str("auto_pad", "NOTSET"),          Int("ceil_mode", 0),
                                           Int("count_include_pad", 0),        Optional("dilations", A::kInts),
                                           Required("kernel_shape", A::kInts), Optional("pads", A::kInts),
                                           Optional("strides", A::kInts)};

Status ImportPool(ImportContext& ctx, const onnx::NodeProto& node, OpKind op, std::span<const AttrSpec> spec,
                  std::span<const WindowList> lists) {
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, spec));
  MRT_RETURN_IF_ERROR(CheckAutoPad(a));
  std::vector<ValueId> ins = ctx.Inputs(node);
  MRT_RETURN_IF_ERROR(CheckWindowLists(a, FindSpatialRank(ctx, a, kNoValue, kNoValue), lists));
  return ctx.AddNode(op, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportMaxPool(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr WindowList kLists[] = {kKernelShape, kStrides, kDilations, kPads};
  return ImportPool(ctx, node, OpKind::kMaxPool, kMaxPoolSpec, kLists);
}

Status ImportAveragePool(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr WindowList kLists[] = {kKernelShape, kStrides, kPads};
  static constexpr WindowList kLists19[] = {kKernelShape, kStrides, kDilations, kPads};
  if (ctx.opset() >= 19) return ImportPool(ctx, node, OpKind::kAveragePool, kAveragePool19Spec, kLists19);
  return ImportPool(ctx, node, OpKind::kAveragePool, kAveragePoolSpec, kLists);
}

// Inference-only BatchNormalization: the training outputs (running mean/var, saved statistics)
// and training_mode=1 are refused; opset 7-8's `spatial` must be 1 (0 normalized per element).
Status ImportBatchNormalization(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Float("epsilon", 1e-5f), Ignored("momentum"), Optional("spatial", A::kInt),
                                       Int("training_mode", 0), Ignored("is_test")};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  if (auto spatial = TakeInt(a, "spatial"); spatial && *spatial != 1)
    return Status::Errorf("spatial={} (per-activation statistics) is not supported; only spatial=1", *spatial);
  if (a.GetInt("training_mode") != 0)
    return Status::Error("training_mode=1 is not supported: mini-rt runs inference only");
  int named_outputs = 0;
  for (const std::string& out : node.output()) named_outputs += out.empty() ? 0 : 1;
  if (named_outputs > 1)
    return Status::Errorf(
        "has {} outputs: the training outputs (running/saved mean and variance) are not supported, only Y",
        named_outputs);
  std::vector<ValueId> outs = ctx.Outputs(node);
  outs.resize(1);
  return ctx.AddNode(OpKind::kBatchNormalization, ctx.node_name(), ctx.Inputs(node), std::move(outs), std::move(a))
      .status();
}

constexpr AttrSpec kGemmSpec[] = {Float("alpha", 1.f), Float("beta", 1.f), Int("transA", 0), Int("transB", 0)};
constexpr AttrSpec kInstanceNormSpec[] = {Float("epsilon", 1e-5f)};
constexpr AttrSpec kLayerNormSpec[] = {Int("axis", -1), Float("epsilon", 1e-5f), Int("stash_type", 1)};

constexpr OpImporter kRows[] = {
    {"Conv", ImportConv},
    {"ConvTranspose", ImportConvTranspose},
    {"Gemm", nullptr, OpKind::kGemm, kGemmSpec},
    {"MatMul", nullptr, OpKind::kMatMul, {}},
    {"BatchNormalization", ImportBatchNormalization},
    {"InstanceNormalization", nullptr, OpKind::kInstanceNormalization, kInstanceNormSpec},
    {"LayerNormalization", nullptr, OpKind::kLayerNormalization, kLayerNormSpec},
    {"MaxPool", ImportMaxPool},
    {"AveragePool", ImportAveragePool},
    {"GlobalAveragePool", nullptr, OpKind::kGlobalAveragePool, {}},
    {"GlobalMaxPool", nullptr, OpKind::kGlobalMaxPool, {}},
};

}  // namespace

std::span<const OpImporter> ConvImporters() { return kRows; }

}  // namespace mrt::onnx_import
