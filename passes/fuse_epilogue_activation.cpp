// Activation patterns for fuse_conv_gemm_epilogue (see the header for the list). Each matcher
// walks forward from x through values that have a single reader, so every matched node's output
// is read only inside the pattern and the whole chain can be replaced by one epilogue.
#include "passes/fuse_epilogue_activation.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

#include "ir/pointwise_lowering.h"
#include "passes/graph_edit.h"

namespace mrt {

namespace {

constexpr double kRelativeTolerance = 1e-6;  // exporters write 1/6 as 0.16666667, sqrt(2) as 1.4142135
constexpr double kSqrt2 = 1.41421356237309505;

bool Near(double value, double want) { return std::abs(value - want) <= kRelativeTolerance * std::abs(want); }

// Ops that are an epilogue activation by themselves (Clip too, when its bounds are constants).
constexpr std::pair<OpKind, Activation> kSingleOpActivations[] = {
    {OpKind::kRelu, Activation::kRelu},
    {OpKind::kSigmoid, Activation::kSigmoid},
    {OpKind::kTanh, Activation::kTanh},
    {OpKind::kHardSwish, Activation::kHardSwish},
    {OpKind::kMish, Activation::kMish},
    {OpKind::kLeakyRelu, Activation::kLeakyRelu},
    {OpKind::kHardSigmoid, Activation::kHardSigmoid},
};

class Matcher {
 public:
  Matcher(const Graph& g, ValueId x) : g_(g), x_(x) {}

  std::optional<ActivationMatch> Match() {
    const std::vector<NodeId>& readers = g_.value(x_).consumers;
    if (g_.value(x_).is_graph_output) return std::nullopt;
    if (readers.size() == 1) return Finish(SingleOp(readers[0]));
    if (readers.size() != 2 || readers[0] == readers[1]) return std::nullopt;
    // x * gate(x): one reader starts the gate, the other is the Mul; try both roles.
    for (int first = 0; first < 2; ++first) {
      const NodeId gate = readers[first], mul = readers[1 - first];
      nodes_.clear();
      if (auto spec = GatedProduct(gate, mul)) return Finish(spec);
      nodes_.clear();
      if (auto spec = Gelu(gate, mul)) return Finish(spec);
    }
    return std::nullopt;
  }

 private:
  std::optional<ActivationMatch> Finish(std::optional<ActivationSpec> spec) {
    if (!spec) return std::nullopt;
    std::sort(nodes_.begin(), nodes_.end());
    return ActivationMatch{*spec, output_, nodes_};
  }

  const Node& N(NodeId id) const { return g_.node(id); }
  ValueId Out(NodeId id) const { return g_.node(id).outputs[0]; }

  // The node reading v, when it is v's only reader and of kind `op`; kNoNode otherwise.
  NodeId Reader(ValueId v, OpKind op) const {
    if (!HasSingleUse(g_, v)) return kNoNode;
    const NodeId r = g_.value(v).consumers[0];
    return (!N(r).dead && N(r).op == op) ? r : kNoNode;
  }

  // For a two-input node reading `v` once: the other input; kNoValue otherwise.
  ValueId OtherInput(NodeId id, ValueId v) const {
    const std::vector<ValueId>& in = N(id).inputs;
    if (in.size() != 2 || in[0] == in[1]) return kNoValue;
    if (in[0] == v) return in[1];
    if (in[1] == v) return in[0];
    return kNoValue;
  }

  // True when node `id` of kind `op` combines v with a one-element constant near `want`
  // (v must be the first operand when `v_first`, as for Div).
  bool WithConstant(NodeId id, OpKind op, ValueId v, double want, bool v_first = false) const {
    if (id == kNoNode || N(id).op != op) return false;
    const ValueId other = OtherInput(id, v);
    if (other == kNoValue || (v_first && N(id).inputs[0] != v)) return false;
    const std::optional<double> c = ScalarConstant(g_, other);
    return c && Near(*c, want);
  }

