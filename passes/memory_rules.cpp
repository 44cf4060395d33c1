// The rules the memory planner, its checker and the executors share: value sizes, value
// lifetimes, where a Concat's input slices lie, which ops may work in place.
#include <algorithm>

#include "ir/infer_shapes.h"
#include "ir/op_table.h"
#include "passes/memory_internal.h"

namespace mrt {

std::string_view AliasKindName(AliasKind kind) {
  switch (kind) {
    case AliasKind::kNone:
      return "none";
    case AliasKind::kView:
      return "view";
    case AliasKind::kConcatSlice:
      return "concat-slice";
    case AliasKind::kInPlace:
      return "in-place";
  }
  return "?";
}

std::optional<int64_t> StaticValueBytes(const Value& value) {
  if (value.dtype == DType::kUndefined || !value.shape.is_static()) return std::nullopt;
  return *value.shape.numel() * static_cast<int64_t>(DTypeSize(value.dtype));
}

std::optional<std::vector<int64_t>> ConcatSliceByteOffsets(const Graph& graph, const Node& concat) {
  if (concat.op != OpKind::kConcat || concat.outputs.size() != 1 || concat.outputs[0] == kNoValue) return std::nullopt;
  const Value& out = graph.value(concat.outputs[0]);
  if (!StaticValueBytes(out)) return std::nullopt;
  const auto rank = static_cast<int64_t>(out.shape.rank());
  int64_t axis = concat.attrs.GetInt("axis", 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return std::nullopt;
  // Output element (outer, a, inner) with outer the index over the dims before the axis: input k's
  // elements are contiguous in the output only when there is a single outer index.
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out.shape[d].size;
  if (outer != 1) return std::nullopt;
  std::vector<int64_t> offsets;
  int64_t next = 0;
  for (ValueId in : concat.inputs) {
    if (in == kNoValue) return std::nullopt;
    const std::optional<int64_t> bytes = StaticValueBytes(graph.value(in));
    if (!bytes) return std::nullopt;
    offsets.push_back(next);
    next += *bytes;
  }
  if (next != *StaticValueBytes(out)) return std::nullopt;  // inconsistent shapes: let the kernel say so
  return offsets;
}

bool WritesInPlaceSafely(OpKind op) { return HasTrait(op, kTraitElementwise); }

std::string MemoryPlanSummary(const MemoryPlan& plan) {
  auto mib = [](int64_t bytes) { return static_cast<double>(bytes) / (1 << 20); };
  const double ratio = plan.peak_live_bytes > 0
                           ? static_cast<double>(plan.arena_bytes) / static_cast<double>(plan.peak_live_bytes)
                           : 1.0;
  return fmt::format("arena {:.2f} MiB (peak live {:.2f} MiB, arena/peak {:.3f}; {:.2f} MiB without reuse), {} buffers",
                     mib(plan.arena_bytes), mib(plan.peak_live_bytes), ratio, mib(plan.naive_bytes), plan.num_buffers);
}

namespace memory {

int64_t AlignUp(int64_t bytes, int64_t alignment) {
  if (alignment <= 1) return bytes;
  return (bytes + alignment - 1) / alignment * alignment;
}

namespace {

Status NeedsStaticShape(const Value& v) {
  return Status::Errorf(
      "memory planning needs a static shape and dtype for every activation, but '{}' is {}{} (give the input "
      "shapes, e.g. --shapes, and run the pipeline so shape computations fold)",
      v.name, DTypeName(v.dtype), v.shape.ToString());
}

// Marks a value planned (weights never are) and checks it has a size.
Status MarkPlanned(const Graph& graph, ValueId v, ValueLife& life) {
  const Value& val = graph.value(v);
  if (val.is_weight() || life.planned) return Status::Ok();
  const std::optional<int64_t> bytes = StaticValueBytes(val);
  if (!bytes) return NeedsStaticShape(val);
  life.planned = true;
  life.bytes = *bytes;
  return Status::Ok();
}

}  // namespace

Expected<std::vector<ValueLife>> ComputeValueLives(const Graph& graph) {
  const auto end_time = static_cast<int32_t>(graph.num_nodes());
  std::vector<ValueLife> lives(graph.num_values());
  std::vector<bool> written(graph.num_values(), false);
  for (ValueId v : graph.inputs) {
    MRT_RETURN_IF_ERROR(MarkPlanned(graph, v, lives[v]));
    lives[v].def = lives[v].last = -1;
    written[v] = true;
  }
  for (NodeId n = 0; n < end_time; ++n) {
    const Node& node = graph.node(n);
    if (node.dead) continue;
    for (ValueId v : node.inputs) {
      if (v == kNoValue || graph.value(v).is_weight()) continue;
      if (!written[v])
        return Status::Errorf("{}reads '{}' before anything writes it", NodeContext(node), graph.value(v).name);
      lives[v].last = std::max(lives[v].last, n);
    }
    for (ValueId v : node.outputs) {
      if (v == kNoValue) continue;
      MRT_RETURN_IF_ERROR(MarkPlanned(graph, v, lives[v]));
      lives[v].def = lives[v].last = n;
      written[v] = true;
    }
  }
  for (ValueId v : graph.outputs) {
    if (graph.value(v).is_weight()) continue;
    if (!written[v]) return Status::Errorf("graph output '{}' is never computed", graph.value(v).name);
    lives[v].last = end_time;
  }
  return lives;
}

}  // namespace memory
}  // namespace mrt
