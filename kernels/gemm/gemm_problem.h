// A GEMM-shaped node (Gemm, FusedGemm, MatMul, or a pointwise Conv/FusedConv) resolved into one
// row-major, possibly strided-batched matrix product plus its epilogue, the numbers every GEMM
// tactic (cuBLAS, cuBLASLt, hand-written) needs:
//
//   for b in [0, batch):
//     Y_b[M, N] = alpha * op(A_b)[M, K] * op(B_b)[K, N]                     (row-major)
//     Y_b = post(act(Y_b + bias_scale * bias[bias_index(i)]) + Z_b)          (the epilogue)
//   A_b = A + b * stride_a (stride 0: one A shared by every batch), likewise B and Y.
//
// op(X) is X or X^T (trans_a / trans_b); lda, ldb, ldy are the row-major leading dimensions
// (the number of elements between consecutive rows as stored).
//
// Which node shapes map to this:
//   Gemm / FusedGemm   A = input 0 (flatten_a reads [d0, d1*d2*...]), B = input 1, bias = beta*C
//                      with C a scalar, [N], [1, N], [M, 1] or [M, N]; batch 1.
//   MatMul             A [..., M, K] x B [..., K, N], 1-D operands promoted as numpy does; batch
//                      dims broadcast only as "all or nothing" per operand (stride 0 or a full
//                      stride); a B without batch dims folds the batches of A into M.
//   Conv 1x1 NHWC      one GEMM: A = X as [N*H*W, C], B = W [K, C] read transposed; bias per column.
//   Conv 1x1 NCHW      per image n: Y_n [K, H*W] = W [K, C] x X_n [C, H*W]: A = W (stride 0),
//                      B = X (stride C*H*W); bias per row (the channel).
// Anything else (partial batch broadcast, grouped or strided convs, integer dtypes) is not a
// GemmProblem: GemmProblemOf says why and the providers offer nothing.
#pragma once

#include <cstdint>

#include "ir/activation.h"
#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

// Where the bias term of each output element comes from (after the GEMM, scaled by bias_scale).
enum class GemmBiasKind : uint8_t {
  kNone,
  kScalar,     // one value for every element (a Gemm C of one element)
  kPerColumn,  // bias[j]: Gemm C [N] / [1, N], a 1x1 NHWC conv's B
  kPerRow,     // bias[i]: Gemm C [M, 1], a 1x1 NCHW conv's B
  kFull,       // bias[i * N + j]: Gemm C [M, N]
};

struct GemmProblem {
  DType dtype = DType::kF32;  // A, B, Y and the bias (the same)
  int64_t m = 0, n = 0, k = 0;
  int64_t batch = 1;
  bool trans_a = false, trans_b = false;
  int64_t lda = 0, ldb = 0, ldy = 0;                 // row-major leading dims, in elements
  int64_t stride_a = 0, stride_b = 0, stride_y = 0;  // batch strides, in elements (0: shared)
  int a_input = 0, b_input = 1;                      // which node inputs are the A and B operands
  float alpha = 1.f;
  GemmBiasKind bias = GemmBiasKind::kNone;
  int bias_input = -1;  // node input holding the bias (Gemm's C, Conv's B); -1 when none
  float bias_scale = 1.f;  // Gemm's beta; 1 for a conv
  bool bias_is_constant = false;
  bool has_residual = false;  // Z is node input 3, the output's shape and layout
  ActivationSpec act, post;
  bool from_conv = false;  // a 1x1 Conv/FusedConv read as a GEMM
  bool conv_channels_last = false;

  bool has_epilogue() const {
    return bias != GemmBiasKind::kNone || has_residual || act.kind != Activation::kNone ||
           post.kind != Activation::kNone;
  }
  // The bias as the epilogue kernel indexes it: element (b, i, j) of Y reads
  // bias[(flat / bias_inner) % bias_channels] with flat = (b * M + i) * N + j.
  int64_t bias_channels() const;
  int64_t bias_inner() const;
  double flops() const { return 2.0 * batch * m * n * k; }
};

// The GemmProblem of a Gemm / FusedGemm / MatMul / pointwise Conv node (f32 or f16, static
// shapes), or an error saying why it is not one (providers then offer nothing).
Expected<GemmProblem> GemmProblemOf(const NodeDesc& desc);

// ---- Shared by the cuBLAS tactics (kernels/gemm/gemm_cublas.cpp, gemm_lt_cublas.cpp) ----

// Whether every size, leading dim and the batch count fit cuBLAS's int parameters.
bool FitsCublasInts(const GemmProblem& p);
// Y_b = alpha * op(A_b) op(B_b) with cublasGemmEx / cublasGemmStridedBatchedEx on the handle in
// args.resources (bound to args.stream), no epilogue; operands are args.inputs[p.a_input] etc.
Status RunCublasGemm(const GemmProblem& p, bool allow_tf32, const LaunchArgs& args);
// The epilogue pass (kernels/gpu/epilogue_apply.cu) for the terms p still has (bias, act,
// residual, post); nothing when it has none.
Status RunGemmEpilogue(const GemmProblem& p, const LaunchArgs& args);
// Appends "cublaslt_gemm_algo0".."algo3" (gemm_lt_cublas.cpp).
void AppendGemmCublasLtTactics(const GemmProblem& p, bool allow_tf32, TacticList& out);

}  // namespace mrt::gpu
