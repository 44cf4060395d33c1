#include "passes/pipeline.h"

#include "ir/infer_shapes.h"
#include "ir/verify.h"
#include "passes/passes.h"

namespace mrt {

namespace {

// The pipeline, in order (passes/README.md): folding first so later pattern matches see
// constants and static shapes, then BN folding, then fusions.
constexpr PassInfo kPasses[] = {
    {"fold_shape_arithmetic", RunFoldShapeArithmetic, "replace Shape of a statically shaped value by a constant"},
    {"fold_constants", RunFoldConstants, "evaluate nodes whose inputs are all constants"},
    {"eliminate_identity", RunEliminateIdentity,
     "remove Identity, Dropout and no-op Reshape, Transpose, Cast, Pad, Slice"},
    {"eliminate_dead_code", RunEliminateDeadCode, "drop nodes whose outputs nothing uses"},
    {"cancel_transposes", RunCancelTransposes, "merge a Transpose pair, dropping it when it cancels"},
    {"fold_batchnorm", RunFoldBatchNorm,
     "fold BatchNormalization into the preceding Conv, ConvTranspose or Gemm; a lone one becomes a scale and shift"},
    {"fuse_pad_into_conv", RunFusePadIntoConv, "absorb a zero constant Pad into the next Conv's pads"},
    {"fuse_matmul_add", RunFuseMatMulAdd, "MatMul + Add of a bias -> Gemm"},
    {"fuse_flatten_gemm", RunFuseFlattenGemm, "let Gemm read a Flatten's input directly"},
    {"fuse_layernorm", RunFuseLayerNorm, "recognise decomposed layer normalization"},
    {"fuse_conv_gemm_epilogue", RunFuseEpilogue, "fuse bias, activation, residual Add and activation into Conv/Gemm"},
    {"fuse_pointwise", RunFusePointwise, "fuse chains of elementwise ops into one Pointwise node"},
};

constexpr int kMaxRounds = 4;  // folding can enable more folding; bounded so it always ends

}  // namespace

std::span<const PassInfo> AllPasses() { return kPasses; }

Status CheckPassNames(const std::set<std::string>& names) {
  for (const std::string& name : names) {
    bool known = name == kLayoutNhwcPass || name == kPrecisionFp16Pass;
    for (const PassInfo& p : kPasses) known = known || name == p.name;
    if (!known) {
      std::vector<std::string> valid;
      for (const PassInfo& p : kPasses) valid.emplace_back(p.name);
      valid.emplace_back(kLayoutNhwcPass);
      valid.emplace_back(kPrecisionFp16Pass);
      return Status::Errorf("--disable-pass: unknown pass '{}' (passes: {})", name, fmt::join(valid, ", "));
    }
  }
  return Status::Ok();
}

Status RunPipeline(Graph& graph, PassContext& ctx) {
  for (int round = 0; round < kMaxRounds; ++round) {
    bool changed_any = false;
    for (const PassInfo& pass : kPasses) {
      if (ctx.disabled.count(pass.name)) continue;
      if (!pass.run(graph, ctx)) continue;
      changed_any = true;
      graph.Compact();
      MRT_RETURN_IF_ERROR(InferShapes(graph).WithContext(fmt::format("after pass {}: ", pass.name)));
      if (ctx.verify_after_each)
        MRT_RETURN_IF_ERROR(Verify(graph).WithContext(fmt::format("after pass {}: ", pass.name)));
    }
    if (!changed_any) break;
  }
  return Status::Ok();
}

}  // namespace mrt
