// Tactics of the tensor-core implicit-GEMM convolution (conv_igemm_tc.cu): one tactic per tile
// configuration of kTcTileConfigs, named "conv_igemm_tc_<f16|tf32>_<BM>x<BN>x<BK>_s<stages>[_pf]"
// (_pf: the main loop that prefetches the next tile's fragments, gemm_tile_core.cuh). Tiles much
// larger than the GEMM (M = N*OH*OW, N = K, both rounded up to 64) are not offered.
//
// Offered for a 2-D Conv / FusedConv with channels_last = 1 (NHWC X, Y, Z), group 1, any kernel
// size, stride, padding (also asymmetric) and dilation, when
//   - the dtype is f16 (f16 MMAs), or f32 with TF32 allowed (TF32 MMAs; --no-tf32 gets none), and
//   - C is a multiple of 8 (f16) or 4 (f32): each 16-byte chunk the kernel gathers is 8 or 4
//     channels of one tap. Other C (the RGB stem, C = 3) get no tactic here: the direct and cuDNN
//     convolutions cover them.
// W [K, C, R, S] is packed once into [K, R, S, C] (the K-contiguous B operand of the GEMM);
// B [K] and Z are read as the graph holds them, in the fused epilogue.
#include <fmt/format.h>

#include <cstring>

#include "kernels/conv/conv_igemm_launch.h"
#include "kernels/gpu/conv_problem.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

bool Aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// [K, C, R, S] -> [K, R, S, C], element bytes copied unchanged.
Tensor PackKRSC(const Tensor& w) {
  const int64_t k = w.sizes()[0], c = w.sizes()[1], r = w.sizes()[2], s = w.sizes()[3];
  const size_t bytes = DTypeSize(w.dtype());
  Tensor packed(w.dtype(), {k, r, s, c});
  const auto* src = static_cast<const uint8_t*>(w.raw());
  auto* dst = static_cast<uint8_t*>(packed.raw());
  for (int64_t ki = 0; ki < k; ++ki)
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t ri = 0; ri < r; ++ri)
        for (int64_t si = 0; si < s; ++si) {
          const int64_t from = ((ki * c + ci) * r + ri) * s + si, to = ((ki * r + ri) * s + si) * c + ci;
          std::memcpy(dst + to * bytes, src + from * bytes, bytes);
        }
  return packed;
}

class ConvIgemmTcTactic final : public Tactic {
 public:
  ConvIgemmTcTactic(const ConvProblem& p, int config, TcMath math) : p_(p), config_(config), math_(math) {}

  std::string name() const override {
    const TcTileConfig& c = kTcTileConfigs[config_];
    return fmt::format("conv_igemm_tc_{}_{}x{}x{}_s{}{}", math_ == TcMath::kF16 ? "f16" : "tf32", c.block_m, c.block_n,
                       TcBlockK(c, math_), c.stages, c.prefetch ? "_pf" : "");
  }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

  std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const override {
    std::vector<PackedWeight> packed;
    packed.push_back({1, PackKRSC(*desc.inputs[1].constant)});
    return packed;
  }

  Status Setup(GpuResources&) override {
    MRT_CUDA_TRY(PrepareConvIgemm(config_, math_));
    return Status::Ok();
  }

  Status Launch(const LaunchArgs& args) override {
    ConvIgemmParams q;
    q.x = args.inputs[0].data;
    q.w = args.inputs[1].data;
    q.y = args.outputs[0].data;
    q.n = static_cast<int>(p_.n), q.h = static_cast<int>(p_.h), q.w_in = static_cast<int>(p_.w);
    q.c = static_cast<int>(p_.c), q.k = static_cast<int>(p_.k);
    q.r = static_cast<int>(p_.r), q.s = static_cast<int>(p_.s);
    q.oh = static_cast<int>(p_.oh), q.ow = static_cast<int>(p_.ow);
    q.stride_h = static_cast<int>(p_.stride_h), q.stride_w = static_cast<int>(p_.stride_w);
    q.pad_h = static_cast<int>(p_.pad_h), q.pad_w = static_cast<int>(p_.pad_w);
    q.dil_h = static_cast<int>(p_.dil_h), q.dil_w = static_cast<int>(p_.dil_w);
    if (p_.has_bias) {
      q.epi.c = args.inputs[2].data;
      q.epi.c_col_stride = 1;
    }
    if (p_.has_residual) q.epi.residual = args.inputs[3].data;
    q.epi.act = p_.act;
    q.epi.post = p_.post;
    if (!Aligned16(q.x) || !Aligned16(q.w) || !Aligned16(q.y) || !Aligned16(q.epi.residual))
      return Status::Refusef("{}: X, W, Y and Z must be 16-byte aligned", name());
    MRT_CUDA_TRY(LaunchConvIgemm(config_, math_, q, args.stream));
    return Status::Ok();
  }

 private:
  ConvProblem p_;
  int config_;
  TcMath math_;
};

constexpr int64_t kInt32Limit = (int64_t{1} << 31) - 1;

int64_t RoundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// A tile much larger than the problem only adds idle MMAs: offer the tiles up to the problem's
// size rounded to 64 (the builder times the rest).
bool TileFits(const TcTileConfig& c, int64_t m, int64_t n) {
  return c.block_m <= std::max<int64_t>(64, RoundUp(m, 64)) && c.block_n <= std::max<int64_t>(64, RoundUp(n, 64));
}

// Whether the kernel handles the node exactly (beyond what ConvProblemOf checked).
bool Supported(const NodeDesc& desc, const ConvProblem& p, TcMath math) {
  if (!p.channels_last || p.group != 1 || p.c % TcElemsPerChunk(math) != 0) return false;
  const std::vector<int64_t> y_sizes{p.n, p.oh, p.ow, p.k};
  if (desc.outputs[0].sizes != y_sizes || desc.inputs[1].sizes[1] != p.c) return false;
  if (p.has_bias && (desc.inputs[2].dtype != p.dtype || desc.inputs[2].numel() != p.k)) return false;
  if (p.has_residual && (desc.inputs[3].dtype != p.dtype || desc.inputs[3].sizes != y_sizes)) return false;
  // 32-bit index arithmetic inside the kernel.
  return desc.inputs[0].numel() <= kInt32Limit && desc.outputs[0].numel() <= kInt32Limit &&
         p.n * p.h * p.w <= kInt32Limit && p.k * p.r * p.s * p.c <= kInt32Limit && p.n * p.oh * p.ow > 0 && p.k > 0;
}

}  // namespace

void AppendConvImplicitGemmTactics(const NodeDesc& desc, TacticList& out) {
  auto problem = ConvProblemOf(desc);
  if (!problem.ok()) return;
  const ConvProblem& p = *problem;
  TcMath math;
  if (p.dtype == DType::kF16) {
    math = TcMath::kF16;
  } else if (p.dtype == DType::kF32 && desc.math.allow_tf32) {
    math = TcMath::kTf32;
  } else {
    return;
  }
  if (!Supported(desc, p, math)) return;
  for (int config = 0; config < kNumTcTileConfigs; ++config)
    if (TileFits(kTcTileConfigs[config], p.n * p.oh * p.ow, p.k))
      out.push_back(std::make_unique<ConvIgemmTcTactic>(p, config, math));
}

}  // namespace mrt::gpu
