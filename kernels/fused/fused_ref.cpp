// Reference FusedConv and FusedGemm: the plain Conv / Gemm reference kernels, then the epilogue
//   y = post_activation(activation(y) + Z)
// applied elementwise in f32 with ApplyActivation (ir/activation.h), the one formula every GPU
// epilogue uses too. The bias is already in y: it is Conv's B / Gemm's C.
// For f16 / bf16 / f64 outputs the Conv / Gemm result is rounded to the output dtype first, then
// the epilogue runs in f32 and rounds again (a GPU epilogue keeps y in f32 in between: the
// difference is one rounding of the output dtype).
// channels_last = 1: Conv handles the NHWC X and Y; Z is NHWC like Y, so the elementwise epilogue
// needs no change.
#include <optional>

#include "ir/activation.h"
#include "kernels/common/float_io.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

// y = post(act(y) + z) in place; z (same numel as y) may be absent.
Status ApplyEpilogue(const RefContext& c, const TensorView& y, const TensorView* z) {
  const ActivationSpec act = ReadActivation(c.attrs(), "activation");
  const ActivationSpec post = ReadActivation(c.attrs(), "post_activation");
  if (act.kind == Activation::kNone && post.kind == Activation::kNone && z == nullptr) return Status::Ok();
  if (z != nullptr && z->numel() != y.numel())
    return Status::Errorf("residual Z has {} elements but the output has {}", z->numel(), y.numel());
  F32Input in(y);  // a copy unless y is f32 (then it aliases y, read before written element by element)
  F32Output out(y);
  std::optional<F32Input> residual;
  if (z != nullptr) residual.emplace(*z);
  float* dst = out.data();
  const int64_t n = y.numel();
  for (int64_t i = 0; i < n; ++i) {
    float v = ApplyActivation(act, in[i]);
    if (residual) v += (*residual)[i];
    dst[i] = ApplyActivation(post, v);
  }
  out.Commit();
  return Status::Ok();
}

const TensorView* ResidualOf(const RefContext& c) { return c.has_input(3) ? &c.inputs[3] : nullptr; }

}  // namespace

Status FusedConv(RefContext& c) {
  RefContext conv{c.node, {c.inputs[0], c.inputs[1], c.has_input(2) ? c.inputs[2] : TensorView{}}, {c.outputs[0]}};
  MRT_RETURN_IF_ERROR(Conv(conv));
  return ApplyEpilogue(c, c.outputs[0], ResidualOf(c));
}

Status FusedGemm(RefContext& c) {
  TensorView a = c.inputs[0];
  if (c.attrs().GetInt("flatten_a", 0) != 0) {
    // Flatten(axis=1): [d0, d1, ...] is read as [d0, d1 * d2 * ...], the same bytes.
    if (a.rank() < 2) return Status::Errorf("flatten_a needs A of rank >= 2, got {}", SizesToString(a.sizes));
    const std::vector<int64_t> rest(a.sizes.begin() + 1, a.sizes.end());
    a.sizes = {a.sizes[0], Numel(rest)};
  }
  RefContext gemm{c.node, {a, c.inputs[1], c.has_input(2) ? c.inputs[2] : TensorView{}}, {c.outputs[0]}};
  MRT_RETURN_IF_ERROR(Gemm(gemm));
  return ApplyEpilogue(c, c.outputs[0], ResidualOf(c));
}

}  // namespace mrt::ref
