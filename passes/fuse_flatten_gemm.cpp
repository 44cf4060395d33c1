// fuse_flatten_gemm: a Gemm reads a Flatten's input directly.
// Pattern: A = Flatten(X, axis=1) (axis -(rank-1) too), X of known rank >= 2, A read as input 0
// (A) of a Gemm or of a FusedGemm that does not flatten yet:  (GlobalAveragePool ->) Flatten ->
// Gemm, the classifier head of every torchvision CNN.
// Rewrite: the Gemm becomes a FusedGemm with flatten_a = 1 and input 0 = X. FusedGemm reads an A
// of rank >= 2 as [A.dims[0], product of the rest], exactly Flatten(axis=1)'s output, so the
// math is unchanged and no copy or view is needed. The Flatten is removed when nothing else reads
// it (eliminate_dead_code would, too).
// Leaves alone: Flatten with another axis, a Flatten feeding B or C, integer Gemms (FusedGemm is
// float only), X of unknown rank.
#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

// The Flatten producing v when it flattens to [dims[0], rest] of an input of known rank >= 2.
const Node* FlattenAxis1(const Graph& g, ValueId v) {
  const Node* flatten = ProducerIf(g, v, OpKind::kFlatten);
  if (flatten == nullptr) return nullptr;
  const Shape& x = g.value(flatten->inputs[0]).shape;
  if (x.unknown_rank() || x.rank() < 2) return nullptr;
  const int64_t rank = static_cast<int64_t>(x.rank());
  int64_t axis = flatten->attrs.GetInt("axis", 1);
  if (axis < 0) axis += rank;
  return axis == 1 ? flatten : nullptr;
}

bool IsFloat32Family(DType t) { return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16 || t == DType::kF64; }

}  // namespace

bool RunFuseFlattenGemm(Graph& graph, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& gemm = graph.node(id);
    if (gemm.dead || !(gemm.op == OpKind::kGemm || gemm.op == OpKind::kFusedGemm)) continue;
    if (gemm.attrs.GetInt("flatten_a", 0) != 0 || !IsFloat32Family(graph.value(gemm.inputs[0]).dtype)) continue;
    const Node* flatten = FlattenAxis1(graph, gemm.inputs[0]);
    if (flatten == nullptr) continue;
    const NodeId flatten_id = graph.value(gemm.inputs[0]).producer;
    const ValueId x = flatten->inputs[0], flat = flatten->outputs[0];
    const std::string flatten_name = flatten->name;
    Node& fused = graph.node(id);
    fused.op = OpKind::kFusedGemm;
    fused.attrs.set("flatten_a", int64_t{1});
    graph.SetInput(id, 0, x);
    if (graph.value(flat).consumers.empty() && !graph.value(flat).is_graph_output) graph.RemoveNode(flatten_id);
    ctx.Record("fuse_flatten_gemm", "Flatten+Gemm", {flatten_name, fused.name}, fused.name);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
