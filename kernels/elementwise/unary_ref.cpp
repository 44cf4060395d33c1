#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Unary(RefContext& c) { return Status::Error("reference kernel Unary is not implemented yet"); }

}  // namespace mrt::ref
