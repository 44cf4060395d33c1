// What the tactic table offers, by name, for one representative node of each family: the exact
// list the builder would time (runtime/gpu/tactic_table.cpp's EnumerateTactics). A provider that
// silently stops offering a tactic (a changed Supported() rule, a dropped tile config, a family
// left out of the table) fails here by name, where the numeric tests would only see one fewer
// candidate. Providers never touch the GPU, so this runs on machines without one too.
//
// When a change to a provider is intended, update the expected list here in the same commit.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "ir/version.h"
#include "runtime/gpu/tactic_table.h"
#include "runtime/gpu/timing_cache.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using testing::Attrs;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;
using Names = std::vector<std::string>;

void EnumerateAll(const gpu::NodeDesc& desc, gpu::TacticList& out) { out = gpu::EnumerateTactics(desc); }

Names Offered(const OpUnderTest& t, bool tf32 = true) {
  auto names = testing::OfferedTacticNames(t, EnumerateAll, gpu::MathOptions{.allow_tf32 = tf32});
  EXPECT_TRUE(names.ok()) << names.status().message();
  return names.ok() ? *names : Names{};
}

OpUnderTest Conv3x3(DType dt, bool nhwc, int64_t group = 1) {
  const int64_t c = 16, k = group == 1 ? 32 : 16;
  Ints x_sizes = nhwc ? Ints{1, 20, 20, c} : Ints{1, c, 20, 20};
  return {OpKind::kConv,
          Attrs({{"pads", Ints{1, 1, 1, 1}}, {"group", group}, {"channels_last", int64_t{nhwc ? 1 : 0}}}),
          {RandomTensor(dt, x_sizes, 1), RandomTensor(dt, {k, c / group, 3, 3}, 2), RandomTensor(dt, {k}, 3)},
          {false, true, true}};
}

OpUnderTest MatMul(DType dt) {
  return {OpKind::kMatMul, {}, {RandomTensor(dt, {64, 128}, 1), RandomTensor(dt, {128, 96}, 2)}, {false, true}};
}

TEST(TacticOffers, ConvF32NchwStrict) {
  EXPECT_EQ(Offered(Conv3x3(DType::kF32, false), false),
            (Names{"conv_direct_nchw_f32_k4_8x32", "conv_direct_nchw_f32_k8_8x16", "conv_direct_nchw_f32_k16_8x16",
                   "conv_direct_nchw_f32_k8_4x8", "conv_direct_nchw_f32_k16_4x16", "cudnn_conv_fwd_implicit_gemm",
                   "cudnn_conv_fwd_implicit_precomp_gemm", "cudnn_conv_fwd_gemm", "cudnn_conv_fwd_direct",
                   "cudnn_conv_fwd_fft", "cudnn_conv_fwd_fft_tiling", "cudnn_conv_fwd_winograd",
                   "cudnn_conv_fwd_winograd_nonfused"}));
}
TEST(TacticOffers, ConvF32NhwcTf32) {
  EXPECT_EQ(Offered(Conv3x3(DType::kF32, true)), (Names{"conv_direct_nhwc_f32_k4_8x32",
                                                        "conv_direct_nhwc_f32_k8_8x16",
                                                        "conv_direct_nhwc_f32_k16_8x16",
                                                        "conv_direct_nhwc_f32_k8_4x8",
                                                        "conv_direct_nhwc_f32_k16_4x16",
                                                        "conv_igemm_tc_tf32_256x64x16_s4",
                                                        "conv_igemm_tc_tf32_128x64x16_s4",
                                                        "conv_igemm_tc_tf32_64x64x16_s4",
                                                        "conv_igemm_tc_tf32_128x64x32_s3",
                                                        "conv_igemm_tc_tf32_128x64x16_s4_pf",
                                                        "conv_igemm_tc_tf32_64x64x16_s4_pf",
                                                        "conv_igemm_tc_tf32_128x64x32_s3_pf",
                                                        "cudnn_conv_fwd_implicit_gemm",
                                                        "cudnn_conv_fwd_implicit_precomp_gemm",
                                                        "cudnn_conv_fwd_gemm",
                                                        "cudnn_conv_fwd_direct",
                                                        "cudnn_conv_fwd_fft",
                                                        "cudnn_conv_fwd_fft_tiling",
                                                        "cudnn_conv_fwd_winograd",
                                                        "cudnn_conv_fwd_winograd_nonfused"}));
}
TEST(TacticOffers, ConvF16Nhwc) {
  EXPECT_EQ(Offered(Conv3x3(DType::kF16, true)), (Names{"conv_direct_nhwc_f16_k4_8x32",
                                                        "conv_direct_nhwc_f16_k8_8x16",
                                                        "conv_direct_nhwc_f16_k16_8x16",
                                                        "conv_direct_nhwc_f16_k8_4x8",
                                                        "conv_direct_nhwc_f16_k16_4x16",
                                                        "conv_igemm_tc_f16_256x64x32_s4",
                                                        "conv_igemm_tc_f16_128x64x32_s4",
                                                        "conv_igemm_tc_f16_64x64x32_s4",
                                                        "conv_igemm_tc_f16_128x64x64_s3",
                                                        "conv_igemm_tc_f16_128x64x32_s4_pf",
                                                        "conv_igemm_tc_f16_64x64x32_s4_pf",
                                                        "conv_igemm_tc_f16_128x64x64_s3_pf",
                                                        "cudnn_conv_fwd_implicit_gemm",
                                                        "cudnn_conv_fwd_implicit_precomp_gemm",
                                                        "cudnn_conv_fwd_gemm",
                                                        "cudnn_conv_fwd_direct",
                                                        "cudnn_conv_fwd_fft",
                                                        "cudnn_conv_fwd_fft_tiling",
                                                        "cudnn_conv_fwd_winograd",
                                                        "cudnn_conv_fwd_winograd_nonfused"}));
}
TEST(TacticOffers, ConvDepthwiseF32Nchw) {
  EXPECT_EQ(
      Offered(Conv3x3(DType::kF32, false, 16)),
      (Names{"conv_depthwise_nchw_f32_3x3_16x32", "conv_depthwise_nchw_f32_3x3_8x32", "conv_depthwise_nchw_f32_3x3_8x8",
             "cudnn_conv_fwd_implicit_gemm", "cudnn_conv_fwd_implicit_precomp_gemm", "cudnn_conv_fwd_gemm",
             "cudnn_conv_fwd_direct", "cudnn_conv_fwd_fft", "cudnn_conv_fwd_fft_tiling", "cudnn_conv_fwd_winograd",
             "cudnn_conv_fwd_winograd_nonfused"}));
}

