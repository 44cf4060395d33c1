// The GPU builder: turns an optimized graph into a CUDA plan by measuring. Steps:
//   1. precision: with --fp16 the graph computes in f16 (passes/precision_fp16.cpp); otherwise
//      f32, where TF32 tensor-core math is allowed unless --no-tf32;
//   2. layout: the graph as it is (NCHW) and, when it has 2-D convolutions, a channels-last
//      variant (passes/layout_nhwc.cpp: NHWC convolutions, reformat Transposes only at region
//      boundaries) are both tuned; the one whose layers add up to less time wins, so reformats
//      are inserted only where they pay off;
//   3. tuning: for every layer every tactic from the tactic table that supports it is timed on
//      this GPU (tactic_timer.h: warm-up, L2 flush, CUDA events, median) unless the timing
//      cache already knows it, and the fastest is kept;
//   4. memory: the chosen graph's activations are planned into one arena;
//   5. the plan gets the chosen graph, the tactics section (tactic per layer plus its weights
//      packed into the tactic's layout and precision) and this GPU's target.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "runtime/plan/plan_format.h"

namespace mrt::gpu {

struct GpuBuildOptions {
  bool fp16 = false;
  bool tf32 = true;             // false: --no-tf32 (strict FP32)
  std::string layout = "auto";  // "auto" (timed), "nchw", "nhwc"
  std::string timing_cache;     // --timing-cache FILE ("" for none)
  bool memory_plan = true;
  bool progress = false;  // a \r progress line on stderr (a terminal)
  bool verbose = false;   // every tactic's time on `log`
  std::ostream* log = nullptr;
};

struct BuiltLayer {
  std::string name, op, tactic, family;
  float ms = 0;
  int candidates = 0;            // tactics that ran (not refused)
  std::string best_handwritten;  // the fastest hand-written tactic ("" when none could run)
  float best_handwritten_ms = 0;
};

struct GpuBuildSummary {
  std::vector<BuiltLayer> layers;
  std::map<std::string, int> family_layers;  // "cudnn" -> 30
  std::map<std::string, float> family_ms;    // the builder's measured time per family
  std::string layout, precision;
  float total_ms_nchw = 0, total_ms_nhwc = 0;  // sum of the best layer times per variant (0: not tried)
  int64_t timed = 0, cache_hits = 0, refused = 0;
  int64_t failed = 0;                 // tactics that hit an error (bugs; see layer_tuner.h)
  std::vector<std::string> failures;  // one line per failed tactic
  double build_seconds = 0;
  int64_t weights_bytes = 0, packed_bytes = 0, arena_bytes = 0, max_workspace_bytes = 0;
};

// Rebuilds `plan` (as CompileModel made it: optimized graph, CPU target) for this GPU.
Expected<GpuBuildSummary> BuildGpuPlan(plan::Plan& plan, const GpuBuildOptions& options);

}  // namespace mrt::gpu
