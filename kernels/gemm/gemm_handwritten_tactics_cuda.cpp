// Tactics of the hand-written GEMM (gemm_tc.cu) for Gemm, FusedGemm and MatMul:
//   Y = post(act(alpha * op(A) * op(B) + beta * C) + Z)      (MatMul: alpha 1, no C, no epilogue)
//
// "gemm_tc_<f16|tf32>_<BM>x<BN>x<BK>_s<stages>[_pf]": the tensor-core kernel, one tactic per tile
// configuration of kTcTileConfigs (up to the problem's size rounded to 64). It reads A as [M, K]
// and B as [N, K]; a B stored [K, N] (Gemm transB = 0, every MatMul) is packed to [N, K] at build
// time when it is a weight, else transposed into the workspace at run time, like an A stored
// [K, M] (transA = 1). Needs K % 8 == 0 (f16) or K % 4 == 0 (f32), and TF32 allowed for f32.
// "gemm_simt_<f32|f16>_64x64": f32 FMAs on any strides (no transposes, no packing, any K): the
// strict-f32 tactic for --no-tf32, offered for every f32 node, and for f16 nodes the tensor-core
// kernel does not take.
//
// Shapes: whatever GemmProblemOf (gemm_problem.h) maps a Gemm / FusedGemm / MatMul to: C a scalar,
// [N], [1, N], [M, 1] or [M, N]; FusedGemm's flatten_a; MatMul batches shared or per-operand
// (strided-batched, grid.y = batch), a 2-D B folding A's batches into M, 1-D operands promoted.
#include <fmt/format.h>

#include <cstring>
#include <optional>

#include "kernels/gemm/gemm_problem.h"
#include "kernels/gemm/gemm_tc_launch.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

constexpr int64_t kInt32Limit = (int64_t{1} << 31) - 1;
constexpr int64_t kGridYLimit = 65535;

// Whether `p` is one this file runs: a Gemm / FusedGemm / MatMul (1x1 convs are the implicit-GEMM
// convolution's), dense Y, sizes within the kernels' 32-bit indices and grid limits, and any
// operand that has to be transposed stored densely (lda == M for op(A) = A^T, ldb == N for a
// [K, N] B, batch strides 0 or one whole matrix).
bool Handled(const GemmProblem& p) {
  if (p.from_conv || p.ldy != p.n || (p.batch > 1 && p.stride_y != p.m * p.n)) return false;
  if (p.m > kInt32Limit || p.n > kInt32Limit || p.k > kInt32Limit || p.batch > kGridYLimit) return false;
  if (p.trans_a && (p.lda != p.m || (p.stride_a != 0 && p.stride_a != p.m * p.k))) return false;
  if (!p.trans_b && (p.ldb != p.n || (p.stride_b != 0 && p.stride_b != p.k * p.n))) return false;
  return (p.m + kGemmSimtTile - 1) / kGemmSimtTile <= kGridYLimit;
}

// The bias (Gemm's beta * C) and the FusedGemm terms, as the kernels' epilogue reads them.
TileEpilogueParams EpilogueOf(const GemmProblem& p, const LaunchArgs& args) {
  TileEpilogueParams e;
  e.alpha = p.alpha;
  if (p.bias != GemmBiasKind::kNone) {
    e.c = args.inputs[p.bias_input].data;
    e.beta = p.bias_scale;
    e.c_row_stride = p.bias == GemmBiasKind::kPerRow ? 1 : p.bias == GemmBiasKind::kFull ? p.n : 0;
    e.c_col_stride = p.bias == GemmBiasKind::kPerColumn || p.bias == GemmBiasKind::kFull ? 1 : 0;
  }
  if (p.has_residual) e.residual = args.inputs[3].data;
  e.act = p.act;
  e.post = p.post;
  return e;
}

bool Aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }
size_t AlignUp256(size_t bytes) { return (bytes + 255) / 256 * 256; }

