#include "tests/gpu/gpu_model_support.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/gpu/cuda_check.h"
#include "runtime/compiler.h"
#include "runtime/gpu/cuda_target.h"
#include "runtime/gpu/execution_context.h"

namespace mrt::testing {

Expected<GpuRunResult> CompileAndRunOnGpu(const std::string& model_path, const ShapeMap& shapes,
                                          const gpu::GpuBuildOptions& options, const TensorMap& inputs) {
  CompileOptions compile;
  compile.model_path = model_path;
  compile.input_shapes = shapes;
  compile.device = "cuda";
  compile.resolve_target = [](std::string_view) { return gpu::CurrentCudaTarget(); };
  compile.writer_version = "test";
  MRT_ASSIGN_OR_RETURN(CompileResult compiled, CompileModel(compile));
  GpuRunResult result;
  MRT_ASSIGN_OR_RETURN(result.summary, gpu::BuildGpuPlan(compiled.plan, options));
  // A tactic that failed (a CUDA error, not a refusal) is a bug even when another tactic won.
  EXPECT_EQ(result.summary.failed, 0) << model_path << ": "
                                      << fmt::format("{}", fmt::join(result.summary.failures, "; "));
  MRT_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, plan::SerializePlan(compiled.plan));
  MRT_ASSIGN_OR_RETURN(result.plan, plan::ParsePlan(bytes, model_path + ".plan"));
  MRT_ASSIGN_OR_RETURN(auto ctx, gpu::ExecutionContext::Create(result.plan));
  cudaStream_t stream = nullptr;
  MRT_CUDA_TRY(cudaStreamCreate(&stream));
  Status s = ctx->CopyInputsAsync(inputs, stream);
  if (s.ok()) s = ctx->Enqueue(stream);
  if (s.ok()) s = ctx->CopyOutputsAsync(stream);
  const cudaError_t synced = cudaStreamSynchronize(stream);
  cudaStreamDestroy(stream);
  MRT_RETURN_IF_ERROR(s);
  MRT_CUDA_TRY(synced);
  result.outputs = ctx->Outputs();
  return result;
}

double CosineSimilarity(const Tensor& a, const Tensor& b) {
  double dot = 0, na = 0, nb = 0;
  const int64_t n = std::min(a.numel(), b.numel());
  for (int64_t i = 0; i < n; ++i) {
    const double x = a.ElementAsDouble(i), y = b.ElementAsDouble(i);
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
}

}  // namespace mrt::testing
