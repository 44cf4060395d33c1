#include "runtime/reference_backend.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "ir/infer_shapes.h"
#include "ir/op_table.h"
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
        return Status::Errorf("input '{}' has shape {} but the model expects {}", val.name, SizesToString(t.sizes()),
                              val.shape.ToString());
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

Expected<std::vector<Tensor>> RunNodeReference(const Node& node, const std::vector<TensorView>& inputs) {
  std::vector<ValueInfo> infos;
  infos.reserve(inputs.size());
  for (const TensorView& v : inputs)
    infos.push_back(v.present() ? ValueInfo{v.dtype, Shape::FromSizes(v.sizes), &v} : ValueInfo{});
  MRT_ASSIGN_OR_RETURN(std::vector<ValueInfo> outs, InferNode(node, std::move(infos)));
  std::vector<Tensor> results;
  RefContext ctx{node, inputs, {}};
  for (size_t i = 0; i < outs.size(); ++i) {
    if (!outs[i].shape.is_static() || outs[i].dtype == DType::kUndefined)
      return Status::Errorf("{}output {} has no static shape at run time ({})", NodeContext(node), i,
                            outs[i].shape.ToString());
    results.emplace_back(outs[i].dtype, outs[i].shape.sizes());
  }
  for (const Tensor& t : results) ctx.outputs.push_back(t.view());
  Status s = GetReferenceKernel(node.op)(ctx);
  if (!s.ok()) return s.WithContext(NodeContext(node));
  return results;
}

NodeEvaluator MakeReferenceEvaluator() {
  return [](const Node& node, const std::vector<const Tensor*>& inputs) -> Expected<std::vector<Tensor>> {
    std::vector<TensorView> views;
    for (const Tensor* t : inputs) views.push_back(t ? t->view() : TensorView{});
    return RunNodeReference(node, views);
  };
}

namespace {

// One tensor per value, freed after its last use: the path for shapes that depend on data.
Expected<TensorMap> RunPerValue(const Graph& graph, const TensorMap& inputs) {
  std::vector<Tensor> storage(graph.num_values());
  std::vector<TensorView> views(graph.num_values());
  for (ValueId v = 0; v < static_cast<ValueId>(graph.num_values()); ++v)
    if (graph.value(v).is_weight()) views[v] = graph.value(v).weight->view();
  for (ValueId v : graph.inputs) views[v] = inputs.at(graph.value(v).name).view();
  const std::vector<NodeId> last_use = LastUses(graph);

  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id) {
    const Node& node = graph.node(id);
    if (node.dead) continue;
    std::vector<TensorView> in_views;
    for (ValueId v : node.inputs) {
      if (v != kNoValue && !views[v].present())
        return Status::Errorf("{}input '{}' has not been computed", NodeContext(node), graph.value(v).name);
      in_views.push_back(v == kNoValue ? TensorView{} : views[v]);
    }
    MRT_ASSIGN_OR_RETURN(std::vector<Tensor> results, RunNodeReference(node, in_views));
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const ValueId out = node.outputs[i];
      if (out == kNoValue) continue;  // an optional output nobody reads
      storage[out] = std::move(results[i]);
      views[out] = storage[out].view();
    }
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

// --- running out of a planned arena ---

// Executes a graph whose activations all live in one arena laid out by a MemoryPlan.
class ArenaExecutor {
 public:
  ArenaExecutor(const Graph& graph, const MemoryPlan& plan, ArenaFill fill, ReferenceRunStats* stats)
      : graph_(graph), plan_(plan), fill_(fill), stats_(stats) {}

  Expected<TensorMap> Run(const TensorMap& inputs) {
    MRT_RETURN_IF_ERROR(BindViews());
    for (ValueId v : graph_.inputs) {  // copy the inputs into their slots
      const Tensor& t = inputs.at(graph_.value(v).name);
      if (t.nbytes() != views_[v].nbytes() || t.sizes() != views_[v].sizes)
        return Status::Errorf("input '{}' has shape {} but the memory plan is for {}", graph_.value(v).name,
                              SizesToString(t.sizes()), SizesToString(views_[v].sizes));
      if (t.nbytes() > 0) std::memcpy(views_[v].data, t.raw(), t.nbytes());
    }
    for (NodeId id = 0; id < static_cast<NodeId>(graph_.num_nodes()); ++id)
      if (!graph_.node(id).dead) MRT_RETURN_IF_ERROR(RunNode(graph_.node(id)));
    TensorMap outputs;
    for (ValueId v : graph_.outputs) outputs[graph_.value(v).name] = Tensor::CopyOf(views_[v]);
    return outputs;
  }

  // The last error came from a run-time shape that differs from the planned one.
  bool shape_mismatch() const { return shape_mismatch_; }

