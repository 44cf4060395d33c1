// GemmProblemOf: Gemm / FusedGemm / MatMul / pointwise Conv nodes as one row-major strided-batched
// GEMM plus epilogue (gemm_problem.h states the mapping and the math).
#include "kernels/gemm/gemm_problem.h"

#include <algorithm>

#include "kernels/gpu/conv_problem.h"

namespace mrt::gpu {

int64_t GemmProblem::bias_channels() const {
  switch (bias) {
    case GemmBiasKind::kPerColumn: return n;
    case GemmBiasKind::kPerRow: return m;
    case GemmBiasKind::kFull: return m * n;
    default: return 1;
  }
}

int64_t GemmProblem::bias_inner() const { return bias == GemmBiasKind::kPerRow ? n : 1; }

namespace {

bool IsGemmFloat(DType t) { return t == DType::kF32 || t == DType::kF16; }

// Gemm's C broadcast to [M, N]: which form it is, or an error for a shape Gemm cannot broadcast.
Expected<GemmBiasKind> ClassifyC(const std::vector<int64_t>& c, int64_t m, int64_t n) {
  if (Numel(c) == 1) return GemmBiasKind::kScalar;
  if (c.size() == 1 && c[0] == n) return GemmBiasKind::kPerColumn;
  if (c.size() == 2 && c[0] == 1 && c[1] == n) return GemmBiasKind::kPerColumn;
  if (c.size() == 2 && c[0] == m && c[1] == 1) return GemmBiasKind::kPerRow;
  if (c.size() == 2 && c[0] == m && c[1] == n) return GemmBiasKind::kFull;
  return Status::Error("C cannot be broadcast to [M, N]");
}

Expected<GemmProblem> GemmOf(const NodeDesc& desc) {
  GemmProblem p;
  std::vector<int64_t> a = desc.inputs[0].sizes;
  const std::vector<int64_t>& b = desc.inputs[1].sizes;
  if (desc.op() == OpKind::kFusedGemm && desc.attrs().GetInt("flatten_a", 0) != 0 && a.size() >= 2)
    a = {a[0], Numel(std::vector<int64_t>(a.begin() + 1, a.end()))};
  if (a.size() != 2 || b.size() != 2) return Status::Error("A and B must be 2-D");
  p.trans_a = desc.attrs().GetInt("transA", 0) != 0;
  p.trans_b = desc.attrs().GetInt("transB", 0) != 0;
  p.m = p.trans_a ? a[1] : a[0];
  p.k = p.trans_a ? a[0] : a[1];
  p.n = p.trans_b ? b[0] : b[1];
  p.lda = a[1];
  p.ldb = b[1];
  p.ldy = p.n;
  p.alpha = desc.attrs().GetFloat("alpha", 1.f);
  const float beta = desc.attrs().GetFloat("beta", 1.f);
  if (desc.has_input(2) && beta != 0.f) {
    if (desc.inputs[2].dtype != desc.inputs[0].dtype) return Status::Error("C has another dtype");
    MRT_ASSIGN_OR_RETURN(p.bias, ClassifyC(desc.inputs[2].sizes, p.m, p.n));
    p.bias_input = 2;
    p.bias_scale = beta;
    p.bias_is_constant = desc.inputs[2].constant != nullptr;
  }
  if (desc.op() == OpKind::kFusedGemm) {
    p.act = ReadActivation(desc.attrs(), "activation");
    p.post = ReadActivation(desc.attrs(), "post_activation");
    p.has_residual = desc.has_input(3);
  }
  return p;
}

// numpy.matmul with "all or nothing" batch broadcast per operand.
Expected<GemmProblem> MatMulOf(const NodeDesc& desc) {
  std::vector<int64_t> a = desc.inputs[0].sizes, b = desc.inputs[1].sizes;
  if (a.empty() || b.empty()) return Status::Error("MatMul operands must have rank >= 1");
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  GemmProblem p;
  p.m = a[a.size() - 2];
  p.k = a.back();
  p.n = b.back();
  p.lda = p.k;
  p.ldb = p.n;
  p.ldy = p.n;
  const int64_t a_batches = Numel(std::vector<int64_t>(a.begin(), a.end() - 2));
  const int64_t b_batches = Numel(std::vector<int64_t>(b.begin(), b.end() - 2));
  const int64_t batches = Numel(desc.outputs[0].sizes) / std::max<int64_t>(1, p.m * p.n);
  if ((a_batches != batches && a_batches != 1) || (b_batches != batches && b_batches != 1))
    return Status::Error("batch dims broadcast partially: not a strided-batched GEMM");
  if (b_batches == 1) {  // one B for every batch: the batches of A stack into M
    p.m *= batches;
    if (a_batches != batches) return Status::Error("A broadcast over batches of a shared B");
    return p;
  }
  p.batch = batches;
  p.stride_a = a_batches == 1 ? 0 : p.m * p.k;
  p.stride_b = p.k * p.n;
  p.stride_y = p.m * p.n;
  return p;
}

// A 1x1, stride-1, unpadded, ungrouped 2-D convolution (see gemm_problem.h for the two layouts),
// read through the conv family's own resolver.
Expected<GemmProblem> PointwiseConvOf(const NodeDesc& desc) {
  MRT_ASSIGN_OR_RETURN(ConvProblem conv, ConvProblemOf(desc));
  if (!conv.is_pointwise()) return Status::Error("not a 1x1, stride-1, unpadded conv");
  if (conv.group != 1) return Status::Error("grouped");
  const bool nhwc = conv.channels_last;
  const int64_t n = conv.n, c = conv.c, h = conv.h, w = conv.w;
  GemmProblem p;
  p.from_conv = true;
  p.conv_channels_last = nhwc;
  p.k = c;
  const bool has_bias = conv.has_bias;
  if (nhwc) {  // Y[NHW, K] = X[NHW, C] x W[K, C]^T
    p.m = n * h * w;
    p.n = conv.k;
    p.lda = c;
    p.ldb = c;
    p.ldy = p.n;
    p.trans_b = true;
    p.bias = has_bias ? GemmBiasKind::kPerColumn : GemmBiasKind::kNone;
  } else {  // Y_n[K, HW] = W[K, C] x X_n[C, HW]
    p.m = conv.k;
    p.n = h * w;
    p.a_input = 1;
    p.b_input = 0;
    p.lda = c;
    p.ldb = p.n;
    p.ldy = p.n;
    p.batch = n;
    p.stride_a = 0;
    p.stride_b = c * p.n;
    p.stride_y = p.m * p.n;
    p.bias = has_bias ? GemmBiasKind::kPerRow : GemmBiasKind::kNone;
  }
  if (has_bias) {
    if (desc.inputs[2].numel() != conv.k) return Status::Error("B does not match W");
    p.bias_input = 2;
    p.bias_is_constant = desc.inputs[2].constant != nullptr;
  }
  p.act = conv.act;
  p.post = conv.post;
  p.has_residual = conv.has_residual;
  return p;
}

}  // namespace

Expected<GemmProblem> GemmProblemOf(const NodeDesc& desc) {
  const OpKind op = desc.op();
  if (op != OpKind::kGemm && op != OpKind::kFusedGemm && op != OpKind::kMatMul && op != OpKind::kConv &&
      op != OpKind::kFusedConv)
    return Status::Error("not a GEMM-shaped op");
  if (desc.inputs.size() < 2 || !desc.has_input(0) || !desc.has_input(1)) return Status::Error("missing operands");
  const DType dtype = desc.inputs[0].dtype;
  if (!IsGemmFloat(dtype) || desc.inputs[1].dtype != dtype || desc.outputs[0].dtype != dtype)
    return Status::Error("only f32 / f16 GEMMs with one dtype");
  Expected<GemmProblem> p = op == OpKind::kMatMul                           ? MatMulOf(desc)
                            : (op == OpKind::kGemm || op == OpKind::kFusedGemm) ? GemmOf(desc)
                                                                                : PointwiseConvOf(desc);
  if (!p.ok()) return p;
  p->dtype = dtype;
  if (p->has_residual && (desc.inputs[3].dtype != dtype || desc.inputs[3].numel() != desc.outputs[0].numel()))
    return Status::Error("residual Z does not match the output");
  if (p->m <= 0 || p->n <= 0 || p->k <= 0 || p->batch <= 0) return Status::Error("empty GEMM");
  return p;
}

}  // namespace mrt::gpu
