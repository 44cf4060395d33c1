#include "ir/onnx/external_data.h"
#include "ir/printable.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>

namespace mrt::onnx_import {

namespace fs = std::filesystem;

namespace {

// A non-negative decimal integer, the whole string; nullopt for anything else ("12a", "-1", "").
std::optional<uint64_t> ParseByteCount(const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

struct ExternalKeys {
  std::string location;
  std::optional<std::string> offset, length;
};

ExternalKeys ReadKeys(const onnx::TensorProto& proto) {
  ExternalKeys keys;
  for (const auto& entry : proto.external_data()) {
    // "checksum" and unknown keys are informational: the bytes are bounds-checked regardless.
    if (entry.key() == "location") keys.location = entry.value();
    if (entry.key() == "offset") keys.offset = entry.value();
    if (entry.key() == "length") keys.length = entry.value();
  }
  return keys;
}

}  // namespace

Expected<std::string> ResolveExternalLocation(const std::string& model_dir, const std::string& location) {
  if (model_dir.empty())
    return Status::Errorf("external data '{}' but the model was not read from a folder", Printable(location));
  if (location.empty()) return Status::Error("external data has no location");
  if (location.find('\0') != std::string::npos) return Status::Error("external data location holds a NUL byte");
  const fs::path rel(location);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
    return Status::Errorf("external data location '{}' is absolute; it must be relative to the model's folder",
                          Printable(location));
  fs::path full(model_dir);
  std::error_code ec;
  for (const fs::path& part : rel) {
    if (part == "..")
      return Status::Errorf("external data location '{}' holds '..'; it must stay inside the model's folder",
                            Printable(location));
    if (part.empty() || part == ".") continue;
    full /= part;
    const fs::file_status st = fs::symlink_status(full, ec);
    if (ec || !fs::exists(st))
      return Status::Errorf("external data file '{}' does not exist in the model's folder", Printable(location));
    if (fs::is_symlink(st))
      return Status::Errorf("external data location '{}' is or passes through a symlink ('{}')", Printable(location),
                            Printable(full.string()));
  }
  if (!fs::is_regular_file(fs::symlink_status(full, ec)))
    return Status::Errorf("external data location '{}' is not a regular file", Printable(location));
  return full.string();
}

Expected<std::string> ReadExternalData(const onnx::TensorProto& proto, const std::string& model_dir,
                                       size_t expected_bytes) {
  const ExternalKeys keys = ReadKeys(proto);
  MRT_ASSIGN_OR_RETURN(const std::string path, ResolveExternalLocation(model_dir, keys.location));
  std::error_code ec;
  const uint64_t file_size = fs::file_size(path, ec);
  if (ec) return Status::Errorf("cannot read the size of external data file '{}'", Printable(keys.location));

  uint64_t offset = 0;
  if (keys.offset) {
    auto v = ParseByteCount(*keys.offset);
    if (!v) return Status::Errorf("external data offset '{}' is not a non-negative integer", Printable(*keys.offset));
    offset = *v;
  }
  if (offset > file_size)
    return Status::Errorf("external data offset {} lies beyond the end of '{}' ({} bytes)", offset,
                          Printable(keys.location), file_size);
  uint64_t length = file_size - offset;  // absent length: the rest of the file
  if (keys.length) {
    auto v = ParseByteCount(*keys.length);
    if (!v) return Status::Errorf("external data length '{}' is not a non-negative integer", Printable(*keys.length));
    length = *v;
    // offset + length > size, written so that it cannot overflow.
    if (length > file_size - offset)
      return Status::Errorf("external data range [{}, {}+{}) lies beyond the end of '{}' ({} bytes)", offset, offset,
                            length, Printable(keys.location), file_size);
  }
  if (length != expected_bytes)
    return Status::Errorf("external data in '{}' holds {} bytes but the tensor's dims and dtype need {}",
                          Printable(keys.location), length, expected_bytes);

  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Errorf("cannot open external data file '{}'", Printable(keys.location));
  std::string bytes(length, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(length));
  if (!in || static_cast<uint64_t>(in.gcount()) != length)
    return Status::Errorf("short read from external data file '{}'", Printable(keys.location));
  return bytes;
}

}  // namespace mrt::onnx_import
