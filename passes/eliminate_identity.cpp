// eliminate_identity: nodes that pass their input through unchanged.
// Pattern: Identity; Dropout (inference: output = input) whose mask nobody reads; and no-ops:
//   Reshape/Flatten/Squeeze/Unsqueeze/Expand whose output shape equals the input's (static),
//   Transpose with the identity permutation, Cast to the input's own dtype, Pad with all-zero
//   pads, Slice with unit steps that keeps the whole input, Tile with all repeats 1, Concat of
//   one input, Split into one output.
// Rewrite: readers of the output read the input (BypassNode keeps graph output names).
// Leaves alone: anything whose "no-op" depends on a value not known at compile time.
#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

bool SameStaticShape(const Graph& g, ValueId a, ValueId b) {
  const Shape& sa = g.value(a).shape;
  return sa.is_static() && sa == g.value(b).shape;
}

bool AllConstantEqual(const Graph& g, ValueId v, int64_t expected) {
  const Tensor* t = ConstantOf(g, v);
  if (t == nullptr) return false;
  for (int64_t x : t->ToInt64Vector())
    if (x != expected) return false;
  return true;
}

bool IsIdentityPermutation(const Node& n, size_t rank) {
  const std::vector<int64_t> perm = n.attrs.GetInts("perm");
  if (perm.empty()) return rank <= 1;  // default perm reverses the dims
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

bool IsNoOp(const Graph& g, const Node& n) {
  const ValueId in = n.inputs.empty() ? kNoValue : n.inputs[0];
  const ValueId out = n.outputs[0];
  switch (n.op) {
    case OpKind::kIdentity:
      return true;
    case OpKind::kDropout:
      return n.outputs.size() < 2 || n.outputs[1] == kNoValue ||
             (g.value(n.outputs[1]).consumers.empty() && !g.value(n.outputs[1]).is_graph_output);
    case OpKind::kReshape:
    case OpKind::kFlatten:
    case OpKind::kSqueeze:
    case OpKind::kUnsqueeze:
    case OpKind::kExpand:
      return SameStaticShape(g, in, out);
    case OpKind::kTranspose:
      return !g.value(in).shape.unknown_rank() && IsIdentityPermutation(n, g.value(in).shape.rank());
    case OpKind::kCast:
      return g.value(in).dtype == g.value(out).dtype;
    case OpKind::kPad:
      return AllConstantEqual(g, n.inputs[1], 0);
    case OpKind::kSlice:
      return SameStaticShape(g, in, out) && (!n.has_input(4) || AllConstantEqual(g, n.inputs[4], 1));
    case OpKind::kTile:
      return AllConstantEqual(g, n.inputs[1], 1);
    case OpKind::kConcat:
      return n.inputs.size() == 1;
    case OpKind::kSplit:
      return n.outputs.size() == 1;
    default:
      return false;
  }
}

}  // namespace

bool RunEliminateIdentity(Graph& graph, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& node = graph.node(id);
    if (node.dead || node.inputs.empty() || node.inputs[0] == kNoValue || !IsNoOp(graph, node)) continue;
    const std::string name = node.name, kind(OpName(node.op));
    const std::string input_name = graph.value(node.inputs[0]).name;
    if (!BypassNode(graph, id)) continue;
    ctx.Record("eliminate_identity", kind, {name}, input_name);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
