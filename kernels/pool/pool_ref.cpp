#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status MaxPool(RefContext& c) { return Status::Error("reference kernel MaxPool is not implemented yet"); }

Status AveragePool(RefContext& c) { return Status::Error("reference kernel AveragePool is not implemented yet"); }

Status GlobalAveragePool(RefContext& c) { return Status::Error("reference kernel GlobalAveragePool is not implemented yet"); }

Status GlobalMaxPool(RefContext& c) { return Status::Error("reference kernel GlobalMaxPool is not implemented yet"); }

}  // namespace mrt::ref
