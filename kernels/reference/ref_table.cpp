#include "kernels/reference/ref_kernels.h"

namespace mrt {

namespace {

using K = OpKind;

struct RefRow {
  OpKind kind;
  RefKernelFn fn;
};

// One row per OpKind, in the enum's order (checked below), like ir/op_table.cpp.
constexpr RefRow kRefTable[] = {
    {K::kConv, ref::Conv},
    {K::kConvTranspose, ref::ConvTranspose},
    {K::kGemm, ref::Gemm},
    {K::kMatMul, ref::MatMul},
    {K::kBatchNormalization, ref::BatchNormalization},
    {K::kInstanceNormalization, ref::InstanceNormalization},
    {K::kLayerNormalization, ref::LayerNormalization},
    {K::kMaxPool, ref::MaxPool},
    {K::kAveragePool, ref::AveragePool},
    {K::kGlobalAveragePool, ref::GlobalAveragePool},
    {K::kGlobalMaxPool, ref::GlobalMaxPool},
    {K::kRelu, ref::Unary},
    {K::kLeakyRelu, ref::Unary},
    {K::kElu, ref::Unary},
    {K::kSelu, ref::Unary},
    {K::kCelu, ref::Unary},
    {K::kThresholdedRelu, ref::Unary},
    {K::kSigmoid, ref::Unary},
    {K::kHardSigmoid, ref::Unary},
    {K::kHardSwish, ref::Unary},
    {K::kTanh, ref::Unary},
    {K::kErf, ref::Unary},
    {K::kSoftplus, ref::Unary},
    {K::kSoftsign, ref::Unary},
    {K::kMish, ref::Unary},
    {K::kExp, ref::Unary},
    {K::kLog, ref::Unary},
    {K::kSqrt, ref::Unary},
    {K::kNeg, ref::Unary},
    {K::kAbs, ref::Unary},
    {K::kReciprocal, ref::Unary},
    {K::kFloor, ref::Unary},
    {K::kCeil, ref::Unary},
    {K::kRound, ref::Unary},
    {K::kSign, ref::Unary},
    {K::kSin, ref::Unary},
    {K::kCos, ref::Unary},
    {K::kNot, ref::Unary},
    {K::kClip, ref::Clip},
    {K::kPRelu, ref::Binary},
    {K::kPow, ref::Binary},
    {K::kAdd, ref::Binary},
    {K::kSub, ref::Binary},
    {K::kMul, ref::Binary},
    {K::kDiv, ref::Binary},
    {K::kMax, ref::Variadic},
    {K::kMin, ref::Variadic},
    {K::kSum, ref::Variadic},
    {K::kMean, ref::Variadic},
    {K::kEqual, ref::Binary},
    {K::kLess, ref::Binary},
    {K::kGreater, ref::Binary},
    {K::kLessOrEqual, ref::Binary},
    {K::kGreaterOrEqual, ref::Binary},
    {K::kAnd, ref::Binary},
    {K::kOr, ref::Binary},
    {K::kXor, ref::Binary},
    {K::kWhere, ref::Where},
    {K::kCast, ref::Cast},
    {K::kSoftmax, ref::Softmax},
    {K::kLogSoftmax, ref::Softmax},
    {K::kReduceMean, ref::Reduce},
    {K::kReduceSum, ref::Reduce},
    {K::kReduceMax, ref::Reduce},
    {K::kReduceMin, ref::Reduce},
    {K::kReduceProd, ref::Reduce},
    {K::kReduceL1, ref::Reduce},
    {K::kReduceL2, ref::Reduce},
    {K::kReduceSumSquare, ref::Reduce},
    {K::kReduceLogSumExp, ref::Reduce},
    {K::kArgMax, ref::ArgReduce},
    {K::kArgMin, ref::ArgReduce},
    {K::kTopK, ref::TopK},
    {K::kIdentity, ref::CopyInput0},
    {K::kDropout, ref::Dropout},
    {K::kFlatten, ref::CopyInput0},
    {K::kReshape, ref::CopyInput0},
    {K::kSqueeze, ref::CopyInput0},
    {K::kUnsqueeze, ref::CopyInput0},
    {K::kTranspose, ref::Transpose},
    {K::kConcat, ref::Concat},
    {K::kSplit, ref::Split},
    {K::kSlice, ref::Slice},
    {K::kExpand, ref::Expand},
    {K::kTile, ref::Tile},
    {K::kGather, ref::Gather},
    {K::kShape, ref::ShapeOf},
    {K::kConstantOfShape, ref::ConstantOfShape},
    {K::kRange, ref::Range},
    {K::kPad, ref::Pad},
    {K::kResize, ref::Resize},
    {K::kDepthToSpace, ref::DepthToSpace},
    {K::kSpaceToDepth, ref::SpaceToDepth},
    {K::kFusedConv, ref::FusedConv},
    {K::kFusedGemm, ref::FusedGemm},
    {K::kPointwise, ref::Pointwise},
};

static_assert(std::size(kRefTable) == kNumOpKinds, "one reference kernel row per OpKind");

constexpr bool RowsInEnumOrder() {
  for (int i = 0; i < kNumOpKinds; ++i)
    if (static_cast<int>(kRefTable[i].kind) != i) return false;
  return true;
}
static_assert(RowsInEnumOrder(), "reference table rows must follow the OpKind enum order");

}  // namespace

RefKernelFn GetReferenceKernel(OpKind kind) { return kRefTable[static_cast<int>(kind)].fn; }

}  // namespace mrt
