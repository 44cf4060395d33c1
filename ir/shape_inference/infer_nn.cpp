#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

Status Conv(InferContext& c) { return c.Error("shape inference for Conv is not implemented yet"); }

Status ConvTranspose(InferContext& c) { return c.Error("shape inference for ConvTranspose is not implemented yet"); }

Status Gemm(InferContext& c) { return c.Error("shape inference for Gemm is not implemented yet"); }

Status MatMul(InferContext& c) { return c.Error("shape inference for MatMul is not implemented yet"); }

Status BatchNormalization(InferContext& c) { return c.Error("shape inference for BatchNormalization is not implemented yet"); }

Status InstanceNormalization(InferContext& c) { return c.Error("shape inference for InstanceNormalization is not implemented yet"); }

Status LayerNormalization(InferContext& c) { return c.Error("shape inference for LayerNormalization is not implemented yet"); }

Status Pool(InferContext& c) { return c.Error("shape inference for Pool is not implemented yet"); }

Status GlobalPool(InferContext& c) { return c.Error("shape inference for GlobalPool is not implemented yet"); }

}  // namespace mrt::infer
