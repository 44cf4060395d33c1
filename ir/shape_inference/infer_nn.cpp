// Shape inference for the neural-network ops: convolution, matrix multiply, normalization and
// pooling. Spatial output sizes come from ResolveWindow / ResolveTransposedWindow
// (infer_nn_window.h), which the reference kernels use too.
#include <algorithm>
#include <array>
#include <initializer_list>

#include "ir/shape_inference/infer_fns.h"
#include "ir/shape_inference/infer_nn_window.h"

namespace mrt::infer {

namespace {

constexpr std::initializer_list<DType> kFloatTypes = {DType::kF32, DType::kF16, DType::kBF16, DType::kF64};

Status CheckDType(const InferContext& c, size_t i, std::initializer_list<DType> allowed) {
  if (std::find(allowed.begin(), allowed.end(), c.dtype(i)) != allowed.end()) return Status::Ok();
  std::vector<std::string_view> names;
  for (DType t : allowed) names.push_back(DTypeName(t));
  return c.Error("input {} has dtype {}; expected one of {}", i, DTypeName(c.dtype(i)), fmt::join(names, ", "));
}

Status CheckSameDType(const InferContext& c, size_t i) {
  if (!c.has_input(i) || c.dtype(i) == c.dtype(0)) return Status::Ok();
  return c.Error("input {} is {} but input 0 is {}; both must have one dtype", i, DTypeName(c.dtype(i)),
                 DTypeName(c.dtype(0)));
}

// Sizes of dims [from, rank) of a known-rank shape; -1 for dynamic dims.
std::vector<int64_t> SizesFrom(const Shape& s, size_t from) {
  std::vector<int64_t> out;
  for (size_t i = from; i < s.rank(); ++i) out.push_back(s[i].size);
  return out;
}

// A shape of `rank` unknown dims.
Shape Unknown(size_t rank) { return Shape(std::vector<Dim>(rank)); }

// Checks that a per-channel parameter (input i) is 1-D with `channels` entries when both are known;
// `whose` names the tensor the channels belong to ("X", "Y").
Status CheckPerChannel(const InferContext& c, size_t i, const Dim& channels, const char* what,
                       const char* whose = "X") {
  const Shape& s = c.shape(i);
  if (s.unknown_rank()) return Status::Ok();
  if (s.rank() != 1) return c.Error("{} (input {}) must be 1-D, got {}", what, i, s.ToString());
  if (s[0].is_static() && channels.is_static() && s[0].size != channels.size)
    return c.Error("{} (input {}) has {} entries but {} has {} channels", what, i, s[0].size, whose, channels.size);
  return Status::Ok();
}

// The output dim for spatial dim i: static when the geometry knows it; a symbolic input dim is
// kept when the formula maps every size to itself (stride 1 and pads that undo the kernel).
Dim SpatialOutDim(const Dim& in, const WindowGeometry& g, size_t i, bool transposed) {
  if (g.output[i] >= 0) return Dim(g.output[i]);
  if (in.is_static() || g.kernel[i] < 0 || g.strides[i] != 1) return Dim();
  if (g.pads_begin[i] < 0) return in;  // SAME with stride 1: out = in
  // Conv: out = in + pb + pe - (ek - 1); ConvTranspose: out = in + output_padding + (ek - 1) - pb - pe.
  const int64_t pads = g.pads_begin[i] + g.pads_end[i];
  const int64_t growth =
      transposed ? g.output_padding[i] + g.EffectiveKernel(i) - 1 - pads : pads - (g.EffectiveKernel(i) - 1);
  return growth == 0 ? in : Dim();
}

// Checks the channel counts and returns Y's:
//   Conv:          X [N, C, D...], W [M, C / group, k...]      -> Y [N, M, out...]
//   ConvTranspose: X [N, C, D...], W [C, M / group, k...]      -> Y [N, M, out...]
Expected<Dim> ConvOutputChannels(const InferContext& c, const Shape& xs, const Shape& ws, int64_t group,
                                 bool transposed) {
  const Dim& in_channels = xs[1];
  const Dim& w_in = transposed ? ws[0] : ws[1];
  const int64_t w_in_factor = transposed ? 1 : group;
  if (in_channels.is_static() && w_in.is_static() && in_channels.size != w_in.size * w_in_factor)
    return c.Error("X has {} channels but W {} with group {} expects {}", in_channels.size, ws.ToString(), group,
                   w_in.size * w_in_factor);
  if (transposed && in_channels.is_static() && in_channels.size % group != 0)
    return c.Error("X has {} channels, not divisible by group {}", in_channels.size, group);
  if (!transposed && ws[0].is_static() && ws[0].size % group != 0)
    return c.Error("W has {} output channels, not divisible by group {}", ws[0].size, group);
  if (!transposed) return ws[0];
  return ws[1].is_static() ? Dim(ws[1].size * group) : Dim();
}

// kernel_shape when given (it must agree with W), else W's spatial dims (-1 where unknown).
Expected<std::vector<int64_t>> ConvKernel(const InferContext& c, const Shape& ws) {
  std::vector<int64_t> kernel = SizesFrom(ws, 2);
  if (!c.attrs().has("kernel_shape")) return kernel;
  const std::vector<int64_t> attr = c.attrs().GetInts("kernel_shape");
  for (size_t i = 0; i < attr.size() && i < kernel.size(); ++i)
    if (kernel[i] >= 0 && attr[i] != kernel[i])
      return c.Error("kernel_shape {} does not match W {}", SizesToString(attr), ws.ToString());
  return attr;
}

// Conv and ConvTranspose share everything but the weight layout and the window formula.
Status InferConvLike(InferContext& c, bool transposed) {
  MRT_RETURN_IF_ERROR(CheckDType(c, 0, kFloatTypes));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 1));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 2));
  const Shape& x = c.shape(0);
  const Shape& w = c.shape(1);
  const int64_t group = c.attrs().GetInt("group", 1);
  if (group < 1) return c.Error("group {} must be >= 1", group);
  if (x.unknown_rank() && w.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  const size_t rank = x.unknown_rank() ? w.rank() : x.rank();
  if (rank < 3) return c.Error("X must have rank >= 3 (N, C, spatial dims), got {}", x.ToString());
  if (!w.unknown_rank() && w.rank() != rank)
    return c.Error("W {} must have the same rank as X {}", w.ToString(), x.ToString());
  const Shape xs = x.unknown_rank() ? Unknown(rank) : x;
  const Shape ws = w.unknown_rank() ? Unknown(rank) : w;
  MRT_ASSIGN_OR_RETURN(const Dim out_channels, ConvOutputChannels(c, xs, ws, group, transposed));
  MRT_ASSIGN_OR_RETURN(const std::vector<int64_t> kernel, ConvKernel(c, ws));
  const std::vector<int64_t> spatial = SizesFrom(xs, 2);
  auto geometry = transposed ? ResolveTransposedWindow(c.attrs(), spatial, kernel)
                             : ResolveWindow(WindowKind::kConv, c.attrs(), spatial, kernel);
  if (!geometry.ok()) return geometry.status();
  if (c.has_input(2)) MRT_RETURN_IF_ERROR(CheckPerChannel(c, 2, out_channels, "bias B", "Y"));
  std::vector<Dim> out = {xs[0], out_channels};
  for (size_t i = 0; i < spatial.size(); ++i) out.push_back(SpatialOutDim(xs[i + 2], *geometry, i, transposed));
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

// The internal attribute channels_last (passes/layout_nhwc.cpp sets it; ONNX cannot): 1 means X,
// Y (and FusedConv's Z) are NHWC [N, H, W, C] instead of NCHW; W, B and the window attributes
// keep their ONNX meaning. Only 2-D ops (rank-4 X) support it.
constexpr std::array<size_t, 4> kNhwcToNchw = {0, 3, 1, 2};  // nchw.dim[i] = nhwc.dim[perm[i]]
constexpr std::array<size_t, 4> kNchwToNhwc = {0, 2, 3, 1};

Shape Permute4(const Shape& s, const std::array<size_t, 4>& perm) {
  if (s.unknown_rank()) return Unknown(4);
  return Shape{s[perm[0]], s[perm[1]], s[perm[2]], s[perm[3]]};
}

// Runs the NCHW inference `nchw` on X permuted NHWC -> NCHW when channels_last = 1 and permutes
// every output back: Y_nhwc = Y_nchw with dims (0, 2, 3, 1).
Status InferMaybeChannelsLast(InferContext& c, InferShapeFn nchw) {
  const int64_t channels_last = c.attrs().GetInt("channels_last", 0);
  if (channels_last == 0) return nchw(c);
  if (channels_last != 1) return c.Error("channels_last {} must be 0 or 1", channels_last);
  const Shape& x = c.shape(0);
  if (!x.unknown_rank() && x.rank() != 4)
    return c.Error("channels_last = 1 needs a 2-D op on an NHWC X of rank 4, got X {}", x.ToString());
  if (c.num_outputs() > 1) return c.Error("channels_last = 1 does not support MaxPool's Indices output");
  std::vector<ValueInfo> inputs;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    if (!c.has_input(i))
      inputs.emplace_back();
    else if (i == 0)
      inputs.push_back(ValueInfo{c.dtype(0), Permute4(x, kNhwcToNchw), nullptr});
    else
      inputs.push_back(ValueInfo{c.dtype(i), c.shape(i), c.value(i)});
  }
  InferContext inner(c.node(), std::move(inputs), c.num_outputs());
  MRT_RETURN_IF_ERROR(nchw(inner));
  const ValueInfo& y = inner.outputs()[0];
  if (!y.shape.unknown_rank() && y.shape.rank() != 4)
    return c.Error("channels_last = 1 needs a 2-D window, got output rank {}", y.shape.rank());
  c.SetOutput(0, y.dtype, Permute4(y.shape, kNchwToNhwc));
  return Status::Ok();
}

