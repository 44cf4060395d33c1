// Little-endian byte encoding for the plan file. ByteWriter appends fixed-width integers,
// floats, strings and padding to a growing buffer; ByteReader reads them back from a span and
// bounds-checks every read. A reader never throws and never reads past its span: the first
// failed read sets an error and every later read returns zeros, so decoding code reads a whole
// record and checks `ok()` once. Counts read from the file are checked against the bytes left
// before anything is allocated, so a corrupted count cannot ask for gigabytes.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/status.h"

namespace mrt::plan {

static_assert(std::endian::native == std::endian::little,
              "the plan file is little-endian and this reader copies integers as they lie in memory");

class ByteWriter {
 public:
  void U8(uint8_t v) { Raw(&v, 1); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void I32(int32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I64(int64_t v) { Raw(&v, 8); }
  void F32(float v) { Raw(&v, 4); }
  // u32 length, then the bytes (no terminator).
  void String(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    Raw(s.data(), s.size());
  }
  void Raw(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
  }
  // Zero bytes up to the next multiple of `alignment`.
  void PadTo(size_t alignment) { bytes_.resize((bytes_.size() + alignment - 1) / alignment * alignment, 0); }
  // Overwrites 8 bytes written earlier (sizes and checksums filled in once known).
  void PatchU64(size_t at, uint64_t v) { std::memcpy(bytes_.data() + at, &v, 8); }

  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

class ByteReader {
 public:
  // `what` names the region in errors ("graph section").
  ByteReader(std::span<const uint8_t> bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}

  uint8_t U8() { return Fixed<uint8_t>(); }
  uint32_t U32() { return Fixed<uint32_t>(); }
  int32_t I32() { return Fixed<int32_t>(); }
  uint64_t U64() { return Fixed<uint64_t>(); }
  int64_t I64() { return Fixed<int64_t>(); }
  float F32() { return Fixed<float>(); }
  bool Bool() { return U8() != 0; }

  std::string String() {
    const uint32_t n = U32();
    if (!Need(n, "a string")) return {};
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  // A u32 count of items that each take at least `min_item_bytes` in the file: checked against
  // the bytes left, so a corrupted count fails here instead of in a huge allocation.
  uint32_t Count(size_t min_item_bytes, std::string_view items) {
    const uint32_t n = U32();
    if (ok() && static_cast<uint64_t>(n) * std::max<size_t>(min_item_bytes, 1) > remaining()) {
      Fail(fmt::format("{} {} do not fit in the {} bytes left", n, items, remaining()));
      return 0;
    }
    return ok() ? n : 0;
  }

  std::span<const uint8_t> Raw(size_t n) {
    if (!Need(n, "raw bytes")) return {};
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

  // Records a decoding error (the first one wins).
  void Fail(std::string message) {
    if (status_.ok()) status_ = Status::Errorf("{} is malformed at byte {}: {}", what_, pos_, message);
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  bool Need(uint64_t n, std::string_view what) {
    if (!ok()) return false;
    if (n > remaining()) {
      Fail(fmt::format("{} of {} bytes runs past the end ({} bytes left)", what, n, remaining()));
      return false;
    }
    return true;
  }

  template <typename T>
  T Fixed() {
    T v{};
    if (!Need(sizeof(T), "a field")) return v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::span<const uint8_t> bytes_;
  std::string what_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace mrt::plan
