// cuBLAS as a tactic ("cublas_gemm") for Gemm, FusedGemm, MatMul and 1x1 convolutions (the
// GemmProblem mapping of gemm_problem.h), plus the provider AppendGemmCublasTactics, which also
// offers the cuBLASLt tactics of gemm_lt_cublas.cpp.
//
// Row-major vs column-major: cuBLAS is column-major, and a row-major [M, N] matrix is the
// column-major [N, M] matrix Y^T. So Y = op(A) op(B) is computed as Y^T = op(B)^T op(A)^T: the
// call's first operand is B (op: trans_b), its second A (op: trans_a), m' = N, n' = M, and the
// leading dims are the row-major ones. Batched problems use cublasGemmStridedBatchedEx (a stride
// of 0 shares one matrix across the batch).
//
// Compute types: f32 with TF32 allowed -> CUBLAS_COMPUTE_32F_FAST_TF32, strict f32 ->
// CUBLAS_COMPUTE_32F; f16 operands -> CUBLAS_COMPUTE_32F (f32 accumulation, f16 tensor cores).
// The GEMM writes Y with beta = 0; the whole epilogue (beta * C in any broadcast form,
// activation, residual, post-activation) then runs as one epilogue pass.
#include <climits>
#include <memory>
#include <string>

#include "kernels/gemm/gemm_problem.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/epilogue_apply_launch.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

cudaDataType_t CudaDataTypeOf(DType dtype) { return dtype == DType::kF16 ? CUDA_R_16F : CUDA_R_32F; }

cublasComputeType_t ComputeTypeOf(DType dtype, bool allow_tf32) {
  if (dtype == DType::kF32 && allow_tf32) return CUBLAS_COMPUTE_32F_FAST_TF32;
  return CUBLAS_COMPUTE_32F;
}

class CublasGemmTactic final : public Tactic {
 public:
  CublasGemmTactic(const GemmProblem& p, bool allow_tf32) : problem_(p), allow_tf32_(allow_tf32) {}

  std::string name() const override { return "cublas_gemm"; }
  TacticFamily family() const override { return TacticFamily::kCublas; }

  Status Launch(const LaunchArgs& args) override {
    MRT_RETURN_IF_ERROR(RunCublasGemm(problem_, allow_tf32_, args));
    return RunGemmEpilogue(problem_, args);
  }

 private:
  GemmProblem problem_;
  bool allow_tf32_ = true;
};

}  // namespace

bool FitsCublasInts(const GemmProblem& p) {
  for (int64_t v : {p.m, p.n, p.k, p.lda, p.ldb, p.ldy, p.batch})
    if (v <= 0 || v > INT_MAX) return false;
  return true;
}

Status RunCublasGemm(const GemmProblem& p, bool allow_tf32, const LaunchArgs& args) {
  const void* a = args.inputs[p.a_input].data;
  const void* b = args.inputs[p.b_input].data;
  void* y = args.outputs[0].data;
  const cublasOperation_t op_b = p.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_a = p.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cudaDataType_t type = CudaDataTypeOf(p.dtype);
  const cublasComputeType_t compute = ComputeTypeOf(p.dtype, allow_tf32);
  const float alpha = p.alpha, beta = 0.f;
  auto i = [](int64_t v) { return static_cast<int>(v); };
  const cublasHandle_t h = args.resources->cublas;
  if (p.batch == 1) {
    MRT_CUDA_TRY(cublasGemmEx(h, op_b, op_a, i(p.n), i(p.m), i(p.k), &alpha, b, type, i(p.ldb), a, type, i(p.lda),
                              &beta, y, type, i(p.ldy), compute, CUBLAS_GEMM_DEFAULT));
  } else {
    MRT_CUDA_TRY(cublasGemmStridedBatchedEx(h, op_b, op_a, i(p.n), i(p.m), i(p.k), &alpha, b, type, i(p.ldb),
                                            p.stride_b, a, type, i(p.lda), p.stride_a, &beta, y, type, i(p.ldy),
                                            p.stride_y, i(p.batch), compute, CUBLAS_GEMM_DEFAULT));
  }
  return Status::Ok();
}

Status RunGemmEpilogue(const GemmProblem& p, const LaunchArgs& args) {
  if (!p.has_epilogue()) return Status::Ok();
  EpilogueApplyArgs e;
  e.dtype = p.dtype == DType::kF16 ? EpilogueDType::kF16 : EpilogueDType::kF32;
  e.y = args.outputs[0].data;
  e.numel = args.outputs[0].numel();
  if (p.bias != GemmBiasKind::kNone) {
    e.bias = args.inputs[p.bias_input].data;
    e.bias_channels = p.bias_channels();
    e.bias_inner = p.bias_inner();
    e.bias_scale = p.bias_scale;
  }
  e.residual = p.has_residual ? args.inputs[3].data : nullptr;
  e.act = p.act;
  e.post = p.post;
  MRT_CUDA_TRY(LaunchEpilogueApply(e, args.stream));
  return Status::Ok();
}

void AppendGemmCublasTactics(const NodeDesc& desc, TacticList& out) {
  Expected<GemmProblem> p = GemmProblemOf(desc);
  if (!p.ok() || !FitsCublasInts(*p)) return;
  if (p->bias != GemmBiasKind::kNone && desc.inputs[p->bias_input].dtype != p->dtype) return;
  out.push_back(std::make_unique<CublasGemmTactic>(*p, desc.math.allow_tf32));
  AppendGemmCublasLtTactics(*p, desc.math.allow_tf32, out);
}

}  // namespace mrt::gpu
