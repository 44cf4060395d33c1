// Which Pointwise opcode computes each ONNX elementwise op, and which of the op's attributes
// become the opcode's parameter operands (with their ONNX defaults, ir/elementwise_formulas.h).
// One table (pointwise_lowering.cpp), read by everything that evaluates these ops through the
// opcode formulas: the reference kernels (kernels/elementwise/unary_ref.cpp, binary_ref.cpp), the
// CUDA elementwise tactics, fuse_pointwise and fuse_conv_gemm_epilogue. So a new unary op is one
// row here, not one case in each of them.
//
// Operands of the opcode, in order: the op's first `inputs` tensor inputs, then its parameters:
//   Relu(x)                       kRelu(x)
//   LeakyRelu(x) {alpha}          kLeakyRelu(x, alpha)
//   HardSigmoid(x) {alpha, beta}  kHardSigmoid(x, alpha, beta)
//   PRelu(x, slope)               kPRelu(x, slope)
// Not in the table (each has its own code): Clip (bounds are inputs), Max/Min/Sum/Mean (any
// number of inputs), Not (bool), comparisons, Where, Cast.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ir/op_kind.h"
#include "ir/pointwise_formulas.h"
#include "ir/status.h"

namespace mrt {

class Attributes;

struct FormulaParam {
  std::string_view attr;  // empty: no parameter
  float default_value = 0.f;
};

struct PointwiseLowering {
  OpKind op;
  PointwiseOp opcode;
  FormulaParam params[2];  // operands b [and c] after the inputs
  constexpr int num_params() const { return params[0].attr.empty() ? 0 : (params[1].attr.empty() ? 1 : 2); }
  constexpr int inputs() const { return PointwiseOperandCount(opcode) - num_params(); }
};

// The row of `op`; nullptr when no single opcode computes it.
const PointwiseLowering* FindPointwiseLowering(OpKind op);
std::span<const PointwiseLowering> PointwiseLowerings();

// The parameter operands of a node of row `row` (b, c; 0 where absent), defaults filled in.
struct FormulaParams {
  float b = 0.f, c = 0.f;
};
FormulaParams ReadFormulaParams(const PointwiseLowering& row, const Attributes& attrs);
// Parameters the formula is undefined for (Celu with alpha 0): the error names the attribute.
Status CheckFormulaParams(const PointwiseLowering& row, const FormulaParams& params);

}  // namespace mrt
