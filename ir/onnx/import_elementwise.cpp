// Elementwise ops: activations and math (one input), broadcasting arithmetic, comparisons and
// logic, Where, Clip and Cast. Most are table rows with their attribute defaults; Clip before
// opset 11 takes min/max as attributes, which become scalar inputs of the input's dtype.
#include <limits>

#include "ir/elementwise_formulas.h"
#include "ir/onnx/op_importers.h"
#include "ir/onnx/tensor_proto.h"

namespace mrt::onnx_import {

namespace {

using A = AttrType;

// A scalar of `dtype` holding `v` (f32 when the dtype is not known at import time).
Tensor ScalarOf(DType dtype, double v) {
  Tensor t(dtype == DType::kUndefined ? DType::kF32 : dtype, {});
  StoreFromDouble(t.view(), 0, v);
  return t;
}

// Clip-6: min/max attributes (defaults: the float range) -> Clip-11+ inputs 1 and 2.
Status ImportClip(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.opset() >= 11) return ImportWithSpec(ctx, node, OpKind::kClip, {});
  static constexpr AttrSpec kSpec[] = {Optional("min", A::kFloat), Optional("max", A::kFloat)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  std::vector<ValueId> ins = ctx.Inputs(node);
  if (ins.size() != 1) return Status::Errorf("has {} inputs but Clip at opset {} takes 1", ins.size(), ctx.opset());
  const DType dtype = ctx.KnownDType(ins[0]);
  const auto min = TakeFloat(a, "min");
  const auto max = TakeFloat(a, "max");
  ins.push_back(min ? ctx.AddConstant("min", ScalarOf(dtype, *min)) : kNoValue);
  ins.push_back(max ? ctx.AddConstant("max", ScalarOf(dtype, *max)) : kNoValue);
  return ctx.AddNode(OpKind::kClip, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

// Cast keeps `to` as the ONNX TensorProto code; it must name a dtype mini-rt supports.
Status ImportCast(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Required("to", A::kInt), Ignored("saturate")};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  const int64_t to = a.GetInt("to");
  if (to < std::numeric_limits<int32_t>::min() || to > std::numeric_limits<int32_t>::max())
    return Status::Errorf("to={} is not an ONNX dtype code", to);
  auto dtype = DTypeFromOnnxChecked(static_cast<int32_t>(to));
  if (!dtype.ok()) return dtype.status().WithContext(fmt::format("to={}: ", to));
  return ctx.AddNode(OpKind::kCast, ctx.node_name(), ctx.Inputs(node), ctx.Outputs(node), std::move(a)).status();
}

// The defaults are the formulas' (ir/elementwise_formulas.h, the one place they are written).
namespace d = onnx_default;
constexpr AttrSpec kLeakyRelu[] = {Float("alpha", d::kLeakyReluAlpha)};
constexpr AttrSpec kElu[] = {Float("alpha", d::kEluAlpha)};
constexpr AttrSpec kCelu[] = {Float("alpha", d::kCeluAlpha)};
constexpr AttrSpec kThresholdedRelu[] = {Float("alpha", d::kThresholdedReluAlpha)};
constexpr AttrSpec kSelu[] = {Float("alpha", d::kSeluAlpha), Float("gamma", d::kSeluGamma)};
constexpr AttrSpec kHardSigmoid[] = {Float("alpha", d::kHardSigmoidAlpha), Float("beta", d::kHardSigmoidBeta)};

// clang-format off
#define MRT_PLAIN(op) {#op, nullptr, OpKind::k##op, {}}
// clang-format on

constexpr OpImporter kRows[] = {
    MRT_PLAIN(Relu),
    {"LeakyRelu", nullptr, OpKind::kLeakyRelu, kLeakyRelu},
    {"Elu", nullptr, OpKind::kElu, kElu},
    {"Selu", nullptr, OpKind::kSelu, kSelu},
    {"Celu", nullptr, OpKind::kCelu, kCelu},
    {"ThresholdedRelu", nullptr, OpKind::kThresholdedRelu, kThresholdedRelu},
    MRT_PLAIN(Sigmoid),
    {"HardSigmoid", nullptr, OpKind::kHardSigmoid, kHardSigmoid},
    MRT_PLAIN(HardSwish),
    MRT_PLAIN(Tanh),
    MRT_PLAIN(Erf),
    MRT_PLAIN(Softplus),
    MRT_PLAIN(Softsign),
    MRT_PLAIN(Mish),
    MRT_PLAIN(Exp),
    MRT_PLAIN(Log),
    MRT_PLAIN(Sqrt),
    MRT_PLAIN(Neg),
    MRT_PLAIN(Abs),
    MRT_PLAIN(Reciprocal),
    MRT_PLAIN(Floor),
    MRT_PLAIN(Ceil),
    MRT_PLAIN(Round),
    MRT_PLAIN(Sign),
    MRT_PLAIN(Sin),
    MRT_PLAIN(Cos),
    MRT_PLAIN(Not),
    {"Clip", ImportClip},
    MRT_PLAIN(PRelu),
    MRT_PLAIN(Pow),
    MRT_PLAIN(Add),
    MRT_PLAIN(Sub),
    MRT_PLAIN(Mul),
    MRT_PLAIN(Div),
    MRT_PLAIN(Max),
    MRT_PLAIN(Min),
    MRT_PLAIN(Sum),
    MRT_PLAIN(Mean),
    MRT_PLAIN(Equal),
    MRT_PLAIN(Less),
    MRT_PLAIN(Greater),
    MRT_PLAIN(LessOrEqual),
    MRT_PLAIN(GreaterOrEqual),
    MRT_PLAIN(And),
    MRT_PLAIN(Or),
    MRT_PLAIN(Xor),
    MRT_PLAIN(Where),
    {"Cast", ImportCast},
};

#undef MRT_PLAIN

}  // namespace

std::span<const OpImporter> ElementwiseImporters() { return kRows; }

}  // namespace mrt::onnx_import
