// Fills device buffers with deterministic pseudo-random data for timing tactics (never zeros:
// zeros can run faster than real data and hide unwritten outputs).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace mrt::gpu {

enum class FillKind : int { kF32 = 0, kF16 = 1, kBF16 = 2, kZeroBytes = 3 };

// Uniform values in [-1, 1) from a hash of (index, seed); kZeroBytes zero-fills `bytes`.
cudaError_t LaunchFillRandom(void* data, FillKind kind, int64_t elements, uint32_t seed, cudaStream_t stream);

}  // namespace mrt::gpu