// `batches` dense [rows, cols] matrices -> [batches, cols, rows] on the host (raw element bytes).
Tensor TransposeMatrices(const Tensor& t, int64_t batches, int64_t rows, int64_t cols) {
  Tensor out(t.dtype(), batches == 1 ? std::vector<int64_t>{cols, rows} : std::vector<int64_t>{batches, cols, rows});
  const size_t bytes = DTypeSize(t.dtype());
  const auto* src = static_cast<const uint8_t*>(t.raw());
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        std::memcpy(dst + ((b * cols + c) * rows + r) * bytes, src + ((b * rows + r) * cols + c) * bytes, bytes);
  return out;
}

class GemmTcTactic final : public Tactic {
 public:
  GemmTcTactic(const GemmProblem& p, bool b_constant, int config, TcMath math)
      : p_(p), config_(config), math_(math), b_constant_(b_constant) {
    const size_t elem = DTypeSize(p.dtype);
    if (p.trans_a) a_scratch_bytes_ = AlignUp256(ABatches() * p.m * p.k * elem);
    if (TransposesB()) b_scratch_bytes_ = AlignUp256(BBatches() * p.n * p.k * elem);
  }

  std::string name() const override {
    const TcTileConfig& c = kTcTileConfigs[config_];
    return fmt::format("gemm_tc_{}_{}x{}x{}_s{}{}", math_ == TcMath::kF16 ? "f16" : "tf32", c.block_m, c.block_n,
                       TcBlockK(c, math_), c.stages, c.prefetch ? "_pf" : "");
  }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  size_t WorkspaceBytes() const override { return a_scratch_bytes_ + b_scratch_bytes_; }

  // A constant [K, N] B becomes [N, K] once, here, instead of at every launch.
  std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const override {
    std::vector<PackedWeight> packed;
    if (!p_.trans_b && desc.inputs[p_.b_input].constant != nullptr)
      packed.push_back({p_.b_input, TransposeMatrices(*desc.inputs[p_.b_input].constant, BBatches(), p_.k, p_.n)});
    return packed;
  }

  Status Setup(GpuResources&) override {
    MRT_CUDA_TRY(PrepareGemmTc(config_, math_));
    return Status::Ok();
  }

  Status Launch(const LaunchArgs& args) override {
    const int elem = static_cast<int>(DTypeSize(p_.dtype));
    const int m = static_cast<int>(p_.m), n = static_cast<int>(p_.n), k = static_cast<int>(p_.k);
    GemmTcParams q;
    q.a = args.inputs[p_.a_input].data;
    q.b = args.inputs[p_.b_input].data;
    q.lda = p_.lda;
    q.ldb = p_.ldb;
    q.batch_stride_a = p_.stride_a;
    q.batch_stride_b = p_.stride_b;
    auto* scratch = static_cast<uint8_t*>(args.workspace);
    if (p_.trans_a) {  // [K, M] -> [M, K]
      MRT_CUDA_TRY(LaunchTranspose2d(elem, q.a, scratch, static_cast<int>(ABatches()), k, m, args.stream));
      q.a = scratch;
      q.lda = k;
      q.batch_stride_a = p_.stride_a == 0 ? 0 : p_.m * p_.k;
    }
    if (!p_.trans_b) {  // [K, N] -> [N, K]: packed already when B is a weight
      if (TransposesB()) {
        void* b_scratch = scratch + a_scratch_bytes_;
        MRT_CUDA_TRY(LaunchTranspose2d(elem, q.b, b_scratch, static_cast<int>(BBatches()), k, n, args.stream));
        q.b = b_scratch;
      }
      q.ldb = k;
      q.batch_stride_b = p_.stride_b == 0 ? 0 : p_.n * p_.k;
    }
    q.y = args.outputs[0].data;
    q.m = m, q.n = n, q.k = k;
    q.batch = static_cast<int>(p_.batch);
    q.batch_stride_y = p_.stride_y;
    q.epi = EpilogueOf(p_, args);
    if (!Aligned16(q.a) || !Aligned16(q.b) || !Aligned16(q.y) || !Aligned16(q.epi.residual))
      return Status::Refusef("{}: A, B, Y and Z must be 16-byte aligned", name());
    MRT_CUDA_TRY(LaunchGemmTc(config_, math_, q, args.stream));
    return Status::Ok();
  }

