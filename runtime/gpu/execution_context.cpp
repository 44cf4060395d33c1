#include "runtime/gpu/execution_context.h"

#include <cstring>

#include "ir/op_table.h"
#include "kernels/gpu/cuda_check.h"
#include "runtime/gpu/cuda_target.h"
#include "runtime/gpu/tactic_table.h"

namespace mrt::gpu {

namespace {
constexpr size_t kWeightAlignment = 256;
size_t AlignUp(size_t n) { return (n + kWeightAlignment - 1) / kWeightAlignment * kWeightAlignment; }
}  // namespace

enum class StepKind { kLaunch, kCopy, kNone };

struct ExecutionContext::Step {
  StepKind kind = StepKind::kNone;
  std::unique_ptr<Tactic> tactic;
  std::vector<TensorView> inputs, outputs;
};

// A graph input or output: pinned host staging and its device bytes.
struct ExecutionContext::IoSlot {
  std::string name;
  DType dtype = DType::kUndefined;
  std::vector<int64_t> sizes;
  void* device = nullptr;
  PinnedBuffer host;
  size_t bytes = 0;
};

ExecutionContext::~ExecutionContext() {
  for (cudaEvent_t e : events_) cudaEventDestroy(e);
}

Expected<std::unique_ptr<ExecutionContext>> ExecutionContext::Create(const plan::Plan& plan) {
  if (plan.target.device != "cuda")
    return Status::Errorf("this plan was built for {}: run it with --device {} or rebuild it with 'mini-rt compile "
                          "--device cuda'", plan::DescribeTarget(plan.target), plan.target.device);
  MRT_ASSIGN_OR_RETURN(plan::PlanTarget here, CurrentCudaTarget());
  MRT_RETURN_IF_ERROR(plan::CheckTarget(plan.target, here));
  if (!plan.memory) return Status::Error("the plan has no memory plan; rebuild it with static --shapes");
  MRT_ASSIGN_OR_RETURN(plan::TacticTable table, plan::DecodeTacticTable(plan.tactics));
  if (table.layers.size() != plan.graph.nodes().size())
    return Status::Errorf("the tactics section lists {} layers but the graph has {} nodes: rebuild the plan",
                          table.layers.size(), plan.graph.nodes().size());
  std::unique_ptr<ExecutionContext> ctx(new ExecutionContext());
  ctx->graph_ = &plan.graph;
  MRT_ASSIGN_OR_RETURN(ctx->resources_, GpuResources::Create());
  ctx->value_offsets_ = plan.memory->offsets;
  MRT_ASSIGN_OR_RETURN(ctx->arena_, DeviceBuffer::Allocate(static_cast<size_t>(plan.memory->arena_bytes), "the activation arena"));
  ctx->memory_.arena = plan.memory->arena_bytes;
  MRT_RETURN_IF_ERROR(ctx->UploadWeights(plan, table));
  MRT_RETURN_IF_ERROR(ctx->CreateSteps(plan, table));
  return ctx;
}

void* ExecutionContext::ValuePointer(ValueId v) const {
  if (auto it = weight_ptrs_.find(v); it != weight_ptrs_.end()) return it->second;
  if (v >= 0 && static_cast<size_t>(v) < value_offsets_.size() && value_offsets_[v] >= 0)
    return static_cast<uint8_t*>(arena_.get()) + value_offsets_[v];
  return nullptr;
}

// One device allocation holds every weight a layer reads unpacked and every packed weight.
Status ExecutionContext::UploadWeights(const plan::Plan& plan, const plan::TacticTable& table) {
  const Graph& g = plan.graph;
  std::vector<std::pair<const Tensor*, size_t>> uploads;  // host tensor, offset
  std::map<ValueId, size_t> weight_offsets;
  size_t total = 0;
  auto add = [&](const Tensor* t) {
    uploads.emplace_back(t, total);
    total += AlignUp(std::max<size_t>(t->nbytes(), 1));
    return uploads.back().second;
  };
  std::vector<std::map<int, size_t>> packed_offsets(table.layers.size());
  for (size_t i = 0; i < table.layers.size(); ++i) {
    const plan::LayerTactic& layer = table.layers[i];
    const Node& node = g.nodes()[i];
    for (const plan::PackedInput& p : layer.packed) packed_offsets[i][p.input_index] = add(&p.packed);
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      const ValueId v = node.inputs[k];
      if (v == kNoValue || !g.value(v).is_weight() || packed_offsets[i].count(static_cast<int>(k))) continue;
      if (!weight_offsets.count(v)) weight_offsets[v] = add(g.value(v).weight.get());
    }
  }
  for (ValueId v : g.outputs)
    if (g.value(v).is_weight() && !weight_offsets.count(v)) weight_offsets[v] = add(g.value(v).weight.get());
  MRT_ASSIGN_OR_RETURN(weights_, DeviceBuffer::Allocate(total, "the weights"));
  memory_.weights = static_cast<int64_t>(total);
  auto* base = static_cast<uint8_t*>(weights_.get());
  for (const auto& [t, offset] : uploads)
    if (t->nbytes()) MRT_CUDA_TRY(cudaMemcpy(base + offset, t->raw(), t->nbytes(), cudaMemcpyHostToDevice));
  for (const auto& [v, offset] : weight_offsets) weight_ptrs_[v] = base + offset;
  // Packed inputs are resolved per layer in CreateSteps; keep their pointers in the steps.
  for (size_t i = 0; i < table.layers.size(); ++i)
    for (const plan::PackedInput& p : table.layers[i].packed)
      packed_pointers_.push_back({i, p.input_index, base + packed_offsets[i][p.input_index], &p.packed});
  return Status::Ok();
}

