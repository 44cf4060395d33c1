#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Gemm(RefContext& c) { return Status::Error("reference kernel Gemm is not implemented yet"); }

Status MatMul(RefContext& c) { return Status::Error("reference kernel MatMul is not implemented yet"); }

}  // namespace mrt::ref
