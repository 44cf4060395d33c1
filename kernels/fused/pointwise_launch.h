// Launcher of the Pointwise interpreter kernel (pointwise.cu), in plain C++ for the tactic
// (pointwise_tactics_cuda.cpp), and the compact form of the program the kernel interprets.
//
// The IR's program (ir/pointwise_program.h) is SSA: instruction i writes register i. The kernel
// cannot keep 64 registers per element in hardware registers (a register array indexed at run
// time lives in local memory), so the host lowers the program first:
//   - constants become operands (kConstant) instead of instructions;
//   - every instruction leaves its result in an accumulator (hardware registers, kVec values),
//     so an operand that is the previous instruction's result reads the accumulator (kAcc);
//   - a result read later than by the next instruction is also stored in a slot (kSlot) of
//     per-thread shared memory; slots are reused once their value is dead (linear scan), so
//     even long programs need only a few.
// A chain such as in0 * Sigmoid(in0) * 0.5 + in1 then touches shared memory twice per element.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ir/dtype.h"
#include "kernels/gpu/broadcast_indexer.cuh"

namespace mrt::gpu {

inline constexpr int kPointwiseMaxInstrs = 64;  // after lowering
inline constexpr int kPointwiseMaxConstants = 64;
inline constexpr int kPointwiseMaxInputs = 16;
inline constexpr int kPointwiseMaxSlots = 12;  // 12 slots x 8 floats x 128 threads = 48 KiB
inline constexpr int kPointwiseThreads = 128;
inline constexpr uint8_t kPointwiseNoSlot = 0xFF;

enum class PwOperandKind : uint8_t { kNone = 0, kAcc = 1, kSlot = 2, kConstant = 3 };

struct PwOperand {
  PwOperandKind kind = PwOperandKind::kNone;
  uint8_t index = 0;  // slot or constant index
};

// op: a PointwiseOp. kInput: a.index is the input; kConstant (only when the result itself is a
// constant): a is the constant. store_slot: where the result is kept for later (or kNoSlot).
struct PwInstr {
  uint8_t op = 0;
  uint8_t store_slot = kPointwiseNoSlot;
  PwOperand a, b, c;
};

struct PointwiseKernelProgram {
  int32_t num_instrs = 0;
  int32_t num_slots = 0;
  PwInstr code[kPointwiseMaxInstrs];
  float constants[kPointwiseMaxConstants] = {};
};

using PointwiseIndex = BroadcastIndex<kPointwiseMaxInputs>;

struct PointwisePointers {
  const void* in[kPointwiseMaxInputs] = {};
  void* out = nullptr;
};

// Outputs per thread of the interpreter's vector kernels: 8 (32 bytes of f32, 16 of f16), or
// 4 or 2 when the rows of a broadcast index are not a multiple of 8 (PointwiseIndex::ChunkWidth).
inline constexpr int kPointwiseMaxChunk = 8;

// Runs the program over every output element for f32, f16 and bf16 (computing in float), with
// `chunk` (8, 4, 2 or 1) outputs per thread; a chunk wider than the index allows, or pointers
// misaligned for it, fall back to one output per thread.
cudaError_t LaunchPointwise(DType dtype, const PointwiseKernelProgram& program, const PointwiseIndex& index,
                            const PointwisePointers& ptrs, int chunk, cudaStream_t stream);

}  // namespace mrt::gpu
