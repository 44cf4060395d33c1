#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

Status Dropout(InferContext& c) { return c.Error("shape inference for Dropout is not implemented yet"); }

Status Flatten(InferContext& c) { return c.Error("shape inference for Flatten is not implemented yet"); }

Status Reshape(InferContext& c) { return c.Error("shape inference for Reshape is not implemented yet"); }

Status Squeeze(InferContext& c) { return c.Error("shape inference for Squeeze is not implemented yet"); }

Status Unsqueeze(InferContext& c) { return c.Error("shape inference for Unsqueeze is not implemented yet"); }

Status Transpose(InferContext& c) { return c.Error("shape inference for Transpose is not implemented yet"); }

Status Concat(InferContext& c) { return c.Error("shape inference for Concat is not implemented yet"); }

Status Split(InferContext& c) { return c.Error("shape inference for Split is not implemented yet"); }

Status Slice(InferContext& c) { return c.Error("shape inference for Slice is not implemented yet"); }

Status Expand(InferContext& c) { return c.Error("shape inference for Expand is not implemented yet"); }

Status Tile(InferContext& c) { return c.Error("shape inference for Tile is not implemented yet"); }

Status Gather(InferContext& c) { return c.Error("shape inference for Gather is not implemented yet"); }

Status ShapeOf(InferContext& c) { return c.Error("shape inference for ShapeOf is not implemented yet"); }

Status ConstantOfShape(InferContext& c) { return c.Error("shape inference for ConstantOfShape is not implemented yet"); }

Status Range(InferContext& c) { return c.Error("shape inference for Range is not implemented yet"); }

Status Pad(InferContext& c) { return c.Error("shape inference for Pad is not implemented yet"); }

}  // namespace mrt::infer
