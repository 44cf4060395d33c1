#include "kernels/gpu/device_buffer.h"

namespace mrt::gpu {

Expected<DeviceBuffer> DeviceBuffer::Allocate(size_t bytes, const char* what) {
  DeviceBuffer b;
  if (bytes == 0) return b;
  const cudaError_t err = cudaMalloc(&b.ptr_, bytes);
  if (err != cudaSuccess) {
    cudaGetLastError();
    return Status::Errorf("cannot allocate {:.1f} MiB of device memory for {}: {}", bytes / 1048576.0, what,
                          cudaGetErrorString(err));
  }
  b.bytes_ = bytes;
  return b;
}

}  // namespace mrt::gpu