Status ConvNchw(InferContext& c) { return InferConvLike(c, /*transposed=*/false); }
Status PoolNchw(InferContext& c);
Status GlobalPoolNchw(InferContext& c);

// Two dims that must agree (a contraction dim): an error when both are static and differ.
Status CheckSameDim(const InferContext& c, const Dim& a, const Dim& b, const Shape& sa, const Shape& sb) {
  if (a.is_static() && b.is_static() && a.size != b.size)
    return c.Error("inner dims do not match: {} x {} ({} vs {})", sa.ToString(), sb.ToString(), a.size, b.size);
  return Status::Ok();
}

}  // namespace

Status Conv(InferContext& c) { return InferMaybeChannelsLast(c, ConvNchw); }

Status ConvTranspose(InferContext& c) {
  if (c.attrs().GetInt("channels_last", 0) != 0) return c.Error("channels_last is not supported on ConvTranspose");
  return InferConvLike(c, /*transposed=*/true);
}

// Y[M, N] = alpha * op(A)[M, K] * op(B)[K, N] + beta * C, C broadcast (unidirectionally) to [M, N].
Status Gemm(InferContext& c) {
  MRT_RETURN_IF_ERROR(
      CheckDType(c, 0, {DType::kF32, DType::kF16, DType::kBF16, DType::kF64, DType::kI32, DType::kI64}));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 1));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 2));
  const Shape a = c.shape(0).unknown_rank() ? Unknown(2) : c.shape(0);
  const Shape b = c.shape(1).unknown_rank() ? Unknown(2) : c.shape(1);
  if (a.rank() != 2 || b.rank() != 2) return c.Error("A {} and B {} must be 2-D", a.ToString(), b.ToString());
  const bool trans_a = c.attrs().GetInt("transA", 0) != 0;
  const bool trans_b = c.attrs().GetInt("transB", 0) != 0;
  const Dim& m = a[trans_a ? 1 : 0];
  const Dim& n = b[trans_b ? 0 : 1];
  MRT_RETURN_IF_ERROR(CheckSameDim(c, a[trans_a ? 0 : 1], b[trans_b ? 1 : 0], a, b));
  if (c.has_input(2) && !c.shape(2).unknown_rank()) {
    const Shape& cs = c.shape(2);
    if (cs.rank() > 2) return c.Error("C {} must have rank <= 2", cs.ToString());
    const Dim* target[2] = {&m, &n};
    for (size_t i = 0; i < cs.rank(); ++i) {
      const Dim& want = *target[2 - cs.rank() + i];
      if (cs[i].is_static() && cs[i].size != 1 && want.is_static() && cs[i].size != want.size)
        return c.Error("C {} cannot be broadcast to [{}, {}]", cs.ToString(), m.size, n.size);
    }
  }
  c.SetOutput(0, c.dtype(0), Shape{m, n});
  return Status::Ok();
}