 private:
  // Every value's view: weights where they are, planned values at their arena offset.
  Status BindViews() {
    if (plan_.offsets.size() != graph_.num_values())
      return Status::Errorf("the memory plan has {} values but the graph has {}", plan_.offsets.size(),
                            graph_.num_values());
    // One extra alignment unit so the base can be aligned like the plan's offsets.
    const auto align = static_cast<size_t>(std::max<int64_t>(plan_.alignment, 1));
    arena_.assign(static_cast<size_t>(plan_.arena_bytes) + align, uint8_t{0});
    uint8_t* base = arena_.data();
    base += (align - reinterpret_cast<uintptr_t>(base) % align) % align;
    views_.assign(graph_.num_values(), TensorView{});
    for (ValueId v = 0; v < static_cast<ValueId>(graph_.num_values()); ++v) {
      const Value& val = graph_.value(v);
      if (val.is_weight()) {
        views_[v] = val.weight->view();
      } else if (plan_.planned(v)) {
        if (!val.shape.is_static()) return Status::Errorf("'{}' has no static shape to plan", val.name);
        views_[v] = TensorView{val.dtype, val.shape.sizes(), base + plan_.offsets[v]};
      }
    }
    return Status::Ok();
  }

  // Shapes at run time (from the actual input values) must be the planned ones; outputs nobody
  // reads (kNoValue) get a scratch tensor.
  Status BindOutputs(const Node& node, const std::vector<TensorView>& ins, std::vector<Tensor>& scratch,
                     std::vector<TensorView>& outs) {
    std::vector<ValueInfo> infos;
    infos.reserve(ins.size());
    for (const TensorView& v : ins)
      infos.push_back(v.present() ? ValueInfo{v.dtype, Shape::FromSizes(v.sizes), &v} : ValueInfo{});
    MRT_ASSIGN_OR_RETURN(std::vector<ValueInfo> inferred, InferNode(node, std::move(infos)));
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const ValueId v = node.outputs[i];
      if (!inferred[i].shape.is_static() || inferred[i].dtype == DType::kUndefined)
        return Status::Errorf("{}output {} has no static shape at run time", NodeContext(node), i);
      if (v == kNoValue) {
        scratch.emplace_back(inferred[i].dtype, inferred[i].shape.sizes());
        outs.push_back(scratch.back().view());
        continue;
      }
      if (inferred[i].dtype != views_[v].dtype || inferred[i].shape.sizes() != views_[v].sizes) {
        shape_mismatch_ = true;
        return Status::Errorf("{}output '{}' is {}{} at run time but {}{} in the memory plan", NodeContext(node),
                              graph_.value(v).name, DTypeName(inferred[i].dtype), inferred[i].shape.ToString(),
                              DTypeName(views_[v].dtype), SizesToString(views_[v].sizes));
      }
      outs.push_back(views_[v]);
    }
    return Status::Ok();
  }

  // A Concat with contiguous slices: copies the inputs that are not already in their slice.
  Status CopyConcatSlices(const Node& node, const std::vector<TensorView>& ins, const TensorView& out,
                          const std::vector<int64_t>& slices) {
    auto* base = static_cast<uint8_t*>(out.data);
    for (size_t k = 0; k < ins.size(); ++k) {
      if (ins[k].dtype != out.dtype)
        return Status::Errorf("{}input {} is {} but the output is {}", NodeContext(node), k, DTypeName(ins[k].dtype),
                              DTypeName(out.dtype));
      if (ins[k].data == base + slices[k]) {
        if (stats_) ++stats_->concat_inputs_in_place;
      } else if (ins[k].nbytes() > 0) {
        std::memcpy(base + slices[k], ins[k].data, ins[k].nbytes());
      }
    }
    return Status::Ok();
  }

  static bool Overlaps(const TensorView& a, const TensorView& b) {
    const auto* pa = static_cast<const uint8_t*>(a.data);
    const auto* pb = static_cast<const uint8_t*>(b.data);
    return a.nbytes() > 0 && b.nbytes() > 0 && pa < pb + b.nbytes() && pb < pa + a.nbytes();
  }

  // Clears (or poisons) the outputs a kernel writes from scratch; an output on one of the node's
  // inputs (in-place) keeps the input's bytes, which the kernel reads before it overwrites them.
  void PrepareOutputs(const std::vector<TensorView>& ins, const std::vector<TensorView>& outs) {
    bool in_place = false;
    for (const TensorView& out : outs) {
      const bool on_input =
          std::any_of(ins.begin(), ins.end(), [&](const TensorView& in) { return Overlaps(in, out); });
      in_place |= on_input;
      if (!on_input && out.nbytes() > 0) std::memset(out.data, fill_ == ArenaFill::kZero ? 0 : 0xFF, out.nbytes());
    }
    if (in_place && stats_) ++stats_->nodes_in_place;
  }

