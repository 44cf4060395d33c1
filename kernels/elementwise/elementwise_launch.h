// Launchers of the elementwise CUDA kernels (kernels/elementwise/*.cu), in plain C++ for the
// tactic classes (elementwise_tactics_cuda.cpp). Each launcher switches on the op and dtypes,
// launches one map kernel over a BroadcastIndex (kernels/gpu/broadcast_indexer.cuh) and returns
// the launch error. `vectorize` asks for the kernel that moves 16 bytes per access (it falls back
// to one element per thread when a pointer is not aligned); an unsupported op/dtype returns
// cudaErrorNotSupported (the provider never offers one).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ir/dtype.h"
#include "ir/op_kind.h"
#include "ir/pointwise_formulas.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

using EwIndex = MapIndex;

// Elements per vector access for a map reading `a` (and `b`) and writing `out`: 16 bytes of the
// widest of them (the rule of MapSignature::kVec). Pass DType::kUndefined for an absent `b`.
inline int ElementwiseVectorWidth(DType a, DType b, DType out) {
  size_t widest = DTypeSize(a) > DTypeSize(out) ? DTypeSize(a) : DTypeSize(out);
  if (DTypeSize(b) > widest) widest = DTypeSize(b);
  return widest == 0 ? 1 : static_cast<int>(16 / widest);
}

// Unary float ops (f32, f16): y = EvalPointwise(opcode, x, b, c) for an opcode of class kUnary
// or kParametric (the op's opcode and parameters come from ir/pointwise_lowering.h);
// cudaErrorInvalidValue for any other opcode.
cudaError_t LaunchUnary(PointwiseOp opcode, DType dtype, float b, float c, const EwIndex& index,
                        const MapPointers& ptrs, bool vectorize, cudaStream_t stream);
// Not (bool).
cudaError_t LaunchNot(const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream);
// Clip (f32, f16): ptrs.in[1] / ptrs.in[2] are the one-element lo / hi bounds on the device,
// or null when absent; `index` describes input 0 only.
cudaError_t LaunchClip(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream);
// Add Sub Mul Div (f32 f16 i32 i64), PRelu (f32 f16), Max Min Sum Mean of two inputs (f32 f16
// i32 i64; Mean divides by 2), Pow (base f32/f16, exponent of the base's dtype or f32).
cudaError_t LaunchBinary(OpKind op, DType dtype, DType exponent_dtype, const EwIndex& index, const MapPointers& ptrs,
                         bool vectorize, cudaStream_t stream);
// Equal Less Greater LessOrEqual GreaterOrEqual (f32 f16 i32 i64 -> bool), And Or Xor (bool).
cudaError_t LaunchPredicate(OpKind op, DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                            cudaStream_t stream);
// Where(cond, x, y) with x/y of f32 f16 i32 i64 (copied as raw elements).
cudaError_t LaunchWhere(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                        cudaStream_t stream);
// Cast between f32 f16 bf16 i32 i64 i8 u8 bool (the reference's conversion rules).
cudaError_t LaunchCast(DType from, DType to, const EwIndex& index, const MapPointers& ptrs, bool vectorize,
                       cudaStream_t stream);
// A copy of x (Sum, Mean, Max, Min of a single input), any dtype of 1, 2, 4 or 8 bytes.
cudaError_t LaunchCopy(DType dtype, const EwIndex& index, const MapPointers& ptrs, bool vectorize, cudaStream_t stream);

// ---- Max Min Sum Mean over three or more inputs: a fold, kMaxFoldInputs inputs per pass ----
inline constexpr int kMaxFoldInputs = 16;
using FoldIndex = BroadcastIndex<kMaxFoldInputs>;

// One pass: acc = acc_in (or input 0 when acc_in is null), then acc = step(acc, x_k) for the
// pass's other inputs in order. The accumulator is the compute type (float for f32/f16, int64
// for i32/i64), kept in the workspace between passes (acc_in / acc_out, flat in output order);
// the last pass (acc_out null) writes out = acc / divisor (divisor 0: no division) in the dtype.
struct FoldPass {
  const void* in[kMaxFoldInputs] = {};
  const void* acc_in = nullptr;
  void* acc_out = nullptr;
  void* out = nullptr;
  int32_t divisor = 0;
};
// Bytes of one accumulator element of `dtype` (the workspace holds numel of them).
inline size_t FoldAccumulatorBytes(DType dtype) { return dtype == DType::kI32 || dtype == DType::kI64 ? 8 : 4; }

cudaError_t LaunchFold(OpKind op, DType dtype, const FoldIndex& index, const FoldPass& pass, bool vectorize,
                       cudaStream_t stream);

}  // namespace mrt::gpu
