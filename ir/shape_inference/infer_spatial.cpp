#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

Status Resize(InferContext& c) { return c.Error("shape inference for Resize is not implemented yet"); }

Status DepthToSpace(InferContext& c) { return c.Error("shape inference for DepthToSpace is not implemented yet"); }

Status SpaceToDepth(InferContext& c) { return c.Error("shape inference for SpaceToDepth is not implemented yet"); }

}  // namespace mrt::infer
