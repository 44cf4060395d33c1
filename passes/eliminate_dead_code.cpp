// Dead-code elimination.
// Pattern: a node none of whose outputs is a graph output or read by a live node.
// Walks nodes in reverse topological order so a whole dead chain goes in one pass.
// Leaves alone: graph inputs (they stay part of the model's interface even when unused).
#include "passes/passes.h"

namespace mrt {

bool RunEliminateDeadCode(Graph& graph, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = static_cast<NodeId>(graph.num_nodes()) - 1; id >= 0; --id) {
    const Node& node = graph.node(id);
    if (node.dead) continue;
    bool used = false;
    for (ValueId out : node.outputs)
      if (out != kNoValue && (graph.value(out).is_graph_output || !graph.value(out).consumers.empty())) used = true;
    if (used) continue;
    ctx.Record("eliminate_dead_code", "dead", {node.name}, "(removed)");
    graph.RemoveNode(id);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
