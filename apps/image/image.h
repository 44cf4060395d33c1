// Images for the applications: 8-bit interleaved pixels (gray, RGB or RGBA), read from PNG or
// JPEG with stb_image and written as PNG with stb_image_write. 16-bit PNGs are read and reduced
// to 8 bits (v8 = round(v16 * 255 / 65535)). Every failure is one line naming the file and what
// is wrong: missing, unreadable, empty, not an image, truncated/corrupt, or larger than
// kMaxImageSide on a side (refused before any pixel memory is allocated).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/output_file.h"
#include "ir/status.h"

namespace mrt::apps {

inline constexpr int kMaxImageSide = 16384;

struct Image {
  int width = 0, height = 0, channels = 0;  // channels: 1 gray, 3 RGB, 4 RGBA
  std::vector<uint8_t> pixels;              // row-major, channels interleaved
  int source_bits = 8;                      // 16 for a 16-bit PNG (pixels are still 8-bit)

  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(size_t(w) * h * c, 0) {}
  uint8_t* at(int x, int y) { return pixels.data() + (size_t(y) * width + x) * channels; }
  const uint8_t* at(int x, int y) const { return pixels.data() + (size_t(y) * width + x) * channels; }
};

// Reads a PNG or JPEG file; desired_channels 0 keeps the file's own, else 1, 3 or 4 (converted).
Expected<Image> ReadImage(const std::string& path, int desired_channels = 0);
// Decodes an image held in memory; `what` names it in errors.
Expected<Image> DecodeImage(const std::vector<uint8_t>& bytes, const std::string& what, int desired_channels = 0);

// The image converted to `channels` (1, 3 or 4): gray = (77 R + 150 G + 29 B + 128) >> 8,
// gray -> RGB replicates, alpha is dropped or set to 255.
Image ConvertChannels(const Image& image, int channels);

// PNG bytes of the image.
Expected<std::vector<uint8_t>> EncodePng(const Image& image);

// Writes the image as PNG through WriteOutputFile (ir/output_file.h: the one writer of every output;
// CheckOutputDir / CreateOutputDir there check and make --output-dir before any work).
Status WritePng(const std::string& path, const Image& image);

}  // namespace mrt::apps
