// Owning device memory (DeviceBuffer: cudaMalloc / cudaFree) and pinned host memory (PinnedBuffer),
// movable, never copied.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "ir/status.h"

namespace mrt::gpu {

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      Reset();
      ptr_ = std::exchange(o.ptr_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  ~DeviceBuffer() { Reset(); }

  // `what` names the buffer in the error ("arena", "weights of Conv_3").
  static Expected<DeviceBuffer> Allocate(size_t bytes, const char* what);

  void* get() const { return ptr_; }
  size_t bytes() const { return bytes_; }
  template <typename T>
  T* as() const { return static_cast<T*>(ptr_); }
  void Reset() {
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr;
    bytes_ = 0;
  }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

// Owning page-locked host memory (cudaMallocHost / cudaFreeHost): staging for asynchronous
// copies between the host and the device.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  PinnedBuffer(PinnedBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)) {}
  ~PinnedBuffer() {
    if (ptr_) cudaFreeHost(ptr_);
  }
  // Replaces any previous allocation; 0 bytes allocates nothing.
  Status Allocate(size_t bytes, const char* what);
  void* get() const { return ptr_; }

 private:
  void* ptr_ = nullptr;
};

}  // namespace mrt::gpu
