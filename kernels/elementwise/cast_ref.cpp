#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Cast(RefContext& c) { return Status::Error("reference kernel Cast is not implemented yet"); }

}  // namespace mrt::ref
