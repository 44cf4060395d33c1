#include "runtime/gpu/cuda_target.h"

#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/gpu_resources.h"

namespace mrt::gpu {

Expected<plan::PlanTarget> CurrentCudaTarget() {
  std::string why;
  if (!CudaDeviceAvailable(&why)) return Status::Errorf("--device cuda: {}; use --device cpu", why);
  int device = 0;
  MRT_CUDA_TRY(cudaGetDevice(&device));
  cudaDeviceProp props{};
  MRT_CUDA_TRY(cudaGetDeviceProperties(&props, device));
  int runtime = 0;
  MRT_CUDA_TRY(cudaRuntimeGetVersion(&runtime));
  const size_t cudnn = cudnnGetVersion();  // 91900 for 9.19.0
  int cublas_major = 0, cublas_minor = 0;
  MRT_CUDA_TRY(cublasGetProperty(MAJOR_VERSION, &cublas_major));
  MRT_CUDA_TRY(cublasGetProperty(MINOR_VERSION, &cublas_minor));
  MRT_ASSIGN_OR_RETURN(plan::PlanTarget t, plan::CurrentTarget("cpu"));  // the host part
  t.device = "cuda";
  t.backend = "cuda";
  t.backend_version = plan::kCudaBackendVersion;
  t.sm_arch = static_cast<uint32_t>(props.major * 10 + props.minor);
  t.device_name = props.name;
  t.cuda_version = fmt::format("{}.{}", runtime / 1000, (runtime % 1000) / 10);
  t.cudnn_version = fmt::format("{}.{}", cudnn / 10000, (cudnn % 10000) / 100);
  t.cublas_version = fmt::format("{}.{}", cublas_major, cublas_minor);
  return t;
}

}  // namespace mrt::gpu
