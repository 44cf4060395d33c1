// fuse_layernorm: recognise layer normalization written out op by op, as PyTorch (opset < 17),
// paddle2onnx and others export it, and replace it by one LayerNormalization node.
//
// Pattern (axes = the last k axes of x, the same for both means, keepdims = 1):
//     mean = ReduceMean(x, axes)
//     d    = Sub(x, mean)
//     sq   = Pow(d, 2)            or  Mul(d, d)
//     var  = ReduceMean(sq, axes)
//     std  = Sqrt(Add(var, eps))  (Add in either operand order; eps a one-element constant)
//     n    = Div(d, std)
//   optionally followed by  Mul(n, gamma)  and/or  Add(., beta)  (either operand order, constants).
// Math: LayerNormalization(x, axis = rank - k, epsilon = eps) computes exactly
//     y = (x - E[x]) / sqrt(E[(x - E[x])^2] + eps) * Scale + B
// with E over dims [axis, rank), so the chain becomes LayerNormalization(x, Scale, B) where Scale is
// gamma (ones without a Mul) and B is beta (absent without an Add). gamma and beta are stored in the
// normalized shape x.dims[axis:] (a broadcast [1, 1, D] becomes [D]).
// Preconditions: x has a float dtype, known rank and static normalized dims; every intermediate
// value is read only inside the pattern (d exactly by the square and the Div) and is not a graph
// output; eps >= 0 and it, the exponent, gamma and beta must not broadcast the result to a larger
// shape; gamma and beta vary only along the normalized dims.
// Leaves alone: non-constant gamma/beta/eps (the chain then stops before them), Reciprocal/Rsqrt
// spellings, means over non-trailing axes, keepdims = 0, and variance written as E[x^2] - E[x]^2.
#include <algorithm>
#include <numeric>

#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "fuse_layernorm";

// The first normalized axis when ReduceMean `r` keeps dims and averages exactly the last k axes of
// its rank-`rank` input; nullopt otherwise.
std::optional<int64_t> TrailingMeanAxis(const Graph& g, const Node& r, int64_t rank) {
  if (r.op != OpKind::kReduceMean || r.attrs.GetInt("keepdims", 1) != 1) return std::nullopt;
  std::vector<int64_t> axes;
  if (r.has_input(1)) {
    const Tensor* t = ConstantOf(g, r.inputs[1]);
    if (t == nullptr) return std::nullopt;
    axes = t->ToInt64Vector();
  }
  if (axes.empty()) {  // no axes: every axis, unless noop_with_empty_axes makes it a copy
    if (r.attrs.GetInt("noop_with_empty_axes", 0) != 0) return std::nullopt;
    return rank > 0 ? std::optional<int64_t>(0) : std::nullopt;
  }
  for (int64_t& a : axes) {
    if (a < -rank || a >= rank) return std::nullopt;
    if (a < 0) a += rank;
  }
  std::sort(axes.begin(), axes.end());
  const auto k = static_cast<int64_t>(axes.size());
  for (int64_t i = 0; i < k; ++i)
    if (axes[i] != rank - k + i) return std::nullopt;  // also rejects duplicates
  return rank - k;
}

// A one-element constant that does not raise the rank of a rank-`rank` operand when broadcast.
std::optional<double> SmallScalar(const Graph& g, ValueId v, int64_t rank) {
  const Tensor* t = ConstantOf(g, v);
  if (t == nullptr || t->numel() != 1 || static_cast<int64_t>(t->rank()) > rank) return std::nullopt;
  return t->ElementAsDouble(0);
}

// The operand of binary node `n` other than `v` (kNoValue when v is not an operand).
ValueId OtherOperand(const Node& n, ValueId v) {
  if (n.inputs.size() != 2) return kNoValue;
  if (n.inputs[0] == v) return n.inputs[1];
  if (n.inputs[1] == v) return n.inputs[0];
  return kNoValue;
}

// The single live reader of v when v has a single use, else nullptr.
const Node* SoleReader(const Graph& g, ValueId v) {
  if (!HasSingleUse(g, v)) return nullptr;
  const Node& n = g.node(g.value(v).consumers[0]);
  return n.dead ? nullptr : &n;
}

struct LayerNormMatch {
  ValueId x = kNoValue;
  int64_t axis = 0;
  double eps = 0;
  std::vector<NodeId> nodes;  // every node of the pattern, in graph order
  ValueId gamma = kNoValue, beta = kNoValue;
  ValueId output = kNoValue;
};

