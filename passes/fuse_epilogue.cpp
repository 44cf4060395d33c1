// fuse_conv_gemm_epilogue: the ops after a Conv or Gemm folded into one FusedConv / FusedGemm,
//     y = post_act(act(Conv(X, W) + B) + Z)        (Gemm: alpha * A'B' + beta * C in place of Conv + B)
// Pattern, in this order, each step optional and each only when the value it reads has a single
// reader (HasSingleUse):
//   0. scale:    Conv only, Mul(y, s), s a constant with one value per output channel (paddle2onnx
//                writes PP-OCRv4's learnable affine as Mul(s) + Add(d) after a Conv), W constant:
//                W'[c, ...] = W[c, ...] * s[c], B'[c] = B[c] * s[c].
//   1. bias:     Add(y, d), d a constant with one value per output channel ([C,1,1], [1,C,1,1],
//                [C] for a 1-D Conv, a scalar, ...; Gemm: [N], [1,N], a scalar). Math:
//                Conv: B'[c] = B[c] + d[c];  Gemm: C' = beta * C + d, beta' = 1.
//   Scale and bias repeat while they match; the node stays a Conv / Gemm when nothing else follows.
//   2. act:      an activation (fuse_epilogue_activation.h lists the exporter forms recognised).
//   3. residual: Add(y, z) (either order), z any other value of exactly y's shape and dtype.
//   4. post_act: an activation after the residual.
// An existing FusedConv / FusedGemm continues where its epilogue stops (bias only while it has no
// epilogue; an activation becomes post_act once it has Z).
// Preconditions: output dtype f32, f16 or bf16; known output shape; constant B (C) when a bias
// or scale is folded. Z may be computed after the Conv: the pass then re-sorts the graph topologically.
// Leaves alone: ConvTranspose, MatMul (fuse_matmul_add makes Gemms first), integer Gemm, an Add
// of a constant that varies along other axes than the channel, anything read twice.
// The fused node keeps the Conv's / Gemm's name and takes over the last matched value (so graph
// output names survive); each fusion is recorded as e.g. "Conv+bias+SiLU+Add".
#include <algorithm>

#include "ir/op_table.h"
#include "passes/fuse_epilogue_activation.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "fuse_conv_gemm_epilogue";

// Known ranks that agree and static dims that agree: enough for an elementwise chain whose
// constants are scalars (an activation), which cannot change its input's shape.
bool SameRankAndStaticDims(const Shape& a, const Shape& b) {
  if (a.unknown_rank() || b.unknown_rank() || a.rank() != b.rank()) return false;
  for (size_t i = 0; i < a.rank(); ++i)
    if (a[i].is_static() != b[i].is_static() || a[i].size != b[i].size) return false;
  return true;
}

bool IsConvLike(OpKind op) { return op == OpKind::kConv || op == OpKind::kFusedConv; }
bool IsGemmLike(OpKind op) { return op == OpKind::kGemm || op == OpKind::kFusedGemm; }

// Shapes that are certainly the same at run time: known ranks, each dim static and equal or the
// same named symbol. (A residual Z must pass this: an unnamed dynamic dim might be 1 and broadcast.)
bool SameKnownShape(const Shape& a, const Shape& b) {
  if (a.unknown_rank() || b.unknown_rank() || a.rank() != b.rank()) return false;
  for (size_t i = 0; i < a.rank(); ++i) {
    const bool same = a[i].is_static() ? a[i].size == b[i].size : (!a[i].symbol.empty() && a[i].symbol == b[i].symbol);
    if (!same) return false;
  }
  return true;
}

// Sizes of t right-aligned into `rank` dims (leading 1s); t's rank must be <= rank.
std::vector<int64_t> Aligned(const std::vector<int64_t>& sizes, size_t rank) {
  std::vector<int64_t> out(rank - sizes.size(), 1);
  out.insert(out.end(), sizes.begin(), sizes.end());
  return out;
}

// One Conv/Gemm node and the ops after it that it absorbs, step by step.
class EpilogueFuser {
 public:
  EpilogueFuser(Graph& g, NodeId id) : g_(g), id_(id) {}

  // Fuses as many steps as apply; true when any did. Sets *needs_sort when Z comes from a node
  // placed after this one.
  bool Run(PassContext& ctx, bool* needs_sort) {
    const std::string name = node().name;
    const std::string base = IsConvLike(node().op) ? "Conv" : "Gemm";
    bool progress = true;
    while (progress) progress = TryScale() || TryBias() || TryActivation() || TryResidual(needs_sort);
    if (consumed_.empty()) return false;
    std::vector<std::string> nodes = {name};
    nodes.insert(nodes.end(), consumed_.begin(), consumed_.end());
    ctx.Record(kPassName, base + kind_, std::move(nodes), name);
    return true;
  }

 private:
  Node& node() { return g_.node(id_); }
  ValueId output() { return node().outputs[0]; }
  ActivationSpec act() { return ReadActivation(node().attrs, "activation"); }
  ActivationSpec post() { return ReadActivation(node().attrs, "post_activation"); }
  bool has_z() { return node().has_input(3); }
  bool epilogue_empty() { return act().kind == Activation::kNone && !has_z() && post().kind == Activation::kNone; }

