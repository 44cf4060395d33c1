// CheckMemoryPlan: replays the writes an executor makes with a plan and checks that none of
// them clobbers a value that is still to be read.
//
// Write model (what runtime/reference_backend.cpp and every arena executor do):
//   time -1     each graph input is copied into its bytes;
//   time n      node n writes each output's bytes, except
//               - a view op whose output sits exactly on its input writes nothing;
//               - a Concat writes only the slices whose input is not already there.
// A value is live from its write (def) to its last read. A write at time t may touch the bytes
// of a value v live at t only when
//   - it is v's own write (t == def(v)), or
//   - it is an in-place overwrite: t == last(v), node t reads v, its op writes in place safely,
//     and the written bytes are exactly v's (same size, elementwise, element i read before written).
// This does not trust the planner's alias bookkeeping: a view, slice or in-place reuse that the
// planner got wrong shows up as a clobbered value.
#include <algorithm>

#include "ir/op_table.h"
#include "passes/memory_internal.h"

namespace mrt {

namespace {

using memory::ValueLife;

struct Write {
  int32_t time = -1;
  int64_t begin = 0, end = 0;  // bytes [begin, end) of the arena
  ValueId writer = kNoValue;   // the value whose bytes these are
};

class PlanChecker {
 public:
  PlanChecker(const Graph& graph, const MemoryPlan& plan, const std::vector<ValueLife>& lives)
      : graph_(graph), plan_(plan), lives_(lives) {}

  Status Run() {
    MRT_RETURN_IF_ERROR(CheckBounds());
    std::vector<Write> writes;
    for (ValueId v : graph_.inputs)
      if (lives_[v].planned) writes.push_back({-1, Begin(v), End(v), v});
    for (NodeId n = 0; n < static_cast<NodeId>(graph_.num_nodes()); ++n)
      if (!graph_.node(n).dead) AddNodeWrites(n, writes);
    for (const Write& w : writes) MRT_RETURN_IF_ERROR(CheckWrite(w));
    return Status::Ok();
  }

 private:
  int64_t Begin(ValueId v) const { return plan_.offsets[v]; }
  int64_t End(ValueId v) const { return plan_.offsets[v] + lives_[v].bytes; }
  bool Planned(ValueId v) const { return v != kNoValue && lives_[v].planned; }

  Status CheckBounds() const {
    if (plan_.offsets.size() != graph_.num_values())
      return Status::Errorf("the plan has {} offsets for {} values", plan_.offsets.size(), graph_.num_values());
    for (ValueId v = 0; v < static_cast<ValueId>(graph_.num_values()); ++v) {
      if (!lives_[v].planned) continue;
      if (plan_.offsets[v] < 0)
        return Status::Errorf("value '{}' needs arena storage but has none", graph_.value(v).name);
      if (End(v) > plan_.arena_bytes)
        return Status::Errorf("value '{}' at bytes [{}, {}) ends past the arena ({} bytes)", graph_.value(v).name,
                              Begin(v), End(v), plan_.arena_bytes);
    }
    return Status::Ok();
  }

  void AddNodeWrites(NodeId n, std::vector<Write>& writes) const {
    const Node& node = graph_.node(n);
    if (HasTrait(node.op, kTraitView) && node.outputs.size() == 1 && !node.inputs.empty()) {
      const ValueId in = node.inputs[0], out = node.outputs[0];
      if (Planned(in) && Planned(out) && Begin(in) == Begin(out) && End(in) == End(out)) return;
    }
    if (node.op == OpKind::kConcat && Planned(node.outputs[0])) {
      if (const auto slices = ConcatSliceByteOffsets(graph_, node)) {
        const ValueId out = node.outputs[0];
        for (size_t k = 0; k < node.inputs.size(); ++k) {
          const ValueId in = node.inputs[k];
          const int64_t slice = Begin(out) + (*slices)[k];
          const int64_t bytes = *StaticValueBytes(graph_.value(in));
          if (!(Planned(in) && Begin(in) == slice)) writes.push_back({n, slice, slice + bytes, out});
        }
        return;
      }
    }
    for (ValueId out : node.outputs)
      if (Planned(out)) writes.push_back({n, Begin(out), End(out), out});
  }

  // Node `w.time` overwrites v, an input dying there, element for element.
  bool IsInPlaceOverwrite(const Write& w, ValueId v) const {
    if (w.time < 0 || lives_[v].last != w.time || w.begin != Begin(v) || w.end != End(v)) return false;
    const Node& node = graph_.node(w.time);
    if (!WritesInPlaceSafely(node.op)) return false;
    if (std::find(node.inputs.begin(), node.inputs.end(), v) == node.inputs.end()) return false;
    const Value &a = graph_.value(v), &b = graph_.value(w.writer);
    return DTypeSize(a.dtype) == DTypeSize(b.dtype) && a.shape.numel() == b.shape.numel();
  }

  Status CheckWrite(const Write& w) const {
    if (w.begin == w.end) return Status::Ok();
    for (ValueId v = 0; v < static_cast<ValueId>(graph_.num_values()); ++v) {
      if (!lives_[v].planned || lives_[v].bytes == 0) continue;
      if (w.time < lives_[v].def || w.time > lives_[v].last) continue;  // not live
      if (w.end <= Begin(v) || End(v) <= w.begin) continue;             // disjoint bytes
      if (v == w.writer && w.time == lives_[v].def) continue;
      if (IsInPlaceOverwrite(w, v)) continue;
      const std::string where =
          w.time < 0 ? std::string("copying in the graph inputs")
                     : fmt::format("node '{}' ({})", graph_.node(w.time).name, OpName(graph_.node(w.time).op));
      return Status::Errorf(
          "memory plan conflict: writing '{}' (bytes [{}, {})) at time {} ({}) clobbers '{}' (bytes [{}, {}), live "
          "{}..{})",
          graph_.value(w.writer).name, w.begin, w.end, w.time, where, graph_.value(v).name, Begin(v), End(v),
          lives_[v].def, lives_[v].last);
    }
    return Status::Ok();
  }

  const Graph& graph_;
  const MemoryPlan& plan_;
  const std::vector<ValueLife>& lives_;
};

}  // namespace

Status CheckMemoryPlan(const Graph& graph, const MemoryPlan& plan) {
  MRT_ASSIGN_OR_RETURN(const std::vector<ValueLife> lives, memory::ComputeValueLives(graph));
  return PlanChecker(graph, plan, lives).Run();
}

}  // namespace mrt
