// Pointwise(in0, in1, ...): a fused elementwise expression (ir/pointwise_program.h).
// Inputs numpy-broadcast against each other like Add's and share one float dtype; the output has
// the broadcast shape and that dtype. The program must be valid for the node's input count.
#include "ir/pointwise_program.h"
#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

Status Pointwise(InferContext& c) {
  if (c.num_inputs() == 0) return c.Error("Pointwise needs at least one input");
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    if (!c.has_input(i)) return c.Error("input {} is absent; every Pointwise input is required", i);
    if (!IsFloat(c.dtype(i))) return c.Error("input {} is {}; Pointwise takes float inputs", i, DTypeName(c.dtype(i)));
    if (c.dtype(i) != c.dtype(0))
      return c.Error("input {} is {} but input 0 is {}", i, DTypeName(c.dtype(i)), DTypeName(c.dtype(0)));
  }
  MRT_RETURN_IF_ERROR(ReadPointwiseProgram(c.attrs(), c.num_inputs()).status());
  Shape out = c.shape(0);
  for (size_t i = 1; i < c.num_inputs(); ++i) {
    MRT_ASSIGN_OR_RETURN(out, BroadcastShapes(out, c.shape(i)));
  }
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

}  // namespace mrt::infer
