// The CUDA side of `mini-rt compile` (and the device default), or its stubs in a CPU-only build.
#include "cli/gpu_backend.h"

#include <unistd.h>

#include <algorithm>

#include <iostream>

#include "cli/cli_common.h"

#if defined(MRT_HAVE_CUDA)
#include "kernels/gpu/gpu_resources.h"
#include "runtime/gpu/builder.h"
#include "runtime/gpu/cuda_target.h"
#endif

namespace mrt::cli {

#if defined(MRT_HAVE_CUDA)

std::string DefaultDevice() { return gpu::CudaDeviceAvailable() ? "cuda" : "cpu"; }

Expected<plan::PlanTarget> ResolveTarget(std::string_view device) {
  if (device == "cuda") return gpu::CurrentCudaTarget();
  return plan::CurrentTarget(device);
}

namespace {

void PrintLayerTable(const gpu::GpuBuildSummary& s) {
  fmt::print("{:<4} {:<34} {:<14} {:<44} {:<13} {:>9}\n", "#", "layer", "op", "tactic", "family", "ms");
  int i = 0;
  for (const gpu::BuiltLayer& l : s.layers) {
    ++i;
    if (l.tactic.empty()) continue;
    fmt::print("{:<4} {:<34} {:<14} {:<44} {:<13} {:>9.4f}\n", i, l.name.substr(0, 34), l.op, l.tactic, l.family, l.ms);
  }
}

// Where a library beat every hand-written kernel, and by how much (the five largest gaps).
void PrintHandWrittenLosses(const gpu::GpuBuildSummary& s) {
  std::vector<const gpu::BuiltLayer*> lost;
  for (const gpu::BuiltLayer& l : s.layers)
    if (!l.tactic.empty() && l.family != "hand-written" && l.best_handwritten_ms > 0 && l.ms > 0) lost.push_back(&l);
  if (lost.empty()) return;
  std::sort(lost.begin(), lost.end(),
            [](auto* a, auto* b) { return a->best_handwritten_ms - a->ms > b->best_handwritten_ms - b->ms; });
  fmt::print("hand-written kernels lost {} layers; largest gaps:\n", lost.size());
  for (size_t i = 0; i < lost.size() && i < 5; ++i)
    fmt::print("  {:<34} {:<10} {} {:.4f} ms vs {} {:.4f} ms ({:.2f}x)\n", lost[i]->name.substr(0, 34), lost[i]->op,
               lost[i]->tactic, lost[i]->ms, lost[i]->best_handwritten, lost[i]->best_handwritten_ms,
               lost[i]->best_handwritten_ms / lost[i]->ms);
}

nlohmann::json SummaryJson(const gpu::GpuBuildSummary& s) {
  nlohmann::json j;
  j["build_seconds"] = s.build_seconds;
  j["layout"] = s.layout;
  j["precision"] = s.precision;
  j["total_ms_nchw"] = s.total_ms_nchw;
  j["total_ms_nhwc"] = s.total_ms_nhwc;
  j["timing_cache"] = {{"hits", s.cache_hits}, {"misses", s.timed}, {"refused", s.refused}, {"failed", s.failed}};
  j["tactic_failures"] = s.failures;
  j["device_memory_bytes"] = {{"weights", s.weights_bytes},
                              {"packed_weights", s.packed_bytes},
                              {"arena", s.arena_bytes},
                              {"max_workspace", s.max_workspace_bytes}};
  nlohmann::json families = nlohmann::json::object();
  for (const auto& [family, n] : s.family_layers)
    families[family] = {{"layers", n}, {"build_ms", s.family_ms.at(family)}};
  j["families"] = families;
  j["layers"] = nlohmann::json::array();
  for (const gpu::BuiltLayer& l : s.layers)
    j["layers"].push_back({{"name", l.name},
                           {"op", l.op},
                           {"tactic", l.tactic},
                           {"family", l.family},
                           {"ms", l.ms},
                           {"candidates", l.candidates},
                           {"best_handwritten", l.best_handwritten},
                           {"best_handwritten_ms", l.best_handwritten_ms}});
  return j;
}

}  // namespace

Expected<nlohmann::json> BuildForGpu(CompileResult& result, const GpuCompileOptions& options) {
  gpu::GpuBuildOptions b;
  b.fp16 = options.fp16;
  b.tf32 = !options.no_tf32;
  b.layout = options.layout;
  b.timing_cache = options.timing_cache;
  b.memory_plan = result.plan.build.memory_planning;
  b.progress = isatty(STDERR_FILENO) != 0;
  b.verbose = options.verbose;
  b.log = &std::cerr;
  MRT_ASSIGN_OR_RETURN(gpu::GpuBuildSummary s, gpu::BuildGpuPlan(result.plan, b));
  PrintLayerTable(s);
  std::vector<std::string> families;
  int launching = 0;
  for (const auto& [family, n] : s.family_layers) {
    families.push_back(fmt::format("{} {}", family, n));
    launching += n;
  }
  fmt::print("tactics:  {} layers launch kernels: {}\n", launching, fmt::join(families, ", "));
  PrintHandWrittenLosses(s);
  fmt::print("layout:   {} (tuned total: nchw {:.3f} ms, nhwc {})\n", s.layout, s.total_ms_nchw,
             s.total_ms_nhwc > 0 ? fmt::format("{:.3f} ms", s.total_ms_nhwc) : std::string("not tried"));
  fmt::print("build:    {:.1f} s, precision {}, {} tactics timed, {} from the timing cache, {} refused{}\n",
             s.build_seconds, s.precision, s.timed, s.cache_hits, s.refused,
             s.failed ? fmt::format(", {} FAILED (bugs, listed above)", s.failed) : std::string());
  fmt::print("device:   weights {} (packed {}), arena {}, workspace {}\n", HumanBytes(s.weights_bytes),
             HumanBytes(s.packed_bytes), HumanBytes(s.arena_bytes), HumanBytes(s.max_workspace_bytes));
  return SummaryJson(s);
}

#else  // a CPU-only build

namespace {
Status NotBuilt() {
  return Status::Error(
      "--device cuda: the CUDA backend is not available in this build (no GPU support); use --device cpu");
}
}  // namespace

std::string DefaultDevice() { return "cpu"; }
Expected<plan::PlanTarget> ResolveTarget(std::string_view device) { return plan::CurrentTarget(device); }
Expected<nlohmann::json> BuildForGpu(CompileResult&, const GpuCompileOptions&) { return NotBuilt(); }
Status RunOnGpu(const plan::Plan&, const TensorMap&, const GpuRunOptions&, TensorMap&) { return NotBuilt(); }

#endif

}  // namespace mrt::cli
