// CUDA kernels of Cast between f32 f16 bf16 i32 i64 i8 u8 bool, with the conversion rules of
// the reference (cast_ref.cpp):
//   float -> float   through f32, rounding to nearest even
//   float -> int     truncates toward zero, saturates out of range, NaN -> 0
//   int   -> int     wraps modulo 2^bits
//   int   -> float   rounds to nearest (int64 -> f32 -> f16/bf16, as the reference does)
//   x     -> bool    x != 0 (NaN -> true); bool -> x gives 0 or 1
// One flat map kernel per (from, to) pair; the vector width is 16 bytes of the wider type.
#include <limits>
#include <type_traits>

#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

// A bool element (one byte, 0 or 1): a distinct type so it is not mistaken for u8.
struct BoolByte {
  uint8_t v;
};

template <typename T>
inline constexpr bool kIsFloatStorage =
    std::is_same_v<T, float> || std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;

template <typename Int>
__device__ __forceinline__ Int SaturatingFloatToInt(double x) {
  if (x != x) return 0;
  if (x <= static_cast<double>(std::numeric_limits<Int>::lowest())) return std::numeric_limits<Int>::lowest();
  if (x >= static_cast<double>(std::numeric_limits<Int>::max())) return std::numeric_limits<Int>::max();
  return static_cast<Int>(x);
}

template <typename To, typename From>
__device__ __forceinline__ To Convert(From x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (kIsFloatStorage<From>) {
    const float v = ToFloat(x);
    if constexpr (std::is_same_v<To, BoolByte>)
      return BoolByte{static_cast<uint8_t>(v != 0.f ? 1 : 0)};
    else if constexpr (kIsFloatStorage<To>)
      return FromFloat<To>(v);
    else
      return SaturatingFloatToInt<To>(static_cast<double>(v));
  } else {  // integer or bool source
    int64_t v;
    if constexpr (std::is_same_v<From, BoolByte>)
      v = x.v != 0 ? 1 : 0;
    else
      v = static_cast<int64_t>(x);
    if constexpr (std::is_same_v<To, BoolByte>)
      return BoolByte{static_cast<uint8_t>(v != 0 ? 1 : 0)};
    else if constexpr (kIsFloatStorage<To>)
      return FromFloat<To>(static_cast<float>(v));
    else
      return static_cast<To>(v);
  }
}

template <typename From, typename To>
struct CastFn : MapSignature<From, From, To, 1> {
  static constexpr bool kFlatOnly = true;
  __device__ __forceinline__ To operator()(From x) const { return Convert<To, From>(x); }
};

// launchers

// Calls fn(T{}) with the storage type of `dtype`.
template <typename Fn>
cudaError_t DispatchStorage(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kF32: return fn(float{});
    case DType::kF16: return fn(__half{});
    case DType::kBF16: return fn(__nv_bfloat16{});
    case DType::kI32: return fn(int32_t{});
    case DType::kI64: return fn(int64_t{});
    case DType::kI8: return fn(int8_t{});
    case DType::kU8: return fn(uint8_t{});
    case DType::kBool: return fn(BoolByte{});
    default: return cudaErrorNotSupported;
  }
}

}  // namespace

cudaError_t LaunchCast(DType from, DType to, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                       cudaStream_t stream) {
  return DispatchStorage(from, [&](auto from_tag) {
    return DispatchStorage(to, [&](auto to_tag) {
      using F = CastFn<decltype(from_tag), decltype(to_tag)>;
      return LaunchBroadcastMap(F{}, ptrs, index, vectorize, stream);
    });
  });
}

}  // namespace mrt::gpu
