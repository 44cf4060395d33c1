// The pooling tactic provider: MaxPool (without the Indices output), AveragePool (either
// count_include_pad), GlobalAveragePool and GlobalMaxPool in f32 and f16, NCHW (1-3 spatial dims)
// and channels_last = 1 NHWC (2 spatial dims). The window (kernel, strides, pads, dilations,
// ceil_mode, auto_pad) is resolved here with ResolveWindow, the function shape inference and the
// reference use, so the three agree on every output size and padding split; the kernels get the
// explicit numbers (pool_launch.h).
//
// Tactics (the builder times them and keeps the fastest):
//   pool_{max|avg}_nchw_<dt>                   one thread per output (any window)
//   pool_max_nchw_s1_tiled_<w>x<h>_<dt>        stride-1 2-D MaxPool through shared memory (SPPF)
//   pool_{max|avg}_nhwc_{vec<V>|scalar}_<dt>   NHWC, a thread per pixel and channel group: 16 bytes
//                                              (vec4 f32, vec8 f16) and narrower (vec2 f16, scalar)
//   global_pool_{avg|max}_nchw_{warp|block}_<dt>, global_pool_{avg|max}_nhwc_{vec<V>|scalar}_<dt>
#include <optional>
#include <string>
#include <vector>

#include "ir/shape_inference/infer_nn_window.h"
#include "kernels/conv/im2col.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"
#include "kernels/pool/pool_launch.h"

