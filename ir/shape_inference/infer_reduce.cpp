#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

Status Softmax(InferContext& c) { return c.Error("shape inference for Softmax is not implemented yet"); }

Status Reduce(InferContext& c) { return c.Error("shape inference for Reduce is not implemented yet"); }

Status ArgReduce(InferContext& c) { return c.Error("shape inference for ArgReduce is not implemented yet"); }

Status TopK(InferContext& c) { return c.Error("shape inference for TopK is not implemented yet"); }

}  // namespace mrt::infer
