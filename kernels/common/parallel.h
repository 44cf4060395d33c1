// ParallelFor over the machine's cores with a small persistent thread pool. The reference
// kernels use it for their outer loops (batch x channel, GEMM row blocks); work is split into
// contiguous chunks so results do not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>

namespace mrt {

// Calls fn(begin, end) on disjoint chunks covering [0, n). Chunks have at least `grain` items;
// a call with n < 2 * grain runs inline. Nested calls from inside fn run inline.
void ParallelFor(int64_t n, int64_t grain, const std::function<void(int64_t begin, int64_t end)>& fn);

// Number of worker threads (hardware threads, or MRT_NUM_THREADS when set).
int NumThreads();

}  // namespace mrt
