// The tactics section codec: a round trip keeps every field and packed weight byte; damaged bytes
// are refused with a message that names the section, never a crash.
#include <gtest/gtest.h>

#include "runtime/plan/tactic_section.h"
#include "tests/support/test_support.h"

namespace mrt::plan {
namespace {

TacticTable Sample() {
  TacticTable t{"nhwc", "fp16", {}};
  LayerTactic conv{0, "conv_igemm_tc_f16_128x128x32_s3", "hand-written", 0.125f, 4096, {}};
  conv.packed.push_back({1, testing::RandomTensor(DType::kF16, {13, 3, 3, 8}, 3)});
  t.layers.push_back(std::move(conv));
  t.layers.push_back({1, "", "", 0.f, 0, {}});  // a view: launches nothing
  t.layers.push_back({2, "cudnn_conv_fwd_implicit_precomp_gemm", "cudnn", 0.5f, 1 << 20, {}});
  return t;
}

TEST(TacticSection, RoundTripKeepsEverything) {
  const TacticTable in = Sample();
  auto out = DecodeTacticTable(EncodeTacticTable(in));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->layout, "nhwc");
  EXPECT_EQ(out->precision, "fp16");
  ASSERT_EQ(out->layers.size(), 3u);
  EXPECT_EQ(out->layers[0].tactic, in.layers[0].tactic);
  EXPECT_EQ(out->layers[0].family, "hand-written");
  EXPECT_FLOAT_EQ(out->layers[0].median_ms, 0.125f);
  EXPECT_EQ(out->layers[0].workspace_bytes, 4096u);
  ASSERT_EQ(out->layers[0].packed.size(), 1u);
  EXPECT_EQ(out->layers[0].packed[0].input_index, 1);
  EXPECT_TRUE(testing::AllClose(out->layers[0].packed[0].packed, in.layers[0].packed[0].packed, 0, 0));
  EXPECT_EQ(out->layers[1].tactic, "");
  EXPECT_EQ(out->layers[2].node, 2u);
}

TEST(TacticSection, EveryTruncationIsACleanError) {
  const std::vector<uint8_t> bytes = EncodeTacticTable(Sample());
  for (size_t n = 0; n < bytes.size(); n += 7) {
    auto out = DecodeTacticTable(std::span<const uint8_t>(bytes.data(), n));
    ASSERT_FALSE(out.ok()) << "a truncation to " << n << " bytes was accepted";
    EXPECT_NE(out.status().message().find("tactics section"), std::string::npos) << out.status().message();
  }
}

TEST(TacticSection, AnotherVersionIsRefusedWithTheFix) {
  std::vector<uint8_t> bytes = EncodeTacticTable(Sample());
  bytes[0] = 9;
  auto out = DecodeTacticTable(bytes);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("rebuild the plan"), std::string::npos) << out.status().message();
}

}  // namespace
}  // namespace mrt::plan
