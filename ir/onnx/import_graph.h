// The steps of importing a GraphProto, in the order ImportModel runs them. Each returns one-line
// errors without the file prefix (the caller adds "model.onnx: ").
#pragma once

#include <map>

#include "ir/onnx/import_context.h"

namespace mrt::onnx_import {

// "<name>" or, for a node without one, "<OpType>_<index>".
std::string NodeDisplayName(const onnx::NodeProto& node, int index);
// "node '<name>' (<OpType>)" for messages, both quoted through Printable (ir/printable.h).
std::string DescribeNode(const onnx::NodeProto& node, int index);

// One error listing every node whose op mini-rt cannot import (grouped by op, with counts).
Status CheckSupportedOps(const onnx::GraphProto& graph);

// Opsets 7..18; an older model only when all its ops are unchanged since (UnchangedSinceOpset).
Status CheckOpsetRange(const onnx::GraphProto& graph, int64_t opset);

// Every value has exactly one producer (graph input, initializer or node output) and every name
// a node or the graph's outputs use is produced.
Status CheckValueNames(const onnx::GraphProto& graph);

// Initializers become weights; graph inputs (those that are not initializers) become inputs with
// their declared dtype and shape; graph outputs and value_info declare shapes of node outputs.
Status AddWeightsAndInputs(ImportContext& ctx, const onnx::GraphProto& graph);
Status DeclareValueShapes(ImportContext& ctx, const onnx::GraphProto& graph);

// Runs each node's importer; errors get "node 'NAME' (OpType): ".
Status ImportNodes(ImportContext& ctx, const onnx::GraphProto& graph);

// Applies ImportOptions::input_shapes to the graph inputs.
Status ApplyInputShapes(Graph& graph, const std::map<std::string, std::vector<int64_t>>& input_shapes);

}  // namespace mrt::onnx_import
