// End-to-end helpers for the GPU runtime tests: compile a model file for CUDA in-process (the
// same steps as `mini-rt compile --device cuda`), round-trip the plan through its file encoding,
// run it with an ExecutionContext and compare with the CPU reference.
#pragma once

#include <map>
#include <string>

#include "runtime/gpu/builder.h"
#include "runtime/input_data.h"
#include "runtime/reference_backend.h"
#include "tests/gpu/gpu_test_support.h"

namespace mrt::testing {

struct GpuRunResult {
  TensorMap outputs;
  gpu::GpuBuildSummary summary;
  plan::Plan plan;  // as read back from its bytes
};

// Compiles `model_path` with `shapes` for this GPU, writes the plan to bytes, reads it back
// and runs it on `inputs` (one enqueue, then outputs copied back).
Expected<GpuRunResult> CompileAndRunOnGpu(const std::string& model_path, const ShapeMap& shapes,
                                          const gpu::GpuBuildOptions& options, const TensorMap& inputs);

// Cosine similarity of two same-sized float tensors (as double).
double CosineSimilarity(const Tensor& a, const Tensor& b);

}  // namespace mrt::testing
