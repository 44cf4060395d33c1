// Structural checks of a Graph: handles in range, producer/consumer links consistent, nodes in
// topological order, every value produced at most once, dtypes known, weights matching their
// declared shapes, op arity within the op table's bounds. Runs after every pass in tests.
#pragma once

#include "ir/graph.h"

namespace mrt {

Status Verify(const Graph& graph);

}  // namespace mrt
