#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status BatchNormalization(RefContext& c) { return Status::Error("reference kernel BatchNormalization is not implemented yet"); }

Status InstanceNormalization(RefContext& c) { return Status::Error("reference kernel InstanceNormalization is not implemented yet"); }

Status LayerNormalization(RefContext& c) { return Status::Error("reference kernel LayerNormalization is not implemented yet"); }

}  // namespace mrt::ref
