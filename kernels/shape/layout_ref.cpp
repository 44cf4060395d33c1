#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

Status Transpose(RefContext& c) { return Status::Error("reference kernel Transpose is not implemented yet"); }

Status Concat(RefContext& c) { return Status::Error("reference kernel Concat is not implemented yet"); }

Status Split(RefContext& c) { return Status::Error("reference kernel Split is not implemented yet"); }

Status Slice(RefContext& c) { return Status::Error("reference kernel Slice is not implemented yet"); }

Status Expand(RefContext& c) { return Status::Error("reference kernel Expand is not implemented yet"); }

Status Tile(RefContext& c) { return Status::Error("reference kernel Tile is not implemented yet"); }

Status Gather(RefContext& c) { return Status::Error("reference kernel Gather is not implemented yet"); }

Status Pad(RefContext& c) { return Status::Error("reference kernel Pad is not implemented yet"); }

Status DepthToSpace(RefContext& c) { return Status::Error("reference kernel DepthToSpace is not implemented yet"); }

Status SpaceToDepth(RefContext& c) { return Status::Error("reference kernel SpaceToDepth is not implemented yet"); }

}  // namespace mrt::ref
