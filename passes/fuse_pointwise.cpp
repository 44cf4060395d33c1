// fuse_pointwise: connected groups of float elementwise ops become one Pointwise node.
//
// Pattern: a tree or DAG of elementwise ops (unary math and activations, Add Sub Mul Div Pow
// PRelu, Max Min Sum Mean, Clip, and Pointwise nodes from an earlier round) whose intermediate
// values are read only inside the group. Each group has one root, whose output leaves the group;
// the group becomes Pointwise(inputs...) writing the root's output value, with a program
// (ir/pointwise_program.h) that evaluates the whole group per element.
// Math: elementwise ops commute with broadcasting, so evaluating every op at the coordinates of
// the output (each leaf read through numpy broadcasting) gives the unfused result; f16/bf16
// chains compute in f32 between ops instead of rounding after each (at least as accurate).
// Grouping: nodes are visited in reverse topological order; a candidate joins the group of its
// output's readers when its output is not a graph output and every reader is in one same group;
// otherwise it roots a new group. So a value with a reader outside the group stays a group
// output (its producer roots its own group), and a value read twice inside a group is one
// register. Groups of two or more nodes are rewritten.
// Recomputation: a small group (up to kMaxRecomputedOps ops) whose output is read only by k other
// groups is duplicated into each of them when that moves less data: counting each tensor as one
// unit, k * (its tensor inputs) <= (its tensor inputs) + 1 + k. YOLOv8's box decoding
// (s = a - l; t = a + r; (s + t) / 2 and t - s) thus becomes two Pointwise nodes instead of five.
// Inputs and constants: the group's leaves (values produced outside it) become the node's inputs,
// except one-element constants, which become program constants when they cannot change the
// output's rank (rank 0, or no higher than the highest-rank input). Clip bounds and activation
// parameters are always program constants.
// Preconditions: the output is f32, f16 or bf16 and every leaf that stays an input has that
// dtype (a Pow exponent may be a scalar constant of any numeric dtype); at least one leaf is an
// input. Leaves alone: Cast, comparisons, Where, bool/int/f64 chains, Clip with computed bounds,
// Celu with alpha 0, and single nodes.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "ir/op_table.h"
#include "ir/pointwise_lowering.h"
#include "ir/pointwise_program.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

using P = PointwiseOp;

constexpr size_t kMaxRecomputedOps = 8;  // larger groups are never duplicated into their readers

bool IsFusableDType(DType d) { return d == DType::kF32 || d == DType::kF16 || d == DType::kBF16; }

bool IsVariadic(OpKind op) {
  return op == OpKind::kMax || op == OpKind::kMin || op == OpKind::kSum || op == OpKind::kMean;
}

// Clip's bounds are read as program constants, never as inputs.
bool IsParameterSlot(const Node& n, size_t slot) { return n.op == OpKind::kClip && slot >= 1; }

// One-opcode ops (ir/pointwise_lowering.h), variadic ops, Clip and earlier Pointwise nodes.
bool IsSupportedOp(const Node& n) {
  return FindPointwiseLowering(n.op) || IsVariadic(n.op) || n.op == OpKind::kClip || n.op == OpKind::kPointwise;
}

// Whether node n may join a Pointwise group (see the preconditions above).
bool IsCandidate(const Graph& g, const Node& n) {
  if (n.dead || n.outputs.size() != 1 || !IsSupportedOp(n)) return false;
  const DType dtype = g.value(n.outputs[0]).dtype;
  if (!IsFusableDType(dtype)) return false;
  if (const PointwiseLowering* row = FindPointwiseLowering(n.op))
    if (!CheckFormulaParams(*row, ReadFormulaParams(*row, n.attrs)).ok()) return false;  // Celu with alpha 0
  for (size_t slot = 0; slot < n.inputs.size(); ++slot) {
    if (IsParameterSlot(n, slot)) {
      if (n.has_input(slot) && !ScalarConstant(g, n.inputs[slot])) return false;
      continue;
    }
    if (!n.has_input(slot)) return false;
    const ValueId v = n.inputs[slot];
    const bool scalar_exponent = n.op == OpKind::kPow && slot == 1 && ScalarConstant(g, v);
    if (g.value(v).dtype != dtype && !scalar_exponent) return false;
  }
  return true;
}