  // The single reader of the output when it is a binary `op` (Add, Mul); kNoNode otherwise.
  NodeId SingleBinaryReader(OpKind op) {
    const ValueId y = output();
    if (!HasSingleUse(g_, y)) return kNoNode;
    const NodeId r = g_.value(y).consumers[0];
    const Node& n = g_.node(r);
    if (n.op != op || n.inputs.size() != 2 || n.inputs[0] == n.inputs[1]) return kNoNode;
    return r;
  }
  // The reader's operand that is not the output.
  ValueId OtherInput(NodeId reader) {
    const Node& n = g_.node(reader);
    return n.inputs[0] == output() ? n.inputs[1] : n.inputs[0];
  }

  // Removes `nodes` (all reading, directly or not, only this node's output) and makes this node
  // write `result`, the value the last of them produced.
  void Absorb(const std::vector<NodeId>& nodes, ValueId result, const std::string& what) {
    for (NodeId n : nodes) {
      consumed_.push_back(g_.node(n).name);
      g_.RemoveNode(n);
    }
    g_.value(node().outputs[0]).producer = kNoNode;
    node().outputs[0] = result;
    g_.value(result).producer = id_;
    kind_ += "+" + what;
  }
  void MakeFused() {
    if (node().op == OpKind::kConv) node().op = OpKind::kFusedConv;
    if (node().op == OpKind::kGemm) node().op = OpKind::kFusedGemm;
  }

  std::optional<std::vector<double>> PerChannel(const Tensor& d);
  bool TryScale();
  bool TryBias();
  std::optional<Tensor> ConvBias(const Tensor& d);
  std::optional<Tensor> GemmBias(const Tensor& d);
  bool TryActivation();
  bool TryResidual(bool* needs_sort);

  Graph& g_;
  const NodeId id_;
  std::vector<std::string> consumed_;
  std::string kind_;
};

// d's value for each output channel of a Conv, when d broadcasts along the channel dim (dim 1)
// only and keeps y's shape.
std::optional<std::vector<double>> EpilogueFuser::PerChannel(const Tensor& d) {
  const Shape& y = g_.value(output()).shape;
  if (y.unknown_rank() || y.rank() < 3 || d.rank() > y.rank() || !y[1].is_static()) return std::nullopt;
  const int64_t channels = y[1].size;
  const std::vector<int64_t> ds = Aligned(d.sizes(), y.rank());
  for (size_t i = 0; i < ds.size(); ++i)
    if (ds[i] != 1 && !(i == 1 && ds[i] == channels)) return std::nullopt;
  std::vector<double> values(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) values[c] = d.ElementAsDouble(d.numel() == 1 ? 0 : c);
  return values;
}

bool EpilogueFuser::TryScale() {
  if (!IsConvLike(node().op) || !epilogue_empty()) return false;
  const NodeId mul = SingleBinaryReader(OpKind::kMul);
  if (mul == kNoNode) return false;
  const Tensor* s = ConstantOf(g_, OtherInput(mul));
  const Tensor* w = ConstantOf(g_, node().inputs[1]);
  const Tensor* b = node().has_input(2) ? ConstantOf(g_, node().inputs[2]) : nullptr;
  if (s == nullptr || w == nullptr || (node().has_input(2) && b == nullptr)) return false;
  if (s->dtype() != w->dtype() || w->rank() < 1) return false;
  const std::optional<std::vector<double>> scale = PerChannel(*s);
  if (!scale || w->sizes()[0] != static_cast<int64_t>(scale->size()) || (b && b->numel() != w->sizes()[0]))
    return false;
  Tensor new_w(w->dtype(), w->sizes());
  const int64_t per_channel = w->numel() / w->sizes()[0];
  for (int64_t i = 0; i < w->numel(); ++i)
    StoreFromDouble(new_w.view(), i, w->ElementAsDouble(i) * (*scale)[i / per_channel]);
  const std::string w_name = g_.value(node().inputs[1]).name;
  if (b != nullptr) {
    Tensor new_b(b->dtype(), b->sizes());
    for (int64_t c = 0; c < b->numel(); ++c) StoreFromDouble(new_b.view(), c, b->ElementAsDouble(c) * (*scale)[c]);
    const std::string b_name = g_.value(node().inputs[2]).name;
    g_.SetInput(id_, 2, AddConstant(g_, b_name + "_scaled", std::move(new_b)));
  }
  g_.SetInput(id_, 1, AddConstant(g_, w_name + "_scaled", std::move(new_w)));
  Absorb({mul}, g_.node(mul).outputs[0], "scale");
  return true;
}

