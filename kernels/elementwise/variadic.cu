// CUDA kernel of Max, Min, Sum and Mean over three or more numpy-broadcast inputs (one and two
// inputs are plain maps: unary.cu's copy and binary.cu). Like the reference (FoldInputs in
// binary_ref.cpp) it folds left to right in the compute type and rounds once:
//   acc = x0; acc = step(acc, x_k) for k = 1 .. n-1; y = finish(acc)
// with step formula::Max / formula::Min (ir/elementwise_formulas.h: NaN propagates) / add
// (integers wrap), and finish acc / n for Mean.
// A pass reads up to kMaxFoldInputs inputs through one broadcast index; more inputs take more
// passes that carry the accumulator through the workspace (acc_in / acc_out), so the result is
// the same fold, still rounded once.
#include <type_traits>

#include "ir/elementwise_formulas.h"
#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

enum class Step { kMax, kMin, kSum };

template <Step kStep, typename C>
__device__ __forceinline__ C Apply(C acc, C x) {
  if constexpr (kStep == Step::kMax) {
    return formula::Max(acc, x);
  } else if constexpr (kStep == Step::kMin) {
    return formula::Min(acc, x);
  } else if constexpr (std::is_same_v<C, int64_t>) {
    return static_cast<int64_t>(static_cast<uint64_t>(acc) + static_cast<uint64_t>(x));
  } else {
    return acc + x;
  }
}

template <typename T, Step kStep, int kVec>
__global__ void __launch_bounds__(kThreadsPerBlock) FoldKernel(FoldPass pass, FoldIndex index) {
  using C = decltype(Widen(T{}));
  const uint32_t n = index.numel;
  const uint32_t chunks = (n + kVec - 1) / kVec;
  const int first_input = pass.acc_in != nullptr ? 0 : 1;
  for (uint32_t chunk = blockIdx.x * blockDim.x + threadIdx.x; chunk < chunks; chunk += blockDim.x * gridDim.x) {
    const uint32_t first = chunk * kVec;
    const int count = n - first < kVec ? static_cast<int>(n - first) : kVec;
    uint32_t off[kMaxFoldInputs];
    index.Offsets(first, off);
    C acc[kVec];
    if (pass.acc_in != nullptr) {
      const C* acc_in = static_cast<const C*>(pass.acc_in) + first;
#pragma unroll
      for (int j = 0; j < kVec; ++j) acc[j] = acc_in[j < count ? j : 0];
    } else {
      T x[kVec];
      LoadChunk<kVec>(static_cast<const T*>(pass.in[0]), off[0], index.step(0), count, x);
#pragma unroll
      for (int j = 0; j < kVec; ++j) acc[j] = Widen(x[j]);
    }
#pragma unroll
    for (int k = 0; k < kMaxFoldInputs; ++k) {
      if (k < first_input || k >= index.num_inputs) continue;
      T x[kVec];
      LoadChunk<kVec>(static_cast<const T*>(pass.in[k]), off[k], index.step(k), count, x);
#pragma unroll
      for (int j = 0; j < kVec; ++j) acc[j] = Apply<kStep>(acc[j], Widen(x[j]));
    }
    if (pass.acc_out != nullptr) {
      C* acc_out = static_cast<C*>(pass.acc_out) + first;
#pragma unroll
      for (int j = 0; j < kVec; ++j)
        if (j < count) acc_out[j] = acc[j];
    } else {
      T y[kVec];
#pragma unroll
      for (int j = 0; j < kVec; ++j)
        y[j] = Narrow<T>(pass.divisor > 0 ? acc[j] / static_cast<C>(pass.divisor) : acc[j]);
      StoreChunk<kVec>(static_cast<T*>(pass.out), first, count, y);
    }
  }
}

// launchers

// Vector loads need every walking input and the output aligned to 16 bytes.
template <typename T, int kVec>
bool FoldCanVectorize(const FoldIndex& index, const FoldPass& pass) {
  constexpr int kBytes = static_cast<int>(sizeof(T)) * kVec;
  if (!index.AllowsVectors(kVec)) return false;
  if (pass.acc_out == nullptr && !IsAligned(pass.out, kBytes)) return false;
  for (int k = 0; k < index.num_inputs; ++k)
    if (index.step(k) != 0 && !IsAligned(pass.in[k], kBytes)) return false;
  return true;
}

template <typename T, Step kStep>
cudaError_t RunFold(const FoldIndex& index, const FoldPass& pass, bool vectorize, cudaStream_t stream) {
  if (index.numel == 0) return cudaSuccess;
  constexpr int kVec = 16 / static_cast<int>(sizeof(T));
  if (vectorize && FoldCanVectorize<T, kVec>(index, pass)) {
    const unsigned grid = GridFor((int64_t{index.numel} + kVec - 1) / kVec);
    FoldKernel<T, kStep, kVec><<<grid, kThreadsPerBlock, 0, stream>>>(pass, index);
  } else {
    FoldKernel<T, kStep, 1><<<GridFor(index.numel), kThreadsPerBlock, 0, stream>>>(pass, index);
  }
  return cudaGetLastError();
}

template <typename T>
cudaError_t FoldOfType(OpKind op, const FoldIndex& index, const FoldPass& pass, bool vectorize, cudaStream_t s) {
  switch (op) {
    case OpKind::kMax:
      return RunFold<T, Step::kMax>(index, pass, vectorize, s);
    case OpKind::kMin:
      return RunFold<T, Step::kMin>(index, pass, vectorize, s);
    case OpKind::kSum:
    case OpKind::kMean:
      return RunFold<T, Step::kSum>(index, pass, vectorize, s);
    default:
      return cudaErrorNotSupported;
  }
}

}  // namespace

cudaError_t LaunchFold(OpKind op, DType dtype, const FoldIndex& index, const FoldPass& pass, bool vectorize,
                       cudaStream_t stream) {
  switch (dtype) {
    case DType::kF32:
      return FoldOfType<float>(op, index, pass, vectorize, stream);
    case DType::kF16:
      return FoldOfType<__half>(op, index, pass, vectorize, stream);
    case DType::kI32:
      return FoldOfType<int32_t>(op, index, pass, vectorize, stream);
    case DType::kI64:
      return FoldOfType<int64_t>(op, index, pass, vectorize, stream);
    default:
      return cudaErrorNotSupported;
  }
}

}  // namespace mrt::gpu
