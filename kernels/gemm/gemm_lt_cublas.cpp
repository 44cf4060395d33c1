// cuBLASLt as tactics for the GemmProblems of gemm_problem.h: the heuristic's top four
// algorithms are "cublaslt_gemm_algo0".."algo3" (Setup() runs cublasLtMatmulAlgoGetHeuristic and
// refuses when it returns fewer). Operands map as in gemm_cublas.cpp (Y^T = op(B)^T op(A)^T in
// column-major terms); batched problems set the layouts' batch count and strides.
//
// cuBLASLt computes D = epi(alpha * op(A) op(B) + beta * C + bias) with C separate from D, so
// a prefix of the node's epilogue y = post(act(acc + beta_c * C) + Z) fuses into the call:
//   bias    C [N] / [1, N] with beta 1 -> CUBLASLT_EPILOGUE_BIAS; C [M, N] -> Lt's C, beta = beta_c
//   Z       when act is None and C is not taken: Lt's C = Z with beta 1
//   act     Relu -> EPILOGUE_RELU(_BIAS); Gelu -> EPILOGUE_GELU(_BIAS) for f16 only (cuBLASLt's
//           GELU is the tanh approximation, within 5e-4 of the erf form: below f16's rounding
//           of |y| > 0.5 but not below f32's, so f32 Gelu runs in the epilogue pass)
// and the rest of the epilogue (scalar / per-row bias, other activations, post) runs as the
// epilogue pass. The heuristic is asked for 16-byte aligned operands; a launch on less aligned
// pointers (e.g. a view at an odd offset) takes the cublasGemmEx path instead.
#include <array>
#include <memory>
#include <string>

#include "kernels/gemm/gemm_problem.h"
#include "kernels/gpu/cuda_check.h"

namespace mrt::gpu {

namespace {

constexpr int kLtAlgorithms = 4;
constexpr size_t kLtMaxWorkspaceBytes = size_t{32} << 20;
constexpr uint32_t kLtAlignment = 16;

template <typename Handle, cublasStatus_t (*kDestroy)(Handle)>
struct LtHandle {
  Handle h = nullptr;
  LtHandle() = default;
  LtHandle(const LtHandle&) = delete;
  LtHandle& operator=(const LtHandle&) = delete;
  ~LtHandle() {
    if (h != nullptr) kDestroy(h);
  }
};
using LtMatmulDesc = LtHandle<cublasLtMatmulDesc_t, cublasLtMatmulDescDestroy>;
using LtLayout = LtHandle<cublasLtMatrixLayout_t, cublasLtMatrixLayoutDestroy>;
using LtPreference = LtHandle<cublasLtMatmulPreference_t, cublasLtMatmulPreferenceDestroy>;

// Where Lt's C matrix comes from.
enum class LtC : uint8_t { kNone, kBiasInput, kResidual };

bool LtFusable(const ActivationSpec& a, DType dtype) {
  return a.kind == Activation::kRelu || (a.kind == Activation::kGelu && dtype == DType::kF16);
}

bool Aligned(const void* p) { return p == nullptr || reinterpret_cast<uintptr_t>(p) % kLtAlignment == 0; }

// A column-major layout of rows x cols with leading dim ld, batched when batch > 1.
Status MakeLayout(LtLayout& layout, cudaDataType_t type, int64_t rows, int64_t cols, int64_t ld, int64_t batch,
                  int64_t stride) {
  MRT_CUDA_TRY(cublasLtMatrixLayoutCreate(&layout.h, type, rows, cols, ld));
  if (batch > 1) {
    const int32_t count = static_cast<int32_t>(batch);
    MRT_CUDA_TRY(cublasLtMatrixLayoutSetAttribute(layout.h, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof(count)));
    MRT_CUDA_TRY(cublasLtMatrixLayoutSetAttribute(layout.h, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride,
                                                  sizeof(stride)));
  }
  return Status::Ok();
}

class CublasLtGemmTactic final : public Tactic {
 public:
  CublasLtGemmTactic(const GemmProblem& p, bool allow_tf32, int algo_index)
      : problem_(p), allow_tf32_(allow_tf32), algo_index_(algo_index) {
    PlanFusion();
  }