bool EpilogueFuser::TryBias() {
  if (!epilogue_empty()) return false;
  const NodeId add = SingleBinaryReader(OpKind::kAdd);
  if (add == kNoNode) return false;
  const Tensor* d = ConstantOf(g_, OtherInput(add));
  if (d == nullptr || d->dtype() != g_.value(output()).dtype) return false;
  if (node().has_input(2) && ConstantOf(g_, node().inputs[2]) == nullptr) return false;
  std::optional<Tensor> bias = IsConvLike(node().op) ? ConvBias(*d) : GemmBias(*d);
  if (!bias) return false;
  const std::string base = node().has_input(2) ? g_.value(node().inputs[2]).name : node().name + ".bias";
  g_.SetInput(id_, 2, AddConstant(g_, base + "_fused", std::move(*bias)));
  Absorb({add}, g_.node(add).outputs[0], "bias");
  return true;
}

// B'[c] = B[c] + d[c]: d must broadcast along the channel dim (dim 1) only.
std::optional<Tensor> EpilogueFuser::ConvBias(const Tensor& d) {
  const std::optional<std::vector<double>> values = PerChannel(d);
  if (!values) return std::nullopt;
  const auto channels = static_cast<int64_t>(values->size());
  const Tensor* b = node().has_input(2) ? ConstantOf(g_, node().inputs[2]) : nullptr;
  if (b != nullptr && b->numel() != channels) return std::nullopt;
  Tensor out(d.dtype(), {channels});
  for (int64_t c = 0; c < channels; ++c)
    StoreFromDouble(out.view(), c, (b ? b->ElementAsDouble(c) : 0.0) + (*values)[c]);
  return out;
}

// C' = beta * C + d (then beta = 1): d is one value per column ([N], [1, N] or a scalar); C
// broadcasts as Gemm allows, so C' has the larger of the two shapes.
std::optional<Tensor> EpilogueFuser::GemmBias(const Tensor& d) {
  const Shape& y = g_.value(output()).shape;
  if (y.rank() != 2 || d.rank() > 2) return std::nullopt;
  const std::vector<int64_t> ds = Aligned(d.sizes(), 2);
  if (ds[0] != 1 || (ds[1] != 1 && !(y[1].is_static() && ds[1] == y[1].size))) return std::nullopt;
  const Tensor* c = node().has_input(2) ? ConstantOf(g_, node().inputs[2]) : nullptr;
  const std::vector<int64_t> cs = c ? Aligned(c->sizes(), 2) : std::vector<int64_t>{1, 1};
  const size_t rank = std::max(d.rank(), c ? c->rank() : 0);
  const int64_t rows = cs[0], cols = std::max(cs[1], ds[1]);
  const double beta = node().attrs.GetFloat("beta", 1.f);
  std::vector<int64_t> sizes = {rows, cols};
  sizes.erase(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(2 - rank));
  Tensor out(d.dtype(), sizes);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      const double cij = c ? c->ElementAsDouble(i * cs[1] + (cs[1] == 1 ? 0 : j)) : 0.0;
      StoreFromDouble(out.view(), i * cols + j, beta * cij + d.ElementAsDouble(ds[1] == 1 ? 0 : j));
    }
  }
  node().attrs.set("beta", 1.f);
  return out;
}

bool EpilogueFuser::TryActivation() {
  const bool as_act = epilogue_empty();
  const bool as_post = has_z() && post().kind == Activation::kNone;
  if (!as_act && !as_post) return false;
  const std::optional<ActivationMatch> m = MatchActivation(g_, output());
  if (!m) return false;
  const Value& result = g_.value(m->output);
  if (result.dtype != g_.value(output()).dtype || !SameRankAndStaticDims(result.shape, g_.value(output()).shape))
    return false;
  MakeFused();
  WriteActivation(node().attrs, as_act ? "activation" : "post_activation", m->spec);
  Absorb(m->nodes, m->output, std::string(ActivationName(m->spec.kind)));
  return true;
}

bool EpilogueFuser::TryResidual(bool* needs_sort) {
  if (has_z() || post().kind != Activation::kNone) return false;
  const NodeId add = SingleBinaryReader(OpKind::kAdd);
  if (add == kNoNode) return false;
  const ValueId z = OtherInput(add);
  const Value& zv = g_.value(z);
  const Shape& y = g_.value(output()).shape;
  if (zv.dtype != g_.value(output()).dtype || !SameKnownShape(zv.shape, y) ||
      !SameKnownShape(g_.value(g_.node(add).outputs[0]).shape, y))
    return false;
  if (zv.producer != kNoNode && zv.producer > id_) *needs_sort = true;
  MakeFused();
  g_.SetInput(id_, 3, z);
  Absorb({add}, g_.node(add).outputs[0], "Add");
  return true;
}

// Conv/Gemm-like nodes whose output dtype the epilogue supports.
bool IsCandidate(const Graph& g, const Node& n) {
  if (n.dead || !(IsConvLike(n.op) || IsGemmLike(n.op))) return false;
  const DType t = g.value(n.outputs[0]).dtype;
  return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16;
}

}  // namespace

bool RunFuseEpilogue(Graph& graph, PassContext& ctx) {
  bool changed = false, needs_sort = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    if (!IsCandidate(graph, graph.node(id))) continue;
    changed = EpilogueFuser(graph, id).Run(ctx, &needs_sort) || changed;
  }
  if (needs_sort) (void)graph.TopologicalSort();  // cannot fail: Z never depends on the fused chain
  return changed;
}

}  // namespace mrt
