// Times one launch function on the GPU the way the builder compares tactics: a few untimed
// warm-up launches, then repeated timed launches, each preceded by an L2 flush (a memset over a
// buffer twice the L2 size, so no tactic profits from data a previous run left in cache) and
// bracketed by CUDA events on the stream; the result is the median. The number of timed runs
// adapts to the layer: at least `min_runs`, more while the budget allows, at most `max_runs`.
#pragma once

#include <cuda_runtime.h>

#include <functional>

#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/gpu_resources.h"

namespace mrt::gpu {

struct TimingOptions {
  int warmup = 2;
  int min_runs = 5;
  int max_runs = 25;
  float budget_ms = 10.f;  // stop adding runs once this much GPU time was measured
  bool flush_l2 = true;
};

class TacticTimer {
 public:
  static Expected<std::unique_ptr<TacticTimer>> Create(const GpuResources& resources, cudaStream_t stream,
                                                       TimingOptions options = {});
  ~TacticTimer();
  TacticTimer(const TacticTimer&) = delete;
  TacticTimer& operator=(const TacticTimer&) = delete;

  // The median time of `launch` in milliseconds; the launch's own error stops the timing.
  Expected<float> Time(const std::function<Status()>& launch);

 private:
  TacticTimer() = default;
  cudaStream_t stream_ = nullptr;
  TimingOptions options_;
  DeviceBuffer flush_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace mrt::gpu
