// Every pass's entry point, one per file in this folder (pipeline.cpp orders them).
#pragma once

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

}  // namespace mrt
