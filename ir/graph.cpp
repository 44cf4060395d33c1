#include "ir/graph.h"

#include <algorithm>
#include <functional>
#include <queue>

#include "ir/op_table.h"

namespace mrt {

ValueId Graph::AddValue(std::string name, DType dtype, Shape shape) {
  const auto id = static_cast<ValueId>(values_.size());
  if (!name.empty()) value_by_name_[name] = id;
  Value v;
  v.name = std::move(name);
  v.dtype = dtype;
  v.shape = std::move(shape);
  values_.push_back(std::move(v));
  return id;
}

ValueId Graph::AddWeight(std::string name, Tensor data) {
  return AddWeight(std::move(name), std::make_shared<const Tensor>(std::move(data)));
}

ValueId Graph::AddWeight(std::string name, std::shared_ptr<const Tensor> data) {
  const ValueId id = AddValue(std::move(name), data->dtype(), data->shape());
  values_[id].weight = std::move(data);
  return id;
}

NodeId Graph::AddNode(OpKind op, std::string name, std::vector<ValueId> inputs, std::vector<ValueId> outputs,
                      Attributes attrs) {
  const auto id = static_cast<NodeId>(nodes_.size());
  for (ValueId in : inputs)
    if (in != kNoValue) values_[in].consumers.push_back(id);
  for (ValueId out : outputs)
    if (out != kNoValue) values_[out].producer = id;
  Node n;
  n.op = op;
  n.name = name.empty() ? std::string(OpName(op)) + "_" + std::to_string(id) : std::move(name);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  nodes_.push_back(std::move(n));
  return id;
}

void Graph::AddGraphInput(ValueId v) {
  values_[v].is_graph_input = true;
  inputs.push_back(v);
}

void Graph::AddGraphOutput(ValueId v) {
  values_[v].is_graph_output = true;
  outputs.push_back(v);
}

std::optional<ValueId> Graph::FindValue(const std::string& name) const {
  auto it = value_by_name_.find(name);
  if (it == value_by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<NodeId> Graph::LiveNodes() const {
  std::vector<NodeId> ids;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (!nodes_[i].dead) ids.push_back(static_cast<NodeId>(i));
  return ids;
}

size_t Graph::CountLiveNodes() const {
  return static_cast<size_t>(std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return !n.dead; }));
}

namespace {
void EraseOneUse(std::vector<NodeId>& consumers, NodeId n) {
  auto it = std::find(consumers.begin(), consumers.end(), n);
  if (it != consumers.end()) consumers.erase(it);
}
}  // namespace

void Graph::SetInput(NodeId n, size_t slot, ValueId v) {
  Node& node = nodes_[n];
  if (slot >= node.inputs.size()) node.inputs.resize(slot + 1, kNoValue);
  if (node.inputs[slot] != kNoValue) EraseOneUse(values_[node.inputs[slot]].consumers, n);
  node.inputs[slot] = v;
  if (v != kNoValue) values_[v].consumers.push_back(n);
}

void Graph::ReplaceAllUses(ValueId from, ValueId to) {
  if (from == to) return;
  const std::vector<NodeId> users = values_[from].consumers;
  for (NodeId n : users)
    for (size_t slot = 0; slot < nodes_[n].inputs.size(); ++slot)
      if (nodes_[n].inputs[slot] == from) SetInput(n, slot, to);
  if (values_[from].is_graph_output) {
    for (ValueId& o : outputs)
      if (o == from) o = to;
    values_[from].is_graph_output = false;
    values_[to].is_graph_output = true;
  }
}

void Graph::RemoveNode(NodeId n) {
  Node& node = nodes_[n];
  if (node.dead) return;
  for (ValueId in : node.inputs)
    if (in != kNoValue) EraseOneUse(values_[in].consumers, n);
  for (ValueId out : node.outputs)
    if (out != kNoValue && values_[out].producer == n) values_[out].producer = kNoNode;
  node.dead = true;
}

void Graph::Compact() {
  // Keep values that a live node, the graph's inputs or its outputs refer to.
  std::vector<char> keep_value(values_.size(), 0);
  for (const Node& n : nodes_) {
    if (n.dead) continue;
    for (ValueId v : n.inputs)
      if (v != kNoValue) keep_value[v] = 1;
    for (ValueId v : n.outputs)
      if (v != kNoValue) keep_value[v] = 1;
  }
  for (ValueId v : inputs) keep_value[v] = 1;
  for (ValueId v : outputs) keep_value[v] = 1;

  std::vector<ValueId> new_value_id(values_.size(), kNoValue);
  std::vector<Value> values;
  for (size_t i = 0; i < values_.size(); ++i) {
    if (!keep_value[i]) continue;
    new_value_id[i] = static_cast<ValueId>(values.size());
    values.push_back(std::move(values_[i]));
  }
  std::vector<NodeId> new_node_id(nodes_.size(), kNoNode);
  std::vector<Node> nodes;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].dead) continue;
    new_node_id[i] = static_cast<NodeId>(nodes.size());
    nodes.push_back(std::move(nodes_[i]));
  }
  for (Node& n : nodes) {
    for (ValueId& v : n.inputs)
      if (v != kNoValue) v = new_value_id[v];
    for (ValueId& v : n.outputs)
      if (v != kNoValue) v = new_value_id[v];
  }
  value_by_name_.clear();
  for (size_t i = 0; i < values.size(); ++i) {
    Value& v = values[i];
    v.producer = v.producer == kNoNode ? kNoNode : new_node_id[v.producer];
    std::vector<NodeId> consumers;
    for (NodeId c : v.consumers)
      if (new_node_id[c] != kNoNode) consumers.push_back(new_node_id[c]);
    v.consumers = std::move(consumers);
    if (!v.name.empty()) value_by_name_[v.name] = static_cast<ValueId>(i);
  }
  for (ValueId& v : inputs) v = new_value_id[v];
  for (ValueId& v : outputs) v = new_value_id[v];
  nodes_ = std::move(nodes);
  values_ = std::move(values);
}

Status Graph::TopologicalSort() {
  Compact();
  const size_t n = nodes_.size();
  // Kahn's algorithm; ties keep the original order so an already sorted graph is unchanged.
  std::vector<int> pending(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (ValueId v : nodes_[i].inputs)
      if (v != kNoValue && values_[v].producer != kNoNode) ++pending[i];
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;  // smallest index first
  for (size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.push(static_cast<NodeId>(i));
  std::vector<NodeId> order;
  order.reserve(n);
  while (!ready.empty()) {
    const NodeId i = ready.top();
    ready.pop();
    order.push_back(i);
    for (ValueId out : nodes_[i].outputs) {
      if (out == kNoValue) continue;
      for (NodeId c : values_[out].consumers)
        if (--pending[c] == 0) ready.push(c);
    }
  }
  if (order.size() < n) {
    for (size_t j = 0; j < n; ++j)
      if (pending[j] != 0)
        return Status::Errorf("node '{}' ({}) is on a cycle: its inputs depend on its own outputs", nodes_[j].name,
                              OpName(nodes_[j].op));
  }
  std::vector<NodeId> new_id(n);
  std::vector<Node> sorted;
  sorted.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    new_id[order[k]] = static_cast<NodeId>(k);
    sorted.push_back(std::move(nodes_[order[k]]));
  }
  nodes_ = std::move(sorted);
  for (Value& v : values_) {
    if (v.producer != kNoNode) v.producer = new_id[v.producer];
    for (NodeId& c : v.consumers) c = new_id[c];
  }
  return Status::Ok();
}

}  // namespace mrt
