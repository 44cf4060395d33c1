// Reference kernels compute f16/bf16 tensors in f32 (and f64 ones in f32 where that is the op's
// documented precision). These adapters give a kernel a plain float array for any float view:
// F32Input borrows an f32 view's data or converts a copy; F32Output hands out an f32 buffer and
// writes it back, rounded to the view's dtype, on Commit().
#pragma once

#include <vector>

#include "ir/tensor.h"

namespace mrt {

class F32Input {
 public:
  explicit F32Input(const TensorView& v) {
    if (v.dtype == DType::kF32) {
      ptr_ = v.as<const float>();
      return;
    }
    storage_.resize(static_cast<size_t>(v.numel()));
    for (int64_t i = 0; i < v.numel(); ++i) storage_[i] = static_cast<float>(LoadAsDouble(v, i));
    ptr_ = storage_.data();
  }
  const float* data() const { return ptr_; }
  float operator[](int64_t i) const { return ptr_[i]; }

 private:
  std::vector<float> storage_;
  const float* ptr_ = nullptr;
};

class F32Output {
 public:
  explicit F32Output(const TensorView& v) : view_(v) {
    if (v.dtype == DType::kF32) {
      ptr_ = v.as<float>();
    } else {
      storage_.assign(static_cast<size_t>(v.numel()), 0.f);
      ptr_ = storage_.data();
    }
  }
  float* data() { return ptr_; }
  void Commit() {
    if (view_.dtype == DType::kF32) return;
    for (int64_t i = 0; i < view_.numel(); ++i) StoreFromDouble(view_, i, storage_[i]);
  }

 private:
  TensorView view_;
  std::vector<float> storage_;
  float* ptr_ = nullptr;
};

}  // namespace mrt
