// Text that came from an input file (ONNX names, op types and dtype strings, .npy header text,
// plan strings), made safe to quote in a one-line error message. A hostile or corrupt file may
// hold terminal escapes, newlines or megabytes of text in a name: the message must stay one
// short printable line. Every loader quotes input-file strings through Printable().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mrt {

// How many characters of one input-file string a message quotes.
inline constexpr size_t kPrintableMaxChars = 80;
// The longest error message the CLI prints (its "mini-rt <cmd>: error: " prefix included).
inline constexpr size_t kMaxMessageChars = 300;

// `text` with every byte that is not printable written as \xNN: ASCII control bytes and DEL,
// bytes that are not valid UTF-8, and C1 control characters; Unicode bidi/line-separator
// controls are written as \u{XXXX}. A backslash becomes "\\" so the escaping is unambiguous.
// Valid printable UTF-8 (names in other scripts) passes through. When the result would exceed
// `max_chars` characters it is cut there and ends in "…".
std::string Printable(std::string_view text, size_t max_chars = kPrintableMaxChars);

// A whole message made one safe line: newlines become "; ", other control bytes \xNN (as above,
// but backslashes stay: the message may already hold Printable() text); over `max_chars` bytes,
// its middle is replaced by "…" so the start (file, node, problem) and the end remain.
std::string OneLineMessage(std::string_view message, size_t max_chars = kMaxMessageChars);

// Sizes for a message: "[1,3,224,224]", or for a long shape its first and last dims only:
// "[1,1,1,1,1,1,1,1,…,1,1] (5000 dims)". (SizesToString stays exact: it also builds cache keys.)
std::string SizesForMessage(const std::vector<int64_t>& sizes);

}  // namespace mrt
