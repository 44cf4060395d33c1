#include "ir/onnx/import_context.h"

#include "ir/infer_shapes.h"
#include "ir/op_table.h"

namespace mrt::onnx_import {

std::string ImportContext::UniqueName(const std::string& base) {
  std::string name = base;
  for (int i = 1; taken_names_.count(name) || graph_.FindValue(name); ++i) name = fmt::format("{}_{}", base, i);
  taken_names_.insert(name);
  return name;
}

ValueId ImportContext::ValueNamed(const std::string& name) {
  if (name.empty()) return kNoValue;
  if (auto v = graph_.FindValue(name)) return *v;
  taken_names_.insert(name);
  return graph_.AddValue(name);
}

std::vector<ValueId> ImportContext::Inputs(const onnx::NodeProto& node) {
  std::vector<ValueId> ids;
  for (const std::string& name : node.input()) ids.push_back(ValueNamed(name));
  return ids;
}

std::vector<ValueId> ImportContext::Outputs(const onnx::NodeProto& node) {
  std::vector<ValueId> ids;
  for (const std::string& name : node.output()) ids.push_back(ValueNamed(name));
  return ids;
}

ValueId ImportContext::NewValue(const std::string& base) { return graph_.AddValue(UniqueName(base)); }

ValueId ImportContext::AddConstant(const std::string& what, Tensor data) {
  return graph_.AddWeight(UniqueName(node_name_ + "_" + what), std::move(data));
}

void ImportContext::BindWeight(const std::string& name, Tensor data) {
  const ValueId v = ValueNamed(name);
  Value& val = graph_.value(v);
  val.dtype = data.dtype();
  val.shape = data.shape();
  val.weight = std::make_shared<const Tensor>(std::move(data));
}

const Tensor* ImportContext::WeightOf(ValueId v) const {
  if (v == kNoValue) return nullptr;
  return graph_.value(v).weight.get();
}

std::optional<size_t> ImportContext::KnownRank(ValueId v) const {
  if (v == kNoValue) return std::nullopt;
  const Shape& s = graph_.value(v).shape;
  if (s.unknown_rank()) return std::nullopt;
  return s.rank();
}

DType ImportContext::KnownDType(ValueId v) const { return v == kNoValue ? DType::kUndefined : graph_.value(v).dtype; }

Expected<NodeId> ImportContext::AddNode(OpKind op, std::string name, std::vector<ValueId> inputs,
                                        std::vector<ValueId> outputs, Attributes attrs) {
  while (!inputs.empty() && inputs.back() == kNoValue) inputs.pop_back();
  while (!outputs.empty() && outputs.back() == kNoValue) outputs.pop_back();
  const OpInfo& info = GetOpInfo(op);
  const auto n_in = static_cast<int>(inputs.size());
  const auto n_out = static_cast<int>(outputs.size());
  if (n_in < info.min_inputs || (info.max_inputs >= 0 && n_in > info.max_inputs)) {
    if (info.min_inputs == info.max_inputs)
      return Status::Errorf("has {} inputs but {} takes {}", n_in, info.name, info.min_inputs);
    return Status::Errorf("has {} inputs but {} takes {} to {}", n_in, info.name, info.min_inputs,
                          info.max_inputs < 0 ? std::string("any number") : std::to_string(info.max_inputs));
  }
  if (n_out < info.min_outputs || (info.max_outputs >= 0 && n_out > info.max_outputs)) {
    if (info.min_outputs == info.max_outputs)
      return Status::Errorf("has {} outputs but {} gives {}", n_out, info.name, info.min_outputs);
    return Status::Errorf("has {} outputs but {} gives {} to {}", n_out, info.name, info.min_outputs,
                          info.max_outputs < 0 ? std::string("any number") : std::to_string(info.max_outputs));
  }
  for (int i = 0; i < info.min_inputs; ++i)
    if (inputs[i] == kNoValue) return Status::Errorf("required input {} is missing (empty name)", i);
  const NodeId id = graph_.AddNode(op, std::move(name), std::move(inputs), std::move(outputs), std::move(attrs));
  if (eager_inference_) InferEagerly(id);
  return id;
}

void ImportContext::InferEagerly(NodeId id) {
  const Node& node = graph_.node(id);
  std::vector<TensorView> views(node.inputs.size());
  std::vector<ValueInfo> inputs;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    if (node.inputs[i] == kNoValue) {
      inputs.emplace_back();
      continue;
    }
    const Value& v = graph_.value(node.inputs[i]);
    if (v.dtype == DType::kUndefined) return;  // produced by a later node: InferShapes will see it
    if (v.weight) views[i] = v.weight->view();
    inputs.push_back(ValueInfo{v.dtype, v.shape, v.weight ? &views[i] : nullptr});
  }
  auto outs = InferNode(node, std::move(inputs));
  if (!outs.ok()) return;
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i] == kNoValue) continue;
    Value& out = graph_.value(node.outputs[i]);
    const ValueInfo& inferred = (*outs)[i];
    // Keep what the model declared where inference knows less (as InferShapes does).
    if (inferred.dtype != DType::kUndefined) out.dtype = inferred.dtype;
    if (inferred.shape.unknown_rank()) continue;
    Shape merged = inferred.shape;
    if (!out.shape.unknown_rank() && out.shape.rank() == merged.rank())
      for (size_t d = 0; d < merged.rank(); ++d)
        if (!merged[d].is_static() && merged[d].symbol.empty()) merged[d] = out.shape[d];
    out.shape = std::move(merged);
  }
}

Status ImportWithSpec(ImportContext& ctx, const onnx::NodeProto& node, OpKind op, std::span<const AttrSpec> spec) {
  MRT_ASSIGN_OR_RETURN(Attributes attrs, ReadAttributes(node, spec));
  auto id = ctx.AddNode(op, ctx.node_name(), ctx.Inputs(node), ctx.Outputs(node), std::move(attrs));
  return id.status();
}

}  // namespace mrt::onnx_import
