// fold_shape_arithmetic: the start of the shape arithmetic exporters emit.
// Pattern: Shape(x) where x's shape is fully static (after --shapes and shape inference).
// Rewrite: the Shape node becomes an i64 constant holding dims[start:end]. fold_constants then
// folds the Gather -> Unsqueeze -> Concat -> Reshape chains that consume it, so e.g.
//   Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1]))  becomes  Reshape(x, [1, -1]).
// Leaves alone: Shape of a value with a dynamic or symbolic dim (its value is not known yet).
#include <algorithm>

#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

bool RunFoldShapeArithmetic(Graph& graph, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& node = graph.node(id);
    if (node.dead || node.op != OpKind::kShape) continue;
    const Shape& shape = graph.value(node.inputs[0]).shape;
    if (!shape.is_static()) continue;
    // Shape-15 slicing: start/end clamp to [0, rank] after adding rank to negatives.
    const auto rank = static_cast<int64_t>(shape.rank());
    auto clamp = [rank](int64_t i) { return std::clamp(i < 0 ? i + rank : i, int64_t{0}, rank); };
    const int64_t start = clamp(node.attrs.GetInt("start", 0));
    const int64_t end = clamp(node.attrs.GetInt("end", rank));
    std::vector<int64_t> dims;
    for (int64_t d = start; d < end; ++d) dims.push_back(shape[d].size);
    const ValueId out = node.outputs[0];
    const std::string name = node.name;
    graph.RemoveNode(id);
    Value& v = graph.value(out);
    v.weight = std::make_shared<const Tensor>(
        Tensor::FromVector<int64_t>(DType::kI64, {static_cast<int64_t>(dims.size())}, dims));
    v.dtype = DType::kI64;
    v.shape = v.weight->shape();
    ctx.Record("fold_shape_arithmetic", "Shape", {name}, v.name);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
