// Alias decisions of the memory planner: which values share a buffer by design.
//
// Values form groups: a root owns a buffer, every other member hangs under a parent at a byte
// offset (AliasForest). Nodes are visited in execution order and each rule may attach a group:
//   view      out -> in0, offset 0            (a view op; same byte size)
//   concat    root(in_k) -> out, slice offset (contiguous slices; in_k fills its root's buffer)
//   in-place  out -> in_k, offset 0           (elementwise; in_k's group is read last here)
// The group's buffer is then live from the first write of any member to the last read of any
// member, which is what makes each rule safe:
// - A view's bytes are its input's; both are live at the view, and the group keeps the bytes
//   until the last reader of either.
// - A Concat input placed in its slice is written there by its producer; the Concat output's
//   buffer is live from that write on, so nothing else lands in it meanwhile.
// - In-place needs every member of the input's group to be read for the last time at this node
//   (no later reader can see the overwritten bytes; a graph output is read after the last node,
//   so its group never qualifies), no graph input in the group (see GroupHasGraphInput), and the
//   input to fill its buffer exactly. Reading element i before writing element i is the kernel's part
//   (WritesInPlaceSafely).
// Adding a rule: write one more Try* below, attach with Attach(), and extend CheckMemoryPlan's
// write model if the executor skips a write because of it (passes/README-memory.md).
#include <algorithm>
#include <climits>

#include "ir/op_table.h"
#include "passes/memory_internal.h"

namespace mrt::memory {

namespace {

class AliasBuilder {
 public:
  AliasBuilder(const Graph& graph, const std::vector<ValueLife>& lives, const MemoryPlanOptions& options,
               const std::set<ConcatSlice>& vetoed)
      : graph_(graph), lives_(lives), options_(options), vetoed_(vetoed), members_(graph.num_values()) {
    forest_.parent.assign(graph.num_values(), kNoValue);
    forest_.offset_in_parent.assign(graph.num_values(), 0);
    forest_.kind.assign(graph.num_values(), AliasKind::kNone);
    for (ValueId v = 0; v < static_cast<ValueId>(graph.num_values()); ++v)
      if (lives[v].planned) members_[v] = {v};
  }

  AliasForest Run() {
    for (NodeId n = 0; n < static_cast<NodeId>(graph_.num_nodes()); ++n) {
      const Node& node = graph_.node(n);
      if (node.dead) continue;
      if (options_.alias_views && HasTrait(node.op, kTraitView)) TryView(node);
      if (options_.concat_in_place && node.op == OpKind::kConcat) TryConcat(node, n);
      if (options_.reuse_elementwise_inputs && WritesInPlaceSafely(node.op)) TryInPlace(node, n);
    }
    return std::move(forest_);
  }

 private:
  bool Planned(ValueId v) const { return v != kNoValue && lives_[v].planned; }

  // The group's root and v's byte offset inside the root's buffer.
  ValueId Root(ValueId v, int64_t* offset = nullptr) const {
    int64_t off = 0;
    while (forest_.parent[v] != kNoValue) {
      off += forest_.offset_in_parent[v];
      v = forest_.parent[v];
    }
    if (offset) *offset = off;
    return v;
  }

  // v starts its root's buffer and fills it (so no other bytes of the buffer are in use).
  bool FillsItsBuffer(ValueId v, ValueId* root) const {
    int64_t offset = 0;
    *root = Root(v, &offset);
    return offset == 0 && lives_[*root].bytes == lives_[v].bytes;
  }

  // Graph inputs are never written over nor moved: the arena executor copies them in, but a GPU
  // runtime may bind the caller's buffer directly. (Graph outputs need no rule: they are read
  // after the last node, so a group holding one is never read last at a node.)
  bool GroupHasGraphInput(ValueId root) const {
    return std::any_of(members_[root].begin(), members_[root].end(),
                       [&](ValueId m) { return graph_.value(m).is_graph_input; });
  }
  int32_t GroupFirstWrite(ValueId root) const {
    int32_t first = INT32_MAX;
    for (ValueId m : members_[root]) first = std::min(first, lives_[m].def);
    return first;
  }
  int32_t GroupLastRead(ValueId root) const {
    int32_t last = -1;
    for (ValueId m : members_[root]) last = std::max(last, lives_[m].last);
    return last;
  }

  // Hangs the group rooted at `child_root` under `parent` at `offset` bytes.
  void Attach(ValueId child_root, ValueId parent, int64_t offset, AliasKind kind) {
    forest_.parent[child_root] = parent;
    forest_.offset_in_parent[child_root] = offset;
    forest_.kind[child_root] = kind;
    const ValueId new_root = Root(parent);
    std::vector<ValueId>& into = members_[new_root];
    into.insert(into.end(), members_[child_root].begin(), members_[child_root].end());
    members_[child_root].clear();
  }

  void TryView(const Node& node) {
    if (node.inputs.empty() || node.outputs.size() != 1) return;
    const ValueId in = node.inputs[0], out = node.outputs[0];
    if (!Planned(in) || !Planned(out) || lives_[in].bytes != lives_[out].bytes) return;
    Attach(out, in, 0, AliasKind::kView);
  }

  void TryConcat(const Node& node, NodeId n) {
    const std::optional<std::vector<int64_t>> slices = ConcatSliceByteOffsets(graph_, node);
    const ValueId out = node.outputs[0];
    if (!slices || !Planned(out)) return;
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      const ValueId in = node.inputs[k];
      ValueId root = kNoValue;
      if (!Planned(in) || !FillsItsBuffer(in, &root)) continue;
      // A group already in the output (concat(x, x)) is copied; a graph input keeps its own slot.
      if (root == Root(out) || GroupHasGraphInput(root) || vetoed_.count({n, k})) continue;
      forest_.slices.push_back({{n, k}, n - GroupFirstWrite(root)});
      Attach(root, out, (*slices)[k], AliasKind::kConcatSlice);
    }
  }

  void TryInPlace(const Node& node, NodeId n) {
    if (node.outputs.size() != 1 || !Planned(node.outputs[0])) return;
    const ValueId out = node.outputs[0];
    const Value& out_val = graph_.value(out);
    for (ValueId in : node.inputs) {
      if (!Planned(in)) continue;
      const Value& in_val = graph_.value(in);
      if (in_val.dtype != out_val.dtype || in_val.shape != out_val.shape) continue;
      ValueId root = kNoValue;
      if (!FillsItsBuffer(in, &root) || GroupHasGraphInput(root) || GroupLastRead(root) != n) continue;
      Attach(out, in, 0, AliasKind::kInPlace);
      return;
    }
  }

  const Graph& graph_;
  const std::vector<ValueLife>& lives_;
  const MemoryPlanOptions& options_;
  const std::set<ConcatSlice>& vetoed_;
  AliasForest forest_;
  std::vector<std::vector<ValueId>> members_;  // per root: every value of its group (empty for non-roots)
};

}  // namespace

AliasForest BuildAliases(const Graph& graph, const std::vector<ValueLife>& lives, const MemoryPlanOptions& options,
                         const std::set<ConcatSlice>& vetoed) {
  return AliasBuilder(graph, lives, options, vetoed).Run();
}

}  // namespace mrt::memory
