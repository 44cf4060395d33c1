#include "runtime/gpu/layer_tuner.h"

#include <unistd.h>

#include <limits>
#include <ostream>

#include "ir/op_table.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "runtime/gpu/gpu_fill_launch.h"
#include "runtime/gpu/tactic_table.h"

namespace mrt::gpu {

namespace {

// Device buffers of one layer's shapes: weights uploaded, activations filled with random data.
struct LayerBuffers {
  std::vector<DeviceBuffer> owned;
  std::vector<TensorView> inputs, outputs;
};

Expected<TensorView> Scratch(LayerBuffers& b, const TensorDesc& t, uint32_t seed, cudaStream_t stream) {
  const size_t bytes = static_cast<size_t>(t.numel()) * DTypeSize(t.dtype);
  MRT_ASSIGN_OR_RETURN(DeviceBuffer buf, DeviceBuffer::Allocate(bytes, "a tuning buffer"));
  if (t.constant != nullptr) {
    if (bytes) MRT_CUDA_TRY(cudaMemcpy(buf.get(), t.constant->raw(), bytes, cudaMemcpyHostToDevice));
  } else if (t.dtype == DType::kF32 || t.dtype == DType::kF16 || t.dtype == DType::kBF16) {
    const FillKind kind = t.dtype == DType::kF32   ? FillKind::kF32
                          : t.dtype == DType::kF16 ? FillKind::kF16
                                                   : FillKind::kBF16;
    MRT_CUDA_TRY(LaunchFillRandom(buf.get(), kind, t.numel(), seed, stream));
  } else {
    MRT_CUDA_TRY(LaunchFillRandom(buf.get(), FillKind::kZeroBytes, static_cast<int64_t>(bytes), 0, stream));
  }
  TensorView v{t.dtype, t.sizes, buf.get()};
  b.owned.push_back(std::move(buf));
  return v;
}

Expected<LayerBuffers> AllocateLayer(const NodeDesc& desc, cudaStream_t stream) {
  LayerBuffers b;
  uint32_t seed = 1;
  for (const TensorDesc& t : desc.inputs) {
    if (!t.present()) {
      b.inputs.emplace_back();
      continue;
    }
    MRT_ASSIGN_OR_RETURN(TensorView v, Scratch(b, t, seed++, stream));
    b.inputs.push_back(v);
  }
  for (const TensorDesc& t : desc.outputs) {
    MRT_ASSIGN_OR_RETURN(TensorView v, Scratch(b, t, seed++, stream));
    b.outputs.push_back(v);
  }
  MRT_CUDA_TRY(cudaStreamSynchronize(stream));
  return b;
}

// Times one tactic on the layer's buffers. A refusal (Status::refused()) means the tactic does not
// handle this layer; any other error is a failure of the tactic.
Expected<float> TimeTactic(Tactic& tactic, const NodeDesc& desc, const LayerBuffers& buffers, TuneContext& ctx) {
  MRT_RETURN_IF_ERROR(tactic.Setup(*ctx.resources));
  if (tactic.WorkspaceBytes() > ctx.max_workspace)
    return Status::Refusef("needs {} MiB of workspace (limit {} MiB)", tactic.WorkspaceBytes() >> 20,
                           ctx.max_workspace >> 20);
  std::vector<TensorView> inputs = buffers.inputs;
  LayerBuffers packed_storage;
  for (PackedWeight& p : tactic.PackWeights(desc)) {
    TensorDesc t{p.packed.dtype(), p.packed.sizes(), &p.packed};
    MRT_ASSIGN_OR_RETURN(inputs[p.input_index], Scratch(packed_storage, t, 0, ctx.stream));
  }
  MRT_ASSIGN_OR_RETURN(DeviceBuffer workspace, DeviceBuffer::Allocate(tactic.WorkspaceBytes(), "a tactic workspace"));
  MRT_RETURN_IF_ERROR(ctx.resources->BindStream(ctx.stream));
  LaunchArgs args{inputs, buffers.outputs, workspace.get(), ctx.stream, ctx.resources};
  auto launch = [&]() -> Status {
    MRT_RETURN_IF_ERROR(tactic.Launch(args));
    MRT_CUDA_TRY(cudaGetLastError());
    return Status::Ok();
  };
  auto ms = ctx.timer->Time(launch);
  if (!ms.ok()) {
    cudaStreamSynchronize(ctx.stream);
    cudaGetLastError();  // a launch-configuration error is not sticky; clear it
  }
  return ms;
}

void Progress(TuneContext& ctx, size_t i, size_t n, const Node& node) {
  if (!ctx.progress) return;
  fmt::print(stderr, "\r\033[K[{}] tuning layer {}/{}: {} ({})", ctx.progress_label, i + 1, n, node.name,
             OpName(node.op));
  if (i + 1 == n) fmt::print(stderr, "\r\033[K");
  fflush(stderr);
}

// A failed tactic is a bug, not a normal outcome: say so on stderr whatever the verbosity.
void ReportFailure(TuneContext& ctx, const Node& node, const std::string& tactic, const Status& st) {
  std::string line = fmt::format("node '{}' ({}), tactic {}: {}", node.name, OpName(node.op), tactic, st.message());
  fmt::print(stderr, "{}warning: tactic FAILED (a bug; the layer uses another tactic): {}\n",
             ctx.progress ? "\r\033[K" : "", line);
  ++ctx.stats.failed;
  ctx.stats.failures.push_back(std::move(line));
}

Expected<LayerChoice> TuneNode(const Graph& graph, const Node& node, TuneContext& ctx) {
  LayerChoice choice;
  if (HasTrait(node.op, kTraitView)) return choice;  // aliases its input: launches nothing
  MRT_ASSIGN_OR_RETURN(NodeDesc desc, MakeNodeDesc(graph, node, ctx.math));
  TacticList tactics = EnumerateTactics(desc);
  const std::string key = LayerKey(desc, ctx.resources->props, TacticSetOf(tactics));
  std::optional<LayerBuffers> buffers;
  float best = std::numeric_limits<float>::infinity();
  std::string last_error = "no tactic was offered";
  for (auto& tactic : tactics) {
    const std::string name = tactic->name();
    std::optional<float> ms = ctx.cache->Find(key, name);
    if (ms) {
      ++ctx.stats.cache_hits;
    } else {
      if (!buffers) {
        MRT_ASSIGN_OR_RETURN(LayerBuffers b, AllocateLayer(desc, ctx.stream));
        buffers = std::move(b);
      }
      auto timed = TimeTactic(*tactic, desc, *buffers, ctx);
      ++ctx.stats.timed;
      if (!timed.ok()) last_error = name + ": " + timed.status().message();
      if (!timed.ok() && !timed.status().refused()) {
        ReportFailure(ctx, node, name, timed.status());
        continue;  // not cached: a fixed tactic is timed again next build
      }
      ms = timed.ok() ? *timed : kRefusedTactic;
      ctx.cache->Put(key, name, *ms);
    }
    if (*ms < 0) {
      ++ctx.stats.refused;
      if (ctx.verbose && ctx.log) *ctx.log << fmt::format("  {:<28} {:<40} refused\n", node.name, name);
      continue;
    }
    ++choice.candidates;
    if (ctx.verbose && ctx.log) *ctx.log << fmt::format("  {:<28} {:<40} {:9.4f} ms\n", node.name, name, *ms);
    if (tactic->family() == TacticFamily::kHandWritten &&
        (choice.best_handwritten_ms == 0 || *ms < choice.best_handwritten_ms)) {
      choice.best_handwritten = name;
      choice.best_handwritten_ms = *ms;
    }
    if (*ms < best) {
      best = *ms;
      choice.tactic = std::move(tactic);
      choice.ms = *ms;
    }
  }
  if (!choice.tactic)
    return Status::Errorf("node '{}' ({}): no tactic can run it on this GPU (last error: {})", node.name,
                          OpName(node.op), last_error);
  return choice;
}

}  // namespace

Expected<std::vector<LayerChoice>> TuneGraph(const Graph& graph, TuneContext& ctx) {
  std::vector<LayerChoice> choices;
  const size_t n = graph.nodes().size();
  for (size_t i = 0; i < n; ++i) {
    const Node& node = graph.nodes()[i];
    Progress(ctx, i, n, node);
    MRT_ASSIGN_OR_RETURN(LayerChoice c, TuneNode(graph, node, ctx));
    choices.push_back(std::move(c));
  }
  return choices;
}

}  // namespace mrt::gpu
