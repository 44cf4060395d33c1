// Reference kernel of Softmax and LogSoftmax (opset-13 semantics: one axis, default -1).
// Viewing x as [outer, n, inner] around the axis, each of the outer*inner slices of n elements
// is normalized on its own, with its maximum m subtracted first so no exp overflows:
//   Softmax     y_j = e^(x_j - m) / sum_k e^(x_k - m)
//   LogSoftmax  y_j = (x_j - m) - ln(sum_k e^(x_k - m))
// Exponentials are computed in the dtype's compute type (float for f32/f16/bf16, double for
// f64) and summed in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ir/infer_context.h"
#include "kernels/common/parallel.h"
#include "kernels/elementwise/dtype_dispatch.h"
#include "kernels/reduce/reduce_layout.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using ew::DTypeTraits;
using reduce::AxisLayout;

template <DType D>
void NormalizeSlice(const typename DTypeTraits<D>::Storage* x, typename DTypeTraits<D>::Storage* y, const AxisLayout& s,
                    bool log_softmax, std::vector<typename DTypeTraits<D>::Compute>& buffer) {
  using Tr = DTypeTraits<D>;
  using C = typename Tr::Compute;
  C m = -std::numeric_limits<C>::infinity();
  for (int64_t j = 0; j < s.n; ++j) {
    const C v = Tr::Load(x[j * s.inner]);
    if (v > m || v != v) m = v;
  }
  // buffer holds x - m for LogSoftmax and e^(x - m) for Softmax.
  double sum = 0;
  for (int64_t j = 0; j < s.n; ++j) {
    const C shifted = Tr::Load(x[j * s.inner]) - m;
    const C e = std::exp(shifted);
    buffer[j] = log_softmax ? shifted : e;
    sum += static_cast<double>(e);
  }
  if (log_softmax) {
    const auto log_sum = static_cast<C>(std::log(sum));
    for (int64_t j = 0; j < s.n; ++j) y[j * s.inner] = Tr::Store(buffer[j] - log_sum);
  } else {
    for (int64_t j = 0; j < s.n; ++j) y[j * s.inner] = Tr::Store(static_cast<C>(buffer[j] / sum));
  }
}

template <DType D>
Status SoftmaxOfType(const TensorView& in, const TensorView& out, const AxisLayout& s, bool log_softmax) {
  using Tr = DTypeTraits<D>;
  const auto* x = in.as<const typename Tr::Storage>();
  auto* y = out.as<typename Tr::Storage>();
  const int64_t grain = std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(s.n, 1));
  ParallelFor(s.num_slices(), grain, [&](int64_t begin, int64_t end) {
    std::vector<typename Tr::Compute> buffer(static_cast<size_t>(s.n));
    for (int64_t i = begin; i < end; ++i) {
      const int64_t base = s.SliceBase(i);
      NormalizeSlice<D>(x + base, y + base, s, log_softmax, buffer);
    }
  });
  return Status::Ok();
}

}  // namespace

Status Softmax(RefContext& c) {
  const TensorView &in = c.inputs[0], &out = c.outputs[0];
  if (out.dtype != in.dtype || out.sizes != in.sizes)
    return Status::Errorf("output is {}{} but the input is {}{}", DTypeName(out.dtype), SizesToString(out.sizes),
                          DTypeName(in.dtype), SizesToString(in.sizes));
  const auto rank = static_cast<int64_t>(in.rank());
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", -1), rank));
  const AxisLayout s = AxisLayout::Around(in.sizes, axis);
  const bool log_softmax = c.node.op == OpKind::kLogSoftmax;
  return ew::VisitDType<ew::kFloatTypes>(
      in.dtype, [&](auto tag) { return SoftmaxOfType<decltype(tag)::value>(in, out, s, log_softmax); });
}

}  // namespace mrt::ref
