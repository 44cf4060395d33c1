// fuse_pad_into_conv: absorb an explicit zero Pad into the next Conv's own padding.
//
// Pattern: y = Conv(Pad(x, pads, constant_value?, axes?), W, b?), as exporters write asymmetric
// or "same" padding (TensorFlow-style models, paddle2onnx's pad2d).
// Math: a Conv pads its input with zeros, so padding with zeros first and then by p_conv is padding
// by p_pad + p_conv per side:  Conv'.pads[i] = Conv.pads[i] + Pad.pads[2 + i] (begin) and
//   Conv'.pads[r + i] = Conv.pads[r + i] + Pad.pads[rank + 2 + i] (end), i over the r spatial dims.
// Preconditions: Pad mode "constant" with constant_value absent or 0; pads (and axes when given)
// constant, non-negative, and zero on the batch and channel dims; the Conv reads the Pad's output
// as X, has auto_pad NOTSET, and is the only reader (the Pad's output is not a graph output).
// Leaves alone: reflect/edge/wrap padding, non-zero or non-constant padding values, negative pads
// (cropping), padding of N or C, and pooling: MaxPool pads with -inf and AveragePool's
// count_include_pad would change which elements are averaged, so neither is fused.
#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "fuse_pad_into_conv";

// The Pad's amounts as [begin_0..begin_{rank-1}, end_0..end_{rank-1}] when they are constant and
// non-negative (axes, when given, say which dims the pads refer to); nullopt otherwise.
std::optional<std::vector<int64_t>> ConstantPadAmounts(const Graph& g, const Node& pad, int64_t rank) {
  const Tensor* pads_t = pad.has_input(1) ? ConstantOf(g, pad.inputs[1]) : nullptr;
  if (pads_t == nullptr) return std::nullopt;
  const std::vector<int64_t> pads = pads_t->ToInt64Vector();
  std::vector<int64_t> axes;
  if (pad.has_input(3)) {
    const Tensor* axes_t = ConstantOf(g, pad.inputs[3]);
    if (axes_t == nullptr) return std::nullopt;
    axes = axes_t->ToInt64Vector();
  } else {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  const auto n = static_cast<int64_t>(axes.size());
  if (static_cast<int64_t>(pads.size()) != 2 * n) return std::nullopt;
  std::vector<int64_t> amounts(static_cast<size_t>(2 * rank), 0);
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t axis = axes[i];
    if (axis < -rank || axis >= rank) return std::nullopt;
    if (axis < 0) axis += rank;
    if (seen[axis] || pads[i] < 0 || pads[n + i] < 0) return std::nullopt;  // repeated axis: ill-formed
    seen[axis] = true;
    amounts[axis] = pads[i];
    amounts[rank + axis] = pads[n + i];
  }
  return amounts;
}

// True when the Pad fills with zeros: constant mode and constant_value absent, empty or 0.
bool PadsWithZeros(const Graph& g, const Node& pad) {
  if (pad.attrs.GetString("mode", "constant") != "constant") return false;
  if (!pad.has_input(2)) return true;
  const Tensor* value = ConstantOf(g, pad.inputs[2]);
  if (value == nullptr) return false;
  if (value->numel() == 0) return true;
  return value->numel() == 1 && value->ElementAsDouble(0) == 0.0;
}

// Conv's pads with the Pad's spatial amounts added; nullopt when the pattern does not apply.
std::optional<std::vector<int64_t>> MergedConvPads(const Graph& g, const Node& conv, const Node& pad) {
  const std::string auto_pad = conv.attrs.GetString("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && !auto_pad.empty()) return std::nullopt;
  const Shape& x = g.value(pad.inputs[0]).shape;
  if (x.unknown_rank() || x.rank() < 3 || !PadsWithZeros(g, pad)) return std::nullopt;
  const auto rank = static_cast<int64_t>(x.rank()), spatial = rank - 2;
  const std::optional<std::vector<int64_t>> amounts = ConstantPadAmounts(g, pad, rank);
  if (!amounts) return std::nullopt;
  const std::vector<int64_t>& a = *amounts;
  if (a[0] != 0 || a[1] != 0 || a[rank] != 0 || a[rank + 1] != 0) return std::nullopt;  // N, C untouched
  std::vector<int64_t> pads = conv.attrs.GetInts("pads");
  if (pads.empty()) pads.assign(static_cast<size_t>(2 * spatial), 0);
  if (static_cast<int64_t>(pads.size()) != 2 * spatial) return std::nullopt;
  for (int64_t i = 0; i < spatial; ++i) {
    pads[i] += a[2 + i];
    pads[spatial + i] += a[rank + 2 + i];
  }
  return pads;
}

}  // namespace

bool RunFusePadIntoConv(Graph& graph, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& conv = graph.node(id);
    if (conv.dead || conv.op != OpKind::kConv) continue;
    const ValueId padded = conv.inputs[0];
    const Node* pad = ProducerIf(graph, padded, OpKind::kPad);
    if (pad == nullptr || !HasSingleUse(graph, padded)) continue;
    const std::optional<std::vector<int64_t>> pads = MergedConvPads(graph, conv, *pad);
    if (!pads) continue;
    const NodeId pad_id = graph.value(padded).producer;
    const std::string pad_name = pad->name, conv_name = conv.name;
    graph.node(id).attrs.set("pads", *pads);
    graph.SetInput(id, 0, pad->inputs[0]);
    graph.RemoveNode(pad_id);
    ctx.Record(kPassName, "Pad+Conv", {pad_name, conv_name}, conv_name);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
