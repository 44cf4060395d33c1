// The CLI's door to the CUDA backend. In a build without CUDA every function here answers with
// the one-line "not available in this build" error, so the subcommands need no #ifdefs.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "runtime/compiler.h"
#include "runtime/reference_backend.h"

namespace mrt::cli {

// "cuda" when this build has the CUDA backend and a GPU is present, else "cpu".
std::string DefaultDevice();

// CompileOptions::resolve_target for --device cuda.
Expected<plan::PlanTarget> ResolveTarget(std::string_view device);

struct GpuCompileOptions {
  bool fp16 = false, no_tf32 = false, verbose = false;
  std::string layout = "auto", timing_cache;
};

// Turns CompileModel's result into a CUDA plan (auto-tuning on this GPU); prints the per-layer
// tactic table and the family counts; returns the JSON the --report gets under "gpu".
Expected<nlohmann::json> BuildForGpu(CompileResult& result, const GpuCompileOptions& options);

struct GpuRunOptions {
  int iterations = 0;  // 0: one run, no statistics
  int warmup = 0;
  bool cuda_graph = false, profile = false;
  std::string json_path;
};

// Runs a CUDA plan: copies `inputs` in, runs (timing it when asked), fills `outputs`; prints the
// trtexec-style summary and writes --json.
Status RunOnGpu(const plan::Plan& plan, const TensorMap& inputs, const GpuRunOptions& options, TensorMap& outputs);

}  // namespace mrt::cli
