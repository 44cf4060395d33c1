#include "ir/shape_inference/infer_fns.h"

#include "ir/activation.h"

namespace mrt::infer {

// FusedConv(X, W, B?, Z?) and FusedGemm(A, B, C?, Z?): a Conv / Gemm with an epilogue,
//   y = post_activation(activation(Conv(X, W) + B) + Z)     (FusedGemm: alpha * A'B' + beta * C)
// The output is the Conv's / Gemm's; Z (the residual) must have exactly that shape and dtype.
// FusedGemm's flatten_a = 1 reads an A of rank >= 2 as [A.dims[0], product of the rest] (what
// Flatten(axis=1) makes), so a Flatten before the Gemm costs nothing.
namespace {

// The activation named by attribute `prefix` must be one ApplyActivation knows.
Status CheckActivationName(const InferContext& c, const std::string& prefix) {
  const std::string name = c.attrs().GetString(prefix);
  if (ActivationFromName(name)) return Status::Ok();
  return c.Error("unknown {} '{}'", prefix, name);
}

// Checks both activations and that Z (input 3), when present, matches the output exactly.
Status CheckEpilogue(const InferContext& c, DType out_dtype, const Shape& out) {
  MRT_RETURN_IF_ERROR(CheckActivationName(c, "activation"));
  MRT_RETURN_IF_ERROR(CheckActivationName(c, "post_activation"));
  if (!c.has_input(3)) return Status::Ok();
  if (c.dtype(3) != out_dtype)
    return c.Error("residual Z (input 3) is {} but the output is {}", DTypeName(c.dtype(3)), DTypeName(out_dtype));
  const Shape& z = c.shape(3);
  if (z.unknown_rank() || out.unknown_rank()) return Status::Ok();
  bool same = z.rank() == out.rank();
  for (size_t i = 0; same && i < z.rank(); ++i)
    same = !z[i].is_static() || !out[i].is_static() || z[i].size == out[i].size;
  if (!same) return c.Error("residual Z {} must have the output's shape {}", z.ToString(), out.ToString());
  return Status::Ok();
}

// A as the Gemm sees it with flatten_a: [A.dims[0], product of the other dims].
Expected<Shape> FlattenedA(const InferContext& c) {
  const Shape& a = c.shape(0);
  if (a.unknown_rank()) return Shape{Dim(), Dim()};
  if (a.rank() < 2) return c.Error("flatten_a needs A of rank >= 2, got {}", a.ToString());
  if (a.rank() == 2) return a;
  int64_t rest = 1;
  for (size_t i = 1; i < a.rank() && rest >= 0; ++i) rest = a[i].is_static() ? rest * a[i].size : -1;
  return Shape{a[0], rest >= 0 ? Dim(rest) : Dim()};
}

}  // namespace

Status FusedConv(InferContext& c) {
  MRT_RETURN_IF_ERROR(Conv(c));
  return CheckEpilogue(c, c.outputs()[0].dtype, c.outputs()[0].shape);
}

Status FusedGemm(InferContext& c) {
  if (c.dtype(0) != DType::kF32 && c.dtype(0) != DType::kF16 && c.dtype(0) != DType::kBF16 && c.dtype(0) != DType::kF64)
    return c.Error("input 0 has dtype {}; FusedGemm takes f32, f16, bf16 or f64", DTypeName(c.dtype(0)));
  if (c.attrs().GetInt("flatten_a", 0) == 0) {
    MRT_RETURN_IF_ERROR(Gemm(c));
  } else {
    // Run Gemm's inference on a context whose A is the flattened view.
    MRT_ASSIGN_OR_RETURN(Shape a, FlattenedA(c));
    std::vector<ValueInfo> inputs;
    for (size_t i = 0; i < c.num_inputs(); ++i)
      inputs.push_back(c.has_input(i) ? ValueInfo{c.dtype(i), i == 0 ? a : c.shape(i), i == 0 ? nullptr : c.value(i)}
                                      : ValueInfo{});
    InferContext gemm(c.node(), std::move(inputs), 1);
    MRT_RETURN_IF_ERROR(Gemm(gemm));
    c.SetOutput(0, gemm.outputs()[0].dtype, gemm.outputs()[0].shape);
  }
  return CheckEpilogue(c, c.outputs()[0].dtype, c.outputs()[0].shape);
}

}  // namespace mrt::infer