  // v * (1 / d) or v / d, v's only reader; returns that node.
  NodeId DividedBy(ValueId v, double d) const {
    const NodeId div = Reader(v, OpKind::kDiv);
    if (WithConstant(div, OpKind::kDiv, v, d, /*v_first=*/true)) return div;
    const NodeId mul = Reader(v, OpKind::kMul);
    return WithConstant(mul, OpKind::kMul, v, 1.0 / d) ? mul : kNoNode;
  }

  // A node that computes the activation of x by itself; its parameters (alpha, beta) are the
  // opcode's (ir/pointwise_lowering.h: attributes with their ONNX defaults).
  std::optional<ActivationSpec> SingleOp(NodeId id) {
    const Node& n = N(id);
    if (n.inputs.empty() || n.inputs[0] != x_) return std::nullopt;
    ActivationSpec spec;
    if (n.op == OpKind::kClip) {
      const std::optional<ActivationSpec> clip = ClipBounds(id);
      if (!clip) return std::nullopt;
      spec = *clip;
    } else {
      const auto* single = std::find_if(std::begin(kSingleOpActivations), std::end(kSingleOpActivations),
                                        [&](const auto& row) { return row.first == n.op; });
      const PointwiseLowering* row = FindPointwiseLowering(n.op);
      if (single == std::end(kSingleOpActivations) || row == nullptr) return std::nullopt;
      const FormulaParams params = ReadFormulaParams(*row, n.attrs);
      spec = {single->second, params.b, params.c};
    }
    nodes_ = {id};
    output_ = Out(id);
    return spec;
  }

  // Clip(v, min?, max?) with constant bounds as Activation::kClip(min, max).
  std::optional<ActivationSpec> ClipBounds(NodeId id) const {
    const Node& n = N(id);
    constexpr float kInf = std::numeric_limits<float>::infinity();
    ActivationSpec spec{Activation::kClip, -kInf, kInf};
    for (size_t slot : {1, 2}) {
      if (!n.has_input(slot)) continue;
      const std::optional<double> bound = ScalarConstant(g_, n.inputs[slot]);
      if (!bound) return std::nullopt;
      (slot == 1 ? spec.alpha : spec.beta) = static_cast<float>(*bound);
    }
    return spec;
  }

  // x * gate(x) for SiLU, HardSwish and Mish; `mul` is the product's Mul.
  std::optional<ActivationSpec> GatedProduct(NodeId gate, NodeId mul) {
    if (N(mul).op != OpKind::kMul || N(gate).inputs.empty()) return std::nullopt;
    const ValueId t = OtherInput(mul, x_);
    if (t == kNoValue) return std::nullopt;
    const bool unary_on_x = N(gate).inputs[0] == x_;
    ActivationSpec spec;
    output_ = Out(mul);
    switch (N(gate).op) {
      case OpKind::kSigmoid:  // SiLU: x * Sigmoid(x)
        if (!unary_on_x || t != Out(gate)) return std::nullopt;
        spec.kind = Activation::kSiLU;
        break;
      case OpKind::kHardSigmoid:  // HardSwish: x * HardSigmoid(x; 1/6, 1/2)
        if (!unary_on_x || t != Out(gate) ||
            !Near(N(gate).attrs.GetFloat("alpha", onnx_default::kHardSigmoidAlpha), 1.0 / 6.0) ||
            !Near(N(gate).attrs.GetFloat("beta", onnx_default::kHardSigmoidBeta), 0.5))
          return std::nullopt;
        spec.kind = Activation::kHardSwish;
        break;
      case OpKind::kSoftplus: {  // Mish: x * Tanh(Softplus(x))
        const NodeId tanh = Reader(Out(gate), OpKind::kTanh);
        if (!unary_on_x || tanh == kNoNode || t != Out(tanh)) return std::nullopt;
        nodes_.push_back(tanh);
        spec.kind = Activation::kMish;
        break;
      }
      case OpKind::kAdd:
        if (!ClipHardSwish(gate, mul, t)) return std::nullopt;
        spec.kind = Activation::kHardSwish;
        break;
      default:
        return std::nullopt;
    }
    if (Reader(t, OpKind::kMul) != mul) return std::nullopt;  // the gate is read by the product only
    nodes_.push_back(gate);
    nodes_.push_back(mul);
    return spec;
  }

