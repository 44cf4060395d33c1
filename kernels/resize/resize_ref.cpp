#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Resize(RefContext& c) { return Status::Error("reference kernel Resize is not implemented yet"); }

}  // namespace mrt::ref
