// The two loops every elementwise reference kernel is built from.
//
// MapElements<D>(in, out, f): y[i] = f(x[i]) over contiguous data of dtype D, f working on the
// compute type (DTypeTraits<D>::Compute).
//
// BroadcastApply<TA, TB, TO>(a, b, out, f): out[i] = f(a[offset_a(i)], b[offset_b(i)]) for
// numpy-broadcast inputs a and b, on raw storage types (f converts as it needs). The loop over each run of the
// BroadcastIndexer is specialized on the inputs' steps (1 = walks with the output, 0 = broadcast), so equal shapes, a
// scalar operand and per-row operands all get a tight loop the compiler can vectorize.
#pragma once

#include "ir/tensor.h"
#include "kernels/common/broadcast.h"
#include "kernels/common/parallel.h"
#include "kernels/elementwise/dtype_dispatch.h"

namespace mrt::ew {

inline constexpr int64_t kElementGrain = 1 << 14;  // elements per parallel chunk, at least

template <DType D, typename F>
Status MapElements(const TensorView& in, const TensorView& out, F f) {
  using Tr = DTypeTraits<D>;
  const auto* x = in.as<const typename Tr::Storage>();
  auto* y = out.as<typename Tr::Storage>();
  ParallelFor(in.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = Tr::Store(f(Tr::Load(x[i])));
  });
  return Status::Ok();
}

template <typename TA, typename TB, typename TO, typename F>
Status BroadcastApply(const TensorView& a, const TensorView& b, const TensorView& out, F f) {
  MRT_ASSIGN_OR_RETURN(const BroadcastIndexer ix, BroadcastIndexer::Make(out.sizes, {a.sizes, b.sizes}));
  const TA* pa = a.as<const TA>();
  const TB* pb = b.as<const TB>();
  TO* po = out.as<TO>();
  const bool a_walks = ix.step(0) == 1, b_walks = ix.step(1) == 1;
  ParallelForEachRun(ix, [&](int64_t o, int64_t n, const int64_t* off) {
    const TA* xa = pa + off[0];
    const TB* xb = pb + off[1];
    TO* y = po + o;
    if (a_walks && b_walks) {
      for (int64_t j = 0; j < n; ++j) y[j] = f(xa[j], xb[j]);
    } else if (a_walks) {
      const TB vb = *xb;
      for (int64_t j = 0; j < n; ++j) y[j] = f(xa[j], vb);
    } else if (b_walks) {
      const TA va = *xa;
      for (int64_t j = 0; j < n; ++j) y[j] = f(va, xb[j]);
    } else {
      const TO v = f(*xa, *xb);
      for (int64_t j = 0; j < n; ++j) y[j] = v;
    }
  });
  return Status::Ok();
}

}  // namespace mrt::ew
