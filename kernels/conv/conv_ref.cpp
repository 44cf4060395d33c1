#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Conv(RefContext& c) { return Status::Error("reference kernel Conv is not implemented yet"); }

Status ConvTranspose(RefContext& c) { return Status::Error("reference kernel ConvTranspose is not implemented yet"); }

}  // namespace mrt::ref