  std::string name() const override { return "cublaslt_gemm_algo" + std::to_string(algo_index_); }
  TacticFamily family() const override { return TacticFamily::kCublas; }
  size_t WorkspaceBytes() const override { return workspace_bytes_; }

  Status Setup(GpuResources& resources) override {
    MRT_RETURN_IF_ERROR(MakeDescriptors());
    LtPreference pref;
    MRT_CUDA_TRY(cublasLtMatmulPreferenceCreate(&pref.h));
    const uint64_t max_ws = kLtMaxWorkspaceBytes;
    MRT_CUDA_TRY(cublasLtMatmulPreferenceSetAttribute(pref.h, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &max_ws,
                                                      sizeof(max_ws)));
    for (auto attr : {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                      CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES})
      MRT_CUDA_TRY(cublasLtMatmulPreferenceSetAttribute(pref.h, attr, &kLtAlignment, sizeof(kLtAlignment)));
    std::array<cublasLtMatmulHeuristicResult_t, kLtAlgorithms> results{};
    int returned = 0;
    const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(resources.cublaslt, op_.h, a_.h, b_.h, c_.h, c_.h, pref.h,
                                                             kLtAlgorithms, results.data(), &returned);
    if (st == CUBLAS_STATUS_NOT_SUPPORTED)
      return Status::Refusef("cuBLASLt has no algorithm for this GEMM: {}", cublasGetStatusString(st));
    MRT_CUDA_TRY(st);
    if (returned <= algo_index_ || results[algo_index_].state != CUBLAS_STATUS_SUCCESS)
      return Status::Refusef("cuBLASLt's heuristic returned {} algorithms, not #{}", returned, algo_index_);
    algo_ = results[algo_index_].algo;
    workspace_bytes_ = results[algo_index_].workspaceSize;
    return Status::Ok();
  }