TEST(TacticOffers, ConvTransposeStride2) {
  OpUnderTest t{OpKind::kConvTranspose,
                Attrs({{"strides", Ints{2, 2}}}),
                {RandomTensor(DType::kF32, {1, 8, 9, 9}, 1), RandomTensor(DType::kF32, {8, 4, 2, 2}, 2)},
                {false, true}};
  EXPECT_EQ(Offered(t),
            (Names{"cudnn_conv_transpose_bwd_data_algo0", "cudnn_conv_transpose_bwd_data_algo1",
                   "cudnn_conv_transpose_bwd_data_fft", "cudnn_conv_transpose_bwd_data_fft_tiling",
                   "cudnn_conv_transpose_bwd_data_winograd", "cudnn_conv_transpose_bwd_data_winograd_nonfused"}));
}

TEST(TacticOffers, MatMulF32Tf32) {
  EXPECT_EQ(Offered(MatMul(DType::kF32)),
            (Names{"cublas_gemm", "cublaslt_gemm_algo0", "cublaslt_gemm_algo1", "cublaslt_gemm_algo2",
                   "cublaslt_gemm_algo3", "gemm_tc_tf32_64x128x16_s4", "gemm_tc_tf32_64x64x16_s4",
                   "gemm_tc_tf32_64x64x16_s4_pf", "gemm_simt_f32_64x64"}));
}
TEST(TacticOffers, MatMulF16) {
  EXPECT_EQ(
      Offered(MatMul(DType::kF16)),
      (Names{"cublas_gemm", "cublaslt_gemm_algo0", "cublaslt_gemm_algo1", "cublaslt_gemm_algo2", "cublaslt_gemm_algo3",
             "gemm_tc_f16_64x128x32_s4", "gemm_tc_f16_64x64x32_s4", "gemm_tc_f16_64x64x32_s4_pf"}));
}

TEST(TacticOffers, ElementwiseUnaryAndBinary) {
  EXPECT_EQ(Offered({OpKind::kRelu, {}, {RandomTensor(DType::kF32, {3, 17, 19}, 1)}}),
            (Names{"relu_f32_vec4", "relu_f32"}));
  EXPECT_EQ(
      Offered({OpKind::kAdd, {}, {RandomTensor(DType::kF32, {3, 17, 19}, 1), RandomTensor(DType::kF32, {17, 1}, 2)}}),
      (Names{"add_f32"}));
}

