// The Pointwise interpreter: one kernel that evaluates a fused elementwise program (lowered as
// pointwise_launch.h describes) per output element, reading each input once and writing the
// output once, computing in float for f32/f16/bf16 with the formulas of
// ir/pointwise_formulas.h (the reference's).
//
// Each thread takes a chunk of kVec consecutive outputs (8, or 4, 2, 1 when broadcast rows are
// not a multiple of 8) and runs the program over the whole chunk: the opcode is decoded once per
// chunk and instruction, and the switch dispatches to a loop specialized for that opcode, which
// fetches just the operands it reads and leaves its result in the accumulator, so decoding
// costs little next to the math. The program, constants, broadcast index and pointers are one
// __grid_constant__ kernel parameter, read in place (uniform across the grid, so the loads are
// broadcast from the constant cache). Results kept for later live in shared memory, laid out
// [slot][vector quad][thread] so a warp's accesses are contiguous and conflict-free; each
// thread only touches its own slots, so no synchronization is needed.
//
// In place: the output may alias an input of its shape; every input load of a chunk happens
// before that chunk's store, by the same thread.
#include "ir/pointwise_formulas.h"
#include "kernels/fused/pointwise_launch.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

namespace {

// kernels

struct PointwiseParams {
  PointwiseKernelProgram program;
  PointwiseIndex index;
  PointwisePointers ptrs;
};

// Per-thread slot storage: float4 quads when kVec is a multiple of 4, else single floats.
template <int kVec>
__device__ __forceinline__ void StoreSlot(float* smem, int slot, const float (&v)[kVec]) {
  const int t = threadIdx.x, threads = blockDim.x;
  if constexpr (kVec % 4 == 0) {
    float4* s4 = reinterpret_cast<float4*>(smem);
#pragma unroll
    for (int q = 0; q < kVec / 4; ++q)
      s4[(slot * (kVec / 4) + q) * threads + t] = make_float4(v[4 * q], v[4 * q + 1], v[4 * q + 2], v[4 * q + 3]);
  } else {
#pragma unroll
    for (int j = 0; j < kVec; ++j) smem[(slot * kVec + j) * threads + t] = v[j];
  }
}

template <int kVec>
__device__ __forceinline__ void LoadSlot(const float* smem, int slot, float (&v)[kVec]) {
  const int t = threadIdx.x, threads = blockDim.x;
  if constexpr (kVec % 4 == 0) {
    const float4* s4 = reinterpret_cast<const float4*>(smem);
#pragma unroll
    for (int q = 0; q < kVec / 4; ++q) {
      const float4 f = s4[(slot * (kVec / 4) + q) * threads + t];
      v[4 * q] = f.x;
      v[4 * q + 1] = f.y;
      v[4 * q + 2] = f.z;
      v[4 * q + 3] = f.w;
    }
  } else {
#pragma unroll
    for (int j = 0; j < kVec; ++j) v[j] = smem[(slot * kVec + j) * threads + t];
  }
}

// v = the operand: the accumulator, a slot, or a constant broadcast.
template <int kVec>
__device__ __forceinline__ void Fetch(const PwOperand& o, const float (&acc)[kVec], const float* smem,
                                      const float* constants, float (&v)[kVec]) {
  if (o.kind == PwOperandKind::kAcc) {
#pragma unroll
    for (int j = 0; j < kVec; ++j) v[j] = acc[j];
  } else if (o.kind == PwOperandKind::kSlot) {
    LoadSlot<kVec>(smem, o.index, v);
  } else {
    const float c = constants[o.index];
#pragma unroll
    for (int j = 0; j < kVec; ++j) v[j] = c;
  }
}

// acc = op(operands) over the chunk; only the operands the opcode reads are fetched (the operand
// count comes from the opcode table, ir/pointwise_formulas.h).
template <PointwiseOp kOp, int kVec>
__device__ __forceinline__ void RunOp(const PwInstr& in, float (&acc)[kVec], const float* smem,
                                      const float* constants) {
  constexpr int kOperands = PointwiseOperandCount(kOp);
  float a[kVec], b[kVec], c[kVec];
  Fetch<kVec>(in.a, acc, smem, constants, a);
  if constexpr (kOperands > 1) Fetch<kVec>(in.b, acc, smem, constants, b);
  if constexpr (kOperands > 2) Fetch<kVec>(in.c, acc, smem, constants, c);
#pragma unroll
  for (int j = 0; j < kVec; ++j)
    acc[j] = EvalPointwise<float>(kOp, a[j], kOperands > 1 ? b[j] : a[j], kOperands > 2 ? c[j] : a[j]);
}

// One computing instruction; the switch (one case per row of the opcode table) is uniform across
// the grid. The loads never get here (the kernel decodes them), and LaunchPointwise refuses a
// program with an opcode outside the table, so both traps are unreachable.
template <int kVec>
__device__ __forceinline__ void Execute(const PwInstr& in, float (&acc)[kVec], const float* smem,
                                        const float* constants) {
  const bool known = VisitPointwiseOp(static_cast<PointwiseOp>(in.op), [&](auto opcode) {
    constexpr PointwiseOp kOp = decltype(opcode)::value;
    if constexpr (PointwiseClassOf(kOp) == PointwiseOpClass::kLoad)
      __trap();
    else
      RunOp<kOp, kVec>(in, acc, smem, constants);
  });
  if (!known) __trap();
}

template <typename T, int kVec>
__device__ __forceinline__ void LoadInput(const PointwiseParams& p, int k, const uint32_t (&coord)[kMaxBroadcastRank],
                                          int count, float (&r)[kVec]) {
  T x[kVec];
  LoadChunk<kVec>(static_cast<const T*>(p.ptrs.in[k]), p.index.Offset(k, coord), p.index.step(k), count, x);
#pragma unroll
  for (int j = 0; j < kVec; ++j) r[j] = ToFloat(x[j]);
}

template <typename T, int kVec>
__global__ void __launch_bounds__(kPointwiseThreads) PointwiseKernel(const __grid_constant__ PointwiseParams p) {
  extern __shared__ float4 pointwise_slots[];
  float* smem = reinterpret_cast<float*>(pointwise_slots);
  const uint32_t n = p.index.numel;
  const uint32_t chunks = (n + kVec - 1) / kVec;
  for (uint32_t chunk = blockIdx.x * blockDim.x + threadIdx.x; chunk < chunks; chunk += blockDim.x * gridDim.x) {
    const uint32_t first = chunk * kVec;
    const int count = n - first < kVec ? static_cast<int>(n - first) : kVec;
    uint32_t coord[kMaxBroadcastRank];
    p.index.Coords(first, coord);
    float acc[kVec] = {};  // the previous instruction's result
    for (int i = 0; i < p.program.num_instrs; ++i) {
      const PwInstr in = p.program.code[i];
      if (in.op == static_cast<uint8_t>(PointwiseOp::kInput))
        LoadInput<T, kVec>(p, in.a.index, coord, count, acc);
      else if (in.op == static_cast<uint8_t>(PointwiseOp::kConstant))
        Fetch<kVec>(in.a, acc, smem, p.program.constants, acc);
      else
        Execute<kVec>(in, acc, smem, p.program.constants);
      if (in.store_slot != kPointwiseNoSlot) StoreSlot<kVec>(smem, in.store_slot, acc);
    }
    T y[kVec];
#pragma unroll
    for (int j = 0; j < kVec; ++j) y[j] = FromFloat<T>(acc[j]);
    StoreChunk<kVec>(static_cast<T*>(p.ptrs.out), first, count, y);
  }
}

// launchers

// Whether chunks of `chunk` outputs fit the index's rows and the pointers' alignment (the output
// and every input that walks the rows).
bool CanRunChunks(const PointwiseParams& p, int chunk, int element_bytes) {
  if (chunk == 1) return true;
  if (p.index.ChunkWidth(chunk) != chunk) return false;
  const int bytes = VectorAlignment(element_bytes, chunk);
  if (!IsAligned(p.ptrs.out, bytes)) return false;
  for (int k = 0; k < p.index.num_inputs; ++k)
    if (p.index.step(k) != 0 && !IsAligned(p.ptrs.in[k], bytes)) return false;
  return true;
}

template <typename T, int kVec>
cudaError_t LaunchChunks(const PointwiseParams& params, cudaStream_t stream) {
  const size_t smem = static_cast<size_t>(params.program.num_slots) * kVec * sizeof(float) * kPointwiseThreads;
  const unsigned grid = GridFor((int64_t{params.index.numel} + kVec - 1) / kVec, kPointwiseThreads);
  PointwiseKernel<T, kVec><<<grid, kPointwiseThreads, smem, stream>>>(params);
  return cudaGetLastError();
}

template <typename T>
cudaError_t RunPointwise(const PointwiseParams& params, int chunk, cudaStream_t stream) {
  if (!CanRunChunks(params, chunk, static_cast<int>(sizeof(T)))) chunk = 1;
  switch (chunk) {
    case 8:
      return LaunchChunks<T, 8>(params, stream);
    case 4:
      return LaunchChunks<T, 4>(params, stream);
    case 2:
      return LaunchChunks<T, 2>(params, stream);
    default:
      return LaunchChunks<T, 1>(params, stream);
  }
}

}  // namespace

cudaError_t LaunchPointwise(DType dtype, const PointwiseKernelProgram& program, const PointwiseIndex& index,
                            const PointwisePointers& ptrs, int chunk, cudaStream_t stream) {
  if (index.numel == 0) return cudaSuccess;
  if (program.num_instrs <= 0 || program.num_instrs > kPointwiseMaxInstrs || program.num_slots < 0 ||
      program.num_slots > kPointwiseMaxSlots)
    return cudaErrorInvalidValue;
  for (int i = 0; i < program.num_instrs; ++i)  // the kernel traps on an opcode outside the table
    if (program.code[i].op >= kNumPointwiseOps) return cudaErrorInvalidValue;
  const PointwiseParams params{program, index, ptrs};
  switch (dtype) {
    case DType::kF32:
      return RunPointwise<float>(params, chunk, stream);
    case DType::kF16:
      return RunPointwise<__half>(params, chunk, stream);
    case DType::kBF16:
      return RunPointwise<__nv_bfloat16>(params, chunk, stream);
    default:
      return cudaErrorNotSupported;
  }
}

}  // namespace mrt::gpu