// numpy.matmul: a 1-D A is [1, K] and a 1-D B is [K, 1], the added dim removed from the result;
// the dims before the last two broadcast.
Status MatMul(InferContext& c) {
  MRT_RETURN_IF_ERROR(
      CheckDType(c, 0, {DType::kF32, DType::kF16, DType::kBF16, DType::kF64, DType::kI32, DType::kI64}));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 1));
  const Shape& a = c.shape(0);
  const Shape& b = c.shape(1);
  if (a.unknown_rank() || b.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  if (a.rank() == 0 || b.rank() == 0)
    return c.Error("MatMul operands must have rank >= 1, got {} and {}", a.ToString(), b.ToString());
  const Dim& ka = a[a.rank() - 1];
  const Dim& kb = b.rank() == 1 ? b[0] : b[b.rank() - 2];
  MRT_RETURN_IF_ERROR(CheckSameDim(c, ka, kb, a, b));
  const Shape a_batch(std::vector<Dim>(a.dims().begin(), a.dims().end() - std::min<size_t>(a.rank(), 2)));
  const Shape b_batch(std::vector<Dim>(b.dims().begin(), b.dims().end() - std::min<size_t>(b.rank(), 2)));
  auto batch = BroadcastShapes(a_batch, b_batch);
  if (!batch.ok()) return c.Error("batch dims: {}", batch.status().message());
  std::vector<Dim> out = batch->dims();
  if (a.rank() > 1) out.push_back(a[a.rank() - 2]);
  if (b.rank() > 1) out.push_back(b[b.rank() - 1]);
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

// Inference-mode BatchNormalization: Y has X's shape; scale, B, mean, var are [C].
Status BatchNormalization(InferContext& c) {
  MRT_RETURN_IF_ERROR(CheckDType(c, 0, kFloatTypes));
  if (c.attrs().GetInt("training_mode", 0) != 0)
    return c.Error("training_mode=1 is not supported: mini-rt runs inference only");
  const Shape& x = c.shape(0);
  if (!x.unknown_rank()) {
    if (x.rank() < 2) return c.Error("X must have rank >= 2 (N, C, ...), got {}", x.ToString());
    const char* names[] = {"scale", "B", "input_mean", "input_var"};
    for (size_t i = 1; i < 5; ++i) {
      MRT_RETURN_IF_ERROR(CheckDType(c, i, kFloatTypes));
      MRT_RETURN_IF_ERROR(CheckPerChannel(c, i, x[1], names[i - 1]));
    }
  }
  c.SetOutput(0, c.dtype(0), x);
  return Status::Ok();
}

// InstanceNormalization: X [N, C, D...] normalized per (n, c); scale and B are [C].
Status InstanceNormalization(InferContext& c) {
  MRT_RETURN_IF_ERROR(CheckDType(c, 0, kFloatTypes));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 1));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 2));
  const Shape& x = c.shape(0);
  if (!x.unknown_rank()) {
    if (x.rank() < 3) return c.Error("X must have rank >= 3 (N, C, spatial dims), got {}", x.ToString());
    MRT_RETURN_IF_ERROR(CheckPerChannel(c, 1, x[1], "scale"));
    MRT_RETURN_IF_ERROR(CheckPerChannel(c, 2, x[1], "B"));
  }
  c.SetOutput(0, c.dtype(0), x);
  return Status::Ok();
}

