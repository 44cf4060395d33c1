// fold_batchnorm: BatchNormalization folded into the layer before it.
//
// Inference BatchNormalization is a per-channel affine map,
//     y = g * (x - m) / sqrt(v + eps) + beta  =  s * x + t,   s = g / sqrt(v + eps),  t = beta - m * s,
// so when x = Conv(X, W) + b it can be folded into the convolution's weights and bias:
//     W'[c, ...] = W[c, ...] * s[c]
//     b'[c]      = (b[c] - m[c]) * s[c] + beta[c]
// ConvTranspose scales its weights along their *second* dim (W is [Cin, Cout/group, k...]).
// Gemm (y = alpha * A'B' + beta * C) scales the columns of B' and rewrites C:
//     C'[.., n] = s[n] * (beta * C[.., n] - m[n]) + beta_bn[n],   beta' = 1.
// Preconditions: every BN input but X is a constant, as are the layer's W (and b / C when
// present); the layer's output is read only by the BN; channel dim is 1.
// A BN left on its own (after anything else) becomes Mul(x, s) + Add(., t) with constants shaped
// [C, 1, ..., 1], which fuse_pointwise then merges with its neighbours.
// Leaves alone: training-mode BN (rejected at import), non-constant statistics.
#include <cmath>

#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

struct Affine {
  std::vector<double> scale, shift;  // per channel: y = scale * x + shift
};

std::optional<Affine> BatchNormAffine(const Graph& g, const Node& bn) {
  const Tensor *gamma = ConstantOf(g, bn.inputs[1]), *beta = ConstantOf(g, bn.inputs[2]),
               *mean = ConstantOf(g, bn.inputs[3]), *var = ConstantOf(g, bn.inputs[4]);
  if (!gamma || !beta || !mean || !var) return std::nullopt;
  const int64_t c = gamma->numel();
  if (beta->numel() != c || mean->numel() != c || var->numel() != c) return std::nullopt;
  const double eps = bn.attrs.GetFloat("epsilon", 1e-5f);
  Affine a;
  for (int64_t i = 0; i < c; ++i) {
    const double s = gamma->ElementAsDouble(i) / std::sqrt(var->ElementAsDouble(i) + eps);
    a.scale.push_back(s);
    a.shift.push_back(beta->ElementAsDouble(i) - mean->ElementAsDouble(i) * s);
  }
  return a;
}

// A copy of `w` with element i multiplied by scale[channel_of(i)].
template <typename ChannelOf>
Tensor ScaleByChannel(const Tensor& w, const std::vector<double>& scale, ChannelOf channel_of) {
  Tensor out(w.dtype(), w.sizes());
  for (int64_t i = 0; i < w.numel(); ++i) StoreFromDouble(out.view(), i, w.ElementAsDouble(i) * scale[channel_of(i)]);
  return out;
}

// New bias b'[c] = b[c] * s[c] + t[c] (b = 0 when the layer has none); b[c] - m[c] folded in t.
Tensor FoldedBias(const Tensor* bias, const Affine& a, DType dtype) {
  const auto c = static_cast<int64_t>(a.scale.size());
  Tensor out(dtype, {c});
  for (int64_t i = 0; i < c; ++i)
    StoreFromDouble(out.view(), i, (bias ? bias->ElementAsDouble(i) : 0.0) * a.scale[i] + a.shift[i]);
  return out;
}

// Rewrites Conv / ConvTranspose weights and bias; false when preconditions fail.
bool FoldIntoConv(Graph& g, NodeId layer_id, const Affine& a) {
  const Node& layer = g.node(layer_id);
  const Tensor* w = ConstantOf(g, layer.inputs[1]);
  const Tensor* b = layer.has_input(2) ? ConstantOf(g, layer.inputs[2]) : nullptr;
  if (!w || w->rank() < 3 || (layer.has_input(2) && !b)) return false;
  const auto channels = static_cast<int64_t>(a.scale.size());
  Tensor new_w;
  if (layer.op == OpKind::kConv) {
    if (w->sizes()[0] != channels) return false;
    const int64_t per_channel = w->numel() / channels;
    new_w = ScaleByChannel(*w, a.scale, [&](int64_t i) { return i / per_channel; });
  } else {  // ConvTranspose: W is [Cin, Cout/group, k...]; output channel = group * Cout/group + j
    const int64_t group = layer.attrs.GetInt("group", 1);
    const int64_t cin = w->sizes()[0], cout_g = w->sizes()[1];
    if (cout_g * group != channels || cin % group != 0) return false;
    const int64_t inner = w->numel() / (cin * cout_g), cin_g = cin / group;
    new_w = ScaleByChannel(*w, a.scale, [&](int64_t i) {
      const int64_t ci = i / (cout_g * inner), j = (i / inner) % cout_g;
      return (ci / cin_g) * cout_g + j;
    });
  }
  const std::string base = g.value(layer.inputs[1]).name;
  Tensor new_b = FoldedBias(b, a, w->dtype());
  g.SetInput(layer_id, 1, AddConstant(g, base + "_bnfolded", std::move(new_w)));
  g.SetInput(layer_id, 2, AddConstant(g, base + "_bnfolded_bias", std::move(new_b)));
  return true;
}

