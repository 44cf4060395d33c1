// The type an NN reference kernel computes in, and typed access to its views in that type:
// float for f32 / f16 / bf16 (f16 and bf16 converted on the way in and rounded on the way out),
// double for f64, and the element type itself for the integer types. Conv, Gemm, MatMul, the
// normalizations and the pools share this so that each writes its loops once, as a template.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>

#include "ir/status.h"
#include "kernels/common/float_io.h"
#include "kernels/gemm/gemm_blocked.h"

namespace mrt::nn {

template <typename T>
struct TypeTag {
  using type = T;
};

// Which dtypes a kernel accepts beyond f32 / f16 / bf16 / f64.
enum ComputeTypeSet : unsigned {
  kFloatOnly = 0,
  kWithInt32And64 = 1,  // Gemm, MatMul
  kWithInt8 = 2,        // MaxPool
};

// Calls fn(TypeTag<T>{}) with the compute type of `dtype`; an error naming the dtype otherwise.
// Only the types in kExtra (and the float ones) instantiate fn.
template <unsigned kExtra, typename Fn>
Status DispatchComputeType(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kF32:
    case DType::kF16:
    case DType::kBF16:
      return fn(TypeTag<float>{});
    case DType::kF64:
      return fn(TypeTag<double>{});
    case DType::kI32:
      if constexpr ((kExtra & kWithInt32And64) != 0) return fn(TypeTag<int32_t>{});
      break;
    case DType::kI64:
      if constexpr ((kExtra & kWithInt32And64) != 0) return fn(TypeTag<int64_t>{});
      break;
    case DType::kI8:
      if constexpr ((kExtra & kWithInt8) != 0) return fn(TypeTag<int8_t>{});
      break;
    case DType::kU8:
      if constexpr ((kExtra & kWithInt8) != 0) return fn(TypeTag<uint8_t>{});
      break;
    default:
      break;
  }
  return Status::Errorf("dtype {} is not supported", DTypeName(dtype));
}

// A view's elements as const T* (T from DispatchComputeType); absent views give nullptr.
template <typename T>
class TypedInput {
 public:
  explicit TypedInput(const TensorView& v) {
    if (!v.present()) return;
    if constexpr (std::is_same_v<T, float>) {
      f32_.emplace(v);
      ptr_ = f32_->data();
    } else {
      ptr_ = v.as<const T>();
    }
  }
  const T* data() const { return ptr_; }

 private:
  std::optional<F32Input> f32_;
  const T* ptr_ = nullptr;
};

// An output view as T*; Commit() rounds f16 / bf16 results into the view.
template <typename T>
class TypedOutput {
 public:
  explicit TypedOutput(const TensorView& v) {
    if constexpr (std::is_same_v<T, float>) {
      f32_.emplace(v);
      ptr_ = f32_->data();
    } else {
      ptr_ = v.as<T>();
    }
  }
  T* data() { return ptr_; }
  void Commit() {
    if (f32_) f32_->Commit();
  }

 private:
  std::optional<F32Output> f32_;
  T* ptr_ = nullptr;
};

// GemmF32 for float, GemmGeneric otherwise (same contract; see gemm_blocked.h).
template <typename T>
void GemmTyped(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, double beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
    GemmF32(trans_a, trans_b, m, n, k, static_cast<float>(alpha), a, lda, b, ldb, static_cast<float>(beta), c, ldc);
  } else if constexpr (std::is_same_v<T, double>) {
    GemmGeneric<double, double>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    GemmGeneric<T, int64_t>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

}  // namespace mrt::nn
