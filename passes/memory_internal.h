// Internals of the memory planner shared by plan_memory.cpp, memory_aliasing.cpp and
// memory_check.cpp (not for other callers: use passes/memory_plan.h).
#pragma once

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

// Who aliases whom: parent[v] is the value v's bytes are placed in (kNoValue for a root), at
// offset_in_parent[v] bytes from the parent's start.
struct AliasForest {
  std::vector<ValueId> parent;
  std::vector<int64_t> offset_in_parent;
  std::vector<AliasKind> kind;
};

// Decides the aliases (views, Concat slices, in-place elementwise) in execution order.
AliasForest BuildAliases(const Graph& graph, const std::vector<ValueLife>& lives, const MemoryPlanOptions& options);

int64_t AlignUp(int64_t bytes, int64_t alignment);

}  // namespace mrt::memory
