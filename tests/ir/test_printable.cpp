// Printable / OneLineMessage / SizesForMessage (ir/printable.h): strings from input files are
// escaped and bounded before they reach an error message.
#include <gtest/gtest.h>

#include "ir/printable.h"

namespace mrt {
namespace {

TEST(Printable, PlainTextPassesThrough) {
  EXPECT_EQ(Printable("Conv_17"), "Conv_17");
  EXPECT_EQ(Printable(""), "");
  EXPECT_EQ(Printable("x:0 / y-1.2"), "x:0 / y-1.2");
}

TEST(Printable, ControlBytesAreEscaped) {
  EXPECT_EQ(Printable("a\x1b[31mred"), "a\\x1b[31mred");        // ESC: a terminal colour escape
  EXPECT_EQ(Printable("gs\x1dsep"), "gs\\x1dsep");              // group separator
  EXPECT_EQ(Printable(std::string("nul\0x", 5)), "nul\\x00x");  // NUL
  EXPECT_EQ(Printable("line1\nline2\r\t\x7f"), "line1\\x0aline2\\x0d\\x09\\x7f");
  EXPECT_EQ(Printable("back\\slash"), "back\\\\slash") << "backslashes are doubled so escapes are unambiguous";
}

TEST(Printable, Utf8IsKeptButBrokenBytesAndUnicodeControlsAreNot) {
  EXPECT_EQ(Printable("卷积_1 é"), "卷积_1 é");
  EXPECT_EQ(Printable("\xff\xfe"), "\\xff\\xfe");           // not UTF-8
  EXPECT_EQ(Printable("\xc3"), "\\xc3");                    // truncated sequence
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(Printable("\xc2\x9b"), "\\x9b");                // C1 CSI
  EXPECT_EQ(Printable("a\xe2\x80\xae"
                      "b"),
            "a\\u{202e}b");  // right-to-left override
}

TEST(Printable, LongTextIsCutWithAnEllipsis) {
  const std::string exact(kPrintableMaxChars, 'n');
  EXPECT_EQ(Printable(exact), exact);
  const std::string cut = Printable(std::string(60000, 'n'));
  EXPECT_EQ(cut, std::string(kPrintableMaxChars - 1, 'n') + "…");
  // Escapes count as the characters they print.
  const std::string escaped = Printable(std::string(1000, '\x01'));
  EXPECT_LE(escaped.size(), kPrintableMaxChars + std::string("…").size());
  EXPECT_EQ(escaped.substr(0, 8), "\\x01\\x01");
  EXPECT_EQ(Printable("abcdef", 4), "abc…");
}

TEST(OneLineMessage, EscapesControlBytesButKeepsEscapesAlreadyThere) {
  EXPECT_EQ(OneLineMessage("a\nb"), "a; b");
  EXPECT_EQ(OneLineMessage("bad \x1b name '\\x01'"), "bad \\x1b name '\\x01'");
}

TEST(OneLineMessage, LongMessagesKeepTheirStartAndEnd) {
  const std::string message = "model.onnx: node 'n' (Foo): " + std::string(10000, 'z') + " (the end)";
  const std::string line = OneLineMessage(message);
  EXPECT_LE(line.size(), kMaxMessageChars);
  EXPECT_EQ(line.rfind("model.onnx: node 'n' (Foo): ", 0), 0u) << line;
  EXPECT_NE(line.find("…"), std::string::npos);
  EXPECT_EQ(line.substr(line.size() - 9), "(the end)");
  // A cut never splits a UTF-8 character.
  const std::string wide =
      OneLineMessage(std::string(3000, 'a') + std::string(400, ' ') + "é" + std::string(3000, 'b'));
  EXPECT_LE(wide.size(), kMaxMessageChars);
}

TEST(SizesForMessage, ShortShapesAreExactLongOnesElided) {
  EXPECT_EQ(SizesForMessage({1, 3, 224, 224}), "[1,3,224,224]");
  EXPECT_EQ(SizesForMessage({}), "[]");
  const std::vector<int64_t> many(5000, 7);
  EXPECT_EQ(SizesForMessage(many), "[7,7,7,7,7,7,7,7,…,7,7] (5000 dims)");
}

}  // namespace
}  // namespace mrt
