// The expression program of a Pointwise node: a fused chain (or tree) of elementwise ops that one
// kernel evaluates per output element, reading each input once and writing the output once.
//
// A Pointwise node has N inputs, numpy-broadcast against each other like Add's, and one output
// with the broadcast shape and the inputs' (common) float dtype. Its attributes hold
//   program    ints: one instruction per group of kPointwiseInstrWidth = 4: {opcode, a, b, c}
//   constants  floats: the program's scalar constants
// Registers: instruction i writes register i; its operands a, b, c are registers written earlier
// (-1 where the opcode takes fewer). Two opcodes load instead: kInput (a = input index) and
// kConstant (a = constants index). The result is the last register. Parametric activations take
// their parameters as operands, so LeakyRelu(x) with alpha 0.1 is LeakyRelu(r_x, r_0.1).
//
// Worked example: y = x * Sigmoid(x) * 0.5 + bias, inputs in0 = x [N,C,H,W], in1 = bias [C,1,1]
//   program   = [0,0,-1,-1,   r0 = in0
//                3,0,-1,-1,   r1 = Sigmoid(r0)
//                30,0,1,-1,   r2 = r0 * r1
//                1,0,-1,-1,   r3 = constants[0]
//                30,2,3,-1,   r4 = r2 * r3
//                0,1,-1,-1,   r5 = in1
//                28,4,5,-1]   r6 = r4 + r5     (the result)
//   constants = [0.5]
//   ToString:   "in0 * Sigmoid(in0) * 0.5 + in1"
//
// Every implementation (the reference kernel, CUDA kernels) computes in f32 for f16/bf16/f32 data
// (f64 in double) with EvalPointwise (ir/pointwise_formulas.h, the opcode table), so they agree on
// the formula of each opcode. Opcode numbers are stored in plans: append new ones, never renumber.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/pointwise_formulas.h"  // PointwiseOp and EvalPointwise*
#include "ir/status.h"

namespace mrt {

class Attributes;

struct PointwiseInstr {
  PointwiseOp op = PointwiseOp::kInput;
  int32_t a = -1, b = -1, c = -1;
  bool operator==(const PointwiseInstr&) const = default;
};

struct PointwiseProgram {
  std::vector<PointwiseInstr> code;
  std::vector<float> constants;
  int32_t result() const { return static_cast<int32_t>(code.size()) - 1; }
  bool operator==(const PointwiseProgram&) const = default;
};

std::string_view PointwiseOpName(PointwiseOp op);  // "Relu", "Add", "Input", ...; "?" for no opcode
// (PointwiseOperandCount and PointwiseClassOf come with the opcode table, ir/pointwise_formulas.h.)

// Checks opcodes, that operands name earlier registers (and unused ones are -1), and that loads
// index existing inputs (< num_inputs) and constants. The error names the instruction.
Status ValidatePointwiseProgram(const PointwiseProgram& p, size_t num_inputs);
// Attributes "program" and "constants" <-> a program (Read validates it).
void WritePointwiseProgram(Attributes& attrs, const PointwiseProgram& p);
Expected<PointwiseProgram> ReadPointwiseProgram(const Attributes& attrs, size_t num_inputs);

// The readable form used in logs and dumps: "in0 * Sigmoid(in0) * 0.5 + in1". Infix for + - * /
// (left-associative, parentheses where the evaluation order needs them), calls for the rest;
// constants print by value. A computed register read more than once is named once:
// "r2 = in0 + in1; r2 * Sigmoid(r2)".
std::string ToString(const PointwiseProgram& p);

// Builds a program, loading each input and each distinct constant once.
class PointwiseBuilder {
 public:
  int32_t Input(int32_t index);
  int32_t Constant(float value);
  int32_t Op(PointwiseOp op, int32_t a, int32_t b = -1, int32_t c = -1);
  const PointwiseProgram& program() const { return program_; }
  PointwiseProgram Take() { return std::move(program_); }

 private:
  int32_t Emit(PointwiseInstr instr);
  PointwiseProgram program_;
};

}  // namespace mrt
