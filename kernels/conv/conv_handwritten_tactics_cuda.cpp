// The hand-written convolution tactics (AppendConvHandWrittenTactics, providers.h) for 2-D Conv
// and FusedConv in f32/f16, NCHW or channels_last NHWC, with the epilogue fused:
//   conv_direct_<layout>_<dtype>_k<KPT>_<TH>x<TW>        any conv (conv_direct.cu)
//   conv_depthwise_nchw_<dtype>_<3x3|5x5|generic>_<TH>x<TW>  group == C == K (conv_depthwise.cu)
//   conv_depthwise_nhwc_<dtype>_<3x3s1|...|generic>[_w<PW>]   group == C == K
//   conv_1x1_gemm_<layout>_<f16|tf32|f32_simt>_<BM>x<BN>[_splitk<S>]  1x1, stride 1, no pad,
//                                                           group 1 (conv_pointwise_gemm.cu)
// The direct kernel is offered only where neither specialized kernel applies. Several tile
// configurations per kernel are offered where the best one depends on the shape;
// the builder times them all. A configuration is offered only when the kernel supports the node
// exactly (sizes within int32 and the grid limits, shared memory within its budget); TF32 only
// when the build allows it (MathOptions::allow_tf32).
#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/conv/conv_handwritten_launch.h"
#include "kernels/gpu/conv_problem.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

constexpr int64_t kMaxGridY = 65535;

ConvGeometry GeometryOf(const ConvProblem& p) {
  ConvGeometry g;
  g.n = int(p.n), g.c = int(p.c), g.h = int(p.h), g.w = int(p.w);
  g.k = int(p.k), g.r = int(p.r), g.s = int(p.s), g.oh = int(p.oh), g.ow = int(p.ow);
  g.stride_h = int(p.stride_h), g.stride_w = int(p.stride_w), g.pad_h = int(p.pad_h), g.pad_w = int(p.pad_w);
  g.dil_h = int(p.dil_h), g.dil_w = int(p.dil_w), g.group = int(p.group);
  g.channels_last = p.channels_last;
  g.element = p.dtype == DType::kF16 ? ConvElement::kF16 : ConvElement::kF32;
  return g;
}

std::string LayoutName(const ConvProblem& p) { return p.channels_last ? "nhwc" : "nchw"; }
std::string DtypeName(const ConvProblem& p) { return p.dtype == DType::kF16 ? "f16" : "f32"; }

// W [K, 1, R, S] (depthwise, C == K) as [R, S, C]: a tap's weights for consecutive channels are
// contiguous, so the NHWC kernel reads them as one vector.
Tensor PackDepthwiseNhwc(const Tensor& w) {
  const int64_t k = w.sizes()[0], r = w.sizes()[2], s = w.sizes()[3];
  const size_t elem = DTypeSize(w.dtype());
  Tensor packed(w.dtype(), {r, s, k});
  const auto* src = static_cast<const uint8_t*>(w.raw());
  auto* dst = static_cast<uint8_t*>(packed.raw());
  for (int64_t c = 0; c < k; ++c)
    for (int64_t tap = 0; tap < r * s; ++tap)
      std::memcpy(dst + (tap * k + c) * elem, src + (c * r * s + tap) * elem, elem);
  return packed;
}

// W [K, C, 1, 1] as Wt [C, K] (the NHWC GEMM's B operand, row-major).
Tensor PackTransposed(const Tensor& w) {
  const int64_t k = w.sizes()[0], c = w.sizes()[1];
  const size_t elem = DTypeSize(w.dtype());
  Tensor packed(w.dtype(), {c, k});
  const auto* src = static_cast<const uint8_t*>(w.raw());
  auto* dst = static_cast<uint8_t*>(packed.raw());
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < c; ++j) std::memcpy(dst + (j * k + i) * elem, src + (i * c + j) * elem, elem);
  return packed;
}

// What every hand-written conv tactic shares: the problem, its name, the launch operands.
class HandWrittenConvTactic : public Tactic {
 public:
  HandWrittenConvTactic(const ConvProblem& p, std::string name)
      : problem_(p), geometry_(GeometryOf(p)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

 protected:
  ConvOperands Operands(const LaunchArgs& args) const {
    ConvOperands op;
    op.x = args.inputs[0].data;
    op.w = args.inputs[1].data;
    op.y = args.outputs[0].data;
    if (problem_.has_bias) op.bias = args.inputs[2].data;
    if (problem_.has_residual) op.residual = args.inputs[3].data;
    op.act = problem_.act;
    op.post = problem_.post;
    op.workspace = args.workspace;
    return op;
  }

  ConvProblem problem_;
  ConvGeometry geometry_;
  std::string name_;
};

class DirectConvTactic final : public HandWrittenConvTactic {
 public:
  DirectConvTactic(const ConvProblem& p, DirectConvConfig config)
      : HandWrittenConvTactic(p, "conv_direct_" + LayoutName(p) + "_" + DtypeName(p) + "_k" +
                                     std::to_string(config.channels_per_thread) + "_" + std::to_string(config.tile_h) +
                                     "x" + std::to_string(config.tile_w)),
        config_(config) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(LaunchConvDirect(geometry_, config_, Operands(args), args.stream));
    return Status::Ok();
  }