  Status RunNode(const Node& node) {
    std::vector<TensorView> ins;
    for (ValueId v : node.inputs) ins.push_back(v == kNoValue ? TensorView{} : views_[v]);
    std::vector<Tensor> scratch;
    std::vector<TensorView> outs;
    scratch.reserve(node.outputs.size());
    MRT_RETURN_IF_ERROR(BindOutputs(node, ins, scratch, outs));
    if (HasTrait(node.op, kTraitView) && outs.size() == 1 && outs[0].data == ins[0].data &&
        outs[0].nbytes() == ins[0].nbytes()) {
      if (stats_) ++stats_->views_shared;
      return Status::Ok();  // the bytes are already there
    }
    if (node.op == OpKind::kConcat) {
      if (const auto slices = ConcatSliceByteOffsets(graph_, node))
        return CopyConcatSlices(node, ins, outs[0], *slices);
    }
    PrepareOutputs(ins, outs);
    RefContext ctx{node, std::move(ins), std::move(outs)};
    Status s = GetReferenceKernel(node.op)(ctx);
    return s.ok() ? s : s.WithContext(NodeContext(node));
  }

  const Graph& graph_;
  const MemoryPlan& plan_;
  ArenaFill fill_;
  ReferenceRunStats* stats_;
  std::vector<uint8_t> arena_;
  std::vector<TensorView> views_;
  bool shape_mismatch_ = false;
};

// A copy of the graph with the graph inputs' shapes set to the actual inputs' and every shape
// inferred again, so a model exported with a dynamic batch can still be planned.
Expected<Graph> SpecializeToInputs(const Graph& graph, const TensorMap& inputs) {
  Graph copy = graph;
  for (ValueId v : copy.inputs) copy.value(v).shape = Shape::FromSizes(inputs.at(copy.value(v).name).sizes());
  MRT_RETURN_IF_ERROR(InferShapes(copy));
  return copy;
}

bool HasDynamicValue(const Graph& graph) {
  return std::any_of(graph.values().begin(), graph.values().end(),
                     [](const Value& v) { return !v.is_weight() && !StaticValueBytes(v); });
}

}  // namespace

Expected<TensorMap> RunReferenceInArena(const Graph& graph, const MemoryPlan& plan, const TensorMap& inputs,
                                        ArenaFill fill, ReferenceRunStats* stats) {
  MRT_RETURN_IF_ERROR(CheckGraphInputs(graph, inputs));
  MRT_RETURN_IF_ERROR(CheckMemoryPlan(graph, plan).WithContext("the memory plan is not safe to run: "));
  if (stats) {
    stats->used_arena = true;
    stats->plan = plan;
  }
  return ArenaExecutor(graph, plan, fill, stats).Run(inputs);
}

Expected<TensorMap> RunReference(const Graph& graph, const TensorMap& inputs, const ReferenceRunOptions& options,
                                 ReferenceRunStats* stats) {
  MRT_RETURN_IF_ERROR(CheckGraphInputs(graph, inputs));
  ReferenceRunStats local;
  ReferenceRunStats& st = stats ? *stats : local;
  st = ReferenceRunStats{};
  if (!options.use_memory_plan) {
    st.fallback_reason = "the memory plan is switched off";
    return RunPerValue(graph, inputs);
  }
  // Plan the graph as it is, or else specialized to the inputs' shapes (a dynamic batch, say).
  std::optional<Graph> specialized;
  Expected<MemoryPlan> plan = PlanMemory(graph, options.memory);
  if (!plan.ok() && HasDynamicValue(graph)) {
    Expected<Graph> copy = SpecializeToInputs(graph, inputs);
    if (copy.ok()) {
      specialized.emplace(std::move(*copy));
      plan = PlanMemory(*specialized, options.memory);
    }
  }
  if (!plan.ok()) {
    st.fallback_reason = plan.status().message();
    return RunPerValue(graph, inputs);
  }
  const Graph& planned_graph = specialized ? *specialized : graph;
  st.used_arena = true;
  st.plan = std::move(*plan);
  ArenaExecutor executor(planned_graph, st.plan, options.fill, &st);
  Expected<TensorMap> outputs = executor.Run(inputs);
  if (outputs.ok() || !executor.shape_mismatch()) return outputs;
  // Static inference disagreed with the run (a declared shape the data contradicts): run the
  // graph with one tensor per value instead.
  st = ReferenceRunStats{};
  st.fallback_reason = outputs.status().message();
  return RunPerValue(graph, inputs);
}

Expected<TensorMap> RunReference(const Graph& graph, const TensorMap& inputs) {
  return RunReference(graph, inputs, ReferenceRunOptions{});
}

}  // namespace mrt
