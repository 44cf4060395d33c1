// What an op importer works with: the graph being built, the model's opset, values looked up by
// their ONNX names, constants the importer adds (attributes that became inputs), and AddNode,
// which checks the node's input/output counts against the op table. Importers return errors
// without a prefix; the driver adds "model.onnx: node 'NAME' (OpType): ".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"
#include "ir/onnx/attribute_spec.h"
#include "onnx/onnx.pb.h"

namespace mrt::onnx_import {

class ImportContext {
 public:
  ImportContext(Graph& graph, int64_t opset, std::string model_dir)
      : graph_(graph), opset_(opset), model_dir_(std::move(model_dir)) {}

  // With eager inference on, each node's output dtypes and shapes are inferred as soon as it is
  // added (when its inputs' dtypes are known), so later importers see them through KnownRank /
  // KnownDType: an old-opset Clip's min/max get the dtype of its input, a Softmax-11 on the last
  // axis of a computed tensor stays one node. Failures are left to the final InferShapes.
  void set_eager_inference(bool on) { eager_inference_ = on; }

  Graph& graph() { return graph_; }
  int64_t opset() const { return opset_; }
  const std::string& model_dir() const { return model_dir_; }  // where external data lives

  // The node being imported: its name (the model's, or "<OpType>_<index>" when it has none).
  void BeginNode(std::string name) { node_name_ = std::move(name); }
  const std::string& node_name() const { return node_name_; }

  // Names: every name the model uses is reserved up front, so generated names never collide.
  void ReserveName(const std::string& name) { taken_names_.insert(name); }
  std::string UniqueName(const std::string& base);  // base, base_1, base_2, ...

  // The value called `name`, created on first use ("" is an absent optional value: kNoValue).
  ValueId ValueNamed(const std::string& name);
  std::vector<ValueId> Inputs(const onnx::NodeProto& node);
  std::vector<ValueId> Outputs(const onnx::NodeProto& node);
  // A new activation value with a unique name derived from `base` (for nodes an importer adds).
  ValueId NewValue(const std::string& base);

  // A new weight (an attribute turned into an input) named after the node: "<node>_<what>".
  ValueId AddConstant(const std::string& what, Tensor data);
  // Makes the value called `name` a weight (Constant nodes, initializers).
  void BindWeight(const std::string& name, Tensor data);

  const Tensor* WeightOf(ValueId v) const;           // the weight's data, or nullptr
  std::optional<size_t> KnownRank(ValueId v) const;  // from a weight, a declared or an inferred shape
  DType KnownDType(ValueId v) const;                 // kUndefined when not known yet

  // Adds a node of `op`: trailing absent (kNoValue) inputs and outputs are dropped, then the
  // counts are checked against the op table.
  Expected<NodeId> AddNode(OpKind op, std::string name, std::vector<ValueId> inputs, std::vector<ValueId> outputs,
                           Attributes attrs);

 private:
  Graph& graph_;
  int64_t opset_;
  std::string model_dir_;
  std::string node_name_;
  std::unordered_set<std::string> taken_names_;
  bool eager_inference_ = false;

  void InferEagerly(NodeId id);
};

// The generic import: attributes checked against `spec` (defaults filled), inputs and outputs
// passed through, one node of `op`.
Status ImportWithSpec(ImportContext& ctx, const onnx::NodeProto& node, OpKind op, std::span<const AttrSpec> spec);

}  // namespace mrt::onnx_import
