// ExecutionContext: a CUDA plan made runnable on this GPU. It owns everything a run needs on the
// device: the weights (packed ones already in their tactic's layout), one activation arena laid
// out by the plan's memory plan, one workspace shared by the layers (they run one after another
// on a stream), the library handles and one tactic object per layer. Enqueue() launches the
// layers in order on a stream without allocating or synchronizing, so it can be captured into a
// CUDA graph once and replayed.
//
// Layers that launch nothing: a view (Reshape, Flatten, ...) whose output the memory plan put on
// its input's bytes, and a Concat whose inputs were all written straight into their slices.
#pragma once

#include <cuda_runtime.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/gpu_resources.h"
#include "kernels/gpu/tactic.h"
#include "runtime/plan/plan_format.h"
#include "runtime/plan/tactic_section.h"
#include "runtime/reference_backend.h"

namespace mrt::gpu {

struct LayerInfo {
  std::string name, op, tactic, family;  // tactic/family "" for a layer that launches nothing
  float build_ms = 0;                    // the builder's measurement
};

struct DeviceMemoryUse {
  int64_t weights = 0, arena = 0, workspace = 0, io_staging = 0;
  int64_t total() const { return weights + arena + workspace; }
};

class ExecutionContext {
 public:
  // Checks the plan (CUDA target, tactics section, memory plan) and sets everything up.
  static Expected<std::unique_ptr<ExecutionContext>> Create(const plan::Plan& plan);
  ~ExecutionContext();

  // Stages host inputs (every graph input, by name, with its plan dtype and shape) into pinned
  // memory and enqueues their copy into the arena.
  Status CopyInputsAsync(const TensorMap& inputs, cudaStream_t stream);
  // Launches every layer in order.
  Status Enqueue(cudaStream_t stream);
  // Like Enqueue, with an event pair around each launching layer; waits for the stream and
  // fills per-layer times (ms, 0 for layers that launch nothing).
  Status EnqueueProfiled(cudaStream_t stream, std::vector<float>& layer_ms);
  // Enqueues the copy of every graph output into pinned memory; Outputs() reads them after the
  // stream has been synchronized.
  Status CopyOutputsAsync(cudaStream_t stream);
  TensorMap Outputs() const;

  const std::vector<LayerInfo>& layers() const { return layers_; }
  const DeviceMemoryUse& memory() const { return memory_; }
  GpuResources& resources() { return *resources_; }
  int64_t input_bytes() const;
  int64_t output_bytes() const;

 private:
  struct Step;
  struct IoSlot;
  ExecutionContext() = default;
  Status UploadWeights(const plan::Plan& plan, const plan::TacticTable& table);
  Status CreateSteps(const plan::Plan& plan, const plan::TacticTable& table);
  Status LaunchStep(Step& step, cudaStream_t stream);
  void* ValuePointer(ValueId v) const;

  const Graph* graph_ = nullptr;  // the plan's (the plan outlives the context)
  std::unique_ptr<GpuResources> resources_;
  DeviceBuffer weights_, arena_, workspace_;
  std::vector<int64_t> value_offsets_;             // arena offset per value (-1: none)
  std::map<ValueId, void*> weight_ptrs_;           // device copies of graph weights
  struct PackedPointer {
    size_t layer = 0;
    int input = 0;
    void* device = nullptr;
    const Tensor* host = nullptr;
  };
  std::vector<PackedPointer> packed_pointers_;     // packed weights, in the weights buffer
  std::vector<std::unique_ptr<Step>> steps_;
  std::vector<LayerInfo> layers_;
  std::vector<IoSlot*> inputs_, outputs_;
  std::vector<std::unique_ptr<IoSlot>> io_;
  std::vector<cudaEvent_t> events_;
  DeviceMemoryUse memory_;
};

}  // namespace mrt::gpu
