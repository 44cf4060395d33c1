// The CPU reference backend's kernel interface. A reference kernel is the specification of its op:
// plain loops, written to be read, checked by hand-made unit tests and the ONNX conformance
// suite, and used as the oracle every GPU kernel is tested against.
#pragma once

#include <vector>

#include "ir/graph.h"

namespace mrt {

struct RefContext {
  const Node& node;
  std::vector<TensorView> inputs;   // absent optional inputs have dtype kUndefined
  std::vector<TensorView> outputs;  // allocated by the caller with the inferred shapes
  const Attributes& attrs() const { return node.attrs; }
  bool has_input(size_t i) const { return i < inputs.size() && inputs[i].present(); }
};

using RefKernelFn = Status (*)(RefContext&);

// The reference kernel of an op (a second table indexed like the op table in ir/).
RefKernelFn GetReferenceKernel(OpKind kind);

}  // namespace mrt
