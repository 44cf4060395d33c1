// Bad plans are refused with one line naming the problem and the fix: empty, not a plan,
// truncated anywhere, a flipped byte in the header or in any section, another format version,
// another device, extra bytes. Past the checksums (re-sealed after an edit), corrupted counts
// and offsets are caught by bounds checks, never by a crash or a huge allocation.
#include <random>

#include "runtime/plan/plan_format.h"
#include "tests/runtime/plan_test_util.h"

namespace mrt::testing {
namespace {

using plan::Plan;
using plan::SectionKind;

class PlanErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    plan_ = PlanAround(PlanTestGraph());
    Expected<MemoryPlan> memory = PlanMemory(plan_.graph);
    ASSERT_TRUE(memory.ok()) << memory.status().message();
    plan_.memory = *memory;
    plan_.tactics = {9, 8, 7, 6};  // so the tactics section has a byte to flip
    bytes_ = MustSerialize(plan_);
    ASSERT_EQ(ParseError(bytes_), "(parsed fine)");
  }
  std::vector<uint8_t> Flipped(size_t at) const {
    std::vector<uint8_t> b = bytes_;
    b.at(at) ^= 0x10;
    return b;
  }
  std::vector<uint8_t> Prefix(size_t n) const { return {bytes_.begin(), bytes_.begin() + n}; }

  Plan plan_;
  std::vector<uint8_t> bytes_;
};

constexpr std::string_view kRebuild = "rebuild it with 'mini-rt compile'";

TEST_F(PlanErrors, AnEmptyFileIsNotAPlan) {
  EXPECT_EQ(ParseError({}),
            "model.plan: empty file, not a mini-rt plan; build one with 'mini-rt compile model.onnx -o model.plan'");
}

TEST_F(PlanErrors, BadMagicIsNotAPlan) {
  const std::vector<uint8_t> onnx = {0x08, 0x07, 0x12, 0x04, 'o', 'n', 'n', 'x', 0, 0, 0, 0};
  EXPECT_EQ(ParseError(onnx),
            "model.plan: not a mini-rt plan (it does not start with the plan magic bytes); "
            "build one with 'mini-rt compile model.onnx -o model.plan'");
  EXPECT_NE(ParseError(Flipped(0)).find("not a mini-rt plan"), std::string::npos);
  EXPECT_NE(ParseError(Flipped(7)).find("not a mini-rt plan"), std::string::npos);
  EXPECT_NE(ParseError({'x'}).find("not a mini-rt plan"), std::string::npos);
}

TEST_F(PlanErrors, TruncatedAnywhereSaysHowManyBytesAreMissing) {
  const size_t full = bytes_.size();
  // Inside the magic and before the size field: only "at least 48" can be said.
  EXPECT_EQ(ParseError(Prefix(3)),
            fmt::format("model.plan: truncated: expected at least 48 bytes, file has 3; the file is incomplete, {}",
                        kRebuild));
  EXPECT_EQ(ParseError(Prefix(20)),
            fmt::format("model.plan: truncated: expected at least 48 bytes, file has 20; the file is incomplete, {}",
                        kRebuild));
  const std::vector<plan::SectionEntry>& s = plan_.sections;
  for (size_t n : {size_t{30}, size_t{47}, size_t{48}, size_t{100}, s[0].offset, s[0].offset + 5, s[1].offset + 1,
                   s[2].offset + 3, full - 8, full - 1}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(ParseError(Prefix(n)),
              fmt::format("model.plan: truncated: expected {} bytes, file has {}; the file is incomplete, {}", full, n,
                          kRebuild));
  }
}

TEST_F(PlanErrors, AFlippedByteInTheHeaderIsCaught) {
  const std::string corrupted_prefix =
      fmt::format("model.plan: the file header is corrupted (checksum mismatch in its first 48 bytes); {}", kRebuild);
  for (size_t at : {8, 9, 12, 16, 20, 24, 32, 40, 47}) EXPECT_EQ(ParseError(Flipped(at)), corrupted_prefix) << at;
  const std::string corrupted_header = fmt::format(
      "model.plan: the header (versions, target, build record, I/O and section tables) is corrupted (checksum "
      "mismatch); {}",
      kRebuild);
  const uint64_t header_size = GetU64(bytes_, 24);
  for (size_t at : {size_t{48}, size_t{60}, size_t{48 + header_size / 2}, size_t{48 + header_size - 1}})
    EXPECT_EQ(ParseError(Flipped(at)), corrupted_header) << at;
}

