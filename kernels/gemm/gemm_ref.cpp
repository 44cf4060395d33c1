// Reference Gemm and MatMul on the blocked GEMM (gemm_blocked.h).
//   Gemm:   Y[M, N] = alpha * op(A) * op(B) + beta * C, C broadcast to [M, N]
//   MatMul: numpy.matmul, batch dims broadcast, 1-D operands promoted and the added dim dropped.
#include <vector>

#include "kernels/common/broadcast.h"
#include "kernels/common/parallel.h"
#include "kernels/gemm/compute_type.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using nn::TypedInput;
using nn::TypedOutput;

// y[i, j] = C[i or 0, j or 0]: a scalar, [N], [1, N], [M, 1] or [M, N] C fills Y.
template <typename T>
void FillWithBroadcastC(const T* c, const std::vector<int64_t>& c_sizes, T* y, int64_t m, int64_t n) {
  const int64_t c_cols = c_sizes.empty() ? 1 : c_sizes.back();
  const int64_t c_rows = c_sizes.size() == 2 ? c_sizes[0] : 1;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) y[i * n + j] = c[(c_rows == 1 ? 0 : i) * c_cols + (c_cols == 1 ? 0 : j)];
}

template <typename T>
Status GemmTypedKernel(RefContext& c) {
  const bool trans_a = c.attrs().GetInt("transA", 0) != 0;
  const bool trans_b = c.attrs().GetInt("transB", 0) != 0;
  const double alpha = c.attrs().GetFloat("alpha", 1.f);
  const double beta = c.attrs().GetFloat("beta", 1.f);
  const TensorView& av = c.inputs[0];
  const TensorView& bv = c.inputs[1];
  const int64_t m = c.outputs[0].sizes[0], n = c.outputs[0].sizes[1];
  const int64_t k = trans_a ? av.sizes[0] : av.sizes[1];
  TypedInput<T> a(av), b(bv), bias(c.has_input(2) ? c.inputs[2] : TensorView{});
  TypedOutput<T> y(c.outputs[0]);
  if (bias.data() != nullptr) FillWithBroadcastC(bias.data(), c.inputs[2].sizes, y.data(), m, n);
  nn::GemmTyped<T>(trans_a, trans_b, m, n, k, alpha, a.data(), av.sizes[1], b.data(), bv.sizes[1],
                   bias.data() != nullptr ? beta : 0.0, y.data(), n);
  y.Commit();
  return Status::Ok();
}

template <typename T>
Status MatMulTypedKernel(RefContext& c) {
  std::vector<int64_t> as = c.inputs[0].sizes, bs = c.inputs[1].sizes;
  if (as.size() == 1) as.insert(as.begin(), 1);  // [K] -> [1, K]
  if (bs.size() == 1) bs.push_back(1);           // [K] -> [K, 1]
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  const std::vector<int64_t> a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
  std::vector<int64_t> out_batch(std::max(a_batch.size(), b_batch.size()), 1);
  for (size_t i = 0; i < out_batch.size(); ++i) {  // broadcast of the batch dims (checked by inference)
    const size_t from_end = out_batch.size() - i;
    const int64_t da = from_end <= a_batch.size() ? a_batch[a_batch.size() - from_end] : 1;
    const int64_t db = from_end <= b_batch.size() ? b_batch[b_batch.size() - from_end] : 1;
    out_batch[i] = da == 1 ? db : da;
  }
  TypedInput<T> a(c.inputs[0]), b(c.inputs[1]);
  TypedOutput<T> y(c.outputs[0]);
  const int64_t batches = Numel(out_batch);
  if (Numel(b_batch) == 1 && Numel(a_batch) == batches) {
    // One B for every batch and A not broadcast: the batches stack into one [batches * M, K] A.
    nn::GemmTyped<T>(false, false, batches * m, n, k, 1.0, a.data(), k, b.data(), n, 0.0, y.data(), n);
  } else {
    const std::vector<int64_t> a_off = BroadcastOffsets(out_batch, a_batch, m * k);
    const std::vector<int64_t> b_off = BroadcastOffsets(out_batch, b_batch, k * n);
    // Many small products: one per task (each GEMM then runs inline); few: each GEMM in parallel.
    const int64_t grain = batches >= 4 * NumThreads() ? 1 : batches;
    ParallelFor(batches, grain, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t)
        nn::GemmTyped<T>(false, false, m, n, k, 1.0, a.data() + a_off[t], k, b.data() + b_off[t], n, 0.0,
                         y.data() + t * m * n, n);
    });
  }
  y.Commit();
  return Status::Ok();
}

}  // namespace

Status Gemm(RefContext& c) {
  return nn::DispatchComputeType<nn::kWithInt32And64>(
      c.inputs[0].dtype, [&](auto tag) { return GemmTypedKernel<typename decltype(tag)::type>(c); });
}

Status MatMul(RefContext& c) {
  return nn::DispatchComputeType<nn::kWithInt32And64>(
      c.inputs[0].dtype, [&](auto tag) { return MatMulTypedKernel<typename decltype(tag)::type>(c); });
}

}  // namespace mrt::ref