// LayerNormalization over dims [axis, rank): Y like X; Mean and InvStdDev have X's dims before
// axis and 1 from axis on, in the stash_type dtype (default 1 = float).
Status LayerNormalization(InferContext& c) {
  MRT_RETURN_IF_ERROR(CheckDType(c, 0, kFloatTypes));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 1));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 2));
  const int64_t stash_type = c.attrs().GetInt("stash_type", 1);
  const DType stash = DTypeFromOnnx(static_cast<int32_t>(stash_type));
  if (!IsFloat(stash)) return c.Error("stash_type {} is not a floating-point ONNX type", stash_type);
  const Shape& x = c.shape(0);
  Shape stats = Shape::UnknownRank();
  if (!x.unknown_rank()) {
    MRT_ASSIGN_OR_RETURN(const int64_t axis,
                         NormalizeAxis(c.attrs().GetInt("axis", -1), static_cast<int64_t>(x.rank())));
    stats = x;
    for (size_t i = static_cast<size_t>(axis); i < x.rank(); ++i) stats[i] = Dim(1);
    for (size_t i = 1; i < 3; ++i) {  // Scale and B broadcast to X
      if (!c.has_input(i)) continue;
      auto b = BroadcastShapes(x, c.shape(i));
      if (!b.ok() || (!b->unknown_rank() && b->rank() != x.rank()))
        return c.Error("{} {} cannot be broadcast to X {}", i == 1 ? "Scale" : "B", c.shape(i).ToString(),
                       x.ToString());
    }
  }
  c.SetOutput(0, c.dtype(0), x);
  for (size_t i = 1; i < c.num_outputs(); ++i) c.SetOutput(i, stash, stats);
  return Status::Ok();
}