// Distinct values a group reads that are not one-element constants (its tensor inputs).
int CountTensorLeaves(const Graph& g, const std::vector<NodeId>& members) {
  std::set<ValueId> produced, leaves;
  for (NodeId id : members) produced.insert(g.node(id).outputs[0]);
  for (NodeId id : members) {
    const Node& n = g.node(id);
    for (size_t slot = 0; slot < n.inputs.size(); ++slot) {
      const ValueId v = n.inputs[slot];
      if (!n.has_input(slot) || IsParameterSlot(n, slot) || produced.count(v)) continue;
      const Tensor* t = ConstantOf(g, v);
      if (!t || t->numel() != 1) leaves.insert(v);
    }
  }
  return static_cast<int>(leaves.size());
}

// Whether a group with `n_in` tensor inputs should be recomputed inside the k groups that read
// its output rather than write that output once. Counting every tensor as one unit of traffic
// (inputs are never larger than the output they broadcast to), keeping it costs n_in reads, one
// write and k reads; recomputing costs at most k * n_in reads and saves a kernel launch.
bool WorthRecomputing(const Graph& g, const std::vector<NodeId>& members, size_t k) {
  size_t ops = 0;  // a Pointwise member counts its instructions
  for (NodeId id : members) {
    const Node& n = g.node(id);
    ops += n.op == OpKind::kPointwise ? n.attrs.GetInts("program").size() / kPointwiseInstrWidth : 1;
  }
  const int n_in = CountTensorLeaves(g, members);
  return ops <= kMaxRecomputedOps && static_cast<int>(k) * n_in <= n_in + 1 + static_cast<int>(k);
}

struct GroupPlan {
  std::vector<std::vector<NodeId>> groups;   // to fuse: node ids in topological order, root last
  std::vector<std::vector<NodeId>> inlined;  // recomputed inside their readers' groups; last first
};

// Partitions candidates into single-output groups (see the header comment), then marks groups
// whose output is read only by other groups, all worth recomputing there, as inlined into them.
GroupPlan PlanGroups(const Graph& g) {
  std::vector<int> group_of(g.num_nodes(), -1);
  std::vector<std::vector<NodeId>> members;  // indexed by group; groups numbered from the last root back
  for (auto id = static_cast<NodeId>(g.num_nodes()); id-- > 0;) {
    if (!IsCandidate(g, g.node(id))) continue;
    const Value& out = g.value(g.node(id).outputs[0]);
    int joined = -1;
    if (!out.is_graph_output && !out.consumers.empty()) {
      joined = group_of[out.consumers[0]];
      for (NodeId c : out.consumers)
        if (group_of[c] != joined) joined = -1;
    }
    if (joined < 0) {
      joined = static_cast<int>(members.size());
      members.emplace_back();
    }
    group_of[id] = joined;
    members[joined].insert(members[joined].begin(), id);
  }
  // A group's readers were grouped before it (they come later in the graph), so their own
  // inlining is already decided: targets are the groups that end up computing them.
  std::vector<std::set<int>> targets(members.size());
  std::vector<char> is_inlined(members.size(), 0);
  GroupPlan plan;
  for (size_t gi = 0; gi < members.size(); ++gi) {
    const Value& out = g.value(g.node(members[gi].back()).outputs[0]);
    bool readers_fuse = !out.is_graph_output && !out.consumers.empty();
    for (NodeId c : out.consumers) {
      if (!readers_fuse || group_of[c] < 0) {
        readers_fuse = false;
        break;
      }
      const int rg = group_of[c];
      if (is_inlined[rg])
        targets[gi].insert(targets[rg].begin(), targets[rg].end());
      else
        targets[gi].insert(rg);
    }
    if (!readers_fuse || !WorthRecomputing(g, members[gi], targets[gi].size())) continue;
    is_inlined[gi] = 1;
    for (int t : targets[gi]) members[t].insert(members[t].end(), members[gi].begin(), members[gi].end());
    plan.inlined.push_back(members[gi]);
  }
  for (size_t gi = members.size(); gi-- > 0;) {
    if (is_inlined[gi]) continue;
    std::sort(members[gi].begin(), members[gi].end());  // node ids are a topological order
    plan.groups.push_back(std::move(members[gi]));
  }
  return plan;
}

