// Small graph queries and edits that many passes share: reading constants, single-use checks,
// adding constants with unique names, and bypassing a node whose output equals its input while
// keeping the graph's output names.
#pragma once

#include <optional>
#include <string>

#include "ir/graph.h"

namespace mrt {

// The weight behind a value, or nullptr when it is not a constant.
const Tensor* ConstantOf(const Graph& graph, ValueId v);
// The single element of a constant with one element (any numeric dtype), as double.
std::optional<double> ScalarConstant(const Graph& graph, ValueId v);
// The node producing v if it is live and of kind `op`, else nullptr.
const Node* ProducerIf(const Graph& graph, ValueId v, OpKind op);
// True when exactly one live node reads v, once, and v is not a graph output: fusing v's producer
// into that reader loses nothing.
bool HasSingleUse(const Graph& graph, ValueId v);

// A value name not used yet, from `base` ("conv1.weight_folded", then "..._1", ...).
std::string UniqueValueName(const Graph& graph, const std::string& base);
// Adds a weight under a unique name derived from `base`.
ValueId AddConstant(Graph& graph, const std::string& base, Tensor data);

// Removes node n, whose output `out_slot` carries the same tensor as input `in_slot`, rewiring
// readers to the input. When the output is a graph output, the input's producer is made to write
// the output value instead, so the model keeps its output names. Returns false (and changes
// nothing) when that is impossible: the input is a graph input, a weight or another graph output.
bool BypassNode(Graph& graph, NodeId n, size_t in_slot = 0, size_t out_slot = 0);

}  // namespace mrt
