// `mini-rt run` on the GPU: times a CUDA plan like trtexec does and prints its summary.
// Each timed iteration is: inputs host -> pinned -> device (H2D), the enqueue (or one CUDA graph
// launch), outputs device -> pinned (D2H), then a synchronize; events split the three parts.
//   latency          host wall time of the whole iteration
//   GPU compute      the enqueue / graph launch alone (events on the stream)
//   throughput       batch / median GPU compute time (inferences/s = 1 / median)
// --profile replays the layers with an event pair around each (outside any graph) and prints
// per-layer medians, as trtexec --dumpProfile does.
#if defined(MRT_HAVE_CUDA)

#include <algorithm>
#include <fstream>
#include <map>

#include "cli/cli_common.h"
#include "cli/gpu_backend.h"
#include "ir/output_file.h"
#include "kernels/gpu/cuda_check.h"
#include "runtime/gpu/execution_context.h"
#include "runtime/latency_stats.h"

namespace mrt::cli {

namespace {

struct Timings {
  std::vector<double> latency, compute, h2d, d2h;
};

nlohmann::json StatsJson(const LatencyStats& s) {
  return {{"min", s.min}, {"max", s.max}, {"mean", s.mean}, {"median", s.median},
          {"p90", s.p90}, {"p95", s.p95}, {"p99", s.p99}};
}

std::string StatsLine(const LatencyStats& s) {
  return fmt::format(
      "min = {:.4f} ms, max = {:.4f} ms, mean = {:.4f} ms, median = {:.4f} ms, percentile(90%) = {:.4f} "
      "ms, percentile(95%) = {:.4f} ms, percentile(99%) = {:.4f} ms",
      s.min, s.max, s.mean, s.median, s.p90, s.p95, s.p99);
}

class Events {
 public:
  Events() {
    for (auto& e : e_) cudaEventCreate(&e);
  }
  ~Events() {
    for (auto& e : e_) cudaEventDestroy(e);
  }
  cudaEvent_t operator[](int i) const { return e_[i]; }