// Translates one group into a program and the list of values it reads as inputs.
class GroupEmitter {
 public:
  GroupEmitter(const Graph& g, const std::vector<NodeId>& members) : g_(g), members_(members) {
    dtype_ = g.value(g.node(members.back()).outputs[0]).dtype;
    for (NodeId id : members) produced_[g.node(id).outputs[0]] = -1;
  }

  // False when the group cannot be expressed (see the preconditions).
  bool Emit() {
    if (!ChooseProgramConstants()) return false;
    for (NodeId id : members_) {
      const std::optional<int32_t> r = EmitNode(g_.node(id));
      if (!r || failed_) return false;
      produced_[g_.node(id).outputs[0]] = *r;
    }
    // The result must be the last register (a root like Max(x) may forward an earlier one).
    return !inputs_.empty() && produced_[g_.node(members_.back()).outputs[0]] == builder_.program().result();
  }

  PointwiseProgram TakeProgram() { return builder_.Take(); }
  const std::vector<ValueId>& inputs() const { return inputs_; }

 private:
  bool IsLeaf(ValueId v) const { return !produced_.count(v); }

  // One-element constants that cannot change the output's rank become program constants.
  bool ChooseProgramConstants() {
    int max_rank = 0;
    bool has_tensor_leaf = false;
    ForEachLeaf([&](ValueId v) {
      const Tensor* t = ConstantOf(g_, v);
      if (t && t->numel() == 1) return;
      has_tensor_leaf = true;
      const Shape& s = g_.value(v).shape;
      max_rank = s.unknown_rank() ? -1 : (max_rank < 0 ? -1 : std::max(max_rank, static_cast<int>(s.rank())));
    });
    ForEachLeaf([&](ValueId v) {
      const Tensor* t = ConstantOf(g_, v);
      if (t && t->numel() == 1 && (t->rank() == 0 || (max_rank >= 0 && static_cast<int>(t->rank()) <= max_rank)))
        program_constants_[v] = static_cast<float>(t->ElementAsDouble(0));
    });
    return has_tensor_leaf;
  }

  template <typename Fn>
  void ForEachLeaf(Fn fn) const {
    for (NodeId id : members_) {
      const Node& n = g_.node(id);
      for (size_t slot = 0; slot < n.inputs.size(); ++slot)
        if (n.has_input(slot) && !IsParameterSlot(n, slot) && IsLeaf(n.inputs[slot])) fn(n.inputs[slot]);
    }
  }

  // The register holding value v: a member's result, a program constant or an input load.
  int32_t Operand(ValueId v) {
    if (!IsLeaf(v)) return produced_.at(v);
    if (auto it = program_constants_.find(v); it != program_constants_.end()) return builder_.Constant(it->second);
    if (g_.value(v).dtype != dtype_) failed_ = true;  // e.g. an i64 tensor exponent of Pow
    auto it = std::find(inputs_.begin(), inputs_.end(), v);
    if (it == inputs_.end()) it = inputs_.insert(inputs_.end(), v);
    return builder_.Input(static_cast<int32_t>(it - inputs_.begin()));
  }

  int32_t ClipBound(const Node& n, size_t slot, float absent) {
    return builder_.Constant(n.has_input(slot) ? static_cast<float>(*ScalarConstant(g_, n.inputs[slot])) : absent);
  }

  std::optional<int32_t> EmitNode(const Node& n) {
    if (const PointwiseLowering* row = FindPointwiseLowering(n.op)) return EmitLowered(n, *row);
    if (n.op == OpKind::kClip) {
      const int32_t x = Operand(n.inputs[0]);
      const int32_t lo = ClipBound(n, 1, -std::numeric_limits<float>::infinity());
      const int32_t hi = ClipBound(n, 2, std::numeric_limits<float>::infinity());
      return builder_.Op(P::kClip, x, lo, hi);
    }
    if (IsVariadic(n.op)) return EmitVariadic(n);
    return EmitPointwise(n);
  }

  // The row's opcode over the node's inputs, then its parameters as program constants.
  int32_t EmitLowered(const Node& n, const PointwiseLowering& row) {
    int32_t operands[3] = {-1, -1, -1};
    int k = 0;
    for (; k < row.inputs(); ++k) operands[k] = Operand(n.inputs[k]);
    const FormulaParams params = ReadFormulaParams(row, n.attrs);
    const float values[2] = {params.b, params.c};
    for (int p = 0; p < row.num_params(); ++p, ++k) operands[k] = builder_.Constant(values[p]);
    return builder_.Op(row.opcode, operands[0], operands[1], operands[2]);
  }

