// Bilinear resize and normalization (the math is in preprocess.h).
#include "apps/image/preprocess.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mrt::apps {

namespace {

// One axis' taps: for each output index, the two source indices and the weight of the second.
struct Taps {
  std::vector<int> lo, hi;
  std::vector<float> frac;
};

Taps AxisTaps(int in_len, int out_len) {
  Taps t;
  t.lo.resize(out_len), t.hi.resize(out_len), t.frac.resize(out_len);
  const double scale = static_cast<double>(in_len) / out_len;
  for (int x = 0; x < out_len; ++x) {
    const double sx = std::clamp((x + 0.5) * scale - 0.5, 0.0, static_cast<double>(in_len - 1));
    const int x0 = static_cast<int>(std::floor(sx));
    t.lo[x] = x0;
    t.hi[x] = std::min(x0 + 1, in_len - 1);
    t.frac[x] = static_cast<float>(sx - x0);
  }
  return t;
}

}  // namespace

Image ResizeBilinear(const Image& image, int out_width, int out_height) {
  Image out(out_width, out_height, image.channels);
  out.source_bits = image.source_bits;
  if (image.width <= 0 || image.height <= 0 || out_width <= 0 || out_height <= 0) return out;
  const Taps tx = AxisTaps(image.width, out_width), ty = AxisTaps(image.height, out_height);
  const int c = image.channels;
  for (int y = 0; y < out_height; ++y) {
    const uint8_t* row0 = image.at(0, ty.lo[y]);
    const uint8_t* row1 = image.at(0, ty.hi[y]);
    const float fy = ty.frac[y];
    uint8_t* dst = out.at(0, y);
    for (int x = 0; x < out_width; ++x) {
      const int a = tx.lo[x] * c, b = tx.hi[x] * c;
      const float fx = tx.frac[x];
      for (int k = 0; k < c; ++k) {
        const float top = row0[a + k] + fx * (row0[b + k] - row0[a + k]);
        const float bottom = row1[a + k] + fx * (row1[b + k] - row1[a + k]);
        dst[x * c + k] = static_cast<uint8_t>(std::lround(std::clamp(top + fy * (bottom - top), 0.0f, 255.0f)));
      }
    }
  }
  return out;
}

Tensor ImageToTensor(const Image& image, const Normalization& norm) {
  const int c = image.channels, h = image.height, w = image.width;
  Tensor t(DType::kF32, {1, c, h, w});
  float* out = t.data<float>();
  const size_t plane = size_t(h) * w;
  for (int k = 0; k < c; ++k) {
    const int src = norm.swap_rb && c >= 3 && k < 3 ? 2 - k : k;
    const float mean = norm.mean[k], inv_std = 1.0f / norm.stddev[k];
    for (size_t i = 0; i < plane; ++i) out[k * plane + i] = (image.pixels[i * c + src] * norm.scale - mean) * inv_std;
  }
  return t;
}

}  // namespace mrt::apps
