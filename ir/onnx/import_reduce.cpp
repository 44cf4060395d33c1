// Reductions, arg-reductions, TopK and (Log)Softmax, converted to their opset-18 form:
// - Reduce*: the `axes` attribute became input 1 (ReduceSum at opset 13, the others at 18);
// - TopK: the `k` attribute (before opset 10) became input 1, a 1-element i64 tensor;
// - Softmax/LogSoftmax before opset 13 coerce the input to 2-D at `axis` (default 1): rows are
//   x.reshape(prod(shape[:axis]), prod(shape[axis:])) and each row is normalized. When `axis` is
//   the last dim that is the opset-13 op on axis -1; otherwise the importer writes it out as
//   Flatten(axis) -> Softmax(axis=1) -> Reshape(to Shape(x)), so the IR op keeps opset 13's meaning
//   (the shape is a constant when x's dims are all static at import time).
#include "ir/infer_context.h"
#include "ir/onnx/op_importers.h"

namespace mrt::onnx_import {

namespace {

using A = AttrType;

// The opset at which an op's `axes` attribute became input 1.
int64_t AxesBecameInputAt(std::string_view op_type) { return op_type == "ReduceSum" ? 13 : 18; }

template <OpKind kOp>
Status ImportReduce(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kOldSpec[] = {Optional("axes", A::kInts), Int("keepdims", 1),
                                          Int("noop_with_empty_axes", 0)};
  static constexpr AttrSpec kNewSpec[] = {Int("keepdims", 1), Int("noop_with_empty_axes", 0)};
  const bool axes_is_attribute = ctx.opset() < AxesBecameInputAt(node.op_type());
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, axes_is_attribute ? std::span<const AttrSpec>(kOldSpec)
                                                                            : std::span<const AttrSpec>(kNewSpec)));
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (axes_is_attribute) {
    if (ins.size() > 1)
      return Status::Errorf("has {} inputs but {} at opset {} takes 1 (axes is an attribute there)", ins.size(),
                            node.op_type(), ctx.opset());
    if (auto axes = TakeInts(a, "axes")) ins.push_back(ctx.AddConstant("axes", Int64Tensor(*axes)));
  }
  return ctx.AddNode(kOp, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

Status ImportTopK(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kOldSpec[] = {Int("axis", -1), Required("k", A::kInt), Int("largest", 1), Int("sorted", 1)};
  static constexpr AttrSpec kNewSpec[] = {Int("axis", -1), Int("largest", 1), Int("sorted", 1)};
  const bool k_is_attribute = ctx.opset() < 10;
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, k_is_attribute ? std::span<const AttrSpec>(kOldSpec)
                                                                         : std::span<const AttrSpec>(kNewSpec)));
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (k_is_attribute) {
    if (ins.size() != 1)
      return Status::Errorf("has {} inputs but TopK at opset {} takes 1 (k is an attribute there)", ins.size(),
                            ctx.opset());
    const int64_t k = *TakeInt(a, "k");
    if (k < 0) return Status::Errorf("k is {}; it must be >= 0", k);
    ins.push_back(ctx.AddConstant("k", Int64Tensor({k})));
  }
  return ctx.AddNode(OpKind::kTopK, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

// Softmax-1/11 over a non-last axis: Flatten(axis) -> op(axis=1) -> Reshape(Shape(x)). When x's
// shape is static at import time the target shape is a constant instead of a Shape node.
Status EmitFlattenedSoftmax(ImportContext& ctx, OpKind op, ValueId x, ValueId y, int64_t axis) {
  const std::string name = ctx.node_name();
  const ValueId flat = ctx.NewValue(name + "_flat");
  const ValueId normalized = ctx.NewValue(name + "_2d");
  const Shape& x_shape = ctx.graph().value(x).shape;
  const bool static_shape = x_shape.is_static();
  const ValueId shape =
      static_shape ? ctx.AddConstant("shape", Int64Tensor(x_shape.sizes())) : ctx.NewValue(name + "_shape");
  Attributes flatten_attrs;
  flatten_attrs.set("axis", axis);
  Attributes op_attrs;
  op_attrs.set("axis", int64_t{1});
  Attributes reshape_attrs;
  reshape_attrs.set("allowzero", int64_t{0});
  Attributes shape_attrs;
  shape_attrs.set("start", int64_t{0});
  MRT_RETURN_IF_ERROR(ctx.AddNode(OpKind::kFlatten, name + "_flatten", {x}, {flat}, flatten_attrs).status());
  MRT_RETURN_IF_ERROR(ctx.AddNode(op, name, {flat}, {normalized}, op_attrs).status());
  if (!static_shape)
    MRT_RETURN_IF_ERROR(ctx.AddNode(OpKind::kShape, name + "_shape", {x}, {shape}, shape_attrs).status());
  return ctx.AddNode(OpKind::kReshape, name + "_reshape", {normalized, shape}, {y}, reshape_attrs).status();
}

template <OpKind kOp>
Status ImportSoftmax(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kOldSpec[] = {Int("axis", 1)};
  static constexpr AttrSpec kNewSpec[] = {Int("axis", -1)};
  if (ctx.opset() >= 13) return ImportWithSpec(ctx, node, kOp, kNewSpec);
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kOldSpec));
  std::vector<ValueId> ins = ctx.Inputs(node);
  std::vector<ValueId> outs = ctx.Outputs(node);
  if (ins.size() != 1 || ins[0] == kNoValue || outs.size() != 1 || outs[0] == kNoValue)
    return Status::Errorf("has {} inputs and {} outputs; {} takes 1 and gives 1", ins.size(), outs.size(),
                          node.op_type());
  int64_t axis = a.GetInt("axis");
  const auto rank = ctx.KnownRank(ins[0]);
  if (rank) {
    auto normalized = NormalizeAxis(axis, static_cast<int64_t>(*rank));
    if (!normalized.ok()) return normalized.status();
    axis = *normalized;
  }
  // Coercing at the last axis leaves one row per element of the leading dims: opset 13's op.
  if (axis == -1 || (rank && axis == static_cast<int64_t>(*rank) - 1)) {
    a.set("axis", int64_t{-1});
    return ctx.AddNode(kOp, ctx.node_name(), std::move(ins), std::move(outs), std::move(a)).status();
  }
  return EmitFlattenedSoftmax(ctx, kOp, ins[0], outs[0], axis);
}

