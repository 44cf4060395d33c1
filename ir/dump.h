// Text form of a graph, one line per node:
//   %12 = Conv(%3, %w7, %b7) {group=1 kernel_shape=[3,3] ...} -> f32[1,64,160,160]
// Used by `mini-rt inspect`, `--verbose` logs and test failure messages.
#pragma once

#include <string>

#include "ir/graph.h"

namespace mrt {

std::string DumpNode(const Graph& graph, NodeId id);
std::string Dump(const Graph& graph);
// "Conv: 53, Relu: 49, ..." sorted by count, then name.
std::string OpHistogram(const Graph& graph);

}  // namespace mrt
