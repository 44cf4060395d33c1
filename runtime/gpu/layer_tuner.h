// Tunes every layer of one graph: enumerates the tactics of each node, times those the timing
// cache does not know on scratch buffers of the layer's shapes, and keeps the fastest.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "kernels/gpu/tactic.h"
#include "runtime/gpu/tactic_timer.h"
#include "runtime/gpu/timing_cache.h"

namespace mrt::gpu {

struct LayerChoice {
  std::unique_ptr<Tactic> tactic;  // null for a layer that launches nothing (a view)
  float ms = 0;
  int candidates = 0;
  // The fastest hand-written tactic, also when another family won (how much it lost by).
  std::string best_handwritten;
  float best_handwritten_ms = 0;  // 0: none ran
};

// refused: tactics that declined a layer (expected). failed: tactics whose Setup or Launch hit an
// error (a bug: reported on stderr as it happens, never cached, listed in `failures`).
struct TuneStats {
  int64_t timed = 0, cache_hits = 0, refused = 0, failed = 0;
  std::vector<std::string> failures;  // "node 'Conv_3' (FusedConv), tactic conv_igemm_tc_128x64: ..."
};

struct TuneContext {
  GpuResources* resources = nullptr;
  cudaStream_t stream = nullptr;
  TacticTimer* timer = nullptr;
  TimingCache* cache = nullptr;
  MathOptions math;
  bool verbose = false;
  std::ostream* log = nullptr;
  bool progress = false;
  std::string progress_label;  // "nhwc" / "nchw"
  size_t max_workspace = size_t{256} << 20;
  TuneStats stats;
};

// One choice per node of `graph` (in node order). The graph must have static shapes.
Expected<std::vector<LayerChoice>> TuneGraph(const Graph& graph, TuneContext& ctx);

}  // namespace mrt::gpu