 private:
  DirectConvConfig config_;
};

std::string WindowName(int window, int stride) {
  if (window == 0) return "generic";
  std::string name = std::to_string(window) + "x" + std::to_string(window);
  return stride > 0 ? name + "s" + std::to_string(stride) : name;
}

class DepthwiseNchwTactic final : public HandWrittenConvTactic {
 public:
  DepthwiseNchwTactic(const ConvProblem& p, DepthwiseNchwConfig config)
      : HandWrittenConvTactic(p, "conv_depthwise_nchw_" + DtypeName(p) + "_" + WindowName(config.window, 0) + "_" +
                                     std::to_string(config.tile_h) + "x" + std::to_string(config.tile_w)),
        config_(config) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(LaunchConvDepthwiseNchw(geometry_, config_, Operands(args), args.stream));
    return Status::Ok();
  }

 private:
  DepthwiseNchwConfig config_;
};

class DepthwiseNhwcTactic final : public HandWrittenConvTactic {
 public:
  DepthwiseNhwcTactic(const ConvProblem& p, DepthwiseNhwcConfig config)
      : HandWrittenConvTactic(p, "conv_depthwise_nhwc_" + DtypeName(p) + "_" +
                                     WindowName(config.window, config.stride) +
                                     (config.window == 0 ? "" : "_w" + std::to_string(config.pixels_per_thread))),
        config_(config) {}
  std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const override {
    return {PackedWeight{1, PackDepthwiseNhwc(*desc.inputs[1].constant)}};
  }
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(LaunchConvDepthwiseNhwc(geometry_, config_, Operands(args), args.stream));
    return Status::Ok();
  }

 private:
  DepthwiseNhwcConfig config_;
};

std::string GemmMathName(const ConvProblem& p, GemmMath math) {
  if (math == GemmMath::kSimt) return "f32_simt";
  return p.dtype == DType::kF16 ? "f16" : "tf32";
}

class PointwiseGemmTactic final : public HandWrittenConvTactic {
 public:
  PointwiseGemmTactic(const ConvProblem& p, PointwiseGemmConfig config)
      : HandWrittenConvTactic(p, "conv_1x1_gemm_" + LayoutName(p) + "_" + GemmMathName(p, config.math) + "_" +
                                     std::to_string(config.block_m) + "x" + std::to_string(config.block_n) +
                                     (config.splits > 1 ? "_splitk" + std::to_string(config.splits) : "")),
        config_(config) {}
  size_t WorkspaceBytes() const override { return PointwiseGemmWorkspaceBytes(geometry_, config_); }
  std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const override {
    if (!problem_.channels_last) return {};  // NCHW multiplies W [K, C] as the graph holds it
    return {PackedWeight{1, PackTransposed(*desc.inputs[1].constant)}};
  }
  Status Setup(GpuResources&) override {
    MRT_CUDA_TRY(PrepareConvPointwiseGemm(geometry_, config_));
    return Status::Ok();
  }
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(LaunchConvPointwiseGemm(geometry_, config_, Operands(args), args.stream));
    return Status::Ok();
  }

 private:
  PointwiseGemmConfig config_;
};

// ---- which tactics fit the node ----

// Bias [K] and residual (Y's sizes) of the node's dtype, every size non-zero and within int32.
bool SupportedByHandWritten(const NodeDesc& desc, const ConvProblem& p) {
  const TensorDesc& y = desc.outputs[0];
  if (p.has_bias && (desc.inputs[2].dtype != p.dtype || desc.inputs[2].sizes != std::vector<int64_t>{p.k}))
    return false;
  if (p.has_residual && (desc.inputs[3].dtype != p.dtype || desc.inputs[3].sizes != y.sizes)) return false;
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  for (const TensorDesc* t : {&desc.inputs[0], &desc.inputs[1], &y})
    if (t->numel() <= 0 || t->numel() > kMax) return false;
  return p.oh > 0 && p.ow > 0;
}

