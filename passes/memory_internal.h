// Internals of the memory planner shared by plan_memory.cpp, memory_aliasing.cpp and
// memory_check.cpp (not for other callers: use passes/memory_plan.h).
#pragma once

#include <set>
#include <vector>

#include "passes/memory_plan.h"

namespace mrt::memory {

// Liveness of one value. Time is the node index; graph inputs are defined at -1 (copied in
// before the first node), graph outputs are read at num_nodes (copied out after the last).
struct ValueLife {
  bool planned = false;  // needs arena storage: a non-weight value a live node reads or writes, or a graph input/output
  int64_t bytes = 0;
  int32_t def = -1;   // time it is written
  int32_t last = -1;  // time of its last read (>= def)
};

// One entry per ValueId. An error names the first planned value without a static shape or
// dtype, or a value that is read but never written.
Expected<std::vector<ValueLife>> ComputeValueLives(const Graph& graph);

// One Concat input placed in its slice.
struct ConcatSlice {
  NodeId concat = kNoNode;
  size_t input = 0;
  bool operator<(const ConcatSlice& o) const { return concat != o.concat ? concat < o.concat : input < o.input; }
};

// Who aliases whom: parent[v] is the value v's bytes are placed in (kNoValue for a root), at
// offset_in_parent[v] bytes from the parent's start.
struct AliasForest {
  std::vector<ValueId> parent;
  std::vector<int64_t> offset_in_parent;
  std::vector<AliasKind> kind;
  // Every Concat input placed in its slice, with how many nodes before the Concat its group is
  // first written: placing a long-lived input makes the whole output buffer live that much
  // earlier, which can cost more than the copy it saves.
  std::vector<std::pair<ConcatSlice, int32_t>> slices;
};

// Decides the aliases (views, Concat slices, in-place elementwise) in execution order. Concat
// inputs in `vetoed` are copied instead of placed in their slice.
AliasForest BuildAliases(const Graph& graph, const std::vector<ValueLife>& lives, const MemoryPlanOptions& options,
                         const std::set<ConcatSlice>& vetoed = {});

int64_t AlignUp(int64_t bytes, int64_t alignment);

}  // namespace mrt::memory
