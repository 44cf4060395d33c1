// Reference pooling. Windows come from ResolveWindow (ir/shape_inference/infer_nn_window.h), as
// in shape inference, normalized to 3 spatial dims (kernels/conv/im2col.h). For output position
// o along a dim, the window taps the input positions o * stride - pad_begin + k * dilation,
// k = 0 .. kernel-1; taps outside [0, in) are padding.
//   MaxPool:     the largest tapped input (padding never wins); Indices (i64) gives its flat
//                index in X, row-major, or with storage_order=1 column-major within each
//                (n, c) plane: n*C*P + c*P + (z + y*D + x*D*H) for a 3-D [D, H, W] plane.
//   AveragePool: the sum of the tapped inputs over the number of taps inside the input, or with
//                count_include_pad=1 inside the padded input [-pad_begin, in + pad_end).
//   GlobalAveragePool / GlobalMaxPool: mean / max of each (n, c) plane, for any rank >= 3.
// channels_last = 1 (internal, set by passes/layout_nhwc.cpp): X and Y are NHWC [N, H, W, C]; the
// reference transposes X to NCHW, pools, and transposes Y back (no Indices output then).
#include <algorithm>
#include <limits>
#include <vector>

#include "ir/shape_inference/infer_nn_window.h"
#include "kernels/common/parallel.h"
#include "kernels/conv/im2col.h"
#include "kernels/gemm/compute_type.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

using nn::TypedInput;
using nn::TypedOutput;
using nn::Window3d;

Expected<Window3d> PoolWindow(const RefContext& c) {
  const std::vector<int64_t>& x = c.inputs[0].sizes;
  const std::vector<int64_t> spatial(x.begin() + 2, x.end());
  MRT_ASSIGN_OR_RETURN(const WindowGeometry g,
                       ResolveWindow(WindowKind::kPool, c.attrs(), spatial, c.attrs().GetInts("kernel_shape")));
  return nn::ToWindow3d(g);
}

int64_t Grain(int64_t work_per_item) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, work_per_item)); }

// Calls tap(position in the plane, z, y, x) for every tap of the window at output (oz, oy, ox)
// that lies inside the input.
template <typename Fn>
void ForEachTap(const Window3d& w, int64_t oz, int64_t oy, int64_t ox, const Fn& tap) {
  for (int64_t kz = 0; kz < w.kernel[0]; ++kz) {
    const int64_t iz = oz * w.stride[0] - w.pad_begin[0] + kz * w.dilation[0];
    if (iz < 0 || iz >= w.in[0]) continue;
    for (int64_t ky = 0; ky < w.kernel[1]; ++ky) {
      const int64_t iy = oy * w.stride[1] - w.pad_begin[1] + ky * w.dilation[1];
      if (iy < 0 || iy >= w.in[1]) continue;
      for (int64_t kx = 0; kx < w.kernel[2]; ++kx) {
        const int64_t ix = ox * w.stride[2] - w.pad_begin[2] + kx * w.dilation[2];
        if (ix < 0 || ix >= w.in[2]) continue;
        tap((iz * w.in[1] + iy) * w.in[2] + ix, iz, iy, ix);
      }
    }
  }
}

// Taps of one window dim that fall inside [lo, hi).
int64_t TapsWithin(const Window3d& w, int d, int64_t o, int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t k = 0; k < w.kernel[d]; ++k) {
    const int64_t i = o * w.stride[d] - w.pad_begin[d] + k * w.dilation[d];
    n += i >= lo && i < hi;
  }
  return n;
}

// Calls fn(plane, oz, oy, ox, flat output index) for every output element, planes in parallel.
template <typename Fn>
void ForEachOutput(int64_t planes, const Window3d& w, const Fn& fn) {
  const int64_t ovol = w.OutputVolume();
  ParallelFor(planes, Grain(ovol * w.KernelVolume()), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p)
      for (int64_t oz = 0, o = p * ovol; oz < w.out[0]; ++oz)
        for (int64_t oy = 0; oy < w.out[1]; ++oy)
          for (int64_t ox = 0; ox < w.out[2]; ++ox, ++o) fn(p, oz, oy, ox, o);
  });
}

template <typename T>
Status MaxPoolTyped(RefContext& c, const Window3d& w) {
  const bool column_major = c.attrs().GetInt("storage_order", 0) == 1;
  const int64_t planes = c.inputs[0].sizes[0] * c.inputs[0].sizes[1], ivol = w.InputVolume();
  TypedInput<T> x(c.inputs[0]);
  TypedOutput<T> y(c.outputs[0]);
  int64_t* indices = c.outputs.size() > 1 ? c.outputs[1].as<int64_t>() : nullptr;
  ForEachOutput(planes, w, [&](int64_t p, int64_t oz, int64_t oy, int64_t ox, int64_t o) {
    const T* plane = x.data() + p * ivol;
    T best = std::numeric_limits<T>::lowest();
    int64_t best_index = -1;  // stays -1 only if no tap is inside the input
    ForEachTap(w, oz, oy, ox, [&](int64_t pos, int64_t iz, int64_t iy, int64_t ix) {
      if (best_index < 0 || plane[pos] > best) {
        best = plane[pos];
        best_index = column_major ? iz + iy * w.in[0] + ix * w.in[0] * w.in[1] : pos;
      }
    });
    y.data()[o] = best;
    if (indices) indices[o] = best_index < 0 ? -1 : p * ivol + best_index;
  });
  y.Commit();
  return Status::Ok();
}

