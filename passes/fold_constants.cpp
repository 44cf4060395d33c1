// fold_constants: constant folding.
// Pattern: a node whose every present input is a constant (a weight), or that has no inputs.
// Rewrite: evaluate it once (PassContext::evaluate: the reference kernels) and turn each output
// into a weight. Repeated to a fixed point by the pipeline, this folds whole constant subgraphs:
// the shape arithmetic exporters emit, Constant -> Cast chains, weight transposes, ...
// Leaves alone: nodes with a non-constant input; ops marked nondeterministic; results larger than
// PassContext::max_folded_bytes (e.g. an Expand that would materialize a huge tensor); nodes the
// evaluator cannot compute (folding is an optimization, never an error).
#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

bool AllInputsConstant(const Graph& graph, const Node& node) {
  for (ValueId v : node.inputs)
    if (v != kNoValue && !graph.value(v).is_weight()) return false;
  return true;
}

// Bytes the outputs will take, when their shapes are known statically; -1 when unknown.
int64_t StaticOutputBytes(const Graph& graph, const Node& node) {
  int64_t bytes = 0;
  for (ValueId v : node.outputs) {
    if (v == kNoValue) continue;
    const auto numel = graph.value(v).shape.numel();
    if (!numel) return -1;
    bytes += *numel * static_cast<int64_t>(DTypeSize(graph.value(v).dtype));
  }
  return bytes;
}

}  // namespace

bool RunFoldConstants(Graph& graph, PassContext& ctx) {
  if (!ctx.evaluate) return false;
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& node = graph.node(id);
    if (node.dead || HasTrait(node.op, kTraitNondeterministic) || !AllInputsConstant(graph, node)) continue;
    const int64_t known_bytes = StaticOutputBytes(graph, node);
    if (known_bytes > ctx.max_folded_bytes) continue;
    std::vector<const Tensor*> inputs;
    for (ValueId v : node.inputs) inputs.push_back(ConstantOf(graph, v));
    auto results = ctx.evaluate(node, inputs);
    if (!results.ok()) {
      ctx.Logf(fmt::format("fold_constants: kept {} ({})", node.name, results.status().message()));
      continue;
    }
    int64_t bytes = 0;
    for (const Tensor& t : *results) bytes += static_cast<int64_t>(t.nbytes());
    if (bytes > ctx.max_folded_bytes) continue;
    const std::vector<ValueId> outputs = node.outputs;
    const std::string name = node.name;
    graph.RemoveNode(id);
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i] == kNoValue) continue;
      Value& v = graph.value(outputs[i]);
      v.weight = std::make_shared<const Tensor>(std::move((*results)[i]));
      v.dtype = v.weight->dtype();
      v.shape = v.weight->shape();
    }
    ctx.Record("fold_constants", "constant", {name}, outputs[0] == kNoValue ? name : graph.value(outputs[0]).name);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
