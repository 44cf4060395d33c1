// Host tensors. Tensor owns its bytes (weights, test data, CLI inputs/outputs); TensorView is a
// non-owning window (dtype, sizes, pointer) that kernels read and write, so the same kernel can
// run on a Tensor's storage or on a slice of a planned memory arena.
#pragma once

#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "ir/dtype.h"
#include "ir/half.h"
#include "ir/shape.h"

namespace mrt {

struct TensorView {
  DType dtype = DType::kUndefined;
  std::vector<int64_t> sizes;
  void* data = nullptr;  // may be null for an empty tensor
  // An absent optional input is a view with dtype kUndefined.

  bool present() const { return dtype != DType::kUndefined; }
  int64_t numel() const { return Numel(sizes); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * DTypeSize(dtype); }
  size_t rank() const { return sizes.size(); }
  template <typename T>
  T* as() const { return static_cast<T*>(data); }
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(DType dtype, std::vector<int64_t> sizes);  // zero-filled
  static Tensor Scalar(float v);                    // f32 scalar
  template <typename T>
  static Tensor FromVector(DType dtype, std::vector<int64_t> sizes, const std::vector<T>& values) {
    Tensor t(dtype, std::move(sizes));
    const size_t bytes = std::min(t.nbytes(), values.size() * sizeof(T));
    if (bytes) std::memcpy(t.raw(), values.data(), bytes);
    return t;
  }

  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& sizes() const { return sizes_; }
  Shape shape() const { return Shape::FromSizes(sizes_); }
  size_t rank() const { return sizes_.size(); }
  int64_t numel() const { return Numel(sizes_); }
  size_t nbytes() const { return bytes_.size(); }

  void* raw() { return bytes_.data(); }
  const void* raw() const { return bytes_.data(); }
  template <typename T>
  T* data() { return reinterpret_cast<T*>(bytes_.data()); }
  template <typename T>
  const T* data() const { return reinterpret_cast<const T*>(bytes_.data()); }

  // A view sharing this tensor's storage (const_cast: views are also used for read-only inputs).
  TensorView view() const { return TensorView{dtype_, sizes_, const_cast<uint8_t*>(bytes_.data())}; }
  static Tensor CopyOf(const TensorView& v);

  // Elements converted to double / int64 (for folding, tests, printing); any dtype.
  double ElementAsDouble(int64_t i) const;
  std::vector<int64_t> ToInt64Vector() const;
  std::vector<float> ToFloatVector() const;

 private:
  DType dtype_ = DType::kUndefined;
  std::vector<int64_t> sizes_;
  std::vector<uint8_t> bytes_;
};

// Reads element i of a view of any dtype as double / writes one from double (rounding to the
// view's dtype; integers are truncated toward zero and saturate like a C cast would not).
double LoadAsDouble(const TensorView& v, int64_t i);
void StoreFromDouble(const TensorView& v, int64_t i, double x);
// Integer elements of an i32/i64 view (attribute-like inputs: shapes, axes, pads).
std::vector<int64_t> ReadInt64s(const TensorView& v);

}  // namespace mrt
