// CUDA kernels of the unary elementwise ops: y[i] = f(x[i]) for f32 and f16 (computed in float,
// stored in the tensor's dtype), Not on bool, and Clip. The formulas are those of the ops'
// Pointwise opcodes (EvalPointwise, ir/pointwise_formulas.h), the ones the reference kernels
// (unary_ref.cpp) and the Pointwise interpreter use, instantiated per opcode (VisitPointwiseOp) so
// each kernel is straight-line code. One map kernel per opcode and dtype
// (kernels/gpu/broadcast_indexer.cuh), 16-byte loads/stores when aligned.
#include <type_traits>

#include "ir/pointwise_formulas.h"
#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

// f(x, b, c): b and c are the parameters of a parametric activation (unused by a unary opcode).
template <typename T, PointwiseOp kOp>
struct UnaryFn : MapSignature<T, T, T, 1> {
  static constexpr bool kFlatOnly = true;
  float b = 0, c = 0;
  __device__ __forceinline__ T operator()(T x) const {
    return FromFloat<T>(EvalPointwise<float>(kOp, ToFloat(x), b, c));
  }
};

struct NotFn : MapSignature<uint8_t, uint8_t, uint8_t, 1> {
  static constexpr bool kFlatOnly = true;
  __device__ __forceinline__ uint8_t operator()(uint8_t x) const { return x != 0 ? 0 : 1; }
};

// y = min(max(x, lo), hi) with the bounds read from device memory (absent: -inf / +inf).
template <typename T>
struct ClipFn : MapSignature<T, T, T, 1> {
  static constexpr bool kFlatOnly = true;
  const T* lo = nullptr;
  const T* hi = nullptr;
  __device__ __forceinline__ T operator()(T x) const {
    const float l = lo != nullptr ? ToFloat(*lo) : -INFINITY;
    const float h = hi != nullptr ? ToFloat(*hi) : INFINITY;
    return FromFloat<T>(formula::Clip(ToFloat(x), l, h));
  }
};

template <typename T>
struct CopyFn : MapSignature<T, T, T, 1> {
  static constexpr bool kFlatOnly = true;
  __device__ __forceinline__ T operator()(T x) const { return x; }
};

// launchers

template <typename Fn>
cudaError_t DispatchFloat(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kF32:
      return fn(float{});
    case DType::kF16:
      return fn(__half{});
    default:
      return cudaErrorNotSupported;
  }
}

template <PointwiseOp kOp>
cudaError_t RunUnary(DType dtype, float b, float c, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                     cudaStream_t stream) {
  return DispatchFloat(dtype, [&](auto tag) {
    UnaryFn<decltype(tag), kOp> f;
    f.b = b;
    f.c = c;
    return LaunchBroadcastMap(f, ptrs, index, vectorize, stream);
  });
}

}  // namespace

cudaError_t LaunchUnary(PointwiseOp opcode, DType dtype, float b, float c, const EwIndex& index,
                        const MapPointers& ptrs, bool vectorize, cudaStream_t stream) {
  cudaError_t status = cudaErrorInvalidValue;  // an unknown opcode or one that is not unary
  VisitPointwiseOp(opcode, [&](auto op) {
    constexpr PointwiseOp kOp = decltype(op)::value;
    constexpr PointwiseOpClass kClass = PointwiseClassOf(kOp);
    if constexpr (kClass == PointwiseOpClass::kUnary || kClass == PointwiseOpClass::kParametric)
      status = RunUnary<kOp>(dtype, b, c, index, ptrs, vectorize, stream);
  });
  return status;
}

cudaError_t LaunchNot(const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream) {
  return LaunchBroadcastMap(NotFn{}, ptrs, index, vectorize, stream);
}

cudaError_t LaunchClip(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                       cudaStream_t stream) {
  return DispatchFloat(dtype, [&](auto tag) {
    using T = decltype(tag);
    ClipFn<T> f;
    f.lo = static_cast<const T*>(ptrs.in[1]);
    f.hi = static_cast<const T*>(ptrs.in[2]);
    return LaunchBroadcastMap(f, ptrs, index, vectorize, stream);
  });
}

cudaError_t LaunchCopy(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                       cudaStream_t stream) {
  switch (DTypeSize(dtype)) {
    case 1:
      return LaunchBroadcastMap(CopyFn<uint8_t>{}, ptrs, index, vectorize, stream);
    case 2:
      return LaunchBroadcastMap(CopyFn<uint16_t>{}, ptrs, index, vectorize, stream);
    case 4:
      return LaunchBroadcastMap(CopyFn<uint32_t>{}, ptrs, index, vectorize, stream);
    case 8:
      return LaunchBroadcastMap(CopyFn<uint64_t>{}, ptrs, index, vectorize, stream);
    default:
      return cudaErrorNotSupported;
  }
}

}  // namespace mrt::gpu