// sq = Pow(d, 2) or Mul(d, d); true when `sq_node` is one of them.
bool IsSquareOf(const Graph& g, const Node& sq_node, ValueId d, int64_t rank) {
  if (sq_node.op == OpKind::kMul) return sq_node.inputs.size() == 2 && sq_node.inputs[0] == d && sq_node.inputs[1] == d;
  if (sq_node.op != OpKind::kPow || sq_node.inputs[0] != d) return false;
  const std::optional<double> exponent = SmallScalar(g, sq_node.inputs[1], rank);
  return exponent && *exponent == 2.0;
}

// d is read by the square (once for Pow, twice for Mul(d, d)) and by the Div, by nothing else.
bool DifferenceReadOnlyInside(const Graph& g, ValueId d, NodeId sq, NodeId div) {
  const Value& v = g.value(d);
  if (v.is_graph_output) return false;
  const size_t expected = (g.node(sq).op == OpKind::kMul ? 2 : 1) + 1;
  if (v.consumers.size() != expected) return false;
  return std::all_of(v.consumers.begin(), v.consumers.end(), [&](NodeId c) { return c == sq || c == div; });
}

// Matches the normalization core ending at Div node `div_id`: fills x, axis, eps, nodes, output.
bool MatchCore(const Graph& g, NodeId div_id, LayerNormMatch& m) {
  const Node& div = g.node(div_id);
  if (div.op != OpKind::kDiv || div.inputs.size() != 2) return false;
  const ValueId d = div.inputs[0], std_v = div.inputs[1];
  const Node* sub = ProducerIf(g, d, OpKind::kSub);
  const Node* sqrt = ProducerIf(g, std_v, OpKind::kSqrt);
  if (sub == nullptr || sqrt == nullptr || !HasSingleUse(g, std_v)) return false;
  const Node* mean = ProducerIf(g, sub->inputs[1], OpKind::kReduceMean);
  if (mean == nullptr || mean->inputs[0] != sub->inputs[0] || !HasSingleUse(g, sub->inputs[1])) return false;
  m.x = sub->inputs[0];
  const Value& x = g.value(m.x);
  if (!IsFloat(x.dtype) || x.shape.unknown_rank()) return false;
  const auto rank = static_cast<int64_t>(x.shape.rank());
  const std::optional<int64_t> axis = TrailingMeanAxis(g, *mean, rank);
  if (!axis) return false;
  for (int64_t i = *axis; i < rank; ++i)
    if (!x.shape[i].is_static()) return false;
  // std = Sqrt(Add(var, eps)), var = ReduceMean(sq, the same axes).
  const Node* add_eps = ProducerIf(g, sqrt->inputs[0], OpKind::kAdd);
  if (add_eps == nullptr || add_eps->inputs.size() != 2 || !HasSingleUse(g, sqrt->inputs[0])) return false;
  const int eps_slot = ConstantOf(g, add_eps->inputs[1]) != nullptr ? 1 : 0;
  const std::optional<double> eps = SmallScalar(g, add_eps->inputs[eps_slot], rank);
  const ValueId var_v = add_eps->inputs[1 - eps_slot];
  const Node* var = ProducerIf(g, var_v, OpKind::kReduceMean);
  if (!eps || !(*eps >= 0) || var == nullptr || !HasSingleUse(g, var_v)) return false;
  if (TrailingMeanAxis(g, *var, rank) != axis) return false;
  const NodeId sq_id = g.value(var->inputs[0]).producer;
  if (sq_id == kNoNode || !HasSingleUse(g, var->inputs[0]) || !IsSquareOf(g, g.node(sq_id), d, rank)) return false;
  if (!DifferenceReadOnlyInside(g, d, sq_id, div_id)) return false;
  m.axis = *axis;
  m.eps = *eps;
  const auto producer = [&](ValueId v) { return g.value(v).producer; };
  m.nodes = {producer(sub->inputs[1]),  producer(d),     sq_id, producer(var_v),
             producer(sqrt->inputs[0]), producer(std_v), div_id};
  m.output = div.outputs[0];
  return true;
}

// True when constant t, broadcast against x, keeps x's shape and varies only along dims [axis, rank).
bool IsNormalizedShapeParam(const Tensor& t, const Value& x, int64_t axis) {
  const auto rank = static_cast<int64_t>(x.shape.rank());
  const auto t_rank = static_cast<int64_t>(t.rank());
  if (t.dtype() != x.dtype || t_rank > rank) return false;
  for (int64_t j = 0; j < t_rank; ++j) {
    const int64_t d = rank - t_rank + j, size = t.sizes()[j];
    if (size == 1) continue;
    if (d < axis || size != x.shape[d].size) return false;
  }
  return true;
}

