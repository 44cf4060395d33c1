// CUDA kernels of the two-input arithmetic ops over numpy-broadcast operands:
//   Add Sub Mul Div   f32 f16 (computed in float) and i32 i64 (computed in int64, wrapping)
//   Max Min           the same dtypes; float NaN propagates like numpy.maximum
//   Sum Mean          of two inputs: a + b, (a + b) / 2 in the compute type, rounded once
//   PRelu             x < 0 ? x * slope : x (f32 f16)
//   Pow               base f32/f16, exponent of the base's dtype or f32 (float pow)
// Float formulas are those of ir/pointwise_formulas.h (the reference's); integer ones mirror
// kernels/elementwise/int_math.h. Integer Div truncates toward zero and INT_MIN / -1 wraps; a
// zero divisor (an error in the reference, which checks first) gives 0 here rather than the
// hardware's undefined value. One map kernel per op and dtype (broadcast_indexer.cuh).
#include <type_traits>

#include "ir/pointwise_formulas.h"
#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

template <typename T, PointwiseOp kOp>
struct FloatBinaryFn : MapSignature<T, T, T, 2> {
  __device__ __forceinline__ T operator()(T a, T b) const {
    return FromFloat<T>(EvalPointwise<float>(kOp, ToFloat(a), ToFloat(b), 0.f));
  }
};

// Mean of two inputs: (a + b) / 2 in float, rounded once.
template <typename T>
struct FloatMeanFn : MapSignature<T, T, T, 2> {
  __device__ __forceinline__ T operator()(T a, T b) const { return FromFloat<T>((ToFloat(a) + ToFloat(b)) / 2.f); }
};

template <typename T, typename E>
struct PowFn : MapSignature<T, E, T, 2> {
  __device__ __forceinline__ T operator()(T base, E exponent) const {
    return FromFloat<T>(EvalPointwise<float>(PointwiseOp::kPow, ToFloat(base), ToFloat(exponent), 0.f));
  }
};

enum class IntOp { kAdd, kSub, kMul, kDiv, kMax, kMin, kMean };

// Integer arithmetic in int64 through uint64 (wrapping, no undefined overflow), narrowed to T.
template <typename T, IntOp kOp>
struct IntBinaryFn : MapSignature<T, T, T, 2> {
  __device__ __forceinline__ T operator()(T a_in, T b_in) const {
    const int64_t a = a_in, b = b_in;
    const uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    int64_t y = 0;
    if constexpr (kOp == IntOp::kAdd) y = static_cast<int64_t>(ua + ub);
    if constexpr (kOp == IntOp::kSub) y = static_cast<int64_t>(ua - ub);
    if constexpr (kOp == IntOp::kMul) y = static_cast<int64_t>(ua * ub);
    if constexpr (kOp == IntOp::kDiv) y = b == 0 ? 0 : (b == -1 ? static_cast<int64_t>(0ull - ua) : a / b);
    if constexpr (kOp == IntOp::kMax) y = b > a ? b : a;
    if constexpr (kOp == IntOp::kMin) y = b < a ? b : a;
    if constexpr (kOp == IntOp::kMean) y = static_cast<int64_t>(ua + ub) / 2;
    return static_cast<T>(y);
  }
};

// launchers

template <typename F>
cudaError_t Run(const F& f, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream) {
  return LaunchBroadcastMap(f, ptrs, index, vectorize, stream);
}

template <typename T>
cudaError_t FloatBinary(OpKind op, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t s) {
  using P = PointwiseOp;
  switch (op) {
    case OpKind::kAdd:
    case OpKind::kSum:
      return Run(FloatBinaryFn<T, P::kAdd>{}, index, ptrs, vectorize, s);
    case OpKind::kSub:
      return Run(FloatBinaryFn<T, P::kSub>{}, index, ptrs, vectorize, s);
    case OpKind::kMul:
      return Run(FloatBinaryFn<T, P::kMul>{}, index, ptrs, vectorize, s);
    case OpKind::kDiv:
      return Run(FloatBinaryFn<T, P::kDiv>{}, index, ptrs, vectorize, s);
    case OpKind::kMax:
      return Run(FloatBinaryFn<T, P::kMax>{}, index, ptrs, vectorize, s);
    case OpKind::kMin:
      return Run(FloatBinaryFn<T, P::kMin>{}, index, ptrs, vectorize, s);
    case OpKind::kPRelu:
      return Run(FloatBinaryFn<T, P::kPRelu>{}, index, ptrs, vectorize, s);
    case OpKind::kMean:
      return Run(FloatMeanFn<T>{}, index, ptrs, vectorize, s);
    default:
      return cudaErrorNotSupported;
  }
}

template <typename T>
cudaError_t IntBinary(OpKind op, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t s) {
  switch (op) {
    case OpKind::kAdd:
    case OpKind::kSum:
      return Run(IntBinaryFn<T, IntOp::kAdd>{}, index, ptrs, vectorize, s);
    case OpKind::kSub:
      return Run(IntBinaryFn<T, IntOp::kSub>{}, index, ptrs, vectorize, s);
    case OpKind::kMul:
      return Run(IntBinaryFn<T, IntOp::kMul>{}, index, ptrs, vectorize, s);
    case OpKind::kDiv:
      return Run(IntBinaryFn<T, IntOp::kDiv>{}, index, ptrs, vectorize, s);
    case OpKind::kMax:
      return Run(IntBinaryFn<T, IntOp::kMax>{}, index, ptrs, vectorize, s);
    case OpKind::kMin:
      return Run(IntBinaryFn<T, IntOp::kMin>{}, index, ptrs, vectorize, s);
    case OpKind::kMean:
      return Run(IntBinaryFn<T, IntOp::kMean>{}, index, ptrs, vectorize, s);
    default:
      return cudaErrorNotSupported;
  }
}

cudaError_t Pow(DType dtype, DType exponent_dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                cudaStream_t s) {
  if (dtype == DType::kF32 && exponent_dtype == DType::kF32)
    return Run(PowFn<float, float>{}, index, ptrs, vectorize, s);
  if (dtype == DType::kF16 && exponent_dtype == DType::kF16)
    return Run(PowFn<__half, __half>{}, index, ptrs, vectorize, s);
  if (dtype == DType::kF16 && exponent_dtype == DType::kF32)
    return Run(PowFn<__half, float>{}, index, ptrs, vectorize, s);
  return cudaErrorNotSupported;
}

}  // namespace

cudaError_t LaunchBinary(OpKind op, DType dtype, DType exponent_dtype, const EwIndex& index, const MapPointers& ptrs,
                         bool vectorize, cudaStream_t stream) {
  if (op == OpKind::kPow) return Pow(dtype, exponent_dtype, index, ptrs, vectorize, stream);
  const bool int_op = op != OpKind::kPRelu;
  switch (dtype) {
    case DType::kF32:
      return FloatBinary<float>(op, index, ptrs, vectorize, stream);
    case DType::kF16:
      return FloatBinary<__half>(op, index, ptrs, vectorize, stream);
    case DType::kI32:
      return int_op ? IntBinary<int32_t>(op, index, ptrs, vectorize, stream) : cudaErrorNotSupported;
    case DType::kI64:
      return int_op ? IntBinary<int64_t>(op, index, ptrs, vectorize, stream) : cudaErrorNotSupported;
    default:
      return cudaErrorNotSupported;
  }
}

}  // namespace mrt::gpu
