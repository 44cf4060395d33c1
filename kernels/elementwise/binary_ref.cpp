#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Binary(RefContext& c) { return Status::Error("reference kernel Binary is not implemented yet"); }

Status Variadic(RefContext& c) { return Status::Error("reference kernel Variadic is not implemented yet"); }

Status Clip(RefContext& c) { return Status::Error("reference kernel Clip is not implemented yet"); }

Status Where(RefContext& c) { return Status::Error("reference kernel Where is not implemented yet"); }

}  // namespace mrt::ref
