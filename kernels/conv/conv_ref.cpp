// Reference Conv and ConvTranspose: im2col / col2im (im2col.h) around the blocked GEMM.
//   Conv, per image n and group g (Cg = C / group input and Mg = M / group output channels):
//     Y[n, g*Mg .. +Mg, :] = W[g*Mg .. +Mg, Cg * k] x im2col(X[n, g*Cg .. +Cg]) + B
//   ConvTranspose, its adjoint (W is [C, M / group, k...]):
//     Y[n, g*Mg .. +Mg] = col2im(W[g*Cg .. +Cg, Mg * k]^T x X[n, g*Cg .. +Cg, :]) + B
// A 1x1, stride-1, unpadded Conv multiplies X directly (its im2col is X itself).
// channels_last = 1 (internal, set by passes/layout_nhwc.cpp): X and Y are NHWC; the reference
// transposes X to NCHW, runs the NCHW computation and transposes Y back (W and B keep their
// ONNX layout), so the NHWC result is by construction the NCHW one permuted.
#include <algorithm>
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

// The window of the node, resolved exactly as shape inference did (kernel_shape or W's dims).
Expected<Window3d> ConvWindow(const RefContext& c, bool transposed) {
  const std::vector<int64_t>& x = c.inputs[0].sizes;
  const std::vector<int64_t>& w = c.inputs[1].sizes;
  const std::vector<int64_t> spatial(x.begin() + 2, x.end());
  const std::vector<int64_t> kernel = c.attrs().GetInts("kernel_shape", std::vector<int64_t>(w.begin() + 2, w.end()));
  auto g = transposed ? ResolveTransposedWindow(c.attrs(), spatial, kernel)
                      : ResolveWindow(WindowKind::kConv, c.attrs(), spatial, kernel);
  if (!g.ok()) return g.status();
  return nn::ToWindow3d(*g);
}

// Y's channel planes [first, first + count) set to the bias (or zero).
template <typename T>
void FillChannels(T* y, const T* bias, int64_t first, int64_t count, int64_t plane) {
  for (int64_t m = 0; m < count; ++m) std::fill(y + m * plane, y + (m + 1) * plane, bias ? bias[first + m] : T(0));
}

// Runs task(t, scratch) for t in [0, tasks): in parallel, one task per worker, when there are
// many (batch x group, e.g. depthwise); else one after another, each parallel inside.
template <typename T, typename Task>
void ForEachImageGroup(int64_t tasks, const Task& task) {
  if (tasks >= 4 * NumThreads()) {
    ParallelFor(tasks, 1, [&](int64_t t0, int64_t t1) {
      std::vector<T> scratch;
      for (int64_t t = t0; t < t1; ++t) task(t, scratch);
    });
  } else {
    std::vector<T> scratch;
    for (int64_t t = 0; t < tasks; ++t) task(t, scratch);
  }
}

template <typename T>
Status ConvTyped(RefContext& c, const Window3d& win) {
  const std::vector<int64_t>& xs = c.inputs[0].sizes;
  const int64_t group = c.attrs().GetInt("group", 1);
  const int64_t channels = xs[1], out_channels = c.inputs[1].sizes[0];
  const int64_t cg = channels / group, mg = out_channels / group;
  const int64_t kdim = cg * win.KernelVolume(), ivol = win.InputVolume(), ovol = win.OutputVolume();
  const bool direct = win.KernelVolume() == 1 && win.stride[0] == 1 && win.stride[1] == 1 && win.stride[2] == 1 &&
                      win.in[0] == win.out[0] && win.in[1] == win.out[1] && win.in[2] == win.out[2];
  TypedInput<T> x(c.inputs[0]), w(c.inputs[1]), bias(c.has_input(2) ? c.inputs[2] : TensorView{});
  TypedOutput<T> y(c.outputs[0]);
  ForEachImageGroup<T>(xs[0] * group, [&](int64_t t, std::vector<T>& col) {
    const int64_t n = t / group, g = t % group;
    const T* xg = x.data() + (n * channels + g * cg) * ivol;
    T* yg = y.data() + (n * out_channels + g * mg) * ovol;
    FillChannels(yg, bias.data(), g * mg, mg, ovol);
    const T* cols = xg;
    if (!direct) {
      col.resize(static_cast<size_t>(kdim * ovol));
      nn::Im2Col(xg, cg, win, col.data());
      cols = col.data();
    }
    nn::GemmTyped<T>(false, false, mg, ovol, kdim, 1.0, w.data() + g * mg * kdim, kdim, cols, ovol, 1.0, yg, ovol);
  });
  y.Commit();
  return Status::Ok();
}

