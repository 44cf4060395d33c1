#include "passes/graph_edit.h"

#include <algorithm>

namespace mrt {

const Tensor* ConstantOf(const Graph& graph, ValueId v) {
  if (v == kNoValue) return nullptr;
  return graph.value(v).weight.get();
}

std::optional<double> ScalarConstant(const Graph& graph, ValueId v) {
  const Tensor* t = ConstantOf(graph, v);
  if (t == nullptr || t->numel() != 1) return std::nullopt;
  return t->ElementAsDouble(0);
}

const Node* ProducerIf(const Graph& graph, ValueId v, OpKind op) {
  if (v == kNoValue) return nullptr;
  const NodeId p = graph.value(v).producer;
  if (p == kNoNode || graph.node(p).dead || graph.node(p).op != op) return nullptr;
  return &graph.node(p);
}

bool HasSingleUse(const Graph& graph, ValueId v) {
  const Value& val = graph.value(v);
  return !val.is_graph_output && val.consumers.size() == 1;
}

std::string UniqueValueName(const Graph& graph, const std::string& base) {
  if (!graph.FindValue(base)) return base;
  for (int i = 1;; ++i) {
    std::string name = base + "_" + std::to_string(i);
    if (!graph.FindValue(name)) return name;
  }
}

ValueId AddConstant(Graph& graph, const std::string& base, Tensor data) {
  return graph.AddWeight(UniqueValueName(graph, base), std::move(data));
}

bool BypassNode(Graph& graph, NodeId n, size_t in_slot, size_t out_slot) {
  const ValueId in = graph.node(n).inputs[in_slot];
  const ValueId out = graph.node(n).outputs[out_slot];
  if (!graph.value(out).is_graph_output) {
    graph.ReplaceAllUses(out, in);
    graph.RemoveNode(n);
    return true;
  }
  const Value& in_val = graph.value(in);
  const NodeId producer = in_val.producer;
  if (in_val.is_graph_input || in_val.is_weight() || in_val.is_graph_output || producer == kNoNode) return false;
  graph.RemoveNode(n);
  // The producer now writes `out` directly; everyone else that read `in` reads `out`.
  auto& outs = graph.node(producer).outputs;
  *std::find(outs.begin(), outs.end(), in) = out;
  graph.value(out).producer = producer;
  graph.value(in).producer = kNoNode;
  graph.value(out).dtype = graph.value(in).dtype;
  graph.ReplaceAllUses(in, out);
  return true;
}

}  // namespace mrt