  // HardSwish as x * Clip(x + 3, 0, 6) / 6: `add` is x + 3, `mul` multiplies x by t, which is
  // the Clip (then the product is divided by 6) or the Clip divided by 6.
  bool ClipHardSwish(NodeId add, NodeId mul, ValueId t) {
    if (!WithConstant(add, OpKind::kAdd, x_, 3.0)) return false;
    const NodeId clip = Reader(Out(add), OpKind::kClip);
    if (clip == kNoNode || N(clip).inputs[0] != Out(add)) return false;
    const std::optional<ActivationSpec> bounds = ClipBounds(clip);
    if (!bounds || bounds->alpha != 0.f || !Near(bounds->beta, 6.0)) return false;
    nodes_.push_back(clip);
    if (t == Out(clip)) {  // (x * Clip) / 6
      const NodeId scale = DividedBy(Out(mul), 6.0);
      if (scale == kNoNode) return false;
      nodes_.push_back(scale);
      output_ = Out(scale);
      return true;
    }
    const NodeId scale = DividedBy(Out(clip), 6.0);  // x * (Clip / 6)
    if (scale == kNoNode || Out(scale) != t) return false;
    nodes_.push_back(scale);
    return true;
  }

  // Gelu: `erf_start` is x / sqrt(2) (or x * 1/sqrt(2)) feeding Erf, then + 1 = e; `other` is the
  // other reader of x: Mul(x, e) then * 0.5, Mul(x, 0.5) then * e, or Mul(x, e * 0.5).
  std::optional<ActivationSpec> Gelu(NodeId erf_start, NodeId other) {
    const bool by_div = WithConstant(erf_start, OpKind::kDiv, x_, kSqrt2, /*v_first=*/true);
    if (!by_div && !WithConstant(erf_start, OpKind::kMul, x_, 1.0 / kSqrt2)) return std::nullopt;
    const NodeId erf = Reader(Out(erf_start), OpKind::kErf);
    const NodeId plus_one = erf == kNoNode ? kNoNode : Reader(Out(erf), OpKind::kAdd);
    if (plus_one == kNoNode || !WithConstant(plus_one, OpKind::kAdd, Out(erf), 1.0)) return std::nullopt;
    if (N(other).op != OpKind::kMul) return std::nullopt;
    const ValueId e = Out(plus_one);
    const ValueId t = OtherInput(other, x_);
    if (t == kNoValue) return std::nullopt;
    NodeId last = kNoNode;  // the node producing the result
    if (t == e) {           // (x * e) * 0.5
      last = Reader(Out(other), OpKind::kMul);
      if (!WithConstant(last, OpKind::kMul, Out(other), 0.5)) return std::nullopt;
    } else if (WithConstant(other, OpKind::kMul, x_, 0.5)) {  // (x * 0.5) * e
      last = Reader(Out(other), OpKind::kMul);
      if (last == kNoNode || OtherInput(last, Out(other)) != e) return std::nullopt;
    } else {  // x * (e * 0.5)
      const NodeId half = Reader(e, OpKind::kMul);
      if (!WithConstant(half, OpKind::kMul, e, 0.5) || Out(half) != t || Reader(t, OpKind::kMul) != other)
        return std::nullopt;
      nodes_.push_back(half);
      last = other;
    }
    if (last != other && Reader(e, OpKind::kMul) != (t == e ? other : last)) return std::nullopt;
    nodes_.insert(nodes_.end(), {erf_start, erf, plus_one, other});
    if (last != other) nodes_.push_back(last);
    output_ = Out(last);
    return ActivationSpec{Activation::kGelu, 0.f, 0.f};
  }

  const Graph& g_;
  const ValueId x_;
  std::vector<NodeId> nodes_;
  ValueId output_ = kNoValue;
};

}  // namespace

std::optional<ActivationMatch> MatchActivation(const Graph& graph, ValueId x) { return Matcher(graph, x).Match(); }

}  // namespace mrt
