// CUDA kernels of the unary elementwise ops: y[i] = f(x[i]) for f32 and f16 (computed in float,
// stored in the tensor's dtype), Not on bool, and Clip. The formulas are the templates of
// ir/pointwise_formulas.h, the ones the reference kernels (unary_ref.cpp) and the Pointwise
// interpreter use, instantiated per op so each kernel is straight-line code. One map kernel per
// op and dtype (kernels/gpu/broadcast_indexer.cuh), 16-byte loads/stores when aligned.
#include <type_traits>

#include "ir/pointwise_formulas.h"
#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

template <typename T, PointwiseOp kOp>
struct UnaryFn : MapSignature<T, T, T, 1> {
  static constexpr bool kFlatOnly = true;
  __device__ __forceinline__ T operator()(T x) const { return FromFloat<T>(EvalPointwiseUnary<float>(kOp, ToFloat(x))); }
};

// Parametric activations: f(x, alpha = b, beta/gamma = c), the operand order of the formulas.
template <typename T, PointwiseOp kOp>
struct ParametricFn : MapSignature<T, T, T, 1> {
  static constexpr bool kFlatOnly = true;
  float b = 0, c = 0;
  __device__ __forceinline__ T operator()(T x) const {
    return FromFloat<T>(EvalPointwiseBinary<float>(kOp, ToFloat(x), b, c));
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
    return FromFloat<T>(EvalPointwiseBinary<float>(PointwiseOp::kClip, ToFloat(x), l, h));
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
    case DType::kF32: return fn(float{});
    case DType::kF16: return fn(__half{});
    default: return cudaErrorNotSupported;
  }
}

template <PointwiseOp kOp>
cudaError_t RunUnary(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream) {
  return DispatchFloat(dtype, [&](auto tag) {
    return LaunchBroadcastMap(UnaryFn<decltype(tag), kOp>{}, ptrs, index, vectorize, stream);
  });
}

template <PointwiseOp kOp>
cudaError_t RunParametric(DType dtype, float b, float c, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                          cudaStream_t stream) {
  return DispatchFloat(dtype, [&](auto tag) {
    ParametricFn<decltype(tag), kOp> f;
    f.b = b;
    f.c = c;
    return LaunchBroadcastMap(f, ptrs, index, vectorize, stream);
  });
}

}  // namespace

cudaError_t LaunchUnary(OpKind op, DType dtype, float alpha, float beta, const EwIndex& index, const MapPointers& ptrs,
                        bool vectorize, cudaStream_t stream) {
  using P = PointwiseOp;
  auto run = [&](auto op_tag) { return RunUnary<decltype(op_tag)::value>(dtype, index, ptrs, vectorize, stream); };
  auto param = [&](auto op_tag, float b, float c) {
    return RunParametric<decltype(op_tag)::value>(dtype, b, c, index, ptrs, vectorize, stream);
  };
  switch (op) {
    case OpKind::kRelu: return run(std::integral_constant<P, P::kRelu>{});
    case OpKind::kSigmoid: return run(std::integral_constant<P, P::kSigmoid>{});
    case OpKind::kTanh: return run(std::integral_constant<P, P::kTanh>{});
    case OpKind::kErf: return run(std::integral_constant<P, P::kErf>{});
    case OpKind::kSoftplus: return run(std::integral_constant<P, P::kSoftplus>{});
    case OpKind::kSoftsign: return run(std::integral_constant<P, P::kSoftsign>{});
    case OpKind::kMish: return run(std::integral_constant<P, P::kMish>{});
    case OpKind::kHardSwish: return run(std::integral_constant<P, P::kHardSwish>{});
    case OpKind::kExp: return run(std::integral_constant<P, P::kExp>{});
    case OpKind::kLog: return run(std::integral_constant<P, P::kLog>{});
    case OpKind::kSqrt: return run(std::integral_constant<P, P::kSqrt>{});
    case OpKind::kNeg: return run(std::integral_constant<P, P::kNeg>{});
    case OpKind::kAbs: return run(std::integral_constant<P, P::kAbs>{});
    case OpKind::kReciprocal: return run(std::integral_constant<P, P::kReciprocal>{});
    case OpKind::kFloor: return run(std::integral_constant<P, P::kFloor>{});
    case OpKind::kCeil: return run(std::integral_constant<P, P::kCeil>{});
    case OpKind::kRound: return run(std::integral_constant<P, P::kRound>{});
    case OpKind::kSign: return run(std::integral_constant<P, P::kSign>{});
    case OpKind::kSin: return run(std::integral_constant<P, P::kSin>{});
    case OpKind::kCos: return run(std::integral_constant<P, P::kCos>{});
    case OpKind::kLeakyRelu: return param(std::integral_constant<P, P::kLeakyRelu>{}, alpha, 0.f);
    case OpKind::kElu: return param(std::integral_constant<P, P::kElu>{}, alpha, 0.f);
    case OpKind::kCelu: return param(std::integral_constant<P, P::kCelu>{}, alpha, 0.f);
    case OpKind::kThresholdedRelu: return param(std::integral_constant<P, P::kThresholdedRelu>{}, alpha, 0.f);
    case OpKind::kHardSigmoid: return param(std::integral_constant<P, P::kHardSigmoid>{}, alpha, beta);
    case OpKind::kSelu: return param(std::integral_constant<P, P::kSelu>{}, alpha, beta);
    case OpKind::kNot:
      if (dtype != DType::kBool) return cudaErrorNotSupported;
      return LaunchBroadcastMap(NotFn{}, ptrs, index, vectorize, stream);
    default: return cudaErrorNotSupported;
  }
}

cudaError_t LaunchClip(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream) {
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
    case 1: return LaunchBroadcastMap(CopyFn<uint8_t>{}, ptrs, index, vectorize, stream);
    case 2: return LaunchBroadcastMap(CopyFn<uint16_t>{}, ptrs, index, vectorize, stream);
    case 4: return LaunchBroadcastMap(CopyFn<uint32_t>{}, ptrs, index, vectorize, stream);
    case 8: return LaunchBroadcastMap(CopyFn<uint64_t>{}, ptrs, index, vectorize, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace mrt::gpu
