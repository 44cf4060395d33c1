// Shape inference over a whole graph, and for one node (used by the reference executor, which
// knows every input value and so gets fully static shapes).
#pragma once

#include "ir/graph.h"
#include "ir/infer_context.h"

namespace mrt {

// "node 'Conv_3' (Conv): " — the prefix every node-level error carries.
std::string NodeContext(const Node& node);

// Checks the node's input/output counts against the op table, then runs its inference. Errors
// are prefixed with NodeContext(node).
Expected<std::vector<ValueInfo>> InferNode(const Node& node, std::vector<ValueInfo> inputs);

// Infers dtype and shape of every node output in execution order (nodes must be topologically
// sorted). Weights feed their values to the inference functions. A shape the model declared
// (value_info, graph outputs) is kept where inference can only say "unknown".
Status InferShapes(Graph& graph);

}  // namespace mrt