namespace mrt::gpu {

namespace {

using pool::ElemType;
using pool::PoolGeometry;
using pool::PoolKind;

constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;  // the kernels index with int
constexpr int kMaxSharedBytes = 48 * 1024;

// A pooling node the kernels can run, resolved from its NodeDesc.
struct PoolNode {
  bool global = false;
  bool is_max = false;
  bool channels_last = false;
  PoolKind kind = PoolKind::kMax;
  ElemType type = ElemType::kF32;
  std::string dtype_name;
  int spatial_rank = 0;
  PoolGeometry g;
};

// Channels per thread of the global NHWC kernel: 16 bytes of channels when C divides into them.
int NhwcVectorWidth(const PoolNode& p) {
  const int v = p.type == ElemType::kF16 ? 8 : 4;
  return p.g.channels % v == 0 ? v : 1;
}

// The channel-group widths the windowed NHWC kernel is offered with: 16 bytes when C allows, and
// a narrower group with more threads (f16 pairs when C is even, else single channels) for small
// images, where 16-byte groups give too few threads to fill the GPU.
std::vector<int> NhwcWindowVectorWidths(const PoolNode& p) {
  std::vector<int> widths;
  const int widest = NhwcVectorWidth(p);
  if (widest > 1) widths.push_back(widest);
  widths.push_back(p.type == ElemType::kF16 && p.g.channels % 2 == 0 ? 2 : 1);
  return widths;
}

std::string VectorTag(int width) { return width > 1 ? "vec" + std::to_string(width) : "scalar"; }

// The common checks: op, dtypes, a single output, sizes the kernels can index, the layout.
std::optional<PoolNode> CheckPoolNodeBasics(const NodeDesc& desc) {
  const OpKind op = desc.op();
  if (op != OpKind::kMaxPool && op != OpKind::kAveragePool && op != OpKind::kGlobalAveragePool &&
      op != OpKind::kGlobalMaxPool)
    return std::nullopt;
  if (desc.inputs.empty() || desc.outputs.empty() || !desc.inputs[0].present()) return std::nullopt;
  for (size_t i = 1; i < desc.outputs.size(); ++i)
    if (desc.outputs[i].present()) return std::nullopt;  // MaxPool's Indices: the CPU fallback
  const TensorDesc &x = desc.inputs[0], &y = desc.outputs[0];
  if ((x.dtype != DType::kF32 && x.dtype != DType::kF16) || y.dtype != x.dtype) return std::nullopt;
  if (x.numel() <= 0 || y.numel() <= 0 || x.numel() > kMaxElements || y.numel() > kMaxElements) return std::nullopt;
  const int64_t channels_last = desc.attrs().GetInt("channels_last", 0);
  if (channels_last != 0 && channels_last != 1) return std::nullopt;
  if (x.sizes.size() < 3 || (channels_last == 1 && x.sizes.size() != 4)) return std::nullopt;
  PoolNode p;
  p.global = op == OpKind::kGlobalAveragePool || op == OpKind::kGlobalMaxPool;
  p.is_max = op == OpKind::kMaxPool || op == OpKind::kGlobalMaxPool;
  p.channels_last = channels_last == 1;
  p.type = x.dtype == DType::kF16 ? ElemType::kF16 : ElemType::kF32;
  p.dtype_name = std::string(DTypeName(x.dtype));
  p.spatial_rank = static_cast<int>(x.sizes.size()) - 2;
  p.g.batch = static_cast<int>(x.sizes[0]);
  p.g.channels = static_cast<int>(p.channels_last ? x.sizes[3] : x.sizes[1]);
  p.g.planes = p.g.batch * p.g.channels;
  return p;
}

// Copies the resolved window into the kernels' 3-D geometry (leading dims of size 1).
bool FillWindow(const NodeDesc& desc, PoolNode& p) {
  const std::vector<int64_t>& xs = desc.inputs[0].sizes;
  const std::vector<int64_t> spatial =
      p.channels_last ? std::vector<int64_t>{xs[1], xs[2]} : std::vector<int64_t>(xs.begin() + 2, xs.end());
  if (!desc.attrs().has("kernel_shape") || spatial.size() > 3) return false;
  auto geometry = ResolveWindow(WindowKind::kPool, desc.attrs(), spatial, desc.attrs().GetInts("kernel_shape"));
  if (!geometry.ok()) return false;
  auto w = nn::ToWindow3d(*geometry);
  if (!w.ok()) return false;
  for (int d = 0; d < 3; ++d) {
    p.g.in[d] = static_cast<int>(w->in[d]);
    p.g.out[d] = static_cast<int>(w->out[d]);
    p.g.kernel[d] = static_cast<int>(w->kernel[d]);
    p.g.stride[d] = static_cast<int>(w->stride[d]);
    p.g.dilation[d] = static_cast<int>(w->dilation[d]);
    p.g.pad_begin[d] = static_cast<int>(w->pad_begin[d]);
    p.g.pad_end[d] = static_cast<int>(w->pad_end[d]);
  }
  // The graph's output must be exactly what these kernels write.
  std::vector<int64_t> expected = {xs[0]};
  if (!p.channels_last) expected.push_back(xs[1]);
  for (size_t d = 0; d < spatial.size(); ++d) expected.push_back(geometry->output[d]);
  if (p.channels_last) expected.push_back(xs[3]);
  return expected == desc.outputs[0].sizes;
}

std::optional<PoolNode> ResolvePoolNode(const NodeDesc& desc) {
  std::optional<PoolNode> p = CheckPoolNodeBasics(desc);
  if (!p) return std::nullopt;
  const std::vector<int64_t>& xs = desc.inputs[0].sizes;
  if (p->global) {
    std::vector<int64_t> expected = xs;
    for (size_t d = p->channels_last ? 1 : 2; d < xs.size() - (p->channels_last ? 1 : 0); ++d) expected[d] = 1;
    if (expected != desc.outputs[0].sizes || p->g.batch > 65535) return std::nullopt;
    return p;
  }
  if (!FillWindow(desc, *p)) return std::nullopt;
  if (desc.op() == OpKind::kMaxPool)
    p->kind = PoolKind::kMax;
  else
    p->kind = desc.attrs().GetInt("count_include_pad", 0) != 0 ? PoolKind::kAverageCountPad : PoolKind::kAverage;
  return p;
}

// ---- tactics ----

class PoolTacticBase : public Tactic {
 public:
  PoolTacticBase(PoolNode node, std::string name) : node_(std::move(node)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

 protected:
  PoolNode node_;
  std::string name_;
};

class PoolNchwDirectTactic final : public PoolTacticBase {
 public:
  explicit PoolNchwDirectTactic(const PoolNode& n)
      : PoolTacticBase(n, std::string(n.is_max ? "pool_max" : "pool_avg") + "_nchw_" + n.dtype_name) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(pool::LaunchPoolNchwDirect(node_.kind, node_.type, node_.g, args.inputs[0].data,
                                            args.outputs[0].data, args.stream));
    return Status::Ok();
  }
};

class MaxPoolStride1TiledTactic final : public PoolTacticBase {
 public:
  MaxPoolStride1TiledTactic(const PoolNode& n, int tile_w, int tile_h)
      : PoolTacticBase(n, "pool_max_nchw_s1_tiled_" + std::to_string(tile_w) + "x" + std::to_string(tile_h) + "_" +
                              n.dtype_name),
        tile_w_(tile_w),
        tile_h_(tile_h) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(pool::LaunchMaxPoolNchwStride1Tiled(node_.type, node_.g, tile_w_, tile_h_, args.inputs[0].data,
                                                     args.outputs[0].data, args.stream));
    return Status::Ok();
  }

