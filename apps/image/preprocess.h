// Pre-processing shared by the applications: bilinear resize and normalization into an NCHW f32
// tensor.
#pragma once

#include <array>

#include "apps/image/image.h"
#include "ir/tensor.h"

namespace mrt::apps {

// Bilinear resize with half-pixel centers, as OpenCV's INTER_LINEAR (which PaddleOCR and
// Ultralytics use) and ONNX Resize linear/half_pixel: for output x, the source coordinate is
// sx = (x + 0.5) * in_w / out_w - 0.5, clamped to [0, in_w - 1]; the pixel is
// (1 - fx) * p[floor(sx)] + fx * p[floor(sx) + 1] (likewise in y), rounded to nearest.
// (The kernels' own copy of this formula, kernels/resize/resize_coordinates.h, is below the
// apps layer, which may not include kernels/.)
Image ResizeBilinear(const Image& image, int out_width, int out_height);

// [1, C, H, W] f32 from an image with C = channels: value = (pixel * scale - mean[c]) / stddev[c].
// swap_rb reverses the channel order (RGB <-> BGR) for models trained on BGR input.
struct Normalization {
  float scale = 1.0f / 255.0f;
  std::array<float, 4> mean{0, 0, 0, 0}, stddev{1, 1, 1, 1};
  bool swap_rb = false;
};
Tensor ImageToTensor(const Image& image, const Normalization& norm);

}  // namespace mrt::apps
