#include "ir/tensor.h"

#include <cmath>
#include <limits>

namespace mrt {

Tensor::Tensor(DType dtype, std::vector<int64_t> sizes)
    : dtype_(dtype), sizes_(std::move(sizes)), bytes_(static_cast<size_t>(Numel(sizes_)) * DTypeSize(dtype), 0) {}

Tensor Tensor::Scalar(float v) { return FromVector<float>(DType::kF32, {}, {v}); }

Tensor Tensor::CopyOf(const TensorView& v) {
  Tensor t(v.dtype, v.sizes);
  if (t.nbytes()) std::memcpy(t.raw(), v.data, t.nbytes());
  return t;
}

double Tensor::ElementAsDouble(int64_t i) const { return LoadAsDouble(view(), i); }

std::vector<int64_t> Tensor::ToInt64Vector() const { return ReadInt64s(view()); }

std::vector<float> Tensor::ToFloatVector() const {
  std::vector<float> out(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) out[i] = static_cast<float>(LoadAsDouble(view(), i));
  return out;
}

double LoadAsDouble(const TensorView& v, int64_t i) {
  switch (v.dtype) {
    case DType::kF32: return v.as<const float>()[i];
    case DType::kF16: return HalfToFloat(v.as<const Half>()[i]);
    case DType::kBF16: return BFloat16ToFloat(v.as<const BFloat16>()[i]);
    case DType::kF64: return v.as<const double>()[i];
    case DType::kI8: return v.as<const int8_t>()[i];
    case DType::kU8: return v.as<const uint8_t>()[i];
    case DType::kI32: return v.as<const int32_t>()[i];
    case DType::kI64: return static_cast<double>(v.as<const int64_t>()[i]);
    case DType::kBool: return v.as<const uint8_t>()[i] ? 1.0 : 0.0;
    case DType::kUndefined: break;
  }
  return 0.0;
}

namespace {
template <typename T>
T SaturatingCast(double x) {
  if (std::isnan(x)) return T(0);
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::lowest());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (x <= lo) return std::numeric_limits<T>::lowest();
  if (x >= hi) return std::numeric_limits<T>::max();
  return static_cast<T>(x);
}
}  // namespace

void StoreFromDouble(const TensorView& v, int64_t i, double x) {
  switch (v.dtype) {
    case DType::kF32: v.as<float>()[i] = static_cast<float>(x); return;
    case DType::kF16: v.as<Half>()[i] = FloatToHalf(static_cast<float>(x)); return;
    case DType::kBF16: v.as<BFloat16>()[i] = FloatToBFloat16(static_cast<float>(x)); return;
    case DType::kF64: v.as<double>()[i] = x; return;
    case DType::kI8: v.as<int8_t>()[i] = SaturatingCast<int8_t>(x); return;
    case DType::kU8: v.as<uint8_t>()[i] = SaturatingCast<uint8_t>(x); return;
    case DType::kI32: v.as<int32_t>()[i] = SaturatingCast<int32_t>(x); return;
    case DType::kI64: v.as<int64_t>()[i] = SaturatingCast<int64_t>(x); return;
    case DType::kBool: v.as<uint8_t>()[i] = x != 0.0 ? 1 : 0; return;
    case DType::kUndefined: return;
  }
}

std::vector<int64_t> ReadInt64s(const TensorView& v) {
  std::vector<int64_t> out(static_cast<size_t>(v.numel()));
  for (int64_t i = 0; i < v.numel(); ++i) {
    if (v.dtype == DType::kI64)
      out[i] = v.as<const int64_t>()[i];
    else if (v.dtype == DType::kI32)
      out[i] = v.as<const int32_t>()[i];
    else
      out[i] = static_cast<int64_t>(LoadAsDouble(v, i));
  }
  return out;
}

}  // namespace mrt