 private:
  cudaEvent_t e_[4];
};

double Elapsed(cudaEvent_t a, cudaEvent_t b) {
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  return ms;
}

// One inference; with `events` the parts are timed.
Status RunOnce(gpu::ExecutionContext& ctx, const TensorMap& inputs, cudaStream_t stream, cudaGraphExec_t graph,
               const Events& ev, Timings* t) {
  const int64_t start = NowNs();
  MRT_CUDA_TRY(cudaEventRecord(ev[0], stream));
  MRT_RETURN_IF_ERROR(ctx.CopyInputsAsync(inputs, stream));
  MRT_CUDA_TRY(cudaEventRecord(ev[1], stream));
  if (graph) {
    MRT_CUDA_TRY(cudaGraphLaunch(graph, stream));
  } else {
    MRT_RETURN_IF_ERROR(ctx.Enqueue(stream));
  }
  MRT_CUDA_TRY(cudaEventRecord(ev[2], stream));
  MRT_RETURN_IF_ERROR(ctx.CopyOutputsAsync(stream));
  MRT_CUDA_TRY(cudaEventRecord(ev[3], stream));
  MRT_CUDA_TRY(cudaStreamSynchronize(stream));
  if (t) {
    t->latency.push_back(MsSince(start));
    t->h2d.push_back(Elapsed(ev[0], ev[1]));
    t->compute.push_back(Elapsed(ev[1], ev[2]));
    t->d2h.push_back(Elapsed(ev[2], ev[3]));
  }
  return Status::Ok();
}

Expected<cudaGraphExec_t> Capture(gpu::ExecutionContext& ctx, cudaStream_t stream) {
  cudaGraph_t graph = nullptr;
  MRT_CUDA_TRY(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  Status enqueued = ctx.Enqueue(stream);
  const cudaError_t ended = cudaStreamEndCapture(stream, &graph);
  MRT_RETURN_IF_ERROR(enqueued.WithContext("capturing the CUDA graph: "));
  MRT_CUDA_TRY(ended);
  cudaGraphExec_t exec = nullptr;
  const cudaError_t inst = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  MRT_CUDA_TRY(inst);
  return exec;
}

// Per-layer medians over `runs` profiled enqueues.
Expected<std::vector<double>> ProfileLayers(gpu::ExecutionContext& ctx, cudaStream_t stream, int runs) {
  std::vector<std::vector<double>> samples(ctx.layers().size());
  std::vector<float> ms;
  for (int r = 0; r < runs; ++r) {
    MRT_RETURN_IF_ERROR(ctx.EnqueueProfiled(stream, ms));
    for (size_t i = 0; i < ms.size(); ++i) samples[i].push_back(ms[i]);
  }
  std::vector<double> medians;
  for (auto& s : samples) medians.push_back(Summarize(s).median);
  return medians;
}

void PrintProfile(const gpu::ExecutionContext& ctx, const std::vector<double>& ms, int runs) {
  double total = 0;
  for (double m : ms) total += m;
  fmt::print("\n=== Profile ({} iterations, per-layer median) ===\n", runs);
  fmt::print("{:>10} {:>8}  {:<34} {:<14} {:<44} {}\n", "Median(ms)", "Time(%)", "Layer", "Op", "Tactic", "Family");
  for (size_t i = 0; i < ms.size(); ++i) {
    const gpu::LayerInfo& l = ctx.layers()[i];
    if (l.tactic.empty() && ms[i] == 0) continue;
    fmt::print("{:>10.4f} {:>8.1f}  {:<34} {:<14} {:<44} {}\n", ms[i], total > 0 ? 100 * ms[i] / total : 0,
               l.name.substr(0, 34), l.op, l.tactic.empty() ? "(copy)" : l.tactic, l.family);
  }
  fmt::print("{:>10.4f} {:>8.1f}  Total\n", total, 100.0);
}

nlohmann::json LayersJson(const gpu::ExecutionContext& ctx, const std::vector<double>& ms) {
  nlohmann::json layers = nlohmann::json::array(), families = nlohmann::json::object();
  double total = 0;
  for (double m : ms) total += m;
  for (size_t i = 0; i < ctx.layers().size(); ++i) {
    const gpu::LayerInfo& l = ctx.layers()[i];
    nlohmann::json row = {
        {"name", l.name}, {"op", l.op}, {"tactic", l.tactic}, {"family", l.family}, {"build_ms", l.build_ms}};
    if (!ms.empty()) {
      row["median_ms"] = ms[i];
      row["percent"] = total > 0 ? 100 * ms[i] / total : 0;
    }
    layers.push_back(row);
    if (l.family.empty()) continue;
    auto& f = families[l.family];
    if (f.is_null()) f = {{"layers", 0}};
    f["layers"] = f["layers"].get<int>() + 1;
    if (!ms.empty()) {
      f["time_ms"] = f.value("time_ms", 0.0) + ms[i];
      f["percent"] = total > 0 ? 100 * f["time_ms"].get<double>() / total : 0;
    }
  }
  return {{"layers", layers}, {"families", families}};
}

int64_t BatchOf(const plan::Plan& plan) {
  if (plan.graph.inputs.empty()) return 1;
  const Shape& s = plan.graph.value(plan.graph.inputs[0]).shape;
  return s.rank() > 0 && s[0].is_static() ? s[0].size : 1;
}

}  // namespace

Status RunOnGpu(const plan::Plan& plan, const TensorMap& inputs, const GpuRunOptions& opt, TensorMap& outputs) {
  MRT_ASSIGN_OR_RETURN(auto ctx, gpu::ExecutionContext::Create(plan));
  cudaStream_t stream = nullptr;
  MRT_CUDA_TRY(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  struct Cleanup {
    cudaStream_t s;
    cudaGraphExec_t g = nullptr;
    ~Cleanup() {
      if (g) cudaGraphExecDestroy(g);
      cudaStreamDestroy(s);
    }
  } cleanup{stream};
  Events ev;
  // A first run outside any graph: it loads every kernel module and checks every layer.
  MRT_RETURN_IF_ERROR(RunOnce(*ctx, inputs, stream, nullptr, ev, nullptr));
  if (opt.cuda_graph) {
    MRT_ASSIGN_OR_RETURN(cleanup.g, Capture(*ctx, stream));
  }
  for (int i = 0; i < opt.warmup; ++i) MRT_RETURN_IF_ERROR(RunOnce(*ctx, inputs, stream, cleanup.g, ev, nullptr));
  Timings t;
  const int iterations = std::max(opt.iterations, 1);
  for (int i = 0; i < iterations; ++i) MRT_RETURN_IF_ERROR(RunOnce(*ctx, inputs, stream, cleanup.g, ev, &t));
  outputs = ctx->Outputs();
  std::vector<double> layer_ms;
  const int profile_runs = std::clamp(opt.iterations, 5, 50);
  if (opt.profile) {
    MRT_ASSIGN_OR_RETURN(layer_ms, ProfileLayers(*ctx, stream, profile_runs));
  }

  const LatencyStats latency = Summarize(t.latency), compute = Summarize(t.compute);
  const LatencyStats h2d = Summarize(t.h2d), d2h = Summarize(t.d2h);
  const int64_t batch = BatchOf(plan);
  const double qps = compute.median > 0 ? 1000.0 / compute.median : 0;
  const gpu::DeviceMemoryUse& mem = ctx->memory();
  if (opt.iterations > 0) {
    fmt::print("=== Performance summary ({} iterations{}, batch {}) ===\n", iterations,
               opt.cuda_graph ? ", CUDA graph" : "", batch);
    fmt::print("Throughput: {:.2f} qps ({:.1f} samples/s)\n", qps, qps * batch);
    fmt::print("Latency: {}\n", StatsLine(latency));
    fmt::print("GPU Compute Time: {}\n", StatsLine(compute));
    fmt::print("H2D Latency: median = {:.4f} ms ({}); D2H Latency: median = {:.4f} ms ({})\n", h2d.median,
               HumanBytes(ctx->input_bytes()), d2h.median, HumanBytes(ctx->output_bytes()));
    fmt::print("Device memory: weights {}, arena {}, workspace {} (total {})\n", HumanBytes(mem.weights),
               HumanBytes(mem.arena), HumanBytes(mem.workspace), HumanBytes(mem.total()));
  }
  if (opt.profile) PrintProfile(*ctx, layer_ms, profile_runs);
  if (opt.json_path.empty()) return Status::Ok();
  int device = 0;
  cudaGetDevice(&device);
  cudaDeviceProp props{};
  cudaGetDeviceProperties(&props, device);
  nlohmann::json j = {
      {"device", props.name},
      {"iterations", iterations},
      {"warmup", opt.warmup},
      {"batch", batch},
      {"cuda_graph", opt.cuda_graph},
      {"latency_ms", StatsJson(latency)},
      {"gpu_compute_ms", StatsJson(compute)},
      {"h2d_ms", StatsJson(h2d)},
      {"d2h_ms", StatsJson(d2h)},
      {"throughput_qps", qps},
      {"throughput_samples_per_s", qps * batch},
      {"device_memory_bytes",
       {{"weights", mem.weights}, {"arena", mem.arena}, {"workspace", mem.workspace}, {"total", mem.total()}}}};
  j.update(LayersJson(*ctx, layer_ms));
  return WriteOutputFile(opt.json_path, j.dump(2) + "\n", "--json");
}

}  // namespace mrt::cli

#endif  // MRT_HAVE_CUDA
