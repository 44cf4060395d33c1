// Shape-inference functions, one per op or per family of ops that share a rule. Rows of the op
// table (ir/op_table.cpp) point at these. Each file in this folder implements one family.
#pragma once

#include "ir/infer_context.h"

namespace mrt::infer {

// infer_nn.cpp: convolution, matrix multiply, normalization, pooling
Status Conv(InferContext& c);
Status ConvTranspose(InferContext& c);
Status Gemm(InferContext& c);
Status MatMul(InferContext& c);
Status BatchNormalization(InferContext& c);
Status InstanceNormalization(InferContext& c);
Status LayerNormalization(InferContext& c);
Status Pool(InferContext& c);        // MaxPool (optional Indices output), AveragePool
Status GlobalPool(InferContext& c);  // GlobalAveragePool, GlobalMaxPool

// infer_elementwise.cpp
Status SameAsInput0(InferContext& c);   // unary ops, Clip
Status Broadcast(InferContext& c);      // numeric ops over broadcast inputs (variadic too); dtype of input 0
Status Comparison(InferContext& c);     // Equal, Less, ...: broadcast, bool output
Status Where(InferContext& c);
Status Cast(InferContext& c);

// infer_reduce.cpp
Status Softmax(InferContext& c);  // Softmax, LogSoftmax
Status Reduce(InferContext& c);   // Reduce* (axes as optional input 1, keepdims, noop_with_empty_axes)
Status ArgReduce(InferContext& c);
Status TopK(InferContext& c);

// infer_shape_ops.cpp
Status Dropout(InferContext& c);  // output + optional mask; Identity uses SameAsInput0
Status Flatten(InferContext& c);
Status Reshape(InferContext& c);
Status Squeeze(InferContext& c);
Status Unsqueeze(InferContext& c);
Status Transpose(InferContext& c);
Status Concat(InferContext& c);
Status Split(InferContext& c);
Status Slice(InferContext& c);
Status Expand(InferContext& c);
Status Tile(InferContext& c);
Status Gather(InferContext& c);
Status ShapeOf(InferContext& c);
Status ConstantOfShape(InferContext& c);
Status Range(InferContext& c);
Status Pad(InferContext& c);

// infer_spatial.cpp
Status Resize(InferContext& c);
Status DepthToSpace(InferContext& c);
Status SpaceToDepth(InferContext& c);

// infer_fused.cpp: ops the optimizer creates
Status FusedConv(InferContext& c);
Status FusedGemm(InferContext& c);
Status Pointwise(InferContext& c);

}  // namespace mrt::infer
