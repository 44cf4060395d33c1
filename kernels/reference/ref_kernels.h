// Declarations of every reference kernel, grouped by the file (kernels/<family>/<file>) that
// implements them. ref_table.cpp maps each OpKind to one of these.
#pragma once

#include "kernels/reference/ref_kernel.h"

namespace mrt::ref {

// conv/conv_ref.cpp
Status Conv(RefContext& c);
Status ConvTranspose(RefContext& c);
// gemm/gemm_ref.cpp
Status Gemm(RefContext& c);
Status MatMul(RefContext& c);
// norm/norm_ref.cpp
Status BatchNormalization(RefContext& c);
Status InstanceNormalization(RefContext& c);
Status LayerNormalization(RefContext& c);
// pool/pool_ref.cpp
Status MaxPool(RefContext& c);
Status AveragePool(RefContext& c);
Status GlobalAveragePool(RefContext& c);
Status GlobalMaxPool(RefContext& c);

// elementwise/unary_ref.cpp: every unary op (switches on c.node.op)
Status Unary(RefContext& c);
// elementwise/binary_ref.cpp: Add Sub Mul Div Pow PRelu, comparisons, logic (Binary); Max Min
// Sum Mean (Variadic); Clip; Where
Status Binary(RefContext& c);
Status Variadic(RefContext& c);
Status Clip(RefContext& c);
Status Where(RefContext& c);
// elementwise/cast_ref.cpp
Status Cast(RefContext& c);

// softmax/softmax_ref.cpp
Status Softmax(RefContext& c);  // Softmax and LogSoftmax
// reduce/reduce_ref.cpp
Status Reduce(RefContext& c);
Status ArgReduce(RefContext& c);
// reduce/topk_ref.cpp
Status TopK(RefContext& c);

// shape/copy_ref.cpp: ops whose output bytes equal input 0's bytes
Status CopyInput0(RefContext& c);  // Identity, Flatten, Reshape, Squeeze, Unsqueeze
Status Dropout(RefContext& c);
// shape/layout_ref.cpp (Pad: shape/pad_ref.cpp)
Status Transpose(RefContext& c);
// Not a kernel: dst = src permuted by `perm` (dst.dim[i] = src.dim[perm[i]]) through Transpose,
// for the channels_last paths of the Conv and pooling references.
Status PermuteInto(const TensorView& src, const TensorView& dst, const std::vector<int64_t>& perm);
Status Concat(RefContext& c);
Status Split(RefContext& c);
Status Slice(RefContext& c);
Status Expand(RefContext& c);
Status Tile(RefContext& c);
Status Gather(RefContext& c);
Status Pad(RefContext& c);
Status DepthToSpace(RefContext& c);
Status SpaceToDepth(RefContext& c);
// shape/generate_ref.cpp
Status ShapeOf(RefContext& c);
Status ConstantOfShape(RefContext& c);
Status Range(RefContext& c);

// resize/resize_ref.cpp
Status Resize(RefContext& c);

// fused/fused_ref.cpp: ops the optimizer creates
Status FusedConv(RefContext& c);
Status FusedGemm(RefContext& c);
// fused/pointwise_ref.cpp
Status Pointwise(RefContext& c);

}  // namespace mrt::ref
