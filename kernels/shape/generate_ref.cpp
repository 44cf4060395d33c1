#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status ShapeOf(RefContext& c) { return Status::Error("reference kernel ShapeOf is not implemented yet"); }

Status ConstantOfShape(RefContext& c) { return Status::Error("reference kernel ConstantOfShape is not implemented yet"); }

Status Range(RefContext& c) { return Status::Error("reference kernel Range is not implemented yet"); }

}  // namespace mrt::ref
