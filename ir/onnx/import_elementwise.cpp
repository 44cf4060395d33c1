// Elementwise ops: activations and math (one input), broadcasting arithmetic, comparisons and
// logic, Where, Clip and Cast. Most are table rows with their attribute defaults; Clip before
// opset 11 takes min/max as attributes, which become scalar inputs of the input's dtype; Gelu
// (opset 20) becomes its function body.
#include <cmath>
#include <limits>

#include "ir/elementwise_formulas.h"
#include "ir/onnx/op_importers.h"
#include "ir/onnx/tensor_proto.h"
#include "ir/op_table.h"

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

// Cast keeps `to` as the ONNX TensorProto code; it must name a dtype mini-rt supports. Cast-19's
// `saturate` (default 1) applies only to conversions to float8, which mini-rt has no dtype for
// (they fail on `to` below), so it is checked to be 0 or 1 and dropped. Cast-21 added int4/uint4,
// refused the same way.
Status ImportCast(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Required("to", A::kInt), Int("saturate", 1)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  if (const int64_t saturate = *TakeInt(a, "saturate"); saturate != 0 && saturate != 1)
    return Status::Errorf("saturate is {}; it must be 0 or 1", saturate);
  const int64_t to = a.GetInt("to");
  if (to < std::numeric_limits<int32_t>::min() || to > std::numeric_limits<int32_t>::max())
    return Status::Errorf("to={} is not an ONNX dtype code", to);
  auto dtype = DTypeFromOnnxChecked(static_cast<int32_t>(to));
  if (!dtype.ok()) return dtype.status().WithContext(fmt::format("to={}: ", to));
  return ctx.AddNode(OpKind::kCast, ctx.node_name(), ctx.Inputs(node), ctx.Outputs(node), std::move(a)).status();
}

// Gelu (opset 20) is imported as its ONNX function body in the input's dtype, so that it needs no
// op of its own: the erf form is the spelling exporters use, which passes/fuse_epilogue_activation
// recognizes as the Gelu epilogue (ir/activation.h), and the tanh form is left to Pointwise fusion.
//   approximate="none":  y = (x * 0.5) * (Erf(x / sqrt(2)) + 1)
//   approximate="tanh":  y = (x * 0.5) * (Tanh(sqrt(2 / pi) * (x + 0.044715 * Pow(x, 3))) + 1)
class GeluExpansion {
 public:
  GeluExpansion(ImportContext& ctx, ValueId x, DType dtype) : ctx_(ctx), x_(x), dtype_(dtype) {}

  Status Emit(bool tanh_form, ValueId y) {
    ValueId inner;
    if (tanh_form) {  // sqrt(2 / pi) * (x + 0.044715 * x^3); 0.63661977236 is ONNX's 2 / pi
      const ValueId cubed = Binary(OpKind::kPow, x_, Constant("three", 3.0));
      const ValueId scaled = Binary(OpKind::kMul, Constant("c0", 0.044715), cubed);
      const ValueId sum = Binary(OpKind::kAdd, x_, scaled);
      inner = Binary(OpKind::kMul, Constant("sqrt_2_over_pi", std::sqrt(0.63661977236)), sum);
    } else {
      inner = Binary(OpKind::kDiv, x_, Constant("sqrt2", std::sqrt(2.0)));
    }
    const ValueId erf = Unary(tanh_form ? OpKind::kTanh : OpKind::kErf, inner);
    const ValueId phi = Binary(OpKind::kAdd, erf, Constant("one", 1.0));
    const ValueId half_x = Binary(OpKind::kMul, x_, Constant("half", 0.5));
    if (!status_.ok()) return status_;
    return ctx_.AddNode(OpKind::kMul, ctx_.node_name(), {half_x, phi}, {y}, Attributes{}).status();
  }

 private:
  ValueId Constant(const std::string& what, double v) { return ctx_.AddConstant(what, ScalarOf(dtype_, v)); }
  ValueId Unary(OpKind op, ValueId a) { return Node(op, {a}); }
  ValueId Binary(OpKind op, ValueId a, ValueId b) { return Node(op, {a, b}); }
  // A node with a new output, both named "<gelu>_<Op>" (made unique); the first error is kept.
  ValueId Node(OpKind op, std::vector<ValueId> ins) {
    const ValueId out = ctx_.NewValue(fmt::format("{}_{}", ctx_.node_name(), OpName(op)));
    const std::string name = ctx_.graph().value(out).name;
    if (status_.ok()) status_ = ctx_.AddNode(op, name, std::move(ins), {out}, Attributes{}).status();
    return out;
  }

  ImportContext& ctx_;
  ValueId x_;
  DType dtype_;
  Status status_ = Status::Ok();
};

Status ImportGelu(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.opset() < 20) return Status::Errorf("Gelu exists from opset 20; the model imports opset {}", ctx.opset());
  static constexpr AttrSpec kSpec[] = {Str("approximate", "none")};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  MRT_RETURN_IF_ERROR(CheckOneOf(a, "approximate", {"none", "tanh"}));
  std::vector<ValueId> ins = ctx.Inputs(node);
  std::vector<ValueId> outs = ctx.Outputs(node);
  if (ins.size() != 1 || ins[0] == kNoValue || outs.size() != 1 || outs[0] == kNoValue)
    return Status::Errorf("has {} inputs and {} outputs; Gelu takes 1 and gives 1", ins.size(), outs.size());
  const DType dtype = ctx.KnownDType(ins[0]);
  if (dtype != DType::kUndefined && !IsFloat(dtype))
    return Status::Errorf("input is {}; Gelu takes a float tensor", DTypeName(dtype));
  return GeluExpansion(ctx, ins[0], dtype).Emit(a.GetString("approximate") == "tanh", outs[0]);
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
    {"Gelu", ImportGelu},
};

#undef MRT_PLAIN

}  // namespace

std::span<const OpImporter> ElementwiseImporters() { return kRows; }

}  // namespace mrt::onnx_import
