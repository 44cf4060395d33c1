// A tactic is one runnable GPU implementation of a node for its shapes, dtypes and layout: a
// hand-written CUDA kernel with its tile configuration, a cuDNN algorithm, a cuBLAS(Lt) call.
// The builder (runtime/gpu/builder.cpp) asks the tactic table (tactic_table.h) for every tactic
// that supports a node, times each on the GPU and keeps the fastest; the plan records the chosen
// tactic's name and its weights already packed into the tactic's layout and precision.
//
// Life of a tactic:
//   1. a provider constructs it from a NodeDesc when it supports the node (else it offers none);
//   2. PackWeights() turns constant inputs into the layout/precision its kernel reads (once, on
//      the host, at build time; the plan stores the result, so loading a plan repacks nothing);
//   3. Setup() creates per-instance GPU state (descriptors, Lt plans) once on a device, and may
//      *refuse* (Status::Refusal: "cuDNN does not support algo 4 here"): the builder then drops
//      the tactic quietly. WorkspaceBytes() is read after Setup();
//   4. Launch() enqueues the work on a stream: no allocation, no synchronization, no host
//      round trip, so it can be captured into a CUDA graph. It may refuse too (operands not
//      aligned as the kernel needs), before it launches anything.
// Any other error from Setup() or Launch() is a *failure* (a CUDA error, a bad descriptor): a
// bug. The builder reports it on stderr, never caches it, and the GPU tests fail on it.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "kernels/gpu/gpu_resources.h"

namespace mrt::gpu {

enum class TacticFamily : uint8_t {
  kHandWritten,  // mini-rt's own CUDA kernels
  kCudnn,
  kCublas,       // cuBLAS and cuBLASLt
  kCpuFallback,  // the reference kernel on the host, inside the stream (ops with no CUDA kernel)
};
std::string_view TacticFamilyName(TacticFamily family);  // "hand-written", "cudnn", "cublas", "cpu-fallback"

// One input or output of the node as the tactic sees it at build time.
struct TensorDesc {
  DType dtype = DType::kUndefined;   // kUndefined: an absent optional input
  std::vector<int64_t> sizes;        // static; the IR's logical order (a channels_last conv's
                                     // activations are already NHWC in the graph: see passes/layout_nhwc.cpp)
  const Tensor* constant = nullptr;  // the host weight when the input is a weight, else null
  bool present() const { return dtype != DType::kUndefined; }
  int64_t numel() const { return Numel(sizes); }
};

// How the build may compute: the flags that change numerics.
struct MathOptions {
  bool allow_tf32 = true;  // false with --no-tf32: FP32 math stays strict FP32
};

// What a provider sees of the node. Valid only during the provider call and PackWeights().
struct NodeDesc {
  const Node* node = nullptr;
  std::vector<TensorDesc> inputs, outputs;
  MathOptions math;

  OpKind op() const { return node->op; }
  const Attributes& attrs() const { return node->attrs; }
  const std::string& name() const { return node->name; }
  bool has_input(size_t i) const { return i < inputs.size() && inputs[i].present(); }
};

// A constant input rewritten for the kernel: it replaces input `input_index` at launch (the
// device copy of `packed`, with packed's dtype and sizes). Inputs not packed are passed as the
// graph holds them (weights uploaded unchanged).
struct PackedWeight {
  int input_index = 0;
  Tensor packed;
};

struct LaunchArgs {
  std::span<const TensorView> inputs;   // device pointers; absent optional inputs: dtype kUndefined
  std::span<const TensorView> outputs;  // device pointers, already sized
  void* workspace = nullptr;            // WorkspaceBytes() bytes of device scratch
  cudaStream_t stream = nullptr;
  GpuResources* resources = nullptr;  // library handles bound to `stream` by the caller
};

class Tactic {
 public:
  virtual ~Tactic() = default;
  // Unique among the tactics of its op: "conv_igemm_tc_f16_128x128x32", "cudnn_conv_fwd_algo6".
  virtual std::string name() const = 0;
  virtual TacticFamily family() const = 0;
  virtual size_t WorkspaceBytes() const { return 0; }
  virtual std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const { return {}; }
  virtual Status Setup(GpuResources& resources) { return Status::Ok(); }
  virtual Status Launch(const LaunchArgs& args) = 0;
};

using TacticList = std::vector<std::unique_ptr<Tactic>>;

// A provider appends every tactic of its family that supports `desc` (none when it cannot run
// it). Providers must not touch the GPU: they only decide and configure.
using TacticProvider = void (*)(const NodeDesc& desc, TacticList& out);

}  // namespace mrt::gpu

namespace mrt::gpu {

// The NodeDesc of a node of a graph whose shapes are static (an error names the value that is not).
Expected<NodeDesc> MakeNodeDesc(const Graph& graph, const Node& node, MathOptions math);

}  // namespace mrt::gpu
