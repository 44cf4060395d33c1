// Shape inference of the elementwise ops: unary ops and Clip keep their input's dtype and shape;
// the broadcasting ops (numpy rules, see BroadcastShapes) give the broadcast shape, with input 0's
// dtype for arithmetic and bool for comparisons and logic; Where broadcasts all three inputs;
// Cast keeps the shape and takes the dtype named by `to`.
#include "ir/op_table.h"
#include "ir/shape_inference/infer_fns.h"

namespace mrt::infer {

namespace {

Status CheckSameDType(InferContext& c, size_t i, size_t j) {
  if (c.dtype(i) != c.dtype(j))
    return c.Error("input {} is {} but input {} is {}; both must have one dtype", i, DTypeName(c.dtype(i)), j,
                   DTypeName(c.dtype(j)));
  return Status::Ok();
}

// Clip's optional min (input 1) and max (input 2) are scalars of x's dtype.
Status CheckClipBounds(InferContext& c) {
  for (size_t i = 1; i < 3; ++i) {
    if (!c.has_input(i)) continue;
    MRT_RETURN_IF_ERROR(CheckSameDType(c, i, 0));
    const auto numel = c.shape(i).numel();
    if (numel && *numel != 1)
      return c.Error("input {} ({}) must be a scalar, not shape {}", i, i == 1 ? "min" : "max", c.shape(i).ToString());
  }
  return Status::Ok();
}

// PRelu's slope broadcasts to X one way only: the output must keep X's shape.
Status CheckSlopeFitsX(InferContext& c, const Shape& out) {
  const Shape& x = c.shape(0);
  if (out.unknown_rank() || x.unknown_rank()) return Status::Ok();
  bool fits = out.rank() == x.rank();
  for (size_t d = 0; fits && d < x.rank(); ++d) fits = !x[d].is_static() || !out[d].is_static() || x[d] == out[d];
  if (!fits) return c.Error("slope {} does not broadcast to X's shape {}", c.shape(1).ToString(), x.ToString());
  return Status::Ok();
}

}  // namespace

Status SameAsInput0(InferContext& c) {
  if (c.node().op == OpKind::kClip) MRT_RETURN_IF_ERROR(CheckClipBounds(c));
  c.SetOutput(0, c.dtype(0), c.shape(0));
  return Status::Ok();
}

// Pow's exponent may have another numeric dtype; every other op needs one dtype for all inputs.
Status Broadcast(InferContext& c) {
  Shape out = c.shape(0);
  for (size_t i = 1; i < c.num_inputs(); ++i) {
    if (c.node().op != OpKind::kPow)
      MRT_RETURN_IF_ERROR(CheckSameDType(c, i, 0));
    else if (!IsFloat(c.dtype(i)) && !IsInteger(c.dtype(i)))
      return c.Error("the exponent's dtype {} is not numeric", DTypeName(c.dtype(i)));
    MRT_ASSIGN_OR_RETURN(out, BroadcastShapes(out, c.shape(i)));
  }
  if (c.node().op == OpKind::kPRelu) MRT_RETURN_IF_ERROR(CheckSlopeFitsX(c, out));
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

Status Comparison(InferContext& c) {
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 1, 0));
  const OpKind op = c.node().op;
  const bool logic = op == OpKind::kAnd || op == OpKind::kOr || op == OpKind::kXor;
  if (logic && c.dtype(0) != DType::kBool) return c.Error("inputs must be bool, not {}", DTypeName(c.dtype(0)));
  MRT_ASSIGN_OR_RETURN(Shape out, BroadcastShapes(c.shape(0), c.shape(1)));
  c.SetOutput(0, DType::kBool, std::move(out));
  return Status::Ok();
}

Status Where(InferContext& c) {
  if (c.dtype(0) != DType::kBool) return c.Error("condition (input 0) must be bool, not {}", DTypeName(c.dtype(0)));
  MRT_RETURN_IF_ERROR(CheckSameDType(c, 2, 1));
  MRT_ASSIGN_OR_RETURN(Shape xy, BroadcastShapes(c.shape(1), c.shape(2)));
  MRT_ASSIGN_OR_RETURN(Shape out, BroadcastShapes(c.shape(0), xy));
  c.SetOutput(0, c.dtype(1), std::move(out));
  return Status::Ok();
}

Status Cast(InferContext& c) {
  if (!c.attrs().has("to")) return c.Error("attribute 'to' is missing");
  const int64_t to = c.attrs().GetInt("to");
  const DType target = to > 0 && to < 64 ? DTypeFromOnnx(static_cast<int32_t>(to)) : DType::kUndefined;
  if (target == DType::kUndefined) return c.Error("casting to ONNX type {} is not supported", to);
  if (c.dtype(0) == DType::kUndefined) return c.Error("input has no dtype");
  c.SetOutput(0, target, c.shape(0));
  return Status::Ok();
}

}  // namespace mrt::infer
