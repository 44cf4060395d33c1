// Shape and data-movement ops, converted to their newest (opset-21) form: attributes that later
// opsets turned into inputs become i64 weights — Squeeze/Unsqueeze axes (before 13), Split split
// (before 13), Slice starts/ends/axes (before 10), Pad pads and value (before 11) — and Dropout's
// ratio (before 12) a f32 scalar. Split without sizes gets num_outputs = its number of outputs.
// Opsets 19-21 changed only type sets here (Identity, Reshape, Shape, Flatten, Squeeze, Unsqueeze,
// Transpose: float8 / int4 / optional types, which the importer refuses by dtype) and added Pad's
// mode 'wrap' (19).
#include <algorithm>

#include "ir/onnx/op_importers.h"
#include "ir/printable.h"

namespace mrt::onnx_import {

namespace {

using A = AttrType;

// Adds `values` as i64 input `slot` (after any inputs already there, padding with kNoValue).
void AppendIntsInput(ImportContext& ctx, std::vector<ValueId>& ins, size_t slot, const std::string& what,
                     const std::vector<int64_t>& values) {
  if (ins.size() < slot) ins.resize(slot, kNoValue);
  ins.push_back(ctx.AddConstant(what, Int64Tensor(values)));
}

Status CheckInputCount(const std::vector<ValueId>& ins, size_t n, const onnx::NodeProto& node, int64_t opset,
                       const char* why) {
  if (ins.size() == n) return Status::Ok();
  return Status::Errorf("has {} inputs but {} at opset {} takes {} ({})", ins.size(), node.op_type(), opset, n, why);
}

template <OpKind kOp>
Status ImportSqueezeLike(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.opset() >= 13) return ImportWithSpec(ctx, node, kOp, {});
  // Unsqueeze-1/11 requires axes; Squeeze-1/11 without axes drops every size-1 dim.
  static constexpr AttrSpec kSqueeze[] = {Optional("axes", A::kInts)};
  static constexpr AttrSpec kUnsqueeze[] = {Required("axes", A::kInts)};
  MRT_ASSIGN_OR_RETURN(
      Attributes a, ReadAttributes(node, std::span<const AttrSpec>(kOp == OpKind::kSqueeze ? kSqueeze : kUnsqueeze)));
  std::vector<ValueId> ins = ctx.Inputs(node);
  MRT_RETURN_IF_ERROR(CheckInputCount(ins, 1, node, ctx.opset(), "axes is an attribute there"));
  if (auto axes = TakeInts(a, "axes")) AppendIntsInput(ctx, ins, 1, "axes", *axes);
  return ctx.AddNode(kOp, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportSplit(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kOldSpec[] = {Int("axis", 0), Optional("split", A::kInts)};
  static constexpr AttrSpec kNewSpec[] = {Int("axis", 0), Optional("num_outputs", A::kInt)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, ctx.opset() < 13 ? std::span<const AttrSpec>(kOldSpec)
                                                                           : std::span<const AttrSpec>(kNewSpec)));
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (ctx.opset() < 13) {
    MRT_RETURN_IF_ERROR(CheckInputCount(ins, 1, node, ctx.opset(), "split is an attribute there"));
    if (auto split = TakeInts(a, "split")) AppendIntsInput(ctx, ins, 1, "split", *split);
  }
  const auto n_out = static_cast<int64_t>(node.output_size());
  const bool has_sizes = ins.size() > 1 && ins[1] != kNoValue;
  if (auto n = a.Get<int64_t>("num_outputs")) {
    if (has_sizes) return Status::Error("has both the split input and num_outputs; give one");
    if (*n != n_out) return Status::Errorf("num_outputs is {} but the node has {} outputs", *n, n_out);
  } else if (!has_sizes) {
    a.set("num_outputs", n_out);  // equal parts, one per output (opset-18 spelling)
  }
  return ctx.AddNode(OpKind::kSplit, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportSlice(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.opset() >= 10) return ImportWithSpec(ctx, node, OpKind::kSlice, {});
  static constexpr AttrSpec kSpec[] = {Optional("axes", A::kInts), Required("ends", A::kInts),
                                       Required("starts", A::kInts)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  std::vector<ValueId> ins = ctx.Inputs(node);
  MRT_RETURN_IF_ERROR(CheckInputCount(ins, 1, node, ctx.opset(), "starts/ends/axes are attributes there"));
  const auto starts = *TakeInts(a, "starts");
  const auto ends = *TakeInts(a, "ends");
  const auto axes = TakeInts(a, "axes");
  if (starts.size() != ends.size() || (axes && axes->size() != starts.size()))
    return Status::Errorf("starts has {} values, ends {}{}; they must match", starts.size(), ends.size(),
                          axes ? fmt::format(", axes {}", axes->size()) : "");
  AppendIntsInput(ctx, ins, 1, "starts", starts);
  AppendIntsInput(ctx, ins, 2, "ends", ends);
  if (axes) AppendIntsInput(ctx, ins, 3, "axes", *axes);
  return ctx.AddNode(OpKind::kSlice, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportPad(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kOldSpec[] = {Str("mode", "constant"), Required("pads", A::kInts), Float("value", 0.f)};
  static constexpr AttrSpec kNewSpec[] = {Str("mode", "constant")};
  const bool old = ctx.opset() < 11;
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, old ? std::span<const AttrSpec>(kOldSpec)
                                                              : std::span<const AttrSpec>(kNewSpec)));
  // Pad-19 added mode 'wrap'; Pad-18's optional axes (input 3) is already the IR's form.
  if (ctx.opset() >= 19) {
    MRT_RETURN_IF_ERROR(CheckOneOf(a, "mode", {"constant", "reflect", "edge", "wrap"}));
  } else {
    MRT_RETURN_IF_ERROR(CheckOneOf(a, "mode", {"constant", "reflect", "edge"}));
  }
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (old) {
    MRT_RETURN_IF_ERROR(CheckInputCount(ins, 1, node, ctx.opset(), "pads and value are attributes there"));
    const auto pads = *TakeInts(a, "pads");
    if (pads.size() % 2 != 0) return Status::Errorf("pads has {} values; it needs 2 per dim", pads.size());
    AppendIntsInput(ctx, ins, 1, "pads", pads);
    // The default fill 0 is also the opset-11 default: only a non-zero value needs the input.
    if (const float value = *TakeFloat(a, "value"); value != 0.f) {
      const DType dtype = ctx.KnownDType(ins[0]) == DType::kUndefined ? DType::kF32 : ctx.KnownDType(ins[0]);
      Tensor fill(dtype, {});
      StoreFromDouble(fill.view(), 0, value);
      ins.push_back(ctx.AddConstant("constant_value", std::move(fill)));
    }
  }
  return ctx.AddNode(OpKind::kPad, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportDropout(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kOldSpec[] = {Optional("ratio", A::kFloat), Ignored("is_test")};
  static constexpr AttrSpec kNewSpec[] = {Optional("seed", A::kInt)};
  const bool old = ctx.opset() < 12;
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, old ? std::span<const AttrSpec>(kOldSpec)
                                                              : std::span<const AttrSpec>(kNewSpec)));
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (old) {
    MRT_RETURN_IF_ERROR(CheckInputCount(ins, 1, node, ctx.opset(), "ratio is an attribute there"));
    if (auto ratio = TakeFloat(a, "ratio")) ins.push_back(ctx.AddConstant("ratio", Tensor::Scalar(*ratio)));
  }
  return ctx.AddNode(OpKind::kDropout, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

// perm must be a permutation of 0..n-1; when absent it reverses the dims (filled if rank known).
Status ImportTranspose(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Optional("perm", A::kInts)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (auto perm = a.Get<std::vector<int64_t>>("perm")) {
    std::vector<int64_t> sorted = *perm;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i)
      if (sorted[i] != static_cast<int64_t>(i))
        return Status::Errorf("perm {} is not a permutation of 0..{}", SizesForMessage(*perm), perm->size() - 1);
    if (auto rank = ins.empty() ? std::nullopt : ctx.KnownRank(ins[0]); rank && *rank != perm->size())
      return Status::Errorf("perm has {} values but the input has rank {}", perm->size(), *rank);
  } else if (auto rank = ins.empty() ? std::nullopt : ctx.KnownRank(ins[0])) {
    std::vector<int64_t> reversed;
    for (size_t i = *rank; i-- > 0;) reversed.push_back(static_cast<int64_t>(i));
    a.set("perm", reversed);
  }
  return ctx.AddNode(OpKind::kTranspose, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportDepthToSpace(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Required("blocksize", A::kInt), Str("mode", "DCR")};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  MRT_RETURN_IF_ERROR(CheckOneOf(a, "mode", {"DCR", "CRD"}));
  if (a.GetInt("blocksize") < 1) return Status::Errorf("blocksize is {}; it must be >= 1", a.GetInt("blocksize"));
  return ctx.AddNode(OpKind::kDepthToSpace, ctx.node_name(), ctx.Inputs(node), ctx.Outputs(node), std::move(a))
      .status();
}

Status ImportSpaceToDepth(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Required("blocksize", A::kInt)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  if (a.GetInt("blocksize") < 1) return Status::Errorf("blocksize is {}; it must be >= 1", a.GetInt("blocksize"));
  return ctx.AddNode(OpKind::kSpaceToDepth, ctx.node_name(), ctx.Inputs(node), ctx.Outputs(node), std::move(a))
      .status();
}

constexpr AttrSpec kAxisOne[] = {Int("axis", 1)};
constexpr AttrSpec kAxisZero[] = {Int("axis", 0)};
constexpr AttrSpec kReshapeSpec[] = {Int("allowzero", 0)};
constexpr AttrSpec kConcatSpec[] = {Required("axis", A::kInt)};
constexpr AttrSpec kShapeSpec[] = {Int("start", 0), Optional("end", A::kInt)};

constexpr OpImporter kRows[] = {
    {"Identity", nullptr, OpKind::kIdentity, {}},
    {"Dropout", ImportDropout},
    {"Flatten", nullptr, OpKind::kFlatten, kAxisOne},
    {"Reshape", nullptr, OpKind::kReshape, kReshapeSpec},
    {"Squeeze", ImportSqueezeLike<OpKind::kSqueeze>},
    {"Unsqueeze", ImportSqueezeLike<OpKind::kUnsqueeze>},
    {"Transpose", ImportTranspose},
    {"Concat", nullptr, OpKind::kConcat, kConcatSpec},
    {"Split", ImportSplit},
    {"Slice", ImportSlice},
    {"Expand", nullptr, OpKind::kExpand, {}},
    {"Tile", nullptr, OpKind::kTile, {}},
    {"Gather", nullptr, OpKind::kGather, kAxisZero},
    {"Shape", nullptr, OpKind::kShape, kShapeSpec},
    {"Range", nullptr, OpKind::kRange, {}},
    {"Pad", ImportPad},
    {"DepthToSpace", ImportDepthToSpace},
    {"SpaceToDepth", ImportSpaceToDepth},
};

}  // namespace

std::span<const OpImporter> ShapeImporters() { return kRows; }

}  // namespace mrt::onnx_import