TEST(TacticOffers, ShapeOps) {
  EXPECT_EQ(
      Offered({OpKind::kTranspose, Attrs({{"perm", Ints{0, 2, 1}}}), {RandomTensor(DType::kF32, {3, 17, 19}, 1)}}),
      (Names{"transpose_strided", "transpose_tiled32", "transpose_tiled64"}));
  EXPECT_EQ(Offered({OpKind::kConcat,
                     Attrs({{"axis", int64_t{1}}}),
                     {RandomTensor(DType::kF32, {2, 5, 7}, 1), RandomTensor(DType::kF32, {2, 3, 7}, 2)}}),
            (Names{"concat_parts"}));
}

TEST(TacticOffers, PoolSoftmaxReduceNorm) {
  const Tensor x = RandomTensor(DType::kF32, {2, 6, 13, 11}, 1);
  EXPECT_EQ(Offered({OpKind::kMaxPool, Attrs({{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}}), {x}}),
            (Names{"pool_max_nchw_f32"}));
  EXPECT_EQ(Offered({OpKind::kGlobalAveragePool, {}, {x}}),
            (Names{"global_pool_avg_nchw_warp_f32", "global_pool_avg_nchw_block_f32"}));
  EXPECT_EQ(Offered({OpKind::kSoftmax, Attrs({{"axis", int64_t{-1}}}), {x}}),
            (Names{"softmax_warp_lastaxis_f32", "softmax_block256_lastaxis_f32"}));
  EXPECT_EQ(Offered({OpKind::kReduceMean, Attrs({{"axes", Ints{2, 3}}}), {x}}),
            (Names{"reduce_mean_rows_warp_f32", "reduce_mean_rows_block_f32"}));
  EXPECT_EQ(Offered({OpKind::kLayerNormalization,
                     Attrs({{"axis", int64_t{-1}}}),
                     {x, RandomTensor(DType::kF32, {11}, 2), RandomTensor(DType::kF32, {11}, 3)},
                     {false, true, true}}),
            (Names{"layernorm_warp_f32", "layernorm_block_f32"}));
}

// An op no GPU family covers gets the CPU fallback, and only then.
TEST(TacticOffers, CpuFallbackOnlyWhenNoFamilyCovers) {
  EXPECT_EQ(Offered({OpKind::kTopK,
                     Attrs({{"axis", int64_t{-1}}}),
                     {RandomTensor(DType::kF32, {3, 17}, 1), Tensor::FromVector<int64_t>(DType::kI64, {1}, {4})},
                     {false, true},
                     2}),
            Names{"cpu_reference"});
}

// The timing-cache key names the mini-rt version and the offered tactic set, so an entry made by
// another mini-rt, or for another set of tactics, is never reused; an older cache file loads empty.
TEST(TimingCacheKey, NamesVersionAndTacticSet) {
  auto graph = testing::BuildOpGraph(MatMul(DType::kF32));
  ASSERT_TRUE(graph.ok()) << graph.status().message();
  auto desc = gpu::MakeNodeDesc(*graph, graph->node(0), {});
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  gpu::TacticList all = gpu::EnumerateTactics(*desc), fewer;
  ASSERT_GE(all.size(), 2u);
  fewer.push_back(std::move(all.back()));
  all.pop_back();
  const cudaDeviceProp props{};
  const std::string key_all = gpu::LayerKey(*desc, props, gpu::TacticSetOf(all));
  const std::string key_fewer = gpu::LayerKey(*desc, props, gpu::TacticSetOf(fewer));
  EXPECT_NE(key_all, key_fewer);
  EXPECT_EQ(key_all.rfind(std::string("mini-rt ") + kMiniRtVersion + "|", 0), 0u) << key_all;
  EXPECT_EQ(gpu::TacticSetOf(all), gpu::TacticSetOf(all));
}

TEST(TimingCacheKey, OlderFormatLoadsEmptyAndCurrentRoundTrips) {
  const std::string path = ::testing::TempDir() + "mrt_timing_cache_test.json";
  {
    std::ofstream old(path);
    old << R"({"format": "mini-rt timing cache", "version": 1, "layers": {"k": {"t": 0.5}}})";
  }
  auto loaded = gpu::TimingCache::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->size(), 0u);
  loaded->Put("k", "t", 0.25f);
  ASSERT_TRUE(loaded->Save(path).ok());
  auto again = gpu::TimingCache::Load(path);
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_TRUE(again->Find("k", "t").has_value());
  EXPECT_FLOAT_EQ(*again->Find("k", "t"), 0.25f);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mrt