Status ExecutionContext::CreateSteps(const plan::Plan& plan, const plan::TacticTable& table) {
  const Graph& g = plan.graph;
  const MathOptions math{table.precision != "fp32"};
  size_t workspace = 0;
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    const Node& node = g.nodes()[i];
    const plan::LayerTactic& layer = table.layers[i];
    if (layer.node != i) return Status::Errorf("the tactics section is out of order at layer {}: rebuild the plan", i);
    auto step = std::make_unique<Step>();
    auto view_of = [&](ValueId v) -> Expected<TensorView> {
      if (v == kNoValue) return TensorView{};
      const Value& value = g.value(v);
      void* ptr = ValuePointer(v);
      if (ptr == nullptr) return Status::Errorf("node '{}': value '{}' has no device storage in the plan", node.name, value.name);
      return TensorView{value.dtype, value.shape.sizes(), ptr};
    };
    // Packed weights replace their input; the graph's copy of such a weight is not uploaded.
    std::map<int, TensorView> packed;
    for (const PackedPointer& p : packed_pointers_)
      if (p.layer == i) packed[p.input] = TensorView{p.host->dtype(), p.host->sizes(), p.device};
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      if (auto it = packed.find(static_cast<int>(k)); it != packed.end()) {
        step->inputs.push_back(it->second);
        continue;
      }
      MRT_ASSIGN_OR_RETURN(TensorView t, view_of(node.inputs[k]));
      step->inputs.push_back(t);
    }
    for (ValueId v : node.outputs) {
      MRT_ASSIGN_OR_RETURN(TensorView t, view_of(v));
      step->outputs.push_back(t);
    }
    if (!layer.tactic.empty()) {
      MRT_ASSIGN_OR_RETURN(NodeDesc desc, MakeNodeDesc(g, node, math));
      MRT_ASSIGN_OR_RETURN(step->tactic, FindTactic(desc, layer.tactic));
      if (Status s = step->tactic->Setup(*resources_); !s.ok())
        return s.WithContext(fmt::format("node '{}' ({}), tactic {}: ", node.name, OpName(node.op), layer.tactic));
      workspace = std::max(workspace, step->tactic->WorkspaceBytes());
      step->kind = StepKind::kLaunch;
    } else if (HasTrait(node.op, kTraitView) && !step->outputs.empty() && step->outputs[0].data != step->inputs[0].data) {
      step->kind = StepKind::kCopy;  // a view the memory plan could not alias
    }
    layers_.push_back({node.name, std::string(OpName(node.op)), layer.tactic, layer.family, layer.median_ms});
    steps_.push_back(std::move(step));
  }
  MRT_ASSIGN_OR_RETURN(workspace_, DeviceBuffer::Allocate(workspace, "the layer workspace"));
  memory_.workspace = static_cast<int64_t>(workspace);
  // Graph inputs and outputs: pinned staging buffers.
  auto make_slot = [&](ValueId v) -> Expected<IoSlot*> {
    auto slot = std::make_unique<IoSlot>();
    const Value& value = g.value(v);
    slot->name = value.name;
    slot->dtype = value.dtype;
    slot->sizes = value.shape.sizes();
    slot->bytes = static_cast<size_t>(Numel(slot->sizes)) * DTypeSize(value.dtype);
    slot->device = ValuePointer(v);
    if (slot->device == nullptr && slot->bytes) return Status::Errorf("graph value '{}' has no device storage", value.name);
    MRT_RETURN_IF_ERROR(slot->host.Allocate(slot->bytes, "input/output staging"));
    memory_.io_staging += static_cast<int64_t>(slot->bytes);
    io_.push_back(std::move(slot));
    return io_.back().get();
  };
  for (ValueId v : g.inputs) {
    MRT_ASSIGN_OR_RETURN(IoSlot * s, make_slot(v));
    inputs_.push_back(s);
  }
  for (ValueId v : g.outputs) {
    MRT_ASSIGN_OR_RETURN(IoSlot * s, make_slot(v));
    outputs_.push_back(s);
  }
  return Status::Ok();
}

