// The CPU fallback tactic: for an op no GPU family implements, the reference kernel runs on the
// host *inside the stream*: inputs are copied to pinned host memory, a host function
// (cudaLaunchHostFunc) runs the reference kernel once they arrive, and the outputs are copied
// back. Everything is stream-ordered and capturable, so a plan with a fallback layer still runs
// under a CUDA graph; it is slow (a host round trip per layer) and the build summary lists these
// layers so a user sees which ops still need a CUDA kernel.
#include <cstring>

#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/providers.h"
#include "runtime/reference_backend.h"

namespace mrt::gpu {

namespace {

class CpuFallbackTactic final : public Tactic {
 public:
  explicit CpuFallbackTactic(const NodeDesc& desc) : node_(*desc.node), inputs_(desc.inputs), outputs_(desc.outputs) {
  }
  std::string name() const override { return "cpu_reference"; }
  TacticFamily family() const override { return TacticFamily::kCpuFallback; }

  Status Setup(GpuResources&) override {
    host_in_.clear();
    host_out_.clear();
    for (const TensorDesc& t : inputs_) {
      host_in_.emplace_back();
      if (t.present()) MRT_RETURN_IF_ERROR(host_in_.back().Allocate(t.numel() * DTypeSize(t.dtype), "a CPU-fallback input"));
    }
    for (const TensorDesc& t : outputs_) {
      host_out_.emplace_back();
      MRT_RETURN_IF_ERROR(host_out_.back().Allocate(t.numel() * DTypeSize(t.dtype), "a CPU-fallback output"));
    }
    return Status::Ok();
  }

  Status Launch(const LaunchArgs& args) override {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (!inputs_[i].present() || args.inputs[i].nbytes() == 0) continue;
      MRT_CUDA_TRY(cudaMemcpyAsync(host_in_[i].get(), args.inputs[i].data, args.inputs[i].nbytes(),
                                   cudaMemcpyDeviceToHost, args.stream));
    }
    MRT_CUDA_TRY(cudaLaunchHostFunc(args.stream, &CpuFallbackTactic::RunOnHost, this));
    for (size_t i = 0; i < outputs_.size(); ++i) {
      if (args.outputs[i].nbytes() == 0) continue;
      MRT_CUDA_TRY(cudaMemcpyAsync(args.outputs[i].data, host_out_[i].get(), args.outputs[i].nbytes(),
                                   cudaMemcpyHostToDevice, args.stream));
    }
    return Status::Ok();
  }

 private:
  // Runs in a CUDA host-callback thread: no CUDA calls allowed here. An error cannot propagate
  // through the stream, so it is reported on stderr and the outputs are left as NaN-free zeros.
  static void CUDART_CB RunOnHost(void* self) { static_cast<CpuFallbackTactic*>(self)->Compute(); }

  void Compute() {
    std::vector<TensorView> views;
    for (size_t i = 0; i < inputs_.size(); ++i)
      views.push_back(inputs_[i].present() ? TensorView{inputs_[i].dtype, inputs_[i].sizes, host_in_[i].get()}
                                           : TensorView{});
    auto out = RunNodeReference(node_, views);
    if (!out.ok()) {
      fmt::print(stderr, "mini-rt: node '{}' (CPU fallback) failed: {}\n", node_.name, out.status().message());
      return;
    }
    for (size_t i = 0; i < outputs_.size() && i < out->size(); ++i) {
      const Tensor& t = (*out)[i];
      const size_t bytes = std::min(t.nbytes(), static_cast<size_t>(outputs_[i].numel() * DTypeSize(outputs_[i].dtype)));
      if (bytes) std::memcpy(host_out_[i].get(), t.raw(), bytes);
    }
  }

  Node node_;
  std::vector<TensorDesc> inputs_, outputs_;
  std::vector<PinnedBuffer> host_in_, host_out_;
};

}  // namespace

void AppendCpuFallbackTactics(const NodeDesc& desc, TacticList& out) {
  out.push_back(std::make_unique<CpuFallbackTactic>(desc));
}

}  // namespace mrt::gpu