 private:
  int64_t ABatches() const { return p_.stride_a == 0 ? 1 : p_.batch; }
  int64_t BBatches() const { return p_.stride_b == 0 ? 1 : p_.batch; }
  bool TransposesB() const { return !p_.trans_b && !b_constant_; }

  GemmProblem p_;
  int config_;
  TcMath math_;
  bool b_constant_ = false;
  size_t a_scratch_bytes_ = 0, b_scratch_bytes_ = 0;
};

class GemmSimtTactic final : public Tactic {
 public:
  explicit GemmSimtTactic(const GemmProblem& p) : p_(p) {}

  std::string name() const override {
    return fmt::format("gemm_simt_{}_{}x{}", p_.dtype == DType::kF16 ? "f16" : "f32", kGemmSimtTile, kGemmSimtTile);
  }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

  Status Launch(const LaunchArgs& args) override {
    GemmSimtParams q;
    q.a = args.inputs[p_.a_input].data;
    q.b = args.inputs[p_.b_input].data;
    q.y = args.outputs[0].data;
    q.m = static_cast<int>(p_.m), q.n = static_cast<int>(p_.n), q.k = static_cast<int>(p_.k);
    // A(m, k) and B^T(n, k) = op(B)(k, n) through the stored layouts.
    q.a_stride_m = p_.trans_a ? 1 : p_.lda;
    q.a_stride_k = p_.trans_a ? p_.lda : 1;
    q.b_stride_n = p_.trans_b ? p_.ldb : 1;
    q.b_stride_k = p_.trans_b ? 1 : p_.ldb;
    q.batch = static_cast<int>(p_.batch);
    q.batch_stride_a = p_.stride_a;
    q.batch_stride_b = p_.stride_b;
    q.batch_stride_y = p_.stride_y;
    q.epi = EpilogueOf(p_, args);
    MRT_CUDA_TRY(LaunchGemmSimt(p_.dtype == DType::kF16, q, args.stream));
    return Status::Ok();
  }

 private:
  GemmProblem p_;
};

int64_t RoundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// Tiles up to the problem's size rounded to 64 (a larger tile only adds idle MMAs).
bool TileFits(const TcTileConfig& c, int64_t m, int64_t n) {
  return c.block_m <= std::max<int64_t>(64, RoundUp(m, 64)) && c.block_n <= std::max<int64_t>(64, RoundUp(n, 64));
}

std::optional<TcMath> TensorCoreMath(const GemmProblem& p, const MathOptions& math) {
  if (p.dtype == DType::kF16) return TcMath::kF16;
  if (p.dtype == DType::kF32 && math.allow_tf32) return TcMath::kTf32;
  return std::nullopt;
}

}  // namespace

void AppendGemmHandWrittenTactics(const NodeDesc& desc, TacticList& out) {
  auto problem = GemmProblemOf(desc);
  if (!problem.ok() || !Handled(*problem)) return;
  const GemmProblem& p = *problem;
  const std::optional<TcMath> math = TensorCoreMath(p, desc.math);
  bool tensor_cores = false;
  if (math) {
    // Whole 16-byte chunks along K in every row read in place; transposes run K / 32 blocks in grid.y.
    const int64_t chunk = TcElemsPerChunk(*math);
    tensor_cores = p.k % chunk == 0 && (p.trans_a || (p.lda % chunk == 0 && p.stride_a % chunk == 0)) &&
                   (!p.trans_b || (p.ldb % chunk == 0 && p.stride_b % chunk == 0)) &&
                   ((!p.trans_a && p.trans_b) || p.k <= kGridYLimit * 32);
  }
  if (tensor_cores) {
    const bool b_constant = desc.inputs[p.b_input].constant != nullptr;
    for (int config = 0; config < kNumTcTileConfigs; ++config)
      if (TileFits(kTcTileConfigs[config], p.m, p.n))
        out.push_back(std::make_unique<GemmTcTactic>(p, b_constant, config, *math));
  }
  if (p.dtype == DType::kF32 || !tensor_cores) out.push_back(std::make_unique<GemmSimtTactic>(p));
}

}  // namespace mrt::gpu