TEST_F(PlanErrors, AFlippedByteInASectionNamesTheSection) {
  ASSERT_EQ(plan_.sections.size(), 4u);
  for (const plan::SectionEntry& s : plan_.sections) {
    const std::string name(plan::SectionKindName(s.kind));
    SCOPED_TRACE(name);
    ASSERT_GT(s.size, 0u);
    const std::string expected =
        fmt::format("model.plan: section '{}' is corrupted (checksum mismatch); {}", name, kRebuild);
    EXPECT_EQ(ParseError(Flipped(s.offset)), expected);
    EXPECT_EQ(ParseError(Flipped(s.offset + s.size - 1)), expected);
  }
  // Padding between sections and the trailer are covered by the whole-file checksum.
  const std::string outside = fmt::format(
      "model.plan: the file is corrupted outside its sections (whole-file checksum mismatch); {}", kRebuild);
  const plan::SectionEntry& graph = SectionOf(plan_, SectionKind::kGraph);
  ASSERT_LT(graph.offset + graph.size, plan_.sections[1].offset) << "no padding after the graph section to flip";
  EXPECT_EQ(ParseError(Flipped(graph.offset + graph.size)), outside);
  EXPECT_EQ(ParseError(Flipped(bytes_.size() - 1)), outside);
}

TEST_F(PlanErrors, AnotherFormatVersionIsRefusedByNumber) {
  std::vector<uint8_t> b = bytes_;
  const uint32_t version = 2;
  std::memcpy(b.data() + 8, &version, 4);
  PutU64(b, 40, Xxh(b.data(), 40));  // a real version-2 file has a valid prefix
  EXPECT_EQ(ParseError(b),
            "model.plan: plan format version 2 but this mini-rt reads version 1: rebuild it with 'mini-rt compile'");
}

TEST_F(PlanErrors, ExtraBytesAtTheEndAreRefused) {
  std::vector<uint8_t> b = bytes_;
  b.push_back(0);
  EXPECT_NE(ParseError(b).find("something was appended"), std::string::npos) << ParseError(b);
}

TEST_F(PlanErrors, APlanForAnotherDeviceSaysBothSides) {
  Plan cuda = PlanAround(PlanTestGraph());
  cuda.target = {"cuda", "mini-rt", 1, "x86_64", 90, "NVIDIA H100 80GB HBM3", "12.4", "9.1.0", "12.4.5"};
  const std::vector<uint8_t> b = MustSerialize(cuda);
  plan::PlanTarget here = *plan::CurrentTarget("cpu");
  here.host_arch = "x86_64";
  EXPECT_EQ(ParseError(b, {.expected_target = here}),
            "model.plan: plan built for cuda sm_90 (NVIDIA H100 80GB HBM3, CUDA 12.4, cuDNN 9.1.0, cuBLAS 12.4.5); "
            "this machine has cpu (reference kernels v1, built on x86_64): rerun 'mini-rt compile' with --device cpu");
  // Without a target to match (inspect), the same plan reads fine.
  EXPECT_EQ(ParseError(b), "(parsed fine)");

  // Another GPU: same device kind, another SM.
  plan::PlanTarget a100 = cuda.target;
  a100.sm_arch = 80;
  a100.device_name = "NVIDIA A100";
  const std::string msg = ParseError(b, {.expected_target = a100});
  EXPECT_NE(msg.find("plan built for cuda sm_90"), std::string::npos) << msg;
  EXPECT_NE(msg.find("this machine has cuda sm_80 (NVIDIA A100"), std::string::npos) << msg;
  EXPECT_NE(msg.find(": rerun 'mini-rt compile'"), std::string::npos) << msg;
}