// Rewrites Gemm's B columns and C (see the header comment); false when preconditions fail.
bool FoldIntoGemm(Graph& g, NodeId layer_id, const Affine& a) {
  Node& layer = g.node(layer_id);
  const Tensor* b = ConstantOf(g, layer.inputs[1]);
  const Tensor* c = layer.has_input(2) ? ConstantOf(g, layer.inputs[2]) : nullptr;
  if (!b || b->rank() != 2 || (layer.has_input(2) && !c)) return false;
  const bool trans_b = layer.attrs.GetInt("transB", 0) != 0;
  const int64_t n = trans_b ? b->sizes()[0] : b->sizes()[1];
  const int64_t k = trans_b ? b->sizes()[1] : b->sizes()[0];
  if (n != static_cast<int64_t>(a.scale.size())) return false;
  Tensor new_b = ScaleByChannel(*b, a.scale, [&](int64_t i) { return trans_b ? i / k : i % n; });
  // C broadcasts to [M, N]; fold it per column. A [M, N] C stays [M, N], anything else becomes [N].
  const double beta = layer.attrs.GetFloat("beta", 1.0f);
  const bool full = c && c->rank() == 2 && c->sizes()[0] != 1;
  if (c && !(c->numel() == 1 || c->numel() == n || full)) return false;
  Tensor new_c(b->dtype(), full ? c->sizes() : std::vector<int64_t>{n});
  for (int64_t i = 0; i < new_c.numel(); ++i) {
    const int64_t col = i % n;
    const double ci = c ? c->ElementAsDouble(c->numel() == 1 ? 0 : i) : 0.0;
    StoreFromDouble(new_c.view(), i, a.scale[col] * beta * ci + a.shift[col]);
  }
  const std::string base = g.value(layer.inputs[1]).name;
  layer.attrs.set("beta", 1.0f);
  g.SetInput(layer_id, 1, AddConstant(g, base + "_bnfolded", std::move(new_b)));
  g.SetInput(layer_id, 2, AddConstant(g, base + "_bnfolded_bias", std::move(new_c)));
  return true;
}

// BN on its own: y = x * s + t with constants shaped [C, 1, ..., 1] (channel dim 1 of rank r).
bool ReplaceWithScaleShift(Graph& g, NodeId bn_id, const Affine& a) {
  const Node& bn = g.node(bn_id);
  const DType dtype = g.value(bn.inputs[0]).dtype;  // copies: AddConstant below grows the value table
  const Shape shape = g.value(bn.inputs[0]).shape;
  if (shape.unknown_rank() || shape.rank() < 2 || !IsFloat(dtype)) return false;
  std::vector<int64_t> sizes(shape.rank() - 1, 1);
  sizes[0] = static_cast<int64_t>(a.scale.size());
  Tensor s(dtype, sizes), t(dtype, sizes);
  for (size_t i = 0; i < a.scale.size(); ++i) {
    StoreFromDouble(s.view(), static_cast<int64_t>(i), a.scale[i]);
    StoreFromDouble(t.view(), static_cast<int64_t>(i), a.shift[i]);
  }
  const std::string name = bn.name;
  const ValueId in = bn.inputs[0], out = bn.outputs[0];
  const ValueId sv = AddConstant(g, name + "_scale", std::move(s)), tv = AddConstant(g, name + "_shift", std::move(t));
  const ValueId scaled = g.AddValue(UniqueValueName(g, name + "_scaled"), dtype);
  g.RemoveNode(bn_id);
  g.AddNode(OpKind::kMul, name + "_mul", {in, sv}, {scaled});
  g.AddNode(OpKind::kAdd, name + "_add", {scaled, tv}, {out});
  return true;
}

}  // namespace

bool RunFoldBatchNorm(Graph& graph, PassContext& ctx) {
  bool changed = false;
  bool appended = false;  // ReplaceWithScaleShift appends nodes: the pipeline re-sorts after us
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    if (graph.node(id).dead || graph.node(id).op != OpKind::kBatchNormalization) continue;
    const std::optional<Affine> affine = BatchNormAffine(graph, graph.node(id));
    if (!affine) continue;
    const ValueId x = graph.node(id).inputs[0];
    const NodeId producer = graph.value(x).producer;
    const std::string bn_name = graph.node(id).name;
    bool folded = false;
    if (producer != kNoNode && HasSingleUse(graph, x)) {
      const OpKind op = graph.node(producer).op;
      if (op == OpKind::kConv || op == OpKind::kConvTranspose)
        folded = FoldIntoConv(graph, producer, *affine);
      else if (op == OpKind::kGemm)
        folded = FoldIntoGemm(graph, producer, *affine);
      if (folded && BypassNode(graph, id)) {
        const Node& layer = graph.node(producer);
        ctx.Record("fold_batchnorm", std::string(OpName(layer.op)) + "+BatchNormalization", {layer.name, bn_name},
                   layer.name);
        changed = true;
        continue;
      }
    }
    if (!folded && ReplaceWithScaleShift(graph, id, *affine)) {
      ctx.Record("fold_batchnorm", "BatchNormalization->scale+shift", {bn_name}, bn_name + "_mul");
      changed = appended = true;
    }
  }
  if (appended) (void)graph.TopologicalSort();  // cannot fail: the rewrite adds no cycle
  return changed;
}

}  // namespace mrt
