#include "ir/pointwise_lowering.h"

#include <iterator>

#include "ir/attributes.h"
#include "ir/op_table.h"

namespace mrt {

namespace {

using K = OpKind;
using P = PointwiseOp;
namespace d = onnx_default;

// clang-format off
constexpr PointwiseLowering kLowerings[] = {
    {K::kRelu, P::kRelu},             {K::kSigmoid, P::kSigmoid},       {K::kTanh, P::kTanh},
    {K::kErf, P::kErf},               {K::kSoftplus, P::kSoftplus},     {K::kSoftsign, P::kSoftsign},
    {K::kMish, P::kMish},             {K::kHardSwish, P::kHardSwish},   {K::kExp, P::kExp},
    {K::kLog, P::kLog},               {K::kSqrt, P::kSqrt},             {K::kNeg, P::kNeg},
    {K::kAbs, P::kAbs},               {K::kReciprocal, P::kReciprocal}, {K::kFloor, P::kFloor},
    {K::kCeil, P::kCeil},             {K::kRound, P::kRound},           {K::kSign, P::kSign},
    {K::kSin, P::kSin},               {K::kCos, P::kCos},
    {K::kLeakyRelu, P::kLeakyRelu, {{"alpha", d::kLeakyReluAlpha}}},
    {K::kElu, P::kElu, {{"alpha", d::kEluAlpha}}},
    {K::kCelu, P::kCelu, {{"alpha", d::kCeluAlpha}}},
    {K::kThresholdedRelu, P::kThresholdedRelu, {{"alpha", d::kThresholdedReluAlpha}}},
    {K::kHardSigmoid, P::kHardSigmoid, {{"alpha", d::kHardSigmoidAlpha}, {"beta", d::kHardSigmoidBeta}}},
    {K::kSelu, P::kSelu, {{"alpha", d::kSeluAlpha}, {"gamma", d::kSeluGamma}}},
    {K::kAdd, P::kAdd},               {K::kSub, P::kSub},               {K::kMul, P::kMul},
    {K::kDiv, P::kDiv},               {K::kPow, P::kPow},               {K::kPRelu, P::kPRelu},
};
// clang-format on

// Each row's operands add up: a unary-class opcode reads one input, a binary one two, and a
// parametric one one input plus a parameter per remaining operand.
constexpr bool RowsAreConsistent() {
  for (const PointwiseLowering& row : kLowerings) {
    const PointwiseOpClass cls = PointwiseClassOf(row.opcode);
    const int want_inputs = cls == PointwiseOpClass::kBinary ? 2 : 1;
    if (cls == PointwiseOpClass::kLoad || row.inputs() != want_inputs) return false;
    if ((cls == PointwiseOpClass::kParametric) != (row.num_params() > 0)) return false;
  }
  return true;
}
static_assert(RowsAreConsistent(), "a lowering row's inputs + parameters must match its opcode's operands");

}  // namespace

const PointwiseLowering* FindPointwiseLowering(OpKind op) {
  for (const PointwiseLowering& row : kLowerings)
    if (row.op == op) return &row;
  return nullptr;
}

std::span<const PointwiseLowering> PointwiseLowerings() { return kLowerings; }

FormulaParams ReadFormulaParams(const PointwiseLowering& row, const Attributes& attrs) {
  FormulaParams p;
  if (row.num_params() > 0) p.b = attrs.GetFloat(std::string(row.params[0].attr), row.params[0].default_value);
  if (row.num_params() > 1) p.c = attrs.GetFloat(std::string(row.params[1].attr), row.params[1].default_value);
  return p;
}

Status CheckFormulaParams(const PointwiseLowering& row, const FormulaParams& params) {
  if (row.opcode == PointwiseOp::kCelu && params.b == 0.f)
    return Status::Errorf("{} alpha must not be 0", OpName(row.op));
  return Status::Ok();
}

}  // namespace mrt
