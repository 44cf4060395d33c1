// Error handling for CUDA, cuDNN and cuBLAS calls: every call's status becomes an mrt::Status
// whose message names the call, the library's own error string and where it happened, so a
// failure reads "cudaMalloc(arena, 1.2 GiB): out of memory (runtime/gpu/execution_context.cpp:88)".
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>

#include "ir/status.h"

namespace mrt::gpu {

Status CudaError(cudaError_t err, const char* what, const char* file, int line);
Status CudnnError(cudnnStatus_t err, const char* what, const char* file, int line);
Status CublasError(cublasStatus_t err, const char* what, const char* file, int line);

inline Status ToStatus(cudaError_t e, const char* what, const char* file, int line) {
  return e == cudaSuccess ? Status::Ok() : CudaError(e, what, file, line);
}
inline Status ToStatus(cudnnStatus_t e, const char* what, const char* file, int line) {
  return e == CUDNN_STATUS_SUCCESS ? Status::Ok() : CudnnError(e, what, file, line);
}
inline Status ToStatus(cublasStatus_t e, const char* what, const char* file, int line) {
  return e == CUBLAS_STATUS_SUCCESS ? Status::Ok() : CublasError(e, what, file, line);
}

}  // namespace mrt::gpu

// Returns from the enclosing function (which returns Status or Expected<T>) when a CUDA, cuDNN
// or cuBLAS call fails.
#define MRT_CUDA_TRY(call)                                                                  \
  do {                                                                                      \
    ::mrt::Status mrt_cuda_status_ = ::mrt::gpu::ToStatus((call), #call, __FILE__, __LINE__); \
    if (!mrt_cuda_status_.ok()) return mrt_cuda_status_;                                   \
  } while (0)

// After a kernel launch: the launch error (bad configuration, no kernel image for this GPU).
#define MRT_CUDA_CHECK_LAUNCH(kernel_name) MRT_CUDA_TRY(::cudaGetLastError())
