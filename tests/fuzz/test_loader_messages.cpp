// Every loader quotes the strings of its input file through Printable() (ir/printable.h): a
// refusal is one printable line of at most kMaxMessageChars, whatever the file holds. The
// findings of the external fuzz run (issue 8) each have a case here: ESC and 0x1d bytes in .npy
// header text, a raw \x01 in the plan target-mismatch line, a 60,000-character dtype and a
// 5,000-dim shape.
#include <gtest/gtest.h>

#include "ir/onnx/importer.h"
#include "ir/onnx/onnx_builder.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/runtime/plan_test_util.h"

namespace mrt::testing {
namespace {

// `s` failed with one printable line, bounded, starting with `prefix` and holding `needle`.
void ExpectSafeLine(const Status& s, const std::string& prefix, const std::string& needle) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(fuzz::CheckErrorLine(s, prefix), "");
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
}

// A version-1 .npy file with this header dict (padded to 64 bytes) and data.
std::string Npy(const std::string& dict, const std::string& data = "") {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

TEST(NpyMessages, ControlBytesInTheDtypeAreEscaped) {
  const Status s =
      ParseNpy(Npy("{'descr': '<f\x1b[2J\x1d', 'fortran_order': False, 'shape': (3,), }"), "in.npy").status();
  ExpectSafeLine(s, "in.npy: ", "unsupported dtype '<f\\x1b[2J\\x1d'");
}

TEST(NpyMessages, AHugeDtypeIsCut) {
  const Status s =
      ParseNpy(Npy("{'descr': '<" + std::string(60000, 'f') + "', 'fortran_order': False, 'shape': (3,), }"), "in.npy")
          .status();
  ExpectSafeLine(s, "in.npy: ", "unsupported dtype '<fff");
  EXPECT_NE(s.message().find("…"), std::string::npos) << s.message();
}

TEST(NpyMessages, AFiveThousandDimShapeIsElided) {
  std::string shape = "(";
  for (int i = 0; i < 5000; ++i) shape += "1, ";
  const Status s =
      ParseNpy(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + "), }", "xx"), "in.npy").status();
  ExpectSafeLine(s, "in.npy: ", "(5000 dims)");
}

TEST(NpyMessages, AControlByteInAKeyIsEscaped) {
  const Status s = ParseNpy(Npy("{'de\x01scr' '<f4'}"), "in.npy").status();
  ExpectSafeLine(s, "in.npy: ", "de\\x01scr");
}

// An ONNX model whose names and op type hold terminal escapes and megabytes of text.
TEST(OnnxMessages, NamesAndOpTypesAreEscapedAndCut) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  const std::string op = "Evil\x1b]0;title\x07" + std::string(60000, 'O');
  b.AddNode(op, {"x"}, {"y"}, "node\x1b[31m\n");
  b.AddOutput("y", DType::kF32);
  const Status s = ImportOnnxBytes(b.Serialize(), "", "m.onnx").status();
  ExpectSafeLine(s, "m.onnx: ", "Evil\\x1b]0;title\\x07OOO");
  EXPECT_NE(s.message().find("node\\x1b[31m\\x0a"), std::string::npos) << s.message();
}

TEST(OnnxMessages, AnInputNeverProducedIsQuotedSafely) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {std::string(70000, 'q') + "\x1d"}, {"y"}, "relu");
  b.AddOutput("y", DType::kF32);
  ExpectSafeLine(ImportOnnxBytes(b.Serialize(), "", "m.onnx").status(), "m.onnx: ", "is never produced");
}

TEST(OnnxMessages, AFiveThousandDimInitializerIsElided) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddRawInitializer("w\x01", 1 /*FLOAT*/, std::vector<int64_t>(5000, 1), std::string(8, '\0'));
  b.AddNode("Add", {"x", "w\x01"}, {"y"}, "add");
  b.AddOutput("y", DType::kF32);
  const Status s = ImportOnnxBytes(b.Serialize(), "", "m.onnx").status();
  ExpectSafeLine(s, "m.onnx: ", "(5000 dims)");
  EXPECT_NE(s.message().find("initializer 'w\\x01'"), std::string::npos) << s.message();
}

TEST(OnnxMessages, AnAttributeNameIsEscaped) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Relu", {"x"}, {"y"}, "relu").AttrInt("bad\x1b" + std::string(500, 'a'), 1);
  b.AddOutput("y", DType::kF32);
  ExpectSafeLine(ImportOnnxBytes(b.Serialize(), "", "m.onnx").status(), "m.onnx: ", "unknown attribute 'bad\\x1b");
}

// The target-mismatch line quotes the plan's strings: a raw \x01 in one was issue 8's finding.
TEST(PlanMessages, TheTargetMismatchLineIsEscapedAndBounded) {
  plan::Plan p = PlanAround(PlanTestGraph());
  p.target.backend = "ref\x01" + std::string(60000, 'k');
  p.target.host_arch = "x86\x1b[0m";
  const std::vector<uint8_t> bytes = MustSerialize(p);
  const Status s = plan::ParsePlan(bytes, "m.plan", {.expected_target = *plan::CurrentTarget("cpu")}).status();
  ExpectSafeLine(s, "m.plan: ", "plan built for cpu (ref\\x01kkk");
  EXPECT_EQ(s.message().find("x86\x1b"), std::string::npos) << s.message();
}

TEST(PlanMessages, TheTargetLineOfADevicePlanIsEscaped) {
  plan::PlanTarget built{.device = "cuda\x1d", .sm_arch = 90, .device_name = std::string(5000, 'H') + "\n"};
  const Status s = plan::CheckTarget(built, *plan::CurrentTarget("cpu"));
  ExpectSafeLine(s, "plan built for cuda\\x1d", "this machine has cpu");
}

TEST(PlanMessages, AnUnknownOpNameIsEscapedAndCut) {
  plan::Plan p = PlanAround(PlanTestGraph());
  std::vector<uint8_t> bytes = MustSerialize(p);
  // Rename the first node's op ("Conv") in place: same length, so the layout stays valid.
  const std::string conv = "Conv";
  const plan::SectionEntry& graph = SectionOf(p, plan::SectionKind::kGraph);
  auto at =
      std::search(bytes.begin() + graph.offset, bytes.begin() + graph.offset + graph.size, conv.begin(), conv.end());
  ASSERT_NE(at, bytes.begin() + graph.offset + graph.size);
  std::copy_n("C\x1bnv", 4, at);
  const std::vector<uint8_t> sealed =
      fuzz::ResealPlan(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  ExpectSafeLine(plan::ParsePlan(sealed, "m.plan").status(), "m.plan: ", "unknown op 'C\\x1bnv'");
}

}  // namespace
}  // namespace mrt::testing
