// The IR graph. Graph owns every Node and Value in two vectors; they refer to each other by small
// integer handles (NodeId, ValueId), never by owning pointers, so a Graph copies cheaply and a
// handle stays valid until Compact() renumbers. Weights are Values with host data attached.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/attributes.h"
#include "ir/op_kind.h"
#include "ir/shape.h"
#include "ir/status.h"
#include "ir/tensor.h"

namespace mrt {

using NodeId = int32_t;
using ValueId = int32_t;
inline constexpr NodeId kNoNode = -1;
inline constexpr ValueId kNoValue = -1;  // also marks an absent optional input in Node::inputs

struct Value {
  std::string name;
  DType dtype = DType::kUndefined;
  Shape shape = Shape::UnknownRank();
  NodeId producer = kNoNode;               // kNoNode for graph inputs and weights
  std::vector<NodeId> consumers;           // one entry per use (a node using it twice appears twice)
  std::shared_ptr<const Tensor> weight;    // set for initializers / constants
  bool is_graph_input = false;
  bool is_graph_output = false;

  bool is_weight() const { return weight != nullptr; }
};

struct Node {
  OpKind op = OpKind::kIdentity;
  std::string name;  // the ONNX node name (or a generated "<Op>_<n>" when the model has none)
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  Attributes attrs;
  bool dead = false;  // removed; dropped by Graph::Compact()

  // Filled by the builder (runtime/); empty before it runs.
  std::string precision;
  std::string layout;
  std::string tactic;

  bool has_input(size_t i) const { return i < inputs.size() && inputs[i] != kNoValue; }
};

class Graph {
 public:
  std::string name;
  int64_t opset = 0;                 // default-domain opset the model was imported with
  std::vector<ValueId> inputs;       // graph inputs (activations), in model order
  std::vector<ValueId> outputs;      // graph outputs, in model order

  // --- construction ---
  ValueId AddValue(std::string name, DType dtype = DType::kUndefined, Shape shape = Shape::UnknownRank());
  ValueId AddWeight(std::string name, Tensor data);
  ValueId AddWeight(std::string name, std::shared_ptr<const Tensor> data);
  NodeId AddNode(OpKind op, std::string name, std::vector<ValueId> inputs, std::vector<ValueId> outputs,
                 Attributes attrs = {});
  void AddGraphInput(ValueId v);
  void AddGraphOutput(ValueId v);

  // --- access ---
  size_t num_nodes() const { return nodes_.size(); }  // includes dead nodes until Compact()
  size_t num_values() const { return values_.size(); }
  Node& node(NodeId id) { return nodes_[id]; }
  const Node& node(NodeId id) const { return nodes_[id]; }
  Value& value(ValueId id) { return values_[id]; }
  const Value& value(ValueId id) const { return values_[id]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Value>& values() const { return values_; }
  std::optional<ValueId> FindValue(const std::string& name) const;
  std::vector<NodeId> LiveNodes() const;  // ids of nodes not marked dead, in order
  size_t CountLiveNodes() const;

  // --- editing (keeps producer/consumer links consistent) ---
  void SetInput(NodeId n, size_t slot, ValueId v);
  void ReplaceAllUses(ValueId from, ValueId to);  // graph outputs included
  void RemoveNode(NodeId n);                      // marks dead, unlinks its inputs
  // Drops dead nodes and values nothing refers to, renumbering ids; node order is kept.
  void Compact();
  // Reorders nodes so producers come before consumers; an error names a node on a cycle.
  Status TopologicalSort();

 private:
  std::vector<Node> nodes_;
  std::vector<Value> values_;
  std::unordered_map<std::string, ValueId> value_by_name_;
};

}  // namespace mrt
