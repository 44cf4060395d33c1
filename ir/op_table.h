// The op table: one row per OpKind with its name, shape inference and traits. Reference kernels
// live in kernels/reference (ir/ knows nothing of kernels) in a second table indexed the same way.
#pragma once

#include <optional>
#include <string_view>

#include "ir/infer_context.h"
#include "ir/op_kind.h"

namespace mrt {

// What passes may assume about an op.
enum OpTrait : uint32_t {
  kTraitNone = 0,
  kTraitElementwise = 1u << 0,     // out[i] depends on in[i] only (after broadcasting)
  kTraitActivation = 1u << 1,      // unary, may be fused into a Conv/Gemm epilogue
  kTraitQuantizable = 1u << 2,     // has an INT8 implementation path (Conv, Gemm, MatMul, ...)
  kTraitView = 1u << 3,            // output aliases input 0's bytes (Reshape, Flatten, ...)
  kTraitShapeOnly = 1u << 4,       // output depends on input shapes only (Shape)
  kTraitNondeterministic = 1u << 5, // never constant-folded (none yet; RandomNormal would be)
  kTraitInternal = 1u << 6          // made by the optimizer; not an ONNX op, never imported
};

struct OpInfo {
  OpKind kind;
  std::string_view name;  // ONNX op_type for ONNX ops
  InferShapeFn infer;
  uint32_t traits;
  int min_inputs, max_inputs;    // max -1: variadic
  int min_outputs, max_outputs;
};

const OpInfo& GetOpInfo(OpKind kind);
std::string_view OpName(OpKind kind);
std::optional<OpKind> OpKindFromName(std::string_view name);
inline bool HasTrait(OpKind kind, OpTrait t) { return (GetOpInfo(kind).traits & t) != 0; }

}  // namespace mrt
