// Reference normalizations. Statistics are accumulated in double whatever the dtype.
//   BatchNormalization (inference): y = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + B[c]
//   InstanceNormalization:          the same with mean / var of each (n, c) plane
//   LayerNormalization:             the same with mean / var of each row X[i0, .., i(axis-1), :],
//                                   Scale and B broadcast to X; optional Mean and InvStdDev
//                                   (= 1 / sqrt(var + eps)) outputs in the stash_type dtype.
// Variances are population variances (divided by the count, not count - 1).
#include <cmath>
#include <vector>

#include "ir/infer_context.h"
#include "kernels/common/broadcast.h"
#include "kernels/common/parallel.h"
#include "kernels/gemm/compute_type.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using nn::TypedInput;
using nn::TypedOutput;

int64_t ProductOf(const std::vector<int64_t>& sizes, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= sizes[i];
  return p;
}

// Parallel grain: about 32K elements per chunk.
int64_t GrainFor(int64_t items, int64_t elems_per_item) {
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, elems_per_item));
}

// Mean and population variance of n values.
template <typename T>
void MeanAndVariance(const T* x, int64_t n, double& mean, double& var) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]);
  mean = n > 0 ? sum / static_cast<double>(n) : 0.0;
  double sq = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - mean;
    sq += d * d;
  }
  var = n > 0 ? sq / static_cast<double>(n) : 0.0;
}

template <typename T>
Status BatchNormTyped(RefContext& c) {
  const std::vector<int64_t>& xs = c.inputs[0].sizes;
  const int64_t batch = xs[0], channels = xs[1], inner = ProductOf(xs, 2, xs.size());
  const double eps = c.attrs().GetFloat("epsilon", 1e-5f);
  // y = x * a[c] + b[c] with a = scale / sqrt(var + eps), b = B - mean * a.
  std::vector<T> a(static_cast<size_t>(channels)), b(static_cast<size_t>(channels));
  for (int64_t ch = 0; ch < channels; ++ch) {
    const double scale = LoadAsDouble(c.inputs[1], ch), bias = LoadAsDouble(c.inputs[2], ch);
    const double mean = LoadAsDouble(c.inputs[3], ch), var = LoadAsDouble(c.inputs[4], ch);
    const double ach = scale / std::sqrt(var + eps);
    a[ch] = static_cast<T>(ach);
    b[ch] = static_cast<T>(bias - mean * ach);
  }
  TypedInput<T> x(c.inputs[0]);
  TypedOutput<T> y(c.outputs[0]);
  ParallelFor(batch * channels, GrainFor(batch * channels, inner), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const T ap = a[p % channels], bp = b[p % channels];
      const T* src = x.data() + p * inner;
      T* dst = y.data() + p * inner;
      for (int64_t i = 0; i < inner; ++i) dst[i] = src[i] * ap + bp;
    }
  });
  y.Commit();
  return Status::Ok();
}

template <typename T>
Status InstanceNormTyped(RefContext& c) {
  const std::vector<int64_t>& xs = c.inputs[0].sizes;
  const int64_t channels = xs[1], planes = xs[0] * channels, inner = ProductOf(xs, 2, xs.size());
  const double eps = c.attrs().GetFloat("epsilon", 1e-5f);
  TypedInput<T> x(c.inputs[0]);
  TypedOutput<T> y(c.outputs[0]);
  ParallelFor(planes, GrainFor(planes, inner), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const T* src = x.data() + p * inner;
      T* dst = y.data() + p * inner;
      double mean, var;
      MeanAndVariance(src, inner, mean, var);
      const double scale = LoadAsDouble(c.inputs[1], p % channels) / std::sqrt(var + eps);
      const double bias = LoadAsDouble(c.inputs[2], p % channels);
      for (int64_t i = 0; i < inner; ++i) dst[i] = static_cast<T>((static_cast<double>(src[i]) - mean) * scale + bias);
    }
  });
  y.Commit();
  return Status::Ok();
}

template <typename T>
Status LayerNormTyped(RefContext& c) {
  const std::vector<int64_t>& xs = c.inputs[0].sizes;
  MRT_ASSIGN_OR_RETURN(const int64_t axis,
                       NormalizeAxis(c.attrs().GetInt("axis", -1), static_cast<int64_t>(xs.size())));
  const double eps = c.attrs().GetFloat("epsilon", 1e-5f);
  const int64_t rows = ProductOf(xs, 0, axis), inner = ProductOf(xs, axis, xs.size());
  // Scale / B index per element: within one row when they span only the normalized dims
  // (the usual [D] case), else over all of X.
  const std::vector<int64_t> inner_sizes(xs.begin() + axis, xs.end());
  auto index_map = [&](const TensorView& v) {
    const bool per_row = v.rank() <= inner_sizes.size();
    return std::make_pair(per_row, BroadcastOffsets(per_row ? inner_sizes : xs, v.sizes));
  };
  const auto [scale_per_row, scale_index] = index_map(c.inputs[1]);
  const bool has_bias = c.has_input(2);
  const auto [bias_per_row, bias_index] =
      has_bias ? index_map(c.inputs[2]) : std::make_pair(true, std::vector<int64_t>());
  TypedInput<T> x(c.inputs[0]), scale(c.inputs[1]), bias(has_bias ? c.inputs[2] : TensorView{});
  TypedOutput<T> y(c.outputs[0]);
  std::vector<double> means(static_cast<size_t>(rows)), inv_stds(static_cast<size_t>(rows));
  ParallelFor(rows, GrainFor(rows, inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const T* src = x.data() + r * inner;
      T* dst = y.data() + r * inner;
      double var;
      MeanAndVariance(src, inner, means[r], var);
      inv_stds[r] = 1.0 / std::sqrt(var + eps);
      for (int64_t i = 0; i < inner; ++i) {
        const double s = static_cast<double>(scale.data()[scale_index[scale_per_row ? i : r * inner + i]]);
        const double b =
            has_bias ? static_cast<double>(bias.data()[bias_index[bias_per_row ? i : r * inner + i]]) : 0.0;
        dst[i] = static_cast<T>((static_cast<double>(src[i]) - means[r]) * inv_stds[r] * s + b);
      }
    }
  });
  y.Commit();
  for (int64_t r = 0; r < rows; ++r) {
    if (c.outputs.size() > 1) StoreFromDouble(c.outputs[1], r, means[r]);
    if (c.outputs.size() > 2) StoreFromDouble(c.outputs[2], r, inv_stds[r]);
  }
  return Status::Ok();
}

}  // namespace

Status BatchNormalization(RefContext& c) {
  if (c.attrs().GetInt("training_mode", 0) != 0)
    return Status::Error("training_mode=1 is not supported: mini-rt runs inference only");
  return nn::DispatchComputeType<nn::kFloatOnly>(
      c.inputs[0].dtype, [&](auto tag) { return BatchNormTyped<typename decltype(tag)::type>(c); });
}

Status InstanceNormalization(RefContext& c) {
  return nn::DispatchComputeType<nn::kFloatOnly>(
      c.inputs[0].dtype, [&](auto tag) { return InstanceNormTyped<typename decltype(tag)::type>(c); });
}

Status LayerNormalization(RefContext& c) {
  return nn::DispatchComputeType<nn::kFloatOnly>(
      c.inputs[0].dtype, [&](auto tag) { return LayerNormTyped<typename decltype(tag)::type>(c); });
}

}  // namespace mrt::ref
