// Every pass's entry point, one per file in this folder (pipeline.cpp orders them).
#pragma once

#include <functional>

#include "passes/pass.h"

namespace mrt {

bool RunFoldShapeArithmetic(Graph& graph, PassContext& ctx);  // fold_shape_arithmetic.cpp
bool RunFoldConstants(Graph& graph, PassContext& ctx);  // fold_constants.cpp
bool RunEliminateIdentity(Graph& graph, PassContext& ctx);  // eliminate_identity.cpp
bool RunEliminateDeadCode(Graph& graph, PassContext& ctx);  // eliminate_dead_code.cpp
bool RunCancelTransposes(Graph& graph, PassContext& ctx);  // cancel_transposes.cpp
bool RunFoldBatchNorm(Graph& graph, PassContext& ctx);  // fold_batchnorm.cpp
bool RunFusePadIntoConv(Graph& graph, PassContext& ctx);  // fuse_pad_into_conv.cpp
bool RunFuseMatMulAdd(Graph& graph, PassContext& ctx);  // fuse_matmul_add.cpp
bool RunFuseFlattenGemm(Graph& graph, PassContext& ctx);  // fuse_flatten_gemm.cpp
bool RunFuseLayerNorm(Graph& graph, PassContext& ctx);  // fuse_layernorm.cpp
bool RunFuseEpilogue(Graph& graph, PassContext& ctx);  // fuse_epilogue.cpp
bool RunFusePointwise(Graph& graph, PassContext& ctx);  // fuse_pointwise.cpp

// Passes the GPU builder runs after the pipeline (not in kPasses: they take options).

// A predicate choosing nodes of a graph.
using NodePredicate = std::function<bool(const Graph&, const Node&)>;

struct LayoutNhwcOptions {
  // Which 2-D Conv / FusedConv nodes (float, static rank-4 shapes) run in NHWC; empty: all.
  NodePredicate convert;
};
// Chosen convs get channels_last = 1 between Transposes, which then sink and cancel so that they
// remain only at the edges of NHWC regions (layout_nhwc.cpp). The overload without options
// converts every eligible conv.
bool RunLayoutNhwc(Graph& graph, PassContext& ctx, const LayoutNhwcOptions& options);
bool RunLayoutNhwc(Graph& graph, PassContext& ctx);

struct PrecisionFp16Options {
  // Nodes that keep computing in f32 (with Casts around them); empty: none.
  NodePredicate keep_fp32;
};
// Converts f32 computation to f16 as TensorRT's --fp16 does; graph inputs and outputs stay f32
// (precision_fp16.cpp). The overload without options converts every node it can.
bool RunPrecisionFp16(Graph& graph, PassContext& ctx, const PrecisionFp16Options& options);
bool RunPrecisionFp16(Graph& graph, PassContext& ctx);

}  // namespace mrt
