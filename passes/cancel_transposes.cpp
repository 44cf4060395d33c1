// cancel_transposes: merge a Transpose that reads another Transpose, dropping the pair when the
// two permutations undo each other (NCHW <-> NHWC round trips, attention's head reshuffles).
//
// Pattern: y = Transpose(Transpose(x, perm = p1), perm = p2).
// Math: Transpose gives out.dim[i] = in.dim[perm[i]], so t = T(x, p1) has t.dim[j] = x.dim[p1[j]]
// and y.dim[i] = t.dim[p2[i]] = x.dim[p1[p2[i]]]: the pair is one Transpose with
//     composed[i] = p1[p2[i]],
// and nothing at all when composed is the identity (y is x).
// Preconditions: both permutations known (an absent perm reverses the dims, which needs the input's
// rank) and valid permutations of the same rank. When the first Transpose's output has other
// readers it stays for them; the second is then rewritten only if the pair cancels, because a
// merged Transpose would cost as much as the one it replaces.
// Leaves alone: a Transpose of a constant (fold_constants folds it) and Transposes separated by
// any other op.
#include <numeric>

#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "cancel_transposes";

// The node's permutation with the default (reverse) filled in; nullopt when unknown or invalid.
std::optional<std::vector<int64_t>> PermutationOf(const Graph& g, const Node& t) {
  std::vector<int64_t> perm = t.attrs.GetInts("perm");
  if (perm.empty()) {
    const Shape& in = g.value(t.inputs[0]).shape;
    if (in.unknown_rank()) return std::nullopt;
    perm.resize(in.rank());
    std::iota(perm.rbegin(), perm.rend(), 0);  // [r-1, ..., 1, 0]
  }
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm.size()) || seen[p]) return std::nullopt;
    seen[p] = true;
  }
  return perm;
}

bool IsIdentity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// Makes node `second`, already reading x, pass x through: bypassed when possible, else (x is a
// graph input or weight and y a graph output, whose name must stay) an Identity.
std::string DropIdentityTranspose(Graph& g, NodeId second) {
  const std::string x_name = g.value(g.node(second).inputs[0]).name;
  if (BypassNode(g, second)) return x_name;
  Node& n = g.node(second);
  n.op = OpKind::kIdentity;
  n.attrs = Attributes();
  return n.name;
}

}  // namespace

bool RunCancelTransposes(Graph& graph, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& second = graph.node(id);
    if (second.dead || second.op != OpKind::kTranspose) continue;
    const ValueId between = second.inputs[0];
    const Node* first = ProducerIf(graph, between, OpKind::kTranspose);
    if (first == nullptr) continue;
    const auto p1 = PermutationOf(graph, *first), p2 = PermutationOf(graph, second);
    if (!p1 || !p2 || p1->size() != p2->size()) continue;
    std::vector<int64_t> composed(p2->size());
    for (size_t i = 0; i < composed.size(); ++i) composed[i] = (*p1)[(*p2)[i]];
    const bool single_use = HasSingleUse(graph, between), cancels = IsIdentity(composed);
    if (!single_use && !cancels) continue;
    const std::vector<std::string> consumed = {first->name, second.name};
    const NodeId first_id = graph.value(between).producer;
    graph.SetInput(id, 0, first->inputs[0]);
    if (single_use) graph.RemoveNode(first_id);
    std::string result;
    if (cancels) {
      result = DropIdentityTranspose(graph, id);
    } else {
      graph.node(id).attrs.set("perm", composed);
      result = graph.node(id).name;
    }
    ctx.Record(kPassName, "Transpose+Transpose", consumed, result);
    changed = true;
  }
  return changed;
}

}  // namespace mrt
