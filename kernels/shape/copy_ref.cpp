#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status CopyInput0(RefContext& c) { return Status::Error("reference kernel CopyInput0 is not implemented yet"); }

Status Dropout(RefContext& c) { return Status::Error("reference kernel Dropout is not implemented yet"); }

}  // namespace mrt::ref
