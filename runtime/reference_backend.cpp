#include "runtime/reference_backend.h"

#include "ir/infer_shapes.h"
#include "kernels/reference/ref_kernel.h"

namespace mrt {

Status CheckGraphInputs(const Graph& graph, const TensorMap& inputs) {
  std::vector<std::string> missing;
  for (ValueId v : graph.inputs) {
    const Value& val = graph.value(v);
    auto it = inputs.find(val.name);
    if (it == inputs.end()) {
      missing.push_back(val.name);
      continue;
    }
    const Tensor& t = it->second;
    if (t.dtype() != val.dtype)
      return Status::Errorf("input '{}' is {} but the model expects {}", val.name, DTypeName(t.dtype()),
                            DTypeName(val.dtype));
    if (!val.shape.unknown_rank()) {
      bool fits = t.rank() == val.shape.rank();
      for (size_t d = 0; fits && d < t.rank(); ++d)
        fits = !val.shape[d].is_static() || val.shape[d].size == t.sizes()[d];
      if (!fits)
        return Status::Errorf("input '{}' has shape {} but the model expects {}", val.name,
                              SizesToString(t.sizes()), val.shape.ToString());
    }
  }
  if (!missing.empty()) return Status::Errorf("missing model inputs: {}", fmt::join(missing, ", "));
  for (const auto& [name, t] : inputs) {
    auto id = graph.FindValue(name);
    if (!id || !graph.value(*id).is_graph_input) return Status::Errorf("'{}' is not an input of the model", name);
  }
  return Status::Ok();
}

namespace {

// Index of the last live node that reads each value (-1: none); graph outputs never die.
std::vector<NodeId> LastUses(const Graph& graph) {
  std::vector<NodeId> last(graph.num_values(), kNoNode);
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    if (graph.node(id).dead) continue;
    for (ValueId v : graph.node(id).inputs)
      if (v != kNoValue) last[v] = id;
  }
  for (ValueId v : graph.outputs) last[v] = static_cast<NodeId>(graph.num_nodes());
  return last;
}

}  // namespace

Expected<TensorMap> RunReference(const Graph& graph, const TensorMap& inputs) {
  MRT_RETURN_IF_ERROR(CheckGraphInputs(graph, inputs));
  std::vector<Tensor> storage(graph.num_values());
  std::vector<TensorView> views(graph.num_values());
  for (ValueId v = 0; v < static_cast<ValueId>(graph.num_values()); ++v)
    if (graph.value(v).is_weight()) views[v] = graph.value(v).weight->view();
  for (ValueId v : graph.inputs) views[v] = inputs.at(graph.value(v).name).view();
  const std::vector<NodeId> last_use = LastUses(graph);

  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& node = graph.node(id);
    if (node.dead) continue;
    std::vector<ValueInfo> infos;
    std::vector<TensorView> in_views;
    for (ValueId v : node.inputs) {
      if (v == kNoValue) {
        infos.push_back(ValueInfo{});
        in_views.push_back(TensorView{});
        continue;
      }
      if (!views[v].present())
        return Status::Errorf("{}input '{}' has not been computed", NodeContext(node), graph.value(v).name);
      infos.push_back(ValueInfo{views[v].dtype, Shape::FromSizes(views[v].sizes), &views[v]});
      in_views.push_back(views[v]);
    }
    MRT_ASSIGN_OR_RETURN(std::vector<ValueInfo> outs, InferNode(node, std::move(infos)));
    RefContext ctx{node, std::move(in_views), {}};
    std::vector<Tensor> unused_outputs;  // optional outputs the graph ignores still need memory
    unused_outputs.reserve(node.outputs.size());
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (!outs[i].shape.is_static() || outs[i].dtype == DType::kUndefined)
        return Status::Errorf("{}output {} has no static shape at run time ({})", NodeContext(node), i,
                              outs[i].shape.ToString());
      Tensor t(outs[i].dtype, outs[i].shape.sizes());
      ctx.outputs.push_back(t.view());
      if (node.outputs[i] != kNoValue) {
        storage[node.outputs[i]] = std::move(t);
        views[node.outputs[i]] = storage[node.outputs[i]].view();
      } else {
        unused_outputs.push_back(std::move(t));
        ctx.outputs.back() = unused_outputs.back().view();
      }
    }
    Status s = GetReferenceKernel(node.op)(ctx);
    if (!s.ok()) return s.WithContext(NodeContext(node));
    for (ValueId v : node.inputs)  // free activations at their last use
      if (v != kNoValue && last_use[v] == id && !graph.value(v).is_weight() && !graph.value(v).is_graph_input) {
        storage[v] = Tensor();
        views[v] = TensorView{};
      }
  }
  TensorMap outputs;
  for (ValueId v : graph.outputs) {
    if (!views[v].present()) return Status::Errorf("output '{}' was not computed", graph.value(v).name);
    outputs[graph.value(v).name] = Tensor::CopyOf(views[v]);
  }
  return outputs;
}

}  // namespace mrt
