// Recognising an activation applied to a value, in the forms exporters (PyTorch, paddle2onnx)
// write it, for fuse_conv_gemm_epilogue (fuse_epilogue.cpp). Used by that pass only.
#pragma once

#include <optional>
#include <vector>

#include "ir/activation.h"
#include "ir/graph.h"

namespace mrt {

struct ActivationMatch {
  ActivationSpec spec;
  ValueId output = kNoValue;  // the value holding activation(x)
  std::vector<NodeId> nodes;  // the nodes computing it, in graph order; nothing else reads their outputs
};

// The activation that the readers of x compute, when x's readers are exactly one of these
// patterns (x itself must not be a graph output; the caller checks shapes and dtypes):
//   Relu, LeakyRelu, Sigmoid, HardSigmoid, Tanh, HardSwish, Mish     the op itself
//   Clip(x, min?, max?)            constant bounds; an absent one is -inf / +inf
//   SiLU       x * Sigmoid(x)
//   HardSwish  x * HardSigmoid(x) (alpha 1/6, beta 1/2), x * Clip(x + 3, 0, 6) / 6 (or * 1/6,
//              the division before or after the product)
//   Mish       x * Tanh(Softplus(x))
//   Gelu       x * 0.5 * (1 + Erf(x / sqrt(2))) (or x * 1/sqrt(2)), the 0.5 applied to the
//              product, to x or to (1 + Erf)
// Constants must match within 1e-6 relative; Mul and Add operands may come in either order.
std::optional<ActivationMatch> MatchActivation(const Graph& graph, ValueId x);

}  // namespace mrt
