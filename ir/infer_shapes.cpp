#include "ir/infer_shapes.h"

#include "ir/op_table.h"

namespace mrt {

std::string NodeContext(const Node& node) { return fmt::format("node '{}' ({}): ", node.name, OpName(node.op)); }

Expected<std::vector<ValueInfo>> InferNode(const Node& node, std::vector<ValueInfo> inputs) {
  const OpInfo& info = GetOpInfo(node.op);
  const auto n_in = static_cast<int>(node.inputs.size());
  const auto n_out = static_cast<int>(node.outputs.size());
  if (n_in < info.min_inputs || (info.max_inputs >= 0 && n_in > info.max_inputs))
    return Status::Errorf("{}has {} inputs; {} takes {} to {}", NodeContext(node), n_in, info.name, info.min_inputs,
                          info.max_inputs < 0 ? std::string("any number") : std::to_string(info.max_inputs));
  if (n_out < info.min_outputs || (info.max_outputs >= 0 && n_out > info.max_outputs))
    return Status::Errorf("{}has {} outputs; {} gives {} to {}", NodeContext(node), n_out, info.name,
                          info.min_outputs,
                          info.max_outputs < 0 ? std::string("any number") : std::to_string(info.max_outputs));
  for (int i = 0; i < info.min_inputs; ++i)
    if (inputs[i].dtype == DType::kUndefined && node.inputs[i] == kNoValue)
      return Status::Errorf("{}required input {} is missing", NodeContext(node), i);
  InferContext ctx(node, std::move(inputs), node.outputs.size());
  Status s = info.infer(ctx);
  if (!s.ok()) return s.WithContext(NodeContext(node));
  return ctx.outputs();
}

Status InferShapes(Graph& graph) {
  std::vector<TensorView> weight_views(graph.num_values());
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    Node& node = graph.node(id);
    if (node.dead) continue;
    std::vector<ValueInfo> inputs;
    for (ValueId v : node.inputs) {
      if (v == kNoValue) {
        inputs.push_back(ValueInfo{});
        continue;
      }
      const Value& val = graph.value(v);
      if (val.dtype == DType::kUndefined)
        return Status::Errorf("{}input '{}' has no known dtype (is it produced later, or never?)", NodeContext(node),
                              val.name);
      const TensorView* data = nullptr;
      if (val.weight) {
        weight_views[v] = val.weight->view();
        data = &weight_views[v];
      }
      inputs.push_back(ValueInfo{val.dtype, val.shape, data});
    }
    MRT_ASSIGN_OR_RETURN(std::vector<ValueInfo> outs, InferNode(node, std::move(inputs)));
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i] == kNoValue) continue;
      Value& out = graph.value(node.outputs[i]);
      const Shape declared = out.shape;
      out.dtype = outs[i].dtype;
      out.shape = outs[i].shape;
      // Keep what the model declared where inference knows less.
      if (out.shape.unknown_rank() && !declared.unknown_rank()) {
        out.shape = declared;
      } else if (!declared.unknown_rank() && declared.rank() == out.shape.rank()) {
        for (size_t d = 0; d < declared.rank(); ++d)
          if (!out.shape[d].is_static() && out.shape[d].symbol.empty()) out.shape[d] = declared[d];
      }
    }
  }
  return Status::Ok();
}

}  // namespace mrt
