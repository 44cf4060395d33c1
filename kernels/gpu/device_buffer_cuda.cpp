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

Status PinnedBuffer::Allocate(size_t bytes, const char* what) {
  if (ptr_) cudaFreeHost(ptr_);
  ptr_ = nullptr;
  if (bytes == 0) return Status::Ok();
  const cudaError_t err = cudaMallocHost(&ptr_, bytes);
  if (err != cudaSuccess) {
    ptr_ = nullptr;
    cudaGetLastError();
    return Status::Errorf("cannot allocate {:.1f} MiB of pinned host memory for {}: {}", bytes / 1048576.0, what,
                          cudaGetErrorString(err));
  }
  return Status::Ok();
}

}  // namespace mrt::gpu
