#include "ir/op_table.h"

#include "ir/shape_inference/infer_fns.h"

namespace mrt {

namespace {

constexpr uint32_t kAct = kTraitElementwise | kTraitActivation;  // fusable unary activation
constexpr uint32_t kEw = kTraitElementwise;
constexpr uint32_t kQ = kTraitQuantizable;
constexpr uint32_t kView = kTraitView;
constexpr int kVar = -1;

using K = OpKind;
namespace I = infer;

// {kind, name, infer, traits, min_in, max_in, min_out, max_out}; one row per OpKind, in order.
constexpr OpInfo kOpTable[] = {
    {K::kConv, "Conv", I::Conv, kQ, 2, 3, 1, 1},
    {K::kConvTranspose, "ConvTranspose", I::ConvTranspose, kQ, 2, 3, 1, 1},
    {K::kGemm, "Gemm", I::Gemm, kQ, 2, 3, 1, 1},
    {K::kMatMul, "MatMul", I::MatMul, kQ, 2, 2, 1, 1},
    {K::kBatchNormalization, "BatchNormalization", I::BatchNormalization, 0, 5, 5, 1, 1},
    {K::kInstanceNormalization, "InstanceNormalization", I::InstanceNormalization, 0, 3, 3, 1, 1},
    {K::kLayerNormalization, "LayerNormalization", I::LayerNormalization, 0, 2, 3, 1, 3},
    {K::kMaxPool, "MaxPool", I::Pool, kQ, 1, 1, 1, 2},
    {K::kAveragePool, "AveragePool", I::Pool, kQ, 1, 1, 1, 1},
    {K::kGlobalAveragePool, "GlobalAveragePool", I::GlobalPool, 0, 1, 1, 1, 1},
    {K::kGlobalMaxPool, "GlobalMaxPool", I::GlobalPool, 0, 1, 1, 1, 1},

    {K::kRelu, "Relu", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kLeakyRelu, "LeakyRelu", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kElu, "Elu", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kSelu, "Selu", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kCelu, "Celu", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kThresholdedRelu, "ThresholdedRelu", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kSigmoid, "Sigmoid", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kHardSigmoid, "HardSigmoid", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kHardSwish, "HardSwish", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kTanh, "Tanh", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kErf, "Erf", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kSoftplus, "Softplus", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kSoftsign, "Softsign", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kMish, "Mish", I::SameAsInput0, kAct, 1, 1, 1, 1},
    {K::kExp, "Exp", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kLog, "Log", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kSqrt, "Sqrt", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kNeg, "Neg", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kAbs, "Abs", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kReciprocal, "Reciprocal", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kFloor, "Floor", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kCeil, "Ceil", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kRound, "Round", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kSign, "Sign", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kSin, "Sin", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kCos, "Cos", I::SameAsInput0, kEw, 1, 1, 1, 1},
    {K::kNot, "Not", I::SameAsInput0, kEw, 1, 1, 1, 1},

    {K::kClip, "Clip", I::SameAsInput0, kAct, 1, 3, 1, 1},
    {K::kPRelu, "PRelu", I::Broadcast, kEw, 2, 2, 1, 1},
    {K::kPow, "Pow", I::Broadcast, kEw, 2, 2, 1, 1},
    {K::kAdd, "Add", I::Broadcast, kEw, 2, 2, 1, 1},
    {K::kSub, "Sub", I::Broadcast, kEw, 2, 2, 1, 1},
    {K::kMul, "Mul", I::Broadcast, kEw, 2, 2, 1, 1},
    {K::kDiv, "Div", I::Broadcast, kEw, 2, 2, 1, 1},
    {K::kMax, "Max", I::Broadcast, kEw, 1, kVar, 1, 1},
    {K::kMin, "Min", I::Broadcast, kEw, 1, kVar, 1, 1},
    {K::kSum, "Sum", I::Broadcast, kEw, 1, kVar, 1, 1},
    {K::kMean, "Mean", I::Broadcast, kEw, 1, kVar, 1, 1},
    {K::kEqual, "Equal", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kLess, "Less", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kGreater, "Greater", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kLessOrEqual, "LessOrEqual", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kGreaterOrEqual, "GreaterOrEqual", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kAnd, "And", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kOr, "Or", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kXor, "Xor", I::Comparison, kEw, 2, 2, 1, 1},
    {K::kWhere, "Where", I::Where, kEw, 3, 3, 1, 1},
    {K::kCast, "Cast", I::Cast, kEw, 1, 1, 1, 1},

    {K::kSoftmax, "Softmax", I::Softmax, 0, 1, 1, 1, 1},
    {K::kLogSoftmax, "LogSoftmax", I::Softmax, 0, 1, 1, 1, 1},
    {K::kReduceMean, "ReduceMean", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceSum, "ReduceSum", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceMax, "ReduceMax", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceMin, "ReduceMin", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceProd, "ReduceProd", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceL1, "ReduceL1", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceL2, "ReduceL2", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceSumSquare, "ReduceSumSquare", I::Reduce, 0, 1, 2, 1, 1},
    {K::kReduceLogSumExp, "ReduceLogSumExp", I::Reduce, 0, 1, 2, 1, 1},
    {K::kArgMax, "ArgMax", I::ArgReduce, 0, 1, 1, 1, 1},
    {K::kArgMin, "ArgMin", I::ArgReduce, 0, 1, 1, 1, 1},
    {K::kTopK, "TopK", I::TopK, 0, 2, 2, 2, 2},

    {K::kIdentity, "Identity", I::SameAsInput0, kView, 1, 1, 1, 1},
    {K::kDropout, "Dropout", I::Dropout, 0, 1, 3, 1, 2},
    {K::kFlatten, "Flatten", I::Flatten, kView, 1, 1, 1, 1},
    {K::kReshape, "Reshape", I::Reshape, kView, 2, 2, 1, 1},
    {K::kSqueeze, "Squeeze", I::Squeeze, kView, 1, 2, 1, 1},
    {K::kUnsqueeze, "Unsqueeze", I::Unsqueeze, kView, 2, 2, 1, 1},
    {K::kTranspose, "Transpose", I::Transpose, 0, 1, 1, 1, 1},
    {K::kConcat, "Concat", I::Concat, 0, 1, kVar, 1, 1},
    {K::kSplit, "Split", I::Split, 0, 1, 2, 1, kVar},
    {K::kSlice, "Slice", I::Slice, 0, 3, 5, 1, 1},
    {K::kExpand, "Expand", I::Expand, 0, 2, 2, 1, 1},
    {K::kTile, "Tile", I::Tile, 0, 2, 2, 1, 1},
    {K::kGather, "Gather", I::Gather, 0, 2, 2, 1, 1},
    {K::kShape, "Shape", I::ShapeOf, kTraitShapeOnly, 1, 1, 1, 1},
    {K::kConstantOfShape, "ConstantOfShape", I::ConstantOfShape, 0, 1, 1, 1, 1},
    {K::kRange, "Range", I::Range, 0, 3, 3, 1, 1},
    {K::kPad, "Pad", I::Pad, 0, 2, 4, 1, 1},
    {K::kResize, "Resize", I::Resize, 0, 1, 4, 1, 1},
    {K::kDepthToSpace, "DepthToSpace", I::DepthToSpace, 0, 1, 1, 1, 1},
    {K::kSpaceToDepth, "SpaceToDepth", I::SpaceToDepth, 0, 1, 1, 1, 1},

    // FusedConv(X, W, B?, Z?): post_act(act(Conv(X, W) + B) + Z); FusedGemm likewise on Gemm.
    {K::kFusedConv, "FusedConv", I::FusedConv, kQ | kTraitInternal, 2, 4, 1, 1},
    {K::kFusedGemm, "FusedGemm", I::FusedGemm, kQ | kTraitInternal, 2, 4, 1, 1},
    {K::kPointwise, "Pointwise", I::Pointwise, kEw | kTraitInternal, 1, kVar, 1, 1},
};

static_assert(std::size(kOpTable) == kNumOpKinds, "one op table row per OpKind");

constexpr bool RowsInEnumOrder() {
  for (int i = 0; i < kNumOpKinds; ++i)
    if (static_cast<int>(kOpTable[i].kind) != i) return false;
  return true;
}
static_assert(RowsInEnumOrder(), "op table rows must follow the OpKind enum order");

}  // namespace

const OpInfo& GetOpInfo(OpKind kind) { return kOpTable[static_cast<int>(kind)]; }
std::string_view OpName(OpKind kind) { return GetOpInfo(kind).name; }

std::optional<OpKind> OpKindFromName(std::string_view name) {
  for (const auto& row : kOpTable)
    if (row.name == name) return row.kind;
  return std::nullopt;
}

}  // namespace mrt
