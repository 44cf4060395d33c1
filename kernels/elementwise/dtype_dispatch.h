// Compile-time dtype traits and dispatch for the reference kernels.
//
// DTypeTraits<D> names the storage type of an element of dtype D and the type the kernels
// compute in: f16 and bf16 compute in float, f32 in float, f64 in double, integers in int64
// (narrowed back on store, wrapping like a C++ cast), bool in bool.
//
// VisitDType(dtype, kSet, fn) calls fn(DTypeConstant<D>{}) for the runtime dtype when it belongs
// to the set kSet (a bit mask of dtypes), else returns an error naming the dtype; inside fn,
// `constexpr DType D = decltype(tag)::value;` recovers it. Only the dtypes in kSet instantiate fn.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "ir/dtype.h"
#include "ir/half.h"
#include "ir/status.h"

namespace mrt::ew {

template <DType D>
struct DTypeTraits;

template <>
struct DTypeTraits<DType::kF32> {
  using Storage = float;
  using Compute = float;
  static Compute Load(Storage x) { return x; }
  static Storage Store(Compute x) { return x; }
};
template <>
struct DTypeTraits<DType::kF64> {
  using Storage = double;
  using Compute = double;
  static Compute Load(Storage x) { return x; }
  static Storage Store(Compute x) { return x; }
};
template <>
struct DTypeTraits<DType::kF16> {
  using Storage = Half;
  using Compute = float;
  static Compute Load(Storage x) { return HalfToFloat(x); }
  static Storage Store(Compute x) { return FloatToHalf(x); }
};
template <>
struct DTypeTraits<DType::kBF16> {
  using Storage = BFloat16;
  using Compute = float;
  static Compute Load(Storage x) { return BFloat16ToFloat(x); }
  static Storage Store(Compute x) { return FloatToBFloat16(x); }
};
template <typename Int>
struct IntTraits {
  using Storage = Int;
  using Compute = int64_t;
  static Compute Load(Storage x) { return x; }
  static Storage Store(Compute x) { return static_cast<Storage>(x); }  // wraps modulo 2^bits
};
template <>
struct DTypeTraits<DType::kI8> : IntTraits<int8_t> {};
template <>
struct DTypeTraits<DType::kU8> : IntTraits<uint8_t> {};
template <>
struct DTypeTraits<DType::kI32> : IntTraits<int32_t> {};
template <>
struct DTypeTraits<DType::kI64> : IntTraits<int64_t> {};
template <>
struct DTypeTraits<DType::kBool> {
  using Storage = uint8_t;
  using Compute = bool;
  static Compute Load(Storage x) { return x != 0; }
  static Storage Store(Compute x) { return x ? 1 : 0; }
};

template <DType D>
using DTypeConstant = std::integral_constant<DType, D>;

template <DType D>
inline constexpr bool kIsFloat = D == DType::kF32 || D == DType::kF64 || D == DType::kF16 || D == DType::kBF16;
template <DType D>
inline constexpr bool kIsInt = D == DType::kI8 || D == DType::kU8 || D == DType::kI32 || D == DType::kI64;

// Dtype sets for VisitDType.
constexpr uint32_t Bit(DType d) { return 1u << static_cast<uint32_t>(d); }
inline constexpr uint32_t kFloatTypes = Bit(DType::kF32) | Bit(DType::kF64) | Bit(DType::kF16) | Bit(DType::kBF16);
inline constexpr uint32_t kSignedIntTypes = Bit(DType::kI8) | Bit(DType::kI32) | Bit(DType::kI64);
inline constexpr uint32_t kIntTypes = kSignedIntTypes | Bit(DType::kU8);
inline constexpr uint32_t kNumericTypes = kFloatTypes | kIntTypes;
inline constexpr uint32_t kBoolTypes = Bit(DType::kBool);
inline constexpr uint32_t kAllTypes = kNumericTypes | kBoolTypes;

template <uint32_t kSet, DType D, typename Fn>
Status VisitIfIn(Fn&& fn) {
  if constexpr ((kSet & Bit(D)) != 0) {
    return fn(DTypeConstant<D>{});
  } else {
    return Status::Errorf("dtype {} is not supported", DTypeName(D));
  }
}

template <uint32_t kSet, typename Fn>
Status VisitDType(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kF32:
      return VisitIfIn<kSet, DType::kF32>(fn);
    case DType::kF16:
      return VisitIfIn<kSet, DType::kF16>(fn);
    case DType::kBF16:
      return VisitIfIn<kSet, DType::kBF16>(fn);
    case DType::kF64:
      return VisitIfIn<kSet, DType::kF64>(fn);
    case DType::kI8:
      return VisitIfIn<kSet, DType::kI8>(fn);
    case DType::kU8:
      return VisitIfIn<kSet, DType::kU8>(fn);
    case DType::kI32:
      return VisitIfIn<kSet, DType::kI32>(fn);
    case DType::kI64:
      return VisitIfIn<kSet, DType::kI64>(fn);
    case DType::kBool:
      return VisitIfIn<kSet, DType::kBool>(fn);
    case DType::kUndefined:
      break;
  }
  return Status::Error("dtype is undefined");
}

}  // namespace mrt::ew
