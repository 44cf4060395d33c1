// Per-device, per-stream library state that tactics share: the cuDNN, cuBLAS and cuBLASLt
// handles and the device's properties. The runtime creates one per ExecutionContext (handles are
// not thread safe) and binds the handles to the stream it enqueues on.
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <memory>

#include "ir/status.h"

namespace mrt::gpu {

struct GpuResources {
  int device = 0;
  cudaDeviceProp props{};
  cudnnHandle_t cudnn = nullptr;
  cublasHandle_t cublas = nullptr;
  cublasLtHandle_t cublaslt = nullptr;
  // cuBLAS's workspace, given to it explicitly so it never allocates while a CUDA graph is
  // being captured (cublasSetWorkspace).
  void* cublas_workspace = nullptr;
  static constexpr size_t kCublasWorkspaceBytes = size_t{32} << 20;

  GpuResources() = default;
  GpuResources(const GpuResources&) = delete;
  GpuResources& operator=(const GpuResources&) = delete;
  ~GpuResources();

  // Creates the handles on the current device.
  static Expected<std::unique_ptr<GpuResources>> Create();
  // Binds cuDNN and cuBLAS to `stream` (cuBLASLt takes the stream per call).
  Status BindStream(cudaStream_t stream);
};

// Whether a usable CUDA device is present; `why` says what is missing when not ("no CUDA device:
// cudaGetDeviceCount returned 'no CUDA-capable device is detected'").
bool CudaDeviceAvailable(std::string* why = nullptr);

}  // namespace mrt::gpu
