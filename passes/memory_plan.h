// Liveness-based memory planning. Activation memory is planned, not allocated: every value that
// needs storage gets a byte offset in one arena, and two values share bytes only when their
// lifetimes do not overlap, or when one aliases the other by design.
//
// - Time is the node index in the execution order (the graph's node order). Graph inputs are
//   copied into the arena at time -1, graph outputs copied out at time num_nodes. A value is live
//   from the node that produces it to its last reader.
// - Values are grouped into buffers: a group is a root value and the values that alias it (below).
//   A buffer is live from the first definition of any member to the last read of any member.
// - Buffers are placed in one arena best-fit, largest first, at `alignment`-byte boundaries
//   (a few other orders are tried too and the smallest arena is kept).
// - View ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity: kTraitView) alias their input.
// - A Concat's producers write straight into their slices of its output when the slices are
//   contiguous (the product of the output dims before the axis is 1); the Concat copies nothing.
// - An elementwise node writes its output over an input that dies at that node (same dtype and
//   shape; the input's buffer holds nothing else and no graph input/output).
// Weights are not in the arena. passes/README-memory.md explains how to add an aliasing rule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace mrt {

struct MemoryPlanOptions {
  int64_t alignment = 256;
  bool enabled = true;  // false (--no-memory-plan): every value gets its own slot, nothing shared
  bool alias_views = true;
  bool concat_in_place = true;
  bool reuse_elementwise_inputs = true;
};

// Why a value shares bytes with another value (MemoryPlan::alias_of).
enum class AliasKind : uint8_t {
  kNone,         // a root: owns its buffer
  kView,         // the output of a view op: the same bytes as its input
  kConcatSlice,  // placed in a slice of a Concat output (alias_of is the Concat output)
  kInPlace,      // an elementwise output written over an input that dies at its node
};
std::string_view AliasKindName(AliasKind kind);

struct MemoryPlan {
  int64_t alignment = 256;
  int64_t arena_bytes = 0;      // the arena's size
  int64_t naive_bytes = 0;      // sum of every planned value's (aligned) bytes, as if nothing were shared
  int64_t peak_live_bytes = 0;  // most (aligned) buffer bytes live at one time: the lower bound for arena_bytes
  int32_t num_buffers = 0;      // groups placed in the arena
  // Per ValueId: byte offset of the value in the arena, or -1 when it has no arena storage
  // (weights, values no live node touches).
  std::vector<int64_t> offsets;
  // Per ValueId: time range [from, until] in which the value's buffer is live (-1/-1 when not
  // planned); aliases share their root's range. Used by tests and `inspect`.
  std::vector<int32_t> live_from, live_until;
  // Per ValueId: the value it aliases (kNoValue for roots and unplanned values) and why.
  std::vector<ValueId> alias_of;
  std::vector<AliasKind> alias_kind;

  bool planned(ValueId v) const { return v >= 0 && static_cast<size_t>(v) < offsets.size() && offsets[v] >= 0; }
};

// Plans the graph's activation memory. Requires a static shape and a known dtype for every
// planned value (import with input shapes, then run the pipeline); an error names the first
// value that has none.
Expected<MemoryPlan> PlanMemory(const Graph& graph, const MemoryPlanOptions& options = {});

// Checks the plan against what an executor does with it: every node writes its outputs' bytes
// (a view whose output sits on its input, and a Concat input already in its slice, write
// nothing), graph inputs are written at time -1. No write may touch the bytes of another value
// that is live at that time, except an elementwise node overwriting an input that dies at it.
// So views, Concat slices and in-place reuse pass only where they are really safe. Also checks
// that every planned value lies inside the arena. Used by the property test on random DAGs.
Status CheckMemoryPlan(const Graph& graph, const MemoryPlan& plan);

// "arena 12.3 MiB (peak live 11.9 MiB = 0.97x; 48.1 MiB without reuse), 57 buffers".
std::string MemoryPlanSummary(const MemoryPlan& plan);

// --- rules shared by the planner, the checker and the executors ---

// Bytes of a value with a static shape and a known dtype; nullopt otherwise.
std::optional<int64_t> StaticValueBytes(const Value& value);

// For a Concat whose output has a static shape and whose slices are contiguous (the product of
// the output dims before the axis is 1): the byte offset of each input's slice in the output.
// nullopt when the slices are strided or a shape is not static.
std::optional<std::vector<int64_t>> ConcatSliceByteOffsets(const Graph& graph, const Node& concat);

// Whether an op's kernels may write an output over an input of the same dtype and shape: each
// output element i depends on input element i only and is written after it is read
// (kTraitElementwise; the reference kernels of these ops are checked to do so).
bool WritesInPlaceSafely(OpKind op);

}  // namespace mrt