template <typename T>
Status ConvTransposeTyped(RefContext& c, const Window3d& win) {
  const std::vector<int64_t>& xs = c.inputs[0].sizes;
  const int64_t group = c.attrs().GetInt("group", 1);
  const int64_t channels = xs[1], cg = channels / group, mg = c.inputs[1].sizes[1], out_channels = mg * group;
  const int64_t rows = mg * win.KernelVolume(), ivol = win.InputVolume(), ovol = win.OutputVolume();
  TypedInput<T> x(c.inputs[0]), w(c.inputs[1]), bias(c.has_input(2) ? c.inputs[2] : TensorView{});
  TypedOutput<T> y(c.outputs[0]);
  ForEachImageGroup<T>(xs[0] * group, [&](int64_t t, std::vector<T>& col) {
    const int64_t n = t / group, g = t % group;
    col.resize(static_cast<size_t>(rows * ivol));
    // col[Mg * k, ivol] = W_g[Cg, Mg * k]^T x X_g[Cg, ivol]
    nn::GemmTyped<T>(true, false, rows, ivol, cg, 1.0, w.data() + g * cg * rows, rows,
                     x.data() + (n * channels + g * cg) * ivol, ivol, 0.0, col.data(), ivol);
    T* yg = y.data() + (n * out_channels + g * mg) * ovol;
    FillChannels(yg, bias.data(), g * mg, mg, ovol);
    nn::Col2ImAdd(col.data(), mg, win, yg);
  });
  y.Commit();
  return Status::Ok();
}

// Runs the NCHW conv on X transposed NHWC -> NCHW and writes Y transposed back into c.outputs[0].
Status RunConvChannelsLast(RefContext& c) {
  const TensorView& x = c.inputs[0];
  const TensorView& y = c.outputs[0];
  if (x.rank() != 4 || y.rank() != 4)
    return Status::Errorf("channels_last = 1 needs a 2-D Conv on NHWC X of rank 4, got X {}", SizesToString(x.sizes));
  Tensor x_nchw(x.dtype, {x.sizes[0], x.sizes[3], x.sizes[1], x.sizes[2]});
  Tensor y_nchw(y.dtype, {y.sizes[0], y.sizes[3], y.sizes[1], y.sizes[2]});
  MRT_RETURN_IF_ERROR(PermuteInto(x, x_nchw.view(), {0, 3, 1, 2}));
  RefContext nchw{c.node, {x_nchw.view(), c.inputs[1], c.has_input(2) ? c.inputs[2] : TensorView{}}, {y_nchw.view()}};
  MRT_ASSIGN_OR_RETURN(const Window3d win, ConvWindow(nchw, /*transposed=*/false));
  MRT_RETURN_IF_ERROR(nn::DispatchComputeType<nn::kFloatOnly>(
      x.dtype, [&](auto tag) { return ConvTyped<typename decltype(tag)::type>(nchw, win); }));
  return PermuteInto(y_nchw.view(), y, {0, 2, 3, 1});
}

Status RunConv(RefContext& c, bool transposed) {
  if (c.attrs().GetInt("channels_last", 0) != 0) {
    if (transposed) return Status::Errorf("channels_last is not supported on ConvTranspose");
    return RunConvChannelsLast(c);
  }
  MRT_ASSIGN_OR_RETURN(const Window3d win, ConvWindow(c, transposed));
  return nn::DispatchComputeType<nn::kFloatOnly>(c.inputs[0].dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return transposed ? ConvTransposeTyped<T>(c, win) : ConvTyped<T>(c, win);
  });
}

}  // namespace

Status Conv(RefContext& c) { return RunConv(c, /*transposed=*/false); }

Status ConvTranspose(RefContext& c) { return RunConv(c, /*transposed=*/true); }

}  // namespace mrt::ref
