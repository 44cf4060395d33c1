#include "kernels/conv/im2col.h"

#include <algorithm>

#include "kernels/common/parallel.h"

namespace mrt::nn {

namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The positions o in [0, count) whose image position o * stride + offset lies in [0, size):
// o >= ceil(-offset / stride) and o < ceil((size - offset) / stride).
void ValidRange(int64_t count, int64_t stride, int64_t offset, int64_t size, int64_t& lo, int64_t& hi) {
  lo = std::clamp<int64_t>(CeilDiv(-offset, stride), 0, count);
  hi = std::clamp<int64_t>(CeilDiv(size - offset, stride), lo, count);
}

// Rows of a column matrix split into their (channel, kz, ky, kx) parts.
struct KernelTap {
  int64_t channel, z, y, x;
};
KernelTap TapOfRow(int64_t row, const Window3d& w) {
  const int64_t kvol = w.KernelVolume();
  const int64_t k = row % kvol;
  return {row / kvol, k / (w.kernel[1] * w.kernel[2]), (k / w.kernel[2]) % w.kernel[1], k % w.kernel[2]};
}

// Image position of window position o along dim d for kernel tap k.
int64_t ImagePos(const Window3d& w, int d, int64_t o, int64_t k) {
  return o * w.stride[d] - w.pad_begin[d] + k * w.dilation[d];
}

}  // namespace

Expected<Window3d> ToWindow3d(const WindowGeometry& g) {
  const size_t rank = g.rank();
  if (rank < 1 || rank > 3) return Status::Errorf("{} spatial dims are not supported (1 to 3 are)", rank);
  Window3d w;
  for (int d = 0; d < 3; ++d) {
    const int lead = 3 - static_cast<int>(rank);
    if (d < lead) {
      w.in[d] = w.kernel[d] = w.stride[d] = w.dilation[d] = w.out[d] = 1;
      w.pad_begin[d] = w.pad_end[d] = 0;
      continue;
    }
    const size_t i = static_cast<size_t>(d - lead);
    w.in[d] = g.input[i];
    w.kernel[d] = g.kernel[i];
    w.stride[d] = g.strides[i];
    w.dilation[d] = g.dilations[i];
    w.pad_begin[d] = g.pads_begin[i];
    w.pad_end[d] = g.pads_end[i];
    w.out[d] = g.output[i];
  }
  return w;
}

template <typename T>
void Im2Col(const T* in, int64_t channels, const Window3d& w, T* col) {
  const int64_t ovol = w.OutputVolume(), ivol = w.InputVolume();
  const int64_t rows = channels * w.KernelVolume();
  ParallelFor(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, ovol)), [&](int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) {
      const KernelTap tap = TapOfRow(row, w);
      const T* src = in + tap.channel * ivol;
      T* dst = col + row * ovol;
      const int64_t x_offset = ImagePos(w, 2, 0, tap.x);
      int64_t x_lo, x_hi;
      ValidRange(w.out[2], w.stride[2], x_offset, w.in[2], x_lo, x_hi);
      for (int64_t oz = 0; oz < w.out[0]; ++oz) {
        const int64_t iz = ImagePos(w, 0, oz, tap.z);
        for (int64_t oy = 0; oy < w.out[1]; ++oy, dst += w.out[2]) {
          const int64_t iy = ImagePos(w, 1, oy, tap.y);
          if (iz < 0 || iz >= w.in[0] || iy < 0 || iy >= w.in[1]) {
            std::fill(dst, dst + w.out[2], T(0));
            continue;
          }
          const T* line = src + (iz * w.in[1] + iy) * w.in[2];
          std::fill(dst, dst + x_lo, T(0));
          if (w.stride[2] == 1) {
            std::copy(line + x_lo + x_offset, line + x_hi + x_offset, dst + x_lo);
          } else {
            for (int64_t ox = x_lo; ox < x_hi; ++ox) dst[ox] = line[ox * w.stride[2] + x_offset];
          }
          std::fill(dst + x_hi, dst + w.out[2], T(0));
        }
      }
    }
  });
}

template <typename T>
void Col2ImAdd(const T* col, int64_t channels, const Window3d& w, T* out) {
  // Here "in" is the small side (the ConvTranspose input) and "out" the image it scatters into.
  const int64_t ivol = w.InputVolume(), ovol = w.OutputVolume(), kvol = w.KernelVolume();
  ParallelFor(channels, 1, [&](int64_t c0, int64_t c1) {  // a channel's rows only touch its plane
    for (int64_t row = c0 * kvol; row < c1 * kvol; ++row) {
      const KernelTap tap = TapOfRow(row, w);
      const T* src = col + row * ivol;
      T* plane = out + tap.channel * ovol;
      const int64_t x_offset = ImagePos(w, 2, 0, tap.x);
      int64_t x_lo, x_hi;
      ValidRange(w.in[2], w.stride[2], x_offset, w.out[2], x_lo, x_hi);
      for (int64_t iz = 0; iz < w.in[0]; ++iz) {
        const int64_t oz = ImagePos(w, 0, iz, tap.z);
        for (int64_t iy = 0; iy < w.in[1]; ++iy) {
          const int64_t oy = ImagePos(w, 1, iy, tap.y);
          if (oz < 0 || oz >= w.out[0] || oy < 0 || oy >= w.out[1]) continue;
          const T* line = src + (iz * w.in[1] + iy) * w.in[2];
          T* dst = plane + (oz * w.out[1] + oy) * w.out[2];
          for (int64_t ix = x_lo; ix < x_hi; ++ix) dst[ix * w.stride[2] + x_offset] += line[ix];
        }
      }
    }
  });
}

template void Im2Col<float>(const float*, int64_t, const Window3d&, float*);
template void Im2Col<double>(const double*, int64_t, const Window3d&, double*);
template void Col2ImAdd<float>(const float*, int64_t, const Window3d&, float*);
template void Col2ImAdd<double>(const double*, int64_t, const Window3d&, double*);

}  // namespace mrt::nn
