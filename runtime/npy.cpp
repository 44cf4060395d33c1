#include "runtime/npy.h"

#include "ir/output_file.h"
#include "ir/printable.h"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace mrt {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

struct DescrRow {
  DType dtype;
  char kind;  // numpy kind letter: f float, i signed, u unsigned, b bool
  int itemsize;
};
constexpr DescrRow kDescrs[] = {
    {DType::kF32, 'f', 4}, {DType::kF16, 'f', 2}, {DType::kF64, 'f', 8}, {DType::kI64, 'i', 8},
    {DType::kI32, 'i', 4}, {DType::kI8, 'i', 1},  {DType::kU8, 'u', 1},  {DType::kBool, 'b', 1},
};

// One value of the header dict: a string, a bool or a tuple of ints.
struct HeaderValue {
  enum Kind { kString, kBool, kTuple } kind = kString;
  std::string text;
  bool flag = false;
  std::vector<int64_t> ints;
};

// A recursive-descent reader for the tiny subset of Python literals the header uses.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view s) : s_(s) {}

  Expected<std::map<std::string, HeaderValue>> ParseDict() {
    std::map<std::string, HeaderValue> dict;
    if (!Consume('{')) return Error("expected '{'");
    while (!Consume('}')) {
      MRT_ASSIGN_OR_RETURN(std::string key, ParseString());
      if (!Consume(':')) return Error("expected ':' after '" + Printable(key) + "'");
      MRT_ASSIGN_OR_RETURN(dict[key], ParseValue());
      if (!Consume(',') && !Peek('}')) return Error("expected ',' or '}'");
    }
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected text after '}'");
    return dict;
  }

 private:
  Status Error(const std::string& what) const { return Status::Errorf("malformed npy header ({})", what); }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  bool ConsumeWord(std::string_view w) {
    SkipSpace();
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  Expected<std::string> ParseString() {
    SkipSpace();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return Error("expected a quoted string");
    const char quote = s_[pos_++];
    const size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) return Error("unterminated string");
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }

  Expected<std::vector<int64_t>> ParseTuple() {
    std::vector<int64_t> ints;
    while (!Consume(')')) {
      SkipSpace();
      int64_t v = 0;
      size_t digits = 0;
      for (; pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; ++pos_, ++digits) {
        if (v > (INT64_MAX - 9) / 10) return Error("dimension too large");
        v = v * 10 + (s_[pos_] - '0');
      }
      if (digits == 0) return Error("expected a non-negative integer in 'shape'");
      ConsumeWord("L");  // Python 2 wrote longs as 3L
      ints.push_back(v);
      if (!Consume(',') && !Peek(')')) return Error("expected ',' or ')' in 'shape'");
    }
    return ints;
  }

  Expected<HeaderValue> ParseValue() {
    HeaderValue v;
    if (ConsumeWord("True")) {
      v.kind = HeaderValue::kBool;
      v.flag = true;
    } else if (ConsumeWord("False")) {
      v.kind = HeaderValue::kBool;
    } else if (Consume('(')) {
      v.kind = HeaderValue::kTuple;
      MRT_ASSIGN_OR_RETURN(v.ints, ParseTuple());
    } else {
      v.kind = HeaderValue::kString;
      MRT_ASSIGN_OR_RETURN(v.text, ParseString());
    }
    return v;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Maps a descr such as '<f4' to a dtype; the error says why it is refused.
Expected<DType> DTypeFromDescr(const std::string& descr) {
  if (descr.size() < 3) return Status::Errorf("unsupported dtype '{}'", Printable(descr));
  const char order = descr[0], kind = descr[1];
  const std::string size_text = descr.substr(2);
  const int itemsize = size_text.find_first_not_of("0123456789") == std::string::npos && size_text.size() <= 3
                           ? std::stoi(size_text)
                           : -1;
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return Status::Errorf("unsupported dtype '{}'", Printable(descr));
  for (const DescrRow& row : kDescrs) {
    if (row.kind != kind || row.itemsize != itemsize) continue;
    const bool big_endian = order == '>' || (order == '=' && std::endian::native == std::endian::big);
    if (big_endian && itemsize > 1)
      return Status::Errorf("big-endian dtype '{}' is not supported (save it little-endian: a.astype('<{}{}'))",
                            Printable(descr), kind, itemsize);
    return row.dtype;
  }
  return Status::Errorf(
      "unsupported dtype '{}' (supported: <f4 <f2 <f8 <i8 <i4 |i1 |u1 |b1, i.e. float32, float16, float64, int64, "
      "int32, int8, uint8, bool)",
      Printable(descr));
}

// Reads the header dict into a dtype and sizes.
Status ParseHeaderDict(std::string_view header, DType* dtype, std::vector<int64_t>* sizes) {
  MRT_ASSIGN_OR_RETURN(auto dict, HeaderParser(header).ParseDict());
  for (const char* key : {"descr", "fortran_order", "shape"})
    if (!dict.count(key)) return Status::Errorf("npy header has no '{}'", key);
  if (dict["descr"].kind != HeaderValue::kString) return Status::Error("npy header: 'descr' is not a string");
  if (dict["fortran_order"].kind != HeaderValue::kBool)
    return Status::Error("npy header: 'fortran_order' is not True or False");
  if (dict["shape"].kind != HeaderValue::kTuple) return Status::Error("npy header: 'shape' is not a tuple");
  if (dict["fortran_order"].flag)
    return Status::Error("fortran_order is True; only C-order arrays are supported (save np.ascontiguousarray(a))");
  MRT_ASSIGN_OR_RETURN(*dtype, DTypeFromDescr(dict["descr"].text));
  *sizes = dict["shape"].ints;
  return Status::Ok();
}

uint32_t ReadLittleEndian(std::string_view bytes, size_t offset, int width) {
  uint32_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(bytes[offset + i]);
  return v;
}

Expected<Tensor> ParseNpyImpl(std::string_view bytes) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
    return Status::Error("not an npy file (it does not start with \\x93NUMPY)");
  if (bytes.size() < 8) return Status::Error("truncated npy header (no version)");
  const int major = static_cast<uint8_t>(bytes[6]), minor = static_cast<uint8_t>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    return Status::Errorf("unsupported npy format version {}.{} (supported: 1.0, 2.0, 3.0)", major, minor);
  const int len_width = major == 1 ? 2 : 4;
  const size_t prefix = 8 + len_width;
  if (bytes.size() < prefix) return Status::Error("truncated npy header (no header length)");
  const size_t header_len = ReadLittleEndian(bytes, 8, len_width);
  if (bytes.size() - prefix < header_len)
    return Status::Errorf("truncated npy header (it declares {} bytes, the file has {} after the preamble)", header_len,
                          bytes.size() - prefix);
  DType dtype = DType::kUndefined;
  std::vector<int64_t> sizes;
  MRT_RETURN_IF_ERROR(ParseHeaderDict(bytes.substr(prefix, header_len), &dtype, &sizes));

  const size_t available = bytes.size() - prefix - header_len;
  uint64_t needed = DTypeSize(dtype);
  for (int64_t d : sizes)
    if (__builtin_mul_overflow(needed, static_cast<uint64_t>(d), &needed))
      return Status::Errorf("shape {} is too large", SizesForMessage(sizes));
  const std::string what = fmt::format("{} {}", NpyDescr(dtype), SizesForMessage(sizes));
  if (available < needed)
    return Status::Errorf("truncated npy data: {} needs {} bytes but the file holds {}", what, needed, available);
  if (available > needed)
    return Status::Errorf("npy shape/data size mismatch: {} needs {} bytes but the file holds {}", what, needed,
                          available);
  Tensor t(dtype, std::move(sizes));
  if (needed) std::memcpy(t.raw(), bytes.data() + prefix + header_len, needed);
  if (dtype == DType::kBool)  // numpy bools are 0/1 bytes; anything else would confuse the kernels
    for (size_t i = 0; i < needed; ++i) t.data<uint8_t>()[i] = t.data<uint8_t>()[i] != 0;
  return t;
}

