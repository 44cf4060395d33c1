#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Reduce(RefContext& c) { return Status::Error("reference kernel Reduce is not implemented yet"); }

Status ArgReduce(RefContext& c) { return Status::Error("reference kernel ArgReduce is not implemented yet"); }

Status TopK(RefContext& c) { return Status::Error("reference kernel TopK is not implemented yet"); }

}  // namespace mrt::ref