 private:
  int tile_w_, tile_h_;
};

class PoolNhwcTactic final : public PoolTacticBase {
 public:
  PoolNhwcTactic(const PoolNode& n, int vector_width)
      : PoolTacticBase(n, std::string(n.is_max ? "pool_max" : "pool_avg") + "_nhwc_" + VectorTag(vector_width) + "_" +
                              n.dtype_name),
        vector_width_(vector_width) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(pool::LaunchPoolNhwc(node_.kind, node_.type, node_.g, vector_width_, args.inputs[0].data,
                                      args.outputs[0].data, args.stream));
    return Status::Ok();
  }

 private:
  int vector_width_;
};

class GlobalPoolNchwTactic final : public PoolTacticBase {
 public:
  GlobalPoolNchwTactic(const PoolNode& n, int64_t inner, bool warp_per_plane)
      : PoolTacticBase(n, std::string(n.is_max ? "global_pool_max" : "global_pool_avg") + "_nchw_" +
                              (warp_per_plane ? "warp" : "block") + "_" + n.dtype_name),
        inner_(static_cast<int>(inner)),
        warp_per_plane_(warp_per_plane) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(pool::LaunchGlobalPoolNchw(node_.is_max, node_.type, node_.g.planes, inner_, warp_per_plane_,
                                            args.inputs[0].data, args.outputs[0].data, args.stream));
    return Status::Ok();
  }

 private:
  int inner_;
  bool warp_per_plane_;
};

class GlobalPoolNhwcTactic final : public PoolTacticBase {
 public:
  GlobalPoolNhwcTactic(const PoolNode& n, int64_t pixels)
      : PoolTacticBase(n, std::string(n.is_max ? "global_pool_max" : "global_pool_avg") + "_nhwc_" +
                              VectorTag(NhwcVectorWidth(n)) + "_" + n.dtype_name),
        pixels_(static_cast<int>(pixels)) {}
  Status Launch(const LaunchArgs& args) override {
    MRT_CUDA_TRY(pool::LaunchGlobalPoolNhwc(node_.is_max, node_.type, node_.g.batch, pixels_, node_.g.channels,
                                            NhwcVectorWidth(node_), args.inputs[0].data, args.outputs[0].data,
                                            args.stream));
    return Status::Ok();
  }

 private:
  int pixels_;
};

// SPPF-style MaxPool: 2-D, stride 1, dilation 1, every window holding a real tap.
bool TiledStride1Applies(const PoolNode& p) {
  if (!p.is_max || p.channels_last || p.spatial_rank != 2) return false;
  for (int d = 1; d < 3; ++d)
    if (p.g.stride[d] != 1 || p.g.dilation[d] != 1 || p.g.pad_begin[d] >= p.g.kernel[d] ||
        p.g.pad_end[d] >= p.g.kernel[d] || p.g.kernel[d] > 15)
      return false;
  return true;
}

void AppendGlobalPoolTactics(const NodeDesc& desc, const PoolNode& p, TacticList& out) {
  const std::vector<int64_t>& xs = desc.inputs[0].sizes;
  if (p.channels_last) {
    out.push_back(std::make_unique<GlobalPoolNhwcTactic>(p, xs[1] * xs[2]));
    return;
  }
  const int64_t inner = desc.inputs[0].numel() / (xs[0] * xs[1]);
  out.push_back(std::make_unique<GlobalPoolNchwTactic>(p, inner, /*warp_per_plane=*/true));
  out.push_back(std::make_unique<GlobalPoolNchwTactic>(p, inner, /*warp_per_plane=*/false));
}

}  // namespace

void AppendPoolTactics(const NodeDesc& desc, TacticList& out) {
  const std::optional<PoolNode> p = ResolvePoolNode(desc);
  if (!p) return;
  if (p->global) {
    AppendGlobalPoolTactics(desc, *p, out);
    return;
  }
  if (p->channels_last) {
    for (int width : NhwcWindowVectorWidths(*p)) out.push_back(std::make_unique<PoolNhwcTactic>(*p, width));
    return;
  }
  out.push_back(std::make_unique<PoolNchwDirectTactic>(*p));
  if (TiledStride1Applies(*p)) {
    for (const auto& [w, h] : {std::pair{32, 8}, std::pair{16, 16}})
      if (pool::MaxPoolStride1TiledSharedBytes(p->g, w, h) <= kMaxSharedBytes)
        out.push_back(std::make_unique<MaxPoolStride1TiledTactic>(*p, w, h));
  }
}

}  // namespace mrt::gpu