  // Max/Min/Sum fold left over the inputs like their reference kernels; Mean divides the sum by n.
  int32_t EmitVariadic(const Node& n) {
    const P step = n.op == OpKind::kMax ? P::kMax : n.op == OpKind::kMin ? P::kMin : P::kAdd;
    int32_t acc = Operand(n.inputs[0]);
    for (size_t i = 1; i < n.inputs.size(); ++i) acc = builder_.Op(step, acc, Operand(n.inputs[i]));
    if (n.op == OpKind::kMean && n.inputs.size() > 1)
      acc = builder_.Op(P::kDiv, acc, builder_.Constant(static_cast<float>(n.inputs.size())));
    return acc;
  }

  // A Pointwise member (from an earlier round): its program inlined, registers renumbered.
  std::optional<int32_t> EmitPointwise(const Node& n) {
    Expected<PointwiseProgram> inner = ReadPointwiseProgram(n.attrs, n.inputs.size());
    if (!inner.ok()) return std::nullopt;
    std::vector<int32_t> reg(inner->code.size());
    for (size_t r = 0; r < inner->code.size(); ++r) {
      const PointwiseInstr& in = inner->code[r];
      if (in.op == P::kInput)
        reg[r] = Operand(n.inputs[in.a]);
      else if (in.op == P::kConstant)
        reg[r] = builder_.Constant(inner->constants[in.a]);
      else
        reg[r] = builder_.Op(in.op, reg[in.a], in.b >= 0 ? reg[in.b] : -1, in.c >= 0 ? reg[in.c] : -1);
    }
    return reg.back();
  }

  const Graph& g_;
  const std::vector<NodeId>& members_;
  DType dtype_ = DType::kUndefined;
  std::map<ValueId, int32_t> produced_;  // member outputs -> their registers
  std::map<ValueId, float> program_constants_;
  std::vector<ValueId> inputs_;
  PointwiseBuilder builder_;
  bool failed_ = false;
};

void RemoveIfUnused(Graph& g, NodeId id) {
  const Value& out = g.value(g.node(id).outputs[0]);
  if (out.consumers.empty() && !out.is_graph_output) g.RemoveNode(id);
}

// Replaces the group by one Pointwise node writing the root's output value.
void ReplaceGroup(Graph& g, const std::vector<NodeId>& members, GroupEmitter& emitter, PassContext& ctx) {
  const Node& root = g.node(members.back());
  const ValueId out = root.outputs[0];
  const std::string name = root.op == OpKind::kPointwise ? root.name : root.name + "_pointwise";
  std::vector<std::string> names;
  for (NodeId id : members) names.push_back(g.node(id).name);
  const PointwiseProgram program = emitter.TakeProgram();
  Attributes attrs;
  WritePointwiseProgram(attrs, program);
  // The root goes; so does every other member nothing reads any more. Members recomputed from
  // another group stay while that group's own readers still need them.
  g.RemoveNode(members.back());
  for (auto it = members.rbegin() + 1; it != members.rend(); ++it) RemoveIfUnused(g, *it);
  g.AddNode(OpKind::kPointwise, name, emitter.inputs(), {out}, std::move(attrs));
  ctx.Record("fuse_pointwise", fmt::format("Pointwise({} ops)", members.size()), std::move(names), name);
  ctx.Logf(fmt::format("  {} = {}", name, ToString(program)));
}

}  // namespace

bool RunFusePointwise(Graph& graph, PassContext& ctx) {
  const GroupPlan plan = PlanGroups(graph);
  bool changed = false;
  for (const std::vector<NodeId>& members : plan.groups) {
    if (members.size() < 2) continue;
    GroupEmitter emitter(graph, members);
    if (!emitter.Emit()) continue;
    ReplaceGroup(graph, members, emitter, ctx);
    changed = true;
  }
  // A recomputed group goes once no reader is left (a reader's group may have failed to emit).
  for (const std::vector<NodeId>& members : plan.inlined)
    for (auto it = members.rbegin(); it != members.rend(); ++it) RemoveIfUnused(graph, *it);
  // The new nodes were appended after their readers; restore topological order.
  if (changed) (void)graph.TopologicalSort();  // cannot fail: fusing a group adds no cycle
  return changed;
}

}  // namespace mrt