  Status Launch(const LaunchArgs& args) override {
    const void* a = args.inputs[problem_.a_input].data;
    const void* b = args.inputs[problem_.b_input].data;
    void* y = args.outputs[0].data;
    const void* bias = lt_bias_ ? args.inputs[problem_.bias_input].data : nullptr;
    const void* c = c_source_ == LtC::kBiasInput  ? args.inputs[problem_.bias_input].data
                    : c_source_ == LtC::kResidual ? args.inputs[3].data
                                                  : y;
    if (!Aligned(a) || !Aligned(b) || !Aligned(c) || !Aligned(y) || !Aligned(bias)) {
      MRT_RETURN_IF_ERROR(RunCublasGemm(problem_, allow_tf32_, args));  // the algorithm needs 16-byte alignment
      return RunGemmEpilogue(problem_, args);
    }
    if (lt_bias_)
      MRT_CUDA_TRY(cublasLtMatmulDescSetAttribute(op_.h, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
    const float alpha = problem_.alpha;
    MRT_CUDA_TRY(cublasLtMatmul(args.resources->cublaslt, op_.h, &alpha, b, a_.h, a, b_.h, &beta_, c, c_.h, y, c_.h,
                                &algo_, args.workspace, workspace_bytes_, args.stream));
    return RunGemmEpilogue(remaining_, args);
  }

 private:
  // Decides what cuBLASLt computes (see the file comment); remaining_ keeps the rest.
  void PlanFusion() {
    remaining_ = problem_;
    const GemmProblem& p = problem_;
    if (p.bias == GemmBiasKind::kPerColumn && p.bias_scale == 1.f) {
      lt_bias_ = true;
      remaining_.bias = GemmBiasKind::kNone;
    } else if (p.bias == GemmBiasKind::kFull && p.batch == 1) {
      c_source_ = LtC::kBiasInput;
      beta_ = p.bias_scale;
      remaining_.bias = GemmBiasKind::kNone;
    }
    if (remaining_.bias != GemmBiasKind::kNone) return;  // the activation must follow the bias
    if (p.has_residual && p.act.kind == Activation::kNone && c_source_ == LtC::kNone) {
      c_source_ = LtC::kResidual;  // act(acc + bias) + Z = acc + Z + bias
      beta_ = 1.f;
      remaining_.has_residual = false;
    }
    // What is left is post(act(d) + Z?): the next activation applies directly to d when it is
    // act, or post when act is None and no residual comes between.
    ActivationSpec* next = remaining_.act.kind != Activation::kNone ? &remaining_.act
                           : !remaining_.has_residual               ? &remaining_.post
                                                                    : nullptr;
    cublasLtEpilogue_t epi = lt_bias_ ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
    if (next != nullptr && LtFusable(*next, p.dtype)) {
      const bool relu = next->kind == Activation::kRelu;
      epi = lt_bias_ ? (relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_GELU_BIAS)
                     : (relu ? CUBLASLT_EPILOGUE_RELU : CUBLASLT_EPILOGUE_GELU);
      *next = ActivationSpec{};
    }
    epilogue_ = epi;
  }

  Status MakeDescriptors() {
    const GemmProblem& p = problem_;
    const cudaDataType_t type = p.dtype == DType::kF16 ? CUDA_R_16F : CUDA_R_32F;
    const cublasComputeType_t compute =
        p.dtype == DType::kF32 && allow_tf32_ ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    MRT_CUDA_TRY(cublasLtMatmulDescCreate(&op_.h, compute, CUDA_R_32F));
    const cublasOperation_t op_first = p.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;  // Lt's A is our B
    const cublasOperation_t op_second = p.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    MRT_CUDA_TRY(cublasLtMatmulDescSetAttribute(op_.h, CUBLASLT_MATMUL_DESC_TRANSA, &op_first, sizeof(op_first)));
    MRT_CUDA_TRY(cublasLtMatmulDescSetAttribute(op_.h, CUBLASLT_MATMUL_DESC_TRANSB, &op_second, sizeof(op_second)));
    MRT_CUDA_TRY(cublasLtMatmulDescSetAttribute(op_.h, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue_, sizeof(epilogue_)));
    // Lt's A = our B stored column-major as [N, K] (or [K, N] transposed); Lt's B = our A.
    MRT_RETURN_IF_ERROR(MakeLayout(a_, type, p.trans_b ? p.k : p.n, p.trans_b ? p.n : p.k, p.ldb, p.batch, p.stride_b));
    MRT_RETURN_IF_ERROR(MakeLayout(b_, type, p.trans_a ? p.m : p.k, p.trans_a ? p.k : p.m, p.lda, p.batch, p.stride_a));
    return MakeLayout(c_, type, p.n, p.m, p.ldy, p.batch, p.stride_y);
  }

  GemmProblem problem_, remaining_;
  bool allow_tf32_ = true;
  int algo_index_ = 0;
  bool lt_bias_ = false;
  LtC c_source_ = LtC::kNone;
  float beta_ = 0.f;
  cublasLtEpilogue_t epilogue_ = CUBLASLT_EPILOGUE_DEFAULT;
  LtMatmulDesc op_;
  LtLayout a_, b_, c_;  // c_ describes C and D alike
  cublasLtMatmulAlgo_t algo_{};
  size_t workspace_bytes_ = 0;
};

}  // namespace

void AppendGemmCublasLtTactics(const GemmProblem& p, bool allow_tf32, TacticList& out) {
  for (int i = 0; i < kLtAlgorithms; ++i) out.push_back(std::make_unique<CublasLtGemmTactic>(p, allow_tf32, i));
}

}  // namespace mrt::gpu
