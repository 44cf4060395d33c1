#include <cudnn.h>

#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/gpu_resources.h"
#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

Status CudaError(cudaError_t err, const char* what, const char* file, int line) {
  return Status::Errorf("{}: {} ({}:{})", what, cudaGetErrorString(err), file, line);
}
Status CudnnError(cudnnStatus_t err, const char* what, const char* file, int line) {
  return Status::Errorf("{}: {} ({}:{})", what, cudnnGetErrorString(err), file, line);
}
Status CublasError(cublasStatus_t err, const char* what, const char* file, int line) {
  return Status::Errorf("{}: {} ({}:{})", what, cublasGetStatusString(err), file, line);
}

std::string_view TacticFamilyName(TacticFamily family) {
  switch (family) {
    case TacticFamily::kHandWritten: return "hand-written";
    case TacticFamily::kCudnn: return "cudnn";
    case TacticFamily::kCublas: return "cublas";
    case TacticFamily::kCpuFallback: return "cpu-fallback";
  }
  return "?";
}

GpuResources::~GpuResources() {
  if (cudnn) cudnnDestroy(cudnn);
  if (cublas) cublasDestroy(cublas);
  if (cublaslt) cublasLtDestroy(cublaslt);
  if (cublas_workspace) cudaFree(cublas_workspace);
}

Expected<std::unique_ptr<GpuResources>> GpuResources::Create() {
  auto r = std::make_unique<GpuResources>();
  MRT_CUDA_TRY(cudaGetDevice(&r->device));
  MRT_CUDA_TRY(cudaGetDeviceProperties(&r->props, r->device));
  MRT_CUDA_TRY(cudnnCreate(&r->cudnn));
  MRT_CUDA_TRY(cublasCreate(&r->cublas));
  MRT_CUDA_TRY(cublasLtCreate(&r->cublaslt));
  MRT_CUDA_TRY(cudaMalloc(&r->cublas_workspace, kCublasWorkspaceBytes));
  MRT_CUDA_TRY(cublasSetWorkspace(r->cublas, r->cublas_workspace, kCublasWorkspaceBytes));
  return r;
}

Status GpuResources::BindStream(cudaStream_t stream) {
  MRT_CUDA_TRY(cudnnSetStream(cudnn, stream));
  MRT_CUDA_TRY(cublasSetStream(cublas, stream));
  return Status::Ok();
}

bool CudaDeviceAvailable(std::string* why) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    if (why) *why = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky error
    return false;
  }
  if (count == 0) {
    if (why) *why = "no CUDA device found";
    return false;
  }
  return true;
}

}  // namespace mrt::gpu
