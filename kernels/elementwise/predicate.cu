// CUDA kernels of the ops that produce or select with booleans, over numpy-broadcast operands:
//   Equal Less Greater LessOrEqual GreaterOrEqual  f32 f16 i32 i64 -> bool, compared exactly in
//                                                 the compute type (f16 widens to float, ints
//                                                 compare as themselves), as the reference does
//   And Or Xor                                    bool x bool -> bool (nonzero bytes are true)
//   Where(cond, x, y)                             cond ? x : y, x/y copied as raw elements
// Bools are bytes holding 0 or 1. One map kernel per op and dtype (broadcast_indexer.cuh).
#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

enum class Cmp { kEqual, kLess, kGreater, kLessOrEqual, kGreaterOrEqual, kAnd, kOr, kXor };

template <typename T, Cmp kCmp>
struct CompareFn : MapSignature<T, T, uint8_t, 2> {
  __device__ __forceinline__ uint8_t operator()(T a_in, T b_in) const {
    const auto a = Widen(a_in);
    const auto b = Widen(b_in);
    bool y = false;
    if constexpr (kCmp == Cmp::kEqual) y = a == b;
    if constexpr (kCmp == Cmp::kLess) y = a < b;
    if constexpr (kCmp == Cmp::kGreater) y = a > b;
    if constexpr (kCmp == Cmp::kLessOrEqual) y = a <= b;
    if constexpr (kCmp == Cmp::kGreaterOrEqual) y = a >= b;
    return y ? 1 : 0;
  }
};

template <Cmp kCmp>
struct LogicFn : MapSignature<uint8_t, uint8_t, uint8_t, 2> {
  __device__ __forceinline__ uint8_t operator()(uint8_t a_in, uint8_t b_in) const {
    const bool a = a_in != 0, b = b_in != 0;
    bool y = false;
    if constexpr (kCmp == Cmp::kAnd) y = a && b;
    if constexpr (kCmp == Cmp::kOr) y = a || b;
    if constexpr (kCmp == Cmp::kXor) y = a != b;
    return y ? 1 : 0;
  }
};

// R: an unsigned type of the element's size (the bits are copied, never interpreted).
template <typename R>
struct WhereFn : MapSignature<uint8_t, R, R, 3> {
  __device__ __forceinline__ R operator()(uint8_t cond, R x, R y) const { return cond != 0 ? x : y; }
};

// launchers

template <typename T>
cudaError_t Compare(OpKind op, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t s) {
  switch (op) {
    case OpKind::kEqual: return LaunchBroadcastMap(CompareFn<T, Cmp::kEqual>{}, ptrs, index, vectorize, s);
    case OpKind::kLess: return LaunchBroadcastMap(CompareFn<T, Cmp::kLess>{}, ptrs, index, vectorize, s);
    case OpKind::kGreater: return LaunchBroadcastMap(CompareFn<T, Cmp::kGreater>{}, ptrs, index, vectorize, s);
    case OpKind::kLessOrEqual: return LaunchBroadcastMap(CompareFn<T, Cmp::kLessOrEqual>{}, ptrs, index, vectorize, s);
    case OpKind::kGreaterOrEqual:
      return LaunchBroadcastMap(CompareFn<T, Cmp::kGreaterOrEqual>{}, ptrs, index, vectorize, s);
    default: return cudaErrorNotSupported;
  }
}

cudaError_t Logic(OpKind op, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t s) {
  switch (op) {
    case OpKind::kAnd: return LaunchBroadcastMap(LogicFn<Cmp::kAnd>{}, ptrs, index, vectorize, s);
    case OpKind::kOr: return LaunchBroadcastMap(LogicFn<Cmp::kOr>{}, ptrs, index, vectorize, s);
    case OpKind::kXor: return LaunchBroadcastMap(LogicFn<Cmp::kXor>{}, ptrs, index, vectorize, s);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace

cudaError_t LaunchPredicate(OpKind op, DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                            cudaStream_t stream) {
  switch (dtype) {
    case DType::kF32: return Compare<float>(op, index, ptrs, vectorize, stream);
    case DType::kF16: return Compare<__half>(op, index, ptrs, vectorize, stream);
    case DType::kI32: return Compare<int32_t>(op, index, ptrs, vectorize, stream);
    case DType::kI64: return Compare<int64_t>(op, index, ptrs, vectorize, stream);
    case DType::kBool: return Logic(op, index, ptrs, vectorize, stream);
    default: return cudaErrorNotSupported;
  }
}

cudaError_t LaunchWhere(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                        cudaStream_t stream) {
  switch (dtype) {
    case DType::kF16: return LaunchBroadcastMap(WhereFn<uint16_t>{}, ptrs, index, vectorize, stream);
    case DType::kF32:
    case DType::kI32: return LaunchBroadcastMap(WhereFn<uint32_t>{}, ptrs, index, vectorize, stream);
    case DType::kI64: return LaunchBroadcastMap(WhereFn<uint64_t>{}, ptrs, index, vectorize, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace mrt::gpu