TEST_F(PlanErrors, NewerReferenceKernelsAskForARebuildButTheHostArchDoesNotMatter) {
  Plan p = PlanAround(PlanTestGraph());
  p.target.backend_version = plan::kReferenceBackendVersion + 1;
  plan::PlanTarget here = *plan::CurrentTarget("cpu");
  here.host_arch = "x86_64";
  EXPECT_EQ(ParseError(MustSerialize(p), {.expected_target = here}),
            fmt::format("model.plan: plan built for cpu (reference kernels v{}, built on x86_64); this machine has "
                        "cpu (reference kernels v{}, built on x86_64): rerun 'mini-rt compile'",
                        plan::kReferenceBackendVersion + 1, plan::kReferenceBackendVersion));
  Plan q = PlanAround(PlanTestGraph());
  q.target.host_arch = "aarch64";
  EXPECT_EQ(ParseError(MustSerialize(q), {.expected_target = here}), "(parsed fine)");
}

TEST_F(PlanErrors, CudaIsNotATargetOfThisBuild) {
  Expected<plan::PlanTarget> t = plan::CurrentTarget("cuda");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "--device cuda: the CUDA backend is not available in this build (no GPU support); use --device cpu");
}

// --- past the checksums: corrupted contents with valid checksums ---

TEST_F(PlanErrors, AHugeCountIsRefusedBeforeAllocating) {
  // The graph section starts with the name (u32 length + "plan_test") and the opset (i64); the
  // tensor count follows.
  std::vector<uint8_t> b = bytes_;
  const size_t count_at = SectionOf(plan_, SectionKind::kGraph).offset + 4 + 9 + 8;
  const uint32_t huge = 0xFFFFFFF0u;
  std::memcpy(b.data() + count_at, &huge, 4);
  Reseal(b, plan_.sections);
  const std::string msg = ParseError(b);
  EXPECT_NE(msg.find("model.plan: the graph section is malformed at byte 25: 4294967280 tensors do not fit"),
            std::string::npos)
      << msg;
}

TEST_F(PlanErrors, ATensorOutsideTheWeightsSectionIsRefused) {
  // First tensor entry: dtype "f32" (4 + 3), rank (4), 4 dims (32), then its offset.
  std::vector<uint8_t> b = bytes_;
  const size_t offset_at = SectionOf(plan_, SectionKind::kGraph).offset + 4 + 9 + 8 + 4 + 7 + 4 + 32;
  PutU64(b, offset_at, 1ull << 40);
  Reseal(b, plan_.sections);
  const std::string msg = ParseError(b);
  EXPECT_NE(msg.find("tensor 0 lies at bytes [1099511627776, "), std::string::npos) << msg;
}

TEST_F(PlanErrors, AnUnsafeMemoryPlanIsRefused) {
  // Move the first planned value's offset far outside the arena.
  std::vector<uint8_t> b = bytes_;
  const size_t entries = SectionOf(plan_, SectionKind::kMemoryPlan).offset + 8 * 4 + 4 + 4;
  const ValueId x = plan_.graph.inputs[0];
  PutU64(b, entries + 21 * static_cast<size_t>(x), 1ull << 30);
  Reseal(b, plan_.sections);
  const std::string msg = ParseError(b);
  EXPECT_NE(msg.find("model.plan: the memory plan section is not safe to run: "), std::string::npos) << msg;
}

// Random edits inside the sections, re-sealed: every outcome is a clean error or a plan that
// verifies; never a crash, a hang or a huge allocation.
TEST_F(PlanErrors, RandomCorruptionPastTheChecksumsNeverCrashes) {
  std::mt19937_64 rng(1234);
  const uint64_t begin = plan_.sections.front().offset, end = bytes_.size() - 8;
  int refused = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<uint8_t> b = bytes_;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) b[begin + rng() % (end - begin)] ^= static_cast<uint8_t>(1 + rng() % 255);
    Reseal(b, plan_.sections);
    Expected<Plan> p = plan::ParsePlan(b, "fuzz.plan");
    if (!p.ok()) {
      ++refused;
      EXPECT_EQ(p.status().message().find('\n'), std::string::npos) << p.status().message();
      EXPECT_EQ(p.status().message().rfind("fuzz.plan: ", 0), 0u) << p.status().message();
    }
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace mrt::testing