constexpr AttrSpec kArgSpec[] = {Int("axis", 0), Int("keepdims", 1), Int("select_last_index", 0)};

constexpr OpImporter kRows[] = {
    {"ReduceMean", ImportReduce<OpKind::kReduceMean>},
    {"ReduceSum", ImportReduce<OpKind::kReduceSum>},
    {"ReduceMax", ImportReduce<OpKind::kReduceMax>},
    {"ReduceMin", ImportReduce<OpKind::kReduceMin>},
    {"ReduceProd", ImportReduce<OpKind::kReduceProd>},
    {"ReduceL1", ImportReduce<OpKind::kReduceL1>},
    {"ReduceL2", ImportReduce<OpKind::kReduceL2>},
    {"ReduceSumSquare", ImportReduce<OpKind::kReduceSumSquare>},
    {"ReduceLogSumExp", ImportReduce<OpKind::kReduceLogSumExp>},
    {"ArgMax", nullptr, OpKind::kArgMax, kArgSpec},
    {"ArgMin", nullptr, OpKind::kArgMin, kArgSpec},
    {"TopK", ImportTopK},
    {"Softmax", ImportSoftmax<OpKind::kSoftmax>},
    {"LogSoftmax", ImportSoftmax<OpKind::kLogSoftmax>},
};

}  // namespace

std::span<const OpImporter> ReduceImporters() { return kRows; }

}  // namespace mrt::onnx_import
