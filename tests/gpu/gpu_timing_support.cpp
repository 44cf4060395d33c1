#include "tests/gpu/gpu_timing_support.h"

#include <algorithm>
#include <cstdio>

#include "kernels/gpu/cuda_check.h"

namespace mrt::testing {

double MedianLaunchMicroseconds(cudaStream_t stream, const std::function<void()>& launch) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  auto milliseconds = [&](int launches) {
    cudaEventRecord(start, stream);
    for (int i = 0; i < launches; ++i) launch();
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    return static_cast<double>(ms);
  };
  static bool first_time = true;
  const double warm_up_ms = first_time ? 300.0 : 25.0;
  first_time = false;
  double per_launch = milliseconds(1);
  for (double warm = per_launch; warm < warm_up_ms;) {
    const double t = milliseconds(10);
    warm += t;
    per_launch = t / 10;
  }
  const int launches = std::max(3, static_cast<int>(3.0 / std::max(per_launch, 1e-3)));
  std::vector<double> runs;
  for (int run = 0; run < 7; ++run) runs.push_back(milliseconds(launches) / launches);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
  return 1000.0 * runs[runs.size() / 2];
}

namespace {

double ActivationBytesMoved(const OpUnderTest& t, const gpu::NodeDesc& desc) {
  double bytes = 0;
  for (size_t i = 0; i < t.inputs.size(); ++i)
    if (!(i < t.is_weight.size() && t.is_weight[i])) bytes += static_cast<double>(t.inputs[i].nbytes());
  for (const gpu::TensorDesc& o : desc.outputs) bytes += static_cast<double>(o.numel()) * DTypeSize(o.dtype);
  return bytes;
}

// Fills timing.microseconds and timing.workspace_bytes; a failure is the returned Status.
Status TimeTactic(gpu::Tactic& tactic, const TacticSession& session, const std::vector<Tensor>& host_inputs,
                  TacticTiming& timing) {
  MRT_ASSIGN_OR_RETURN(const PreparedLaunch launch, PrepareLaunch(tactic, session, host_inputs));
  timing.workspace_bytes = tactic.WorkspaceBytes();
  const gpu::LaunchArgs args = launch.Args(session);
  MRT_RETURN_IF_ERROR(tactic.Launch(args));
  MRT_CUDA_TRY(cudaStreamSynchronize(session.stream));
  Status failed;
  const double us = MedianLaunchMicroseconds(session.stream, [&] {
    if (Status st = tactic.Launch(args); !st.ok() && failed.ok()) failed = st;
  });
  MRT_RETURN_IF_ERROR(failed);
  MRT_CUDA_TRY(cudaGetLastError());
  timing.microseconds = us;
  return Status::Ok();
}

}  // namespace

std::vector<TacticTiming> TimeProviderTactics(const OpUnderTest& t, gpu::TacticProvider provider,
                                              gpu::MathOptions math) {
  std::vector<TacticTiming> timings;
  auto session = OpenTacticSession(t, provider, math);
  if (!session.ok()) {
    ADD_FAILURE() << session.status().message();
    return timings;
  }
  const double bytes = ActivationBytesMoved(t, (*session)->desc);
  for (auto& tactic : (*session)->tactics) {
    TacticTiming timing;
    timing.name = tactic->name();
    timing.bytes_moved = bytes;
    timing.status = TimeTactic(*tactic, **session, t.inputs, timing);
    timings.push_back(std::move(timing));
  }
  return timings;
}

void PrintTacticTimings(const std::string& label, const std::vector<TacticTiming>& timings) {
  for (const TacticTiming& timing : timings) {
    if (timing.status.ok()) {
      std::printf("[timing] %-36s %-40s %9.2f us %8.1f GB/s\n", label.c_str(), timing.name.c_str(), timing.microseconds,
                  timing.bytes_moved / (timing.microseconds * 1e3));
    } else {
      std::printf("[timing] %-36s %-40s FAILED: %s\n", label.c_str(), timing.name.c_str(),
                  timing.status.message().c_str());
    }
  }
  std::fflush(stdout);
}

std::vector<TacticTiming> ReportTacticTimings(const std::string& label, const OpUnderTest& t,
                                              gpu::TacticProvider provider, gpu::MathOptions math) {
  std::vector<TacticTiming> timings = TimeProviderTactics(t, provider, math);
  PrintTacticTimings(label, timings);
  for (const TacticTiming& timing : timings) {
    if (!timing.status.ok()) {
      ADD_FAILURE() << label << ", " << timing.name << ": " << timing.status.message();
    } else {
      EXPECT_GT(timing.microseconds, 0) << label << ", " << timing.name;
    }
  }
  return timings;
}

void ReportTacticTimingsOfOps(const LabelledOps& labelled_ops, gpu::TacticProvider provider,
                              std::string_view label_suffix) {
  for (const auto& [label, t] : labelled_ops) ReportTacticTimings(label + " " + std::string(label_suffix), t, provider);
}

}  // namespace mrt::testing