void AppendDirect(const ConvProblem& p, TacticList& out) {
  const ConvGeometry g = GeometryOf(p);
  const int64_t kpg = p.k_per_group();
  if (p.n * p.group > kMaxGridY) return;
  const DirectConvConfig configs[] = {{4, 8, 32}, {8, 8, 16}, {16, 8, 16}, {8, 4, 8}, {16, 4, 16}};
  for (const DirectConvConfig& c : configs) {
    if (c.channels_per_thread > 4 && c.channels_per_thread / 2 >= kpg) continue;  // mostly idle channels
    if ((kpg + c.channels_per_thread - 1) / c.channels_per_thread > kMaxGridY) continue;
    if (DirectConvChunkChannels(g, c) <= 0) continue;
    out.push_back(std::make_unique<DirectConvTactic>(p, c));
  }
}

void AppendDepthwise(const ConvProblem& p, TacticList& out) {
  if (!p.is_depthwise()) return;
  const ConvGeometry g = GeometryOf(p);
  const int square = p.r == p.s ? int(p.r) : 0;
  if (!p.channels_last) {
    const int window = square == 3 || square == 5 ? square : 0;
    const DepthwiseNchwConfig configs[] = {{window, 16, 32, 2}, {window, 8, 32, 1}, {window, 8, 8, 1}};
    for (const DepthwiseNchwConfig& c : configs) {
      const int64_t tiles = ((p.oh + c.tile_h - 1) / c.tile_h) * ((p.ow + c.tile_w - 1) / c.tile_w);
      if (tiles > kMaxGridY || DepthwiseNchwSharedBytes(g, c) > 48 * 1024) continue;
      out.push_back(std::make_unique<DepthwiseNchwTactic>(p, c));
    }
    return;
  }
  const bool fast = (square == 3 || square == 5) && p.stride_h == p.stride_w && (p.stride_h == 1 || p.stride_h == 2) &&
                    p.dil_h == 1 && p.dil_w == 1;
  if (!fast) {
    out.push_back(std::make_unique<DepthwiseNhwcTactic>(p, DepthwiseNhwcConfig{0, 1, 1}));
    return;
  }
  const int stride = int(p.stride_h);
  for (int pixels : stride == 1 ? std::vector<int>{1, 2, 4} : std::vector<int>{1, 2})
    out.push_back(std::make_unique<DepthwiseNhwcTactic>(p, DepthwiseNhwcConfig{square, stride, pixels}));
}

void AppendPointwiseGemm(const NodeDesc& desc, const ConvProblem& p, TacticList& out) {
  if (!p.is_pointwise() || p.group != 1) return;
  const int64_t m = p.channels_last ? p.n * p.h * p.w : p.k;
  const int64_t n = p.channels_last ? p.k : p.h * p.w;
  const int64_t batch = p.channels_last ? 1 : p.n;
  if (batch > kMaxGridY) return;
  auto offer = [&](GemmMath math, int bm, int bn, int splits) {
    if ((n + bn - 1) / bn > kMaxGridY || (m + bm - 1) / bm > std::numeric_limits<int32_t>::max()) return;
    if (batch * splits > kMaxGridY) return;
    out.push_back(std::make_unique<PointwiseGemmTactic>(p, PointwiseGemmConfig{math, bm, bn, splits}));
  };
  if (p.dtype == DType::kF16 || desc.math.allow_tf32) {
    for (auto [bm, bn] : {std::pair{64, 64}, {128, 64}, {64, 128}, {128, 128}}) offer(GemmMath::kTensorCore, bm, bn, 1);
    // Split-K when 64x64 tiles leave most of the 132 SMs idle and K is long: about two blocks
    // per SM, at least 4 K tiles per split.
    const int64_t tiles = ((m + 63) / 64) * ((n + 63) / 64) * batch;
    const int64_t k_tiles = (p.c + (p.dtype == DType::kF16 ? 31 : 15)) / (p.dtype == DType::kF16 ? 32 : 16);
    const int64_t splits = std::min<int64_t>({k_tiles / 4, (264 + tiles - 1) / tiles, 32});
    if (tiles < 66 && splits >= 2) offer(GemmMath::kTensorCore, 64, 64, int(splits));
  }
  if (p.dtype == DType::kF32)
    for (auto [bm, bn] : {std::pair{64, 64}, {128, 64}, {128, 128}}) offer(GemmMath::kSimt, bm, bn, 1);
}

}  // namespace

void AppendConvHandWrittenTactics(const NodeDesc& desc, TacticList& out) {
  const Expected<ConvProblem> problem = ConvProblemOf(desc);
  if (!problem.ok() || !SupportedByHandWritten(desc, *problem)) return;
  // The direct kernel is the general fallback: a 1x1 GEMM or a depthwise kernel beats it on
  // the nodes they cover, so it is not timed there.
  const size_t before = out.size();
  AppendPointwiseGemm(desc, *problem, out);
  AppendDepthwise(*problem, out);
  if (out.size() == before) AppendDirect(*problem, out);
}

}  // namespace mrt::gpu
