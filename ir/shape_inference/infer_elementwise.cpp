#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

Status SameAsInput0(InferContext& c) {
  c.SetOutput(0, c.dtype(0), c.shape(0));
  return Status::Ok();
}

Status Broadcast(InferContext& c) {
  Shape out = c.shape(0);
  for (size_t i = 1; i < c.num_inputs(); ++i) {
    if (c.dtype(i) != c.dtype(0) && c.node().op != OpKind::kPow && c.node().op != OpKind::kPRelu)
      return c.Error("input {} is {} but input 0 is {}; both must have one dtype", i, DTypeName(c.dtype(i)),
                     DTypeName(c.dtype(0)));
    MRT_ASSIGN_OR_RETURN(out, BroadcastShapes(out, c.shape(i)));
  }
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

Status Comparison(InferContext& c) { return c.Error("shape inference for Comparison is not implemented yet"); }

Status Where(InferContext& c) { return c.Error("shape inference for Where is not implemented yet"); }

Status Cast(InferContext& c) { return c.Error("shape inference for Cast is not implemented yet"); }

}  // namespace mrt::infer
