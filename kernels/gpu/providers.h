// Every tactic provider, one per kernel family (tactic.h says what a provider is). The tactic
// table (tactic_table.cpp) lists them; tests call one directly to check just that family.
// To add a family: declare its provider here, implement it beside the family's kernels
// (kernels/<family>/<family>_tactics_cuda.cpp) and add it to the table.
#pragma once

#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

// kernels/conv: hand-written direct, depthwise and 1x1-as-GEMM convolutions (NCHW and NHWC).
void AppendConvHandWrittenTactics(const NodeDesc& desc, TacticList& out);
// kernels/conv: the tiled tensor-core implicit-GEMM convolution (FP16 and TF32, NHWC).
void AppendConvImplicitGemmTactics(const NodeDesc& desc, TacticList& out);
// kernels/conv: every cuDNN forward algorithm for Conv/FusedConv, and ConvTranspose.
void AppendConvCudnnTactics(const NodeDesc& desc, TacticList& out);
// kernels/gemm: cuBLAS and cuBLASLt for Gemm, FusedGemm and MatMul (Lt with epilogues).
void AppendGemmCublasTactics(const NodeDesc& desc, TacticList& out);
// kernels/gemm: the hand-written tiled GEMM for Gemm, FusedGemm and MatMul.
void AppendGemmHandWrittenTactics(const NodeDesc& desc, TacticList& out);
// kernels/elementwise: unary/binary/variadic elementwise ops, comparisons, logic, Cast, Where.
void AppendElementwiseTactics(const NodeDesc& desc, TacticList& out);
// kernels/fused: the fused Pointwise program node.
void AppendPointwiseTactics(const NodeDesc& desc, TacticList& out);
// kernels/shape: Transpose, Slice, Gather, Pad, Concat, Split, Expand, Tile, DepthToSpace,
// SpaceToDepth.
void AppendShapeTactics(const NodeDesc& desc, TacticList& out);
// kernels/resize: Resize.
void AppendResizeTactics(const NodeDesc& desc, TacticList& out);
// kernels/pool, softmax, reduce, norm.
void AppendPoolTactics(const NodeDesc& desc, TacticList& out);
void AppendSoftmaxTactics(const NodeDesc& desc, TacticList& out);
void AppendReduceTactics(const NodeDesc& desc, TacticList& out);
void AppendNormTactics(const NodeDesc& desc, TacticList& out);
// runtime/gpu: the reference kernel run on the host inside the stream, for ops no family covers.
void AppendCpuFallbackTactics(const NodeDesc& desc, TacticList& out);

}  // namespace mrt::gpu