std::string ShapeTuple(const std::vector<int64_t>& sizes) {
  if (sizes.size() == 1) return fmt::format("({},)", sizes[0]);
  return fmt::format("({})", fmt::join(sizes, ", "));
}

}  // namespace

std::string_view NpyDescr(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return "<f4";
    case DType::kF16:
      return "<f2";
    case DType::kF64:
      return "<f8";
    case DType::kI64:
      return "<i8";
    case DType::kI32:
      return "<i4";
    case DType::kI8:
      return "|i1";
    case DType::kU8:
      return "|u1";
    case DType::kBool:
      return "|b1";
    case DType::kBF16:
    case DType::kUndefined:
      break;
  }
  return {};
}

Expected<Tensor> ParseNpy(std::string_view bytes, const std::string& display_name) {
  static_assert(std::endian::native == std::endian::little, "the .npy reader assumes a little-endian host");
  Expected<Tensor> t = ParseNpyImpl(bytes);
  // Header text is quoted through Printable(); the whole message also stays one bounded line.
  if (!t.ok()) return Status::Error(OneLineMessage(display_name + ": " + t.status().message()));
  return t;
}

Expected<Tensor> ReadNpy(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Errorf("{}: no such file", path);
  if (std::filesystem::is_directory(path, ec)) return Status::Errorf("{}: is a directory, not an npy file", path);
  if (!std::filesystem::is_regular_file(path, ec)) return Status::Errorf("{}: not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Errorf("{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::Errorf("{}: read error: {}", path, std::strerror(errno));
  return ParseNpy(buffer.str(), path);
}

Expected<std::string> EncodeNpy(const Tensor& tensor) {
  const std::string_view descr = NpyDescr(tensor.dtype());
  if (descr.empty())
    return Status::Errorf("dtype {} cannot be stored in an npy file (convert it to f32 first)",
                          DTypeName(tensor.dtype()));
  std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, ShapeTuple(tensor.sizes()));
  // Preamble + dict + padding + '\n' must be a multiple of 64 so the data is aligned. Version 1.0
  // stores the header length in 16 bits; a longer header (a very high rank) needs 2.0.
  auto padded_total = [&](size_t preamble) { return (preamble + dict.size() + 1 + 63) / 64 * 64; };
  const int len_width = padded_total(10) - 10 <= 65535 ? 2 : 4;
  const size_t preamble = 8 + len_width;
  const size_t padded = padded_total(preamble);
  dict.append(padded - preamble - dict.size() - 1, ' ');
  dict.push_back('\n');

  std::string out(kMagic);
  out.push_back(static_cast<char>(len_width == 2 ? 1 : 2));
  out.push_back(0);
  for (int i = 0; i < len_width; ++i) out.push_back(static_cast<char>((dict.size() >> (8 * i)) & 0xFF));
  out += dict;
  out.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
  return out;
}

Status WriteNpy(const std::string& path, const Tensor& tensor, std::string_view flag) {
  Expected<std::string> bytes = EncodeNpy(tensor);
  if (!bytes.ok()) return bytes.status().WithContext(path + ": ");
  return WriteOutputFile(path, *bytes, flag);
}

}  // namespace mrt
