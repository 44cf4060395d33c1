#include "ir/printable.h"

#include <fmt/format.h>

#include "ir/shape.h"

namespace mrt {

namespace {

constexpr std::string_view kEllipsis = "…";

// The length of the valid UTF-8 sequence of 2 to 4 bytes at text[i] and its code point, or
// {0, 0} when the bytes there are not one (stray continuation, overlong form, surrogate, > U+10FFFF).
std::pair<size_t, uint32_t> DecodeUtf8(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[i + k]); };
  const uint8_t lead = byte(0);
  const size_t len = lead >= 0xC2 && lead <= 0xDF   ? 2
                     : lead >= 0xE0 && lead <= 0xEF ? 3
                     : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                    : 0;
  if (len == 0) return {0, 0};
  uint32_t cp = lead & (0x7F >> len);  // the payload bits of the lead byte
  if (i + len > text.size()) return {0, 0};
  for (size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return {0, 0};
  return {len, cp};
}

// Code points a terminal treats as controls: C1, zero-width and bidi controls, line separators, BOM.
bool IsControlCodePoint(uint32_t cp) {
  return cp < 0xA0 || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

// The escaped form of the character at text[i] and how many bytes it spans.
std::pair<std::string, size_t> EscapeNext(std::string_view text, size_t i, bool escape_backslash) {
  const auto u = static_cast<uint8_t>(text[i]);
  if (u == '\\' && escape_backslash) return {"\\\\", 1};
  if (u >= 0x20 && u < 0x7F) return {std::string(1, static_cast<char>(u)), 1};
  if (u < 0x80) return {fmt::format("\\x{:02x}", u), 1};
  const auto [len, cp] = DecodeUtf8(text, i);
  if (len == 0) return {fmt::format("\\x{:02x}", u), 1};
  if (IsControlCodePoint(cp))
    return {cp < 0x100 ? fmt::format("\\x{:02x}", cp) : fmt::format("\\u{{{:04x}}}", cp), len};
  return {std::string(text.substr(i, len)), len};
}

}  // namespace

std::string Printable(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    auto [piece, len] = EscapeNext(text, i, /*escape_backslash=*/true);
    const size_t piece_chars = piece.size() == len && len > 1 ? 1 : piece.size();  // a UTF-8 letter is one
    const bool last = i + len == text.size();
    if (chars + piece_chars > (last ? max_chars : max_chars - 1)) return out + std::string(kEllipsis);
    out += piece;
    chars += piece_chars;
    i += len;
  }
  return out;
}

std::string OneLineMessage(std::string_view message, size_t max_chars) {
  std::string line;
  for (size_t i = 0; i < message.size();) {
    if (message[i] == '\n') {
      line += "; ";
      ++i;
      continue;
    }
    auto [piece, len] = EscapeNext(message, i, /*escape_backslash=*/false);
    line += piece;
    i += len;
  }
  if (line.size() <= max_chars) return line;
  // Keep two thirds from the start and the rest from the end, cut at UTF-8 character boundaries.
  const size_t budget = max_chars - kEllipsis.size();
  size_t head = budget * 2 / 3, tail_start = line.size() - (budget - head);
  while (head > 0 && (static_cast<uint8_t>(line[head]) & 0xC0) == 0x80) --head;
  while (tail_start < line.size() && (static_cast<uint8_t>(line[tail_start]) & 0xC0) == 0x80) ++tail_start;
  return line.substr(0, head) + std::string(kEllipsis) + line.substr(tail_start);
}

std::string SizesForMessage(const std::vector<int64_t>& sizes) {
  constexpr size_t kShownFirst = 8, kShownLast = 2;
  if (sizes.size() <= kShownFirst + kShownLast + 2) return SizesToString(sizes);
  const std::vector<int64_t> first(sizes.begin(), sizes.begin() + kShownFirst);
  const std::vector<int64_t> last(sizes.end() - kShownLast, sizes.end());
  return fmt::format("[{},{},{}] ({} dims)", fmt::join(first, ","), kEllipsis, fmt::join(last, ","), sizes.size());
}

}  // namespace mrt
