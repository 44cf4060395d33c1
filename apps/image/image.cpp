// Image decoding and encoding with stb_image / stb_image_write (libstb.a from libstb-dev), and
// the applications' one file-writing function.
#include "apps/image/image.h"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace mrt::apps {

namespace {

Expected<std::vector<uint8_t>> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Errorf("{}: no such file", path);
  if (!std::filesystem::is_regular_file(path, ec)) return Status::Errorf("{}: not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Errorf("{}: cannot open the file: {}", path, std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::Errorf("{}: cannot read the file", path);
  return bytes;
}

bool LooksLikePng(const std::vector<uint8_t>& b) {
  static const uint8_t kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return b.size() >= 8 && std::memcmp(b.data(), kSig, 8) == 0;
}
bool LooksLikeJpeg(const std::vector<uint8_t>& b) {
  return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

// stb decodes a JPEG cut short without complaint (the missing rows come out gray); a JPEG must
// end with the EOI marker FF D9 (possibly followed by padding zeros).
bool JpegHasEnd(const std::vector<uint8_t>& b) {
  size_t n = b.size();
  while (n > 2 && b[n - 1] == 0) --n;
  return n >= 4 && b[n - 2] == 0xFF && b[n - 1] == 0xD9;
}

Image FromStb(int w, int h, int c, int bits, const void* data) {
  Image img(w, h, c);
  img.source_bits = bits;
  const size_t n = img.pixels.size();
  if (bits == 16) {
    const uint16_t* p = static_cast<const uint16_t*>(data);
    for (size_t i = 0; i < n; ++i) img.pixels[i] = static_cast<uint8_t>((uint32_t(p[i]) * 255 + 32767) / 65535);
  } else {
    std::memcpy(img.pixels.data(), data, n);
  }
  return img;
}

}  // namespace

Expected<Image> DecodeImage(const std::vector<uint8_t>& bytes, const std::string& what, int desired_channels) {
  if (desired_channels < 0 || desired_channels > 4 || desired_channels == 2)
    return Status::Errorf("{}: cannot convert to {} channels (1, 3 or 4)", what, desired_channels);
  if (bytes.empty()) return Status::Errorf("{}: the file is empty (0 bytes), not an image", what);
  const bool png = LooksLikePng(bytes), jpeg = LooksLikeJpeg(bytes);
  if (!png && !jpeg) return Status::Errorf("{}: not a PNG or JPEG image (unrecognised file signature)", what);
  if (bytes.size() > size_t(INT32_MAX)) return Status::Errorf("{}: the file is over 2 GiB", what);
  const int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &c))
    return Status::Errorf("{}: corrupt or truncated {} header ({})", what, png ? "PNG" : "JPEG", stbi_failure_reason());
  if (w <= 0 || h <= 0) return Status::Errorf("{}: the image has no pixels ({}x{})", what, w, h);
  if (w > kMaxImageSide || h > kMaxImageSide)
    return Status::Errorf("{}: the image is {}x{}; images larger than {} px on a side are not supported", what, w, h,
                          kMaxImageSide);
  if (jpeg && !JpegHasEnd(bytes)) return Status::Errorf("{}: truncated JPEG (no end-of-image marker)", what);
  const bool sixteen = png && stbi_is_16_bit_from_memory(bytes.data(), len);
  const int want = desired_channels ? desired_channels : (c == 2 ? 4 : c);  // gray+alpha -> RGBA
  std::unique_ptr<void, void (*)(void*)> data(
      sixteen ? static_cast<void*>(stbi_load_16_from_memory(bytes.data(), len, &w, &h, &c, want))
              : static_cast<void*>(stbi_load_from_memory(bytes.data(), len, &w, &h, &c, want)),
      stbi_image_free);
  if (!data)
    return Status::Errorf("{}: corrupt or truncated {} ({})", what, png ? "PNG" : "JPEG", stbi_failure_reason());
  return FromStb(w, h, want, sixteen ? 16 : 8, data.get());
}

Expected<Image> ReadImage(const std::string& path, int desired_channels) {
  MRT_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadWholeFile(path));
  return DecodeImage(bytes, path, desired_channels);
}

Image ConvertChannels(const Image& image, int channels) {
  if (image.channels == channels) return image;
  Image out(image.width, image.height, channels);
  out.source_bits = image.source_bits;
  const size_t n = size_t(image.width) * image.height;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* s = image.pixels.data() + i * image.channels;
    uint8_t* d = out.pixels.data() + i * channels;
    const bool gray_in = image.channels < 3;
    const uint8_t r = s[0], g = gray_in ? s[0] : s[1], b = gray_in ? s[0] : s[2];
    const uint8_t a = image.channels == 4 ? s[3] : image.channels == 2 ? s[1] : 255;
    if (channels < 3) {
      d[0] = gray_in ? s[0] : static_cast<uint8_t>((77 * r + 150 * g + 29 * b + 128) >> 8);
    } else {
      d[0] = r, d[1] = g, d[2] = b;
    }
    if (channels == 4) d[3] = a;
    if (channels == 2) d[1] = a;
  }
  return out;
}

Expected<std::vector<uint8_t>> EncodePng(const Image& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != size_t(image.width) * image.height * image.channels)
    return Status::Errorf("cannot encode a {}x{}x{} image as PNG", image.width, image.height, image.channels);
  std::vector<uint8_t> out;
  auto append = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(ctx);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(append, &out, image.width, image.height, image.channels, image.pixels.data(),
                              image.width * image.channels))
    return Status::Error("PNG encoding failed");
  return out;
}

Status WritePng(const std::string& path, const Image& image) {
  MRT_ASSIGN_OR_RETURN(std::vector<uint8_t> png, EncodePng(image));
  return WriteOutputFile(path, std::string(png.begin(), png.end()));
}

}  // namespace mrt::apps
