#include "runtime/gpu/tactic_timer.h"

#include <algorithm>
#include <vector>

#include "kernels/gpu/cuda_check.h"

namespace mrt::gpu {

Expected<std::unique_ptr<TacticTimer>> TacticTimer::Create(const GpuResources& resources, cudaStream_t stream,
                                                           TimingOptions options) {
  std::unique_ptr<TacticTimer> t(new TacticTimer());
  t->stream_ = stream;
  t->options_ = options;
  if (options.flush_l2) {
    const size_t l2 = static_cast<size_t>(std::max(resources.props.l2CacheSize, 1 << 20));
    MRT_ASSIGN_OR_RETURN(t->flush_, DeviceBuffer::Allocate(2 * l2, "the L2 flush buffer"));
  }
  MRT_CUDA_TRY(cudaEventCreate(&t->start_));
  MRT_CUDA_TRY(cudaEventCreate(&t->stop_));
  return t;
}

TacticTimer::~TacticTimer() {
  if (start_) cudaEventDestroy(start_);
  if (stop_) cudaEventDestroy(stop_);
}

Expected<float> TacticTimer::Time(const std::function<Status()>& launch) {
  for (int i = 0; i < options_.warmup; ++i) MRT_RETURN_IF_ERROR(launch());
  MRT_CUDA_TRY(cudaStreamSynchronize(stream_));
  std::vector<float> times;
  float total = 0;
  while (static_cast<int>(times.size()) < options_.max_runs &&
         (static_cast<int>(times.size()) < options_.min_runs || total < options_.budget_ms)) {
    if (flush_.get()) MRT_CUDA_TRY(cudaMemsetAsync(flush_.get(), static_cast<int>(times.size() & 0xFF), flush_.bytes(), stream_));
    MRT_CUDA_TRY(cudaEventRecord(start_, stream_));
    MRT_RETURN_IF_ERROR(launch());
    MRT_CUDA_TRY(cudaEventRecord(stop_, stream_));
    MRT_CUDA_TRY(cudaEventSynchronize(stop_));
    float ms = 0;
    MRT_CUDA_TRY(cudaEventElapsedTime(&ms, start_, stop_));
    times.push_back(ms);
    total += ms;
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

}  // namespace mrt::gpu
