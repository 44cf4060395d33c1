// Timing for the GPU tests: how long each tactic a provider offers takes on one op, printed in
// the test log so a regression, or a tactic that never wins, shows up. The builder picks by its
// own timing (runtime/gpu/tactic_timer.h); these numbers are informational and nothing asserts
// on them. Inputs stay in L2 for small tensors, so they compare tactics rather than predict
// end-to-end time.
//
//   TEST(NormCuda, TimingsOnModelShapes) {
//     MRT_SKIP_WITHOUT_GPU();
//     ReportTacticTimings("layernorm bert 4096x768 f16", LayerNormOf(DType::kF16, ...), AppendNormTactics);
//   }
#pragma once

#include <cuda_runtime.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/gpu/gpu_test_support.h"

namespace mrt::testing {

// Median microseconds per launch of `launch` on `stream`. First launches for at least 25 ms
// (300 ms the first time in the process) so the GPU has left its idle clocks, then times 7 runs
// of back-to-back launches (each about 3 ms, at least 3 launches: one launch between two events
// would count an idle GPU's launch latency) with CUDA events; the median run, per launch.
double MedianLaunchMicroseconds(cudaStream_t stream, const std::function<void()>& launch);

struct TacticTiming {
  std::string name;
  Status status;             // a failed upload, Setup() (refusals included) or Launch()
  double microseconds = -1;  // per launch (MedianLaunchMicroseconds); -1 when it failed
  size_t workspace_bytes = 0;
  double bytes_moved = 0;  // activation bytes one launch reads (weights excluded) and writes
};

// Every tactic `provider` offers for the op, each launched once and checked for errors, then
// timed on its own inputs and outputs.
std::vector<TacticTiming> TimeProviderTactics(const OpUnderTest& t, gpu::TacticProvider provider,
                                              gpu::MathOptions math = {});

// One line per tactic: "[timing] <label> <tactic> <us> us <GB/s> GB/s", or the tactic's error.
void PrintTacticTimings(const std::string& label, const std::vector<TacticTiming>& timings);

// TimeProviderTactics + PrintTacticTimings, EXPECTing every tactic to run (status ok, positive
// time). Returns the timings for further checks.
std::vector<TacticTiming> ReportTacticTimings(const std::string& label, const OpUnderTest& t,
                                              gpu::TacticProvider provider, gpu::MathOptions math = {});

// ReportTacticTimings for each op, labelled "<label> <label_suffix>" (the dtype, say).
void ReportTacticTimingsOfOps(const LabelledOps& labelled_ops, gpu::TacticProvider provider,
                              std::string_view label_suffix);

}  // namespace mrt::testing
