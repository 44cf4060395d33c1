// Reference kernel of TopK: the k largest (largest = 1, default) or smallest elements along
// `axis` (default -1), k from input 1 (one i64). Outputs: values, and their i64 indices along the
// axis. Ties keep the smaller index first; results are always sorted (sorted = 0 allows any
// order, so sorted order is valid too). NaN orders above every number, as in torch.topk: first
// among the largest, last among the smallest.
#include <algorithm>
#include <cmath>
#include <numeric>
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

// a comes before b in the output (a strict weak order: NaN is the greatest value).
template <typename C>
bool Precedes(C a, C b, bool largest) {
  const bool a_nan = a != a, b_nan = b != b;
  if (largest) return a_nan ? !b_nan : (!b_nan && a > b);
  return b_nan ? !a_nan : (!a_nan && a < b);
}

template <DType D>
Status TopKOfType(const TensorView& in, const TensorView& values, const TensorView& indices, const AxisLayout& s,
                  int64_t k, bool largest) {
  using Tr = DTypeTraits<D>;
  using S = typename Tr::Storage;
  const S* x = in.as<const S>();
  S* vals = values.as<S>();
  int64_t* idx = indices.as<int64_t>();
  const int64_t grain = std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(s.n, 1));
  ParallelFor(s.num_slices(), grain, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> order(static_cast<size_t>(s.n));
    for (int64_t i = begin; i < end; ++i) {
      const int64_t base = s.SliceBase(i);
      auto at = [&](int64_t j) { return Tr::Load(x[base + j * s.inner]); };
      std::iota(order.begin(), order.end(), int64_t{0});
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
        const auto va = at(a), vb = at(b);
        if (Precedes(va, vb, largest)) return true;
        if (Precedes(vb, va, largest)) return false;
        return a < b;
      });
      const int64_t out_base = (i / s.inner) * k * s.inner + i % s.inner;
      for (int64_t t = 0; t < k; ++t) {
        vals[out_base + t * s.inner] = x[base + order[t] * s.inner];
        idx[out_base + t * s.inner] = order[t];
      }
    }
  });
  return Status::Ok();
}

}  // namespace

Status TopK(RefContext& c) {
  const TensorView &in = c.inputs[0], &values = c.outputs[0], &indices = c.outputs[1];
  const std::vector<int64_t> ks = ReadInt64s(c.inputs[1]);
  if (ks.size() != 1) return Status::Errorf("K must hold one value, not {}", ks.size());
  MRT_ASSIGN_OR_RETURN(const int64_t axis,
                       NormalizeAxis(c.attrs().GetInt("axis", -1), static_cast<int64_t>(in.rank())));
  const AxisLayout s = AxisLayout::Around(in.sizes, axis);
  const int64_t k = ks[0];
  if (k < 0 || k > s.n) return Status::Errorf("K = {} is outside [0, {}] (the size of axis {})", k, s.n, axis);
  if (values.dtype != in.dtype || indices.dtype != DType::kI64 || values.numel() != s.num_slices() * k ||
      indices.numel() != values.numel())
    return Status::Errorf("outputs are {}{} and {}{}; expected {} and i64 with {} elements", DTypeName(values.dtype),
                          SizesToString(values.sizes), DTypeName(indices.dtype), SizesToString(indices.sizes),
                          DTypeName(in.dtype), s.num_slices() * k);
  const bool largest = c.attrs().GetInt("largest", 1) != 0;
  return ew::VisitDType<ew::kNumericTypes>(
      in.dtype, [&](auto tag) { return TopKOfType<decltype(tag)::value>(in, values, indices, s, k, largest); });
}

}  // namespace mrt::ref