// Extends the match past n with Mul(., gamma) and then Add(., beta) when they are there.
void MatchAffineTail(const Graph& g, LayerNormMatch& m) {
  const Value& x = g.value(m.x);
  for (OpKind op : {OpKind::kMul, OpKind::kAdd}) {
    const Node* next = SoleReader(g, m.output);
    if (next == nullptr || next->op != op) continue;  // Mul absent: the Add may still follow n
    const ValueId param = OtherOperand(*next, m.output);
    const Tensor* t = ConstantOf(g, param);
    if (t == nullptr || !IsNormalizedShapeParam(*t, x, m.axis)) return;
    (op == OpKind::kMul ? m.gamma : m.beta) = param;
    m.nodes.push_back(g.value(next->outputs[0]).producer);
    m.output = next->outputs[0];
  }
}

// The parameter in the normalized shape x.dims[axis:] and x's dtype: the constant itself when it
// already has that shape, else its broadcast copy (or `fill` everywhere when there is none).
ValueId NormalizedParam(Graph& g, const LayerNormMatch& m, ValueId param, double fill, const std::string& base) {
  const Value& x = g.value(m.x);
  const DType dtype = x.dtype;
  std::vector<int64_t> sizes;
  for (size_t i = static_cast<size_t>(m.axis); i < x.shape.rank(); ++i) sizes.push_back(x.shape[i].size);
  const Tensor* t = ConstantOf(g, param);
  if (t != nullptr && t->sizes() == sizes) return param;
  Tensor out(dtype, sizes);
  for (int64_t i = 0; i < out.numel(); ++i) {
    // Right-aligned broadcast index of element i into t (size-1 dims of t repeat).
    int64_t rest = i, index = 0, stride = 1;
    for (size_t d = sizes.size(); t != nullptr && d-- > 0;) {
      const int64_t pos = rest % sizes[d];
      rest /= sizes[d];
      const auto td = static_cast<int64_t>(d) - static_cast<int64_t>(sizes.size()) + static_cast<int64_t>(t->rank());
      if (td < 0) continue;
      const int64_t size = t->sizes()[td];
      index += (size == 1 ? 0 : pos) * stride;
      stride *= size;
    }
    StoreFromDouble(out.view(), i, t != nullptr ? t->ElementAsDouble(index) : fill);
  }
  return AddConstant(g, base, std::move(out));
}

// Replaces the matched nodes by one LayerNormalization writing the pattern's output value.
std::string Rewrite(Graph& g, const LayerNormMatch& m, std::vector<std::string>& consumed) {
  const std::string base = g.node(m.nodes.front()).name;
  for (NodeId id : m.nodes) consumed.push_back(g.node(id).name);
  const ValueId scale = NormalizedParam(g, m, m.gamma, 1.0, base + "_ln_scale");
  const ValueId bias = m.beta == kNoValue ? kNoValue : NormalizedParam(g, m, m.beta, 0.0, base + "_ln_bias");
  for (NodeId id : m.nodes) g.RemoveNode(id);
  Attributes attrs;
  attrs.set("axis", m.axis);
  attrs.set("epsilon", static_cast<float>(m.eps));
  attrs.set("stash_type", int64_t{1});
  std::vector<ValueId> inputs = {m.x, scale};
  if (bias != kNoValue) inputs.push_back(bias);
  const NodeId ln =
      g.AddNode(OpKind::kLayerNormalization, base + "_layernorm", std::move(inputs), {m.output}, std::move(attrs));
  return g.node(ln).name;
}

}  // namespace

bool RunFuseLayerNorm(Graph& graph, PassContext& ctx) {
  bool changed = false;
  const auto original_nodes = static_cast<NodeId>(graph.num_nodes());
  for (NodeId id = 0; id < original_nodes; ++id) {
    if (graph.node(id).dead || graph.node(id).op != OpKind::kDiv) continue;
    LayerNormMatch match;
    if (!MatchCore(graph, id, match)) continue;
    MatchAffineTail(graph, match);
    std::vector<std::string> consumed;
    const std::string result = Rewrite(graph, match, consumed);
    ctx.Record(kPassName, "LayerNormalization", std::move(consumed), result);
    changed = true;
  }
  // The new nodes were appended after their readers; restore producer-before-reader order.
  if (changed) (void)graph.TopologicalSort();  // cannot fail: each rewrite replaces a chain by one node
  return changed;
}

}  // namespace mrt