Status Pool(InferContext& c) { return InferMaybeChannelsLast(c, PoolNchw); }

Status GlobalPool(InferContext& c) { return InferMaybeChannelsLast(c, GlobalPoolNchw); }

namespace {

// MaxPool / AveragePool: X [N, C, D...] -> [N, C, out...]; MaxPool's Indices are i64 alike.
Status PoolNchw(InferContext& c) {
  const bool is_max = c.node().op == OpKind::kMaxPool;
  if (is_max)
    MRT_RETURN_IF_ERROR(
        CheckDType(c, 0, {DType::kF32, DType::kF16, DType::kBF16, DType::kF64, DType::kI8, DType::kU8}));
  else
    MRT_RETURN_IF_ERROR(CheckDType(c, 0, kFloatTypes));
  if (!c.attrs().has("kernel_shape")) return c.Error("kernel_shape is required");
  const std::vector<int64_t> kernel = c.attrs().GetInts("kernel_shape");
  const int64_t storage_order = c.attrs().GetInt("storage_order", 0);
  if (storage_order != 0 && storage_order != 1) return c.Error("storage_order {} must be 0 or 1", storage_order);
  const Shape x = c.shape(0).unknown_rank() ? Unknown(kernel.size() + 2) : c.shape(0);
  if (x.rank() < 3) return c.Error("X must have rank >= 3 (N, C, spatial dims), got {}", x.ToString());
  const std::vector<int64_t> spatial = SizesFrom(x, 2);
  MRT_ASSIGN_OR_RETURN(const WindowGeometry g, ResolveWindow(WindowKind::kPool, c.attrs(), spatial, kernel));
  std::vector<Dim> out = {x[0], x[1]};
  for (size_t i = 0; i < spatial.size(); ++i) out.push_back(SpatialOutDim(x[i + 2], g, i, false));
  Shape y(std::move(out));
  c.SetOutput(0, c.dtype(0), y);
  if (c.num_outputs() > 1) {
    if (!is_max) return c.Error("AveragePool has one output");
    c.SetOutput(1, DType::kI64, y);
  }
  return Status::Ok();
}

// GlobalAveragePool / GlobalMaxPool: X [N, C, D...] -> [N, C, 1, ...].
Status GlobalPoolNchw(InferContext& c) {
  MRT_RETURN_IF_ERROR(CheckDType(c, 0, kFloatTypes));
  Shape y = c.shape(0);
  if (!y.unknown_rank()) {
    if (y.rank() < 3) return c.Error("X must have rank >= 3 (N, C, spatial dims), got {}", y.ToString());
    for (size_t i = 2; i < y.rank(); ++i) y[i] = Dim(1);
  }
  c.SetOutput(0, c.dtype(0), std::move(y));
  return Status::Ok();
}

}  // namespace

}  // namespace mrt::infer
