// Every operation the IR knows. ONNX ops keep their ONNX names (OpKind::kConv is "Conv"); ops the
// optimizer creates (fused nodes) are appended after them. The IR speaks the newest ONNX form of
// each op (attributes that later opsets turned into inputs are inputs here); the importer
// converts older opsets. Rows of the op table (ir/op_table.cpp) follow this order exactly.
#pragma once

#include <cstdint>

namespace mrt {

enum class OpKind : uint16_t {
  // convolution, matrix multiply, normalization, pooling
  kConv, kConvTranspose, kGemm, kMatMul, kBatchNormalization, kInstanceNormalization, kLayerNormalization,
  kMaxPool, kAveragePool, kGlobalAveragePool, kGlobalMaxPool,
  // unary elementwise (activations and math)
  kRelu, kLeakyRelu, kElu, kSelu, kCelu, kThresholdedRelu, kSigmoid, kHardSigmoid, kHardSwish, kTanh, kErf,
  kSoftplus, kSoftsign, kMish, kExp, kLog, kSqrt, kNeg, kAbs, kReciprocal, kFloor, kCeil, kRound, kSign, kSin,
  kCos, kNot,
  // elementwise with several inputs (broadcasting)
  kClip, kPRelu, kPow, kAdd, kSub, kMul, kDiv, kMax, kMin, kSum, kMean, kEqual, kLess, kGreater, kLessOrEqual,
  kGreaterOrEqual, kAnd, kOr, kXor, kWhere, kCast,
  // softmax, reductions, selection
  kSoftmax, kLogSoftmax, kReduceMean, kReduceSum, kReduceMax, kReduceMin, kReduceProd, kReduceL1, kReduceL2,
  kReduceSumSquare, kReduceLogSumExp, kArgMax, kArgMin, kTopK,
  // shape and data movement
  kIdentity, kDropout, kFlatten, kReshape, kSqueeze, kUnsqueeze, kTranspose, kConcat, kSplit, kSlice, kExpand,
  kTile, kGather, kShape, kConstantOfShape, kRange, kPad, kResize, kDepthToSpace, kSpaceToDepth,
  // created by the optimizer (never imported): Conv/Gemm with a fused epilogue, and a fused
  // chain of elementwise ops carrying a small expression program
  kFusedConv, kFusedGemm, kPointwise,

  kCount  // number of ops; keep last
};

inline constexpr int kNumOpKinds = static_cast<int>(OpKind::kCount);

}  // namespace mrt
