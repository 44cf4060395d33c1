#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Softmax(RefContext& c) { return Status::Error("reference kernel Softmax is not implemented yet"); }

}  // namespace mrt::ref
