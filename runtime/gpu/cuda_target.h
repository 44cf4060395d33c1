// This machine's CUDA target (SM architecture, device, CUDA / cuDNN / cuBLAS versions), which a
// CUDA plan records and must match to run (plan::CheckTarget).
#pragma once

#include "runtime/plan/plan_format.h"

namespace mrt::gpu {

// An error (one line: what is missing) when no usable CUDA device is present.
Expected<plan::PlanTarget> CurrentCudaTarget();

}  // namespace mrt::gpu