Status ExecutionContext::CopyInputsAsync(const TensorMap& inputs, cudaStream_t stream) {
  for (IoSlot* slot : inputs_) {
    auto it = inputs.find(slot->name);
    if (it == inputs.end()) return Status::Errorf("input '{}' was not given", slot->name);
    const Tensor& t = it->second;
    if (t.dtype() != slot->dtype || t.sizes() != slot->sizes)
      return Status::Errorf("input '{}' is {}{} but the plan expects {}{}", slot->name, DTypeName(t.dtype()),
                            SizesToString(t.sizes()), DTypeName(slot->dtype), SizesToString(slot->sizes));
    if (!slot->bytes) continue;
    std::memcpy(slot->host.get(), t.raw(), slot->bytes);
    MRT_CUDA_TRY(cudaMemcpyAsync(slot->device, slot->host.get(), slot->bytes, cudaMemcpyHostToDevice, stream));
  }
  return Status::Ok();
}

Status ExecutionContext::CopyOutputsAsync(cudaStream_t stream) {
  for (IoSlot* slot : outputs_)
    if (slot->bytes)
      MRT_CUDA_TRY(cudaMemcpyAsync(slot->host.get(), slot->device, slot->bytes, cudaMemcpyDeviceToHost, stream));
  return Status::Ok();
}

TensorMap ExecutionContext::Outputs() const {
  TensorMap out;
  for (const IoSlot* slot : outputs_) {
    Tensor t(slot->dtype, slot->sizes);
    if (slot->bytes) std::memcpy(t.raw(), slot->host.get(), slot->bytes);
    out[slot->name] = std::move(t);
  }
  return out;
}

int64_t ExecutionContext::input_bytes() const {
  int64_t n = 0;
  for (const IoSlot* s : inputs_) n += static_cast<int64_t>(s->bytes);
  return n;
}
int64_t ExecutionContext::output_bytes() const {
  int64_t n = 0;
  for (const IoSlot* s : outputs_) n += static_cast<int64_t>(s->bytes);
  return n;
}

Status ExecutionContext::LaunchStep(Step& step, cudaStream_t stream) {
  switch (step.kind) {
    case StepKind::kNone: return Status::Ok();
    case StepKind::kCopy:
      MRT_CUDA_TRY(cudaMemcpyAsync(step.outputs[0].data, step.inputs[0].data, step.outputs[0].nbytes(),
                                   cudaMemcpyDeviceToDevice, stream));
      return Status::Ok();
    case StepKind::kLaunch: {
      LaunchArgs args{step.inputs, step.outputs, workspace_.get(), stream, resources_.get()};
      return step.tactic->Launch(args);
    }
  }
  return Status::Ok();
}

Status ExecutionContext::Enqueue(cudaStream_t stream) {
  MRT_RETURN_IF_ERROR(resources_->BindStream(stream));
  for (size_t i = 0; i < steps_.size(); ++i)
    if (Status s = LaunchStep(*steps_[i], stream); !s.ok()) return s.WithContext(fmt::format("layer '{}': ", layers_[i].name));
  return Status::Ok();
}

Status ExecutionContext::EnqueueProfiled(cudaStream_t stream, std::vector<float>& layer_ms) {
  MRT_RETURN_IF_ERROR(resources_->BindStream(stream));
  while (events_.size() < 2 * steps_.size()) {
    cudaEvent_t e;
    MRT_CUDA_TRY(cudaEventCreate(&e));
    events_.push_back(e);
  }
  for (size_t i = 0; i < steps_.size(); ++i) {
    MRT_CUDA_TRY(cudaEventRecord(events_[2 * i], stream));
    if (Status s = LaunchStep(*steps_[i], stream); !s.ok()) return s.WithContext(fmt::format("layer '{}': ", layers_[i].name));
    MRT_CUDA_TRY(cudaEventRecord(events_[2 * i + 1], stream));
  }
  MRT_CUDA_TRY(cudaStreamSynchronize(stream));
  layer_ms.assign(steps_.size(), 0.f);
  for (size_t i = 0; i < steps_.size(); ++i)
    if (steps_[i]->kind != StepKind::kNone)
      MRT_CUDA_TRY(cudaEventElapsedTime(&layer_ms[i], events_[2 * i], events_[2 * i + 1]));
  return Status::Ok();
}

}  // namespace mrt::gpu