template <typename T>
Status AveragePoolTyped(RefContext& c, const Window3d& w) {
  const bool count_pad = c.attrs().GetInt("count_include_pad", 0) != 0;
  const int64_t planes = c.inputs[0].sizes[0] * c.inputs[0].sizes[1], ivol = w.InputVolume();
  TypedInput<T> x(c.inputs[0]);
  TypedOutput<T> y(c.outputs[0]);
  ForEachOutput(planes, w, [&](int64_t p, int64_t oz, int64_t oy, int64_t ox, int64_t o) {
    const T* plane = x.data() + p * ivol;
    double sum = 0;
    int64_t inside = 0;
    ForEachTap(w, oz, oy, ox, [&](int64_t pos, int64_t, int64_t, int64_t) {
      sum += static_cast<double>(plane[pos]);
      ++inside;
    });
    int64_t count = inside;
    if (count_pad) {
      const int64_t pos[3] = {oz, oy, ox};
      count = 1;
      for (int d = 0; d < 3; ++d) count *= TapsWithin(w, d, pos[d], -w.pad_begin[d], w.in[d] + w.pad_end[d]);
    }
    y.data()[o] = static_cast<T>(count > 0 ? sum / static_cast<double>(count) : 0.0);
  });
  y.Commit();
  return Status::Ok();
}

template <typename T>
Status GlobalPoolTyped(RefContext& c, bool average) {
  const std::vector<int64_t>& xs = c.inputs[0].sizes;
  const int64_t planes = xs[0] * xs[1];
  int64_t inner = 1;
  for (size_t i = 2; i < xs.size(); ++i) inner *= xs[i];
  TypedInput<T> x(c.inputs[0]);
  TypedOutput<T> y(c.outputs[0]);
  ParallelFor(planes, Grain(inner), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const T* plane = x.data() + p * inner;
      if (average) {
        double sum = 0;
        for (int64_t i = 0; i < inner; ++i) sum += static_cast<double>(plane[i]);
        y.data()[p] = static_cast<T>(inner > 0 ? sum / static_cast<double>(inner) : 0.0);
      } else {
        y.data()[p] = inner > 0 ? *std::max_element(plane, plane + inner) : std::numeric_limits<T>::lowest();
      }
    }
  });
  y.Commit();
  return Status::Ok();
}

Status MaxPoolNchw(RefContext& c) {
  MRT_ASSIGN_OR_RETURN(const Window3d w, PoolWindow(c));
  return nn::DispatchComputeType<nn::kWithInt8>(
      c.inputs[0].dtype, [&](auto tag) { return MaxPoolTyped<typename decltype(tag)::type>(c, w); });
}

Status AveragePoolNchw(RefContext& c) {
  MRT_ASSIGN_OR_RETURN(const Window3d w, PoolWindow(c));
  return nn::DispatchComputeType<nn::kFloatOnly>(
      c.inputs[0].dtype, [&](auto tag) { return AveragePoolTyped<typename decltype(tag)::type>(c, w); });
}

Status GlobalAveragePoolNchw(RefContext& c) {
  return nn::DispatchComputeType<nn::kFloatOnly>(
      c.inputs[0].dtype, [&](auto tag) { return GlobalPoolTyped<typename decltype(tag)::type>(c, true); });
}

Status GlobalMaxPoolNchw(RefContext& c) {
  return nn::DispatchComputeType<nn::kFloatOnly>(
      c.inputs[0].dtype, [&](auto tag) { return GlobalPoolTyped<typename decltype(tag)::type>(c, false); });
}

// Runs `nchw` directly, or with channels_last = 1 on X transposed NHWC -> NCHW, writing its
// output transposed back: Y_nhwc[n, h, w, c] = Y_nchw[n, c, h, w].
Status RunMaybeChannelsLast(RefContext& c, RefKernelFn nchw) {
  if (c.attrs().GetInt("channels_last", 0) == 0) return nchw(c);
  const TensorView& x = c.inputs[0];
  const TensorView& y = c.outputs[0];
  if (x.rank() != 4 || y.rank() != 4)
    return Status::Errorf("channels_last = 1 needs a 2-D pool on NHWC X of rank 4, got X {}", SizesToString(x.sizes));
  if (c.outputs.size() > 1) return Status::Errorf("channels_last = 1 does not support MaxPool's Indices output");
  Tensor x_nchw(x.dtype, {x.sizes[0], x.sizes[3], x.sizes[1], x.sizes[2]});
  Tensor y_nchw(y.dtype, {y.sizes[0], y.sizes[3], y.sizes[1], y.sizes[2]});
  MRT_RETURN_IF_ERROR(PermuteInto(x, x_nchw.view(), {0, 3, 1, 2}));
  RefContext inner{c.node, {x_nchw.view()}, {y_nchw.view()}};
  MRT_RETURN_IF_ERROR(nchw(inner));
  return PermuteInto(y_nchw.view(), y, {0, 2, 3, 1});
}

}  // namespace

Status MaxPool(RefContext& c) { return RunMaybeChannelsLast(c, MaxPoolNchw); }
Status AveragePool(RefContext& c) { return RunMaybeChannelsLast(c, AveragePoolNchw); }
Status GlobalAveragePool(RefContext& c) { return RunMaybeChannelsLast(c, GlobalAveragePoolNchw); }
Status GlobalMaxPool(RefContext& c) { return RunMaybeChannelsLast(c, GlobalMaxPoolNchw); }

}  // namespace mrt::ref
