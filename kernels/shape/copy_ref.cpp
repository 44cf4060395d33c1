// Ops whose output holds input 0's bytes unchanged: Identity, Flatten, Reshape, Squeeze,
// Unsqueeze (a new shape over the same row-major elements), and Dropout at inference.
#include <cstring>

#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

Status CopyBytes(const TensorView& in, const TensorView& out) {
  if (in.dtype != out.dtype || in.numel() != out.numel())
    return Status::Errorf("output {}{} does not hold the input {}{} element for element", DTypeName(out.dtype),
                          SizesToString(out.sizes), DTypeName(in.dtype), SizesToString(in.sizes));
  if (in.nbytes() > 0 && in.data != out.data) std::memcpy(out.data, in.data, in.nbytes());
  return Status::Ok();
}

}  // namespace

Status CopyInput0(RefContext& c) { return CopyBytes(c.inputs[0], c.outputs[0]); }

// Dropout at inference is the identity and its mask is all true. Training mode (input 2) with a
// non-zero ratio (input 1, default 0.5) would draw random numbers; mini-rt runs inference only.
Status Dropout(RefContext& c) {
  const bool training = c.has_input(2) && LoadAsDouble(c.inputs[2], 0) != 0.0;
  const double ratio = c.has_input(1) ? LoadAsDouble(c.inputs[1], 0) : 0.5;
  if (training && ratio != 0.0)
    return Status::Errorf("training_mode Dropout with ratio {} is random; only inference (or ratio 0) is supported",
                          ratio);
  MRT_RETURN_IF_ERROR(CopyBytes(c.inputs[0], c.outputs[0]));
  if (c.outputs.size() > 1) {
    const TensorView& mask = c.outputs[1];
    if (mask.dtype != DType::kBool)
      return Status::Errorf("the mask output must be bool, not {}", DTypeName(mask.dtype));
    if (mask.numel() > 0) std::memset(mask.data, 1, static_cast<size_t>(mask.numel()));
  }
  return Status::Ok();
}

}  // namespace mrt::ref
