// The GPU builder and ExecutionContext on a small synthetic convnet (odd channel counts): every
// precision and layout matches the CPU reference, the timing cache makes a rebuild time nothing,
// a plan is refused on another GPU architecture with a message that says what to do, and the CPU
// fallback tactic computes an op inside the stream.
#include <filesystem>

#include "ir/onnx/onnx_builder.h"
#include "ir/onnx/importer.h"
#include "kernels/gpu/providers.h"
#include "runtime/gpu/execution_context.h"
#include "tests/gpu/gpu_model_support.h"

namespace mrt::testing {
namespace {

// x[2,5,17,19] -> Conv3x3(13) -> Relu -> MaxPool2 -> Conv1x1(13) + residual -> Relu
//   -> Concat with a Sigmoid branch -> GlobalAveragePool -> Flatten -> Gemm(7) -> Softmax
std::string WriteTinyConvNet() {
  OnnxModelBuilder b(17, "tiny");
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2, 5, 17, 19});
  b.AddInitializer("w1", RandomTensor(DType::kF32, {13, 5, 3, 3}, 1, -0.3, 0.3));
  b.AddInitializer("b1", RandomTensor(DType::kF32, {13}, 2));
  b.AddInitializer("w2", RandomTensor(DType::kF32, {13, 13, 1, 1}, 3, -0.3, 0.3));
  b.AddInitializer("b2", RandomTensor(DType::kF32, {13}, 4));
  b.AddInitializer("wg", RandomTensor(DType::kF32, {7, 26}, 5, -0.3, 0.3));
  b.AddInitializer("bg", RandomTensor(DType::kF32, {7}, 6));
  b.AddNode("Conv", {"x", "w1", "b1"}, {"c1"}).AttrInts("pads", {1, 1, 1, 1});
  b.AddNode("Relu", {"c1"}, {"r1"});
  b.AddNode("MaxPool", {"r1"}, {"p1"}).AttrInts("kernel_shape", {2, 2}).AttrInts("strides", {2, 2});
  b.AddNode("Conv", {"p1", "w2", "b2"}, {"c2"});
  b.AddNode("Add", {"c2", "p1"}, {"a2"});
  b.AddNode("Relu", {"a2"}, {"r2"});
  b.AddNode("Sigmoid", {"p1"}, {"s2"});
  b.AddNode("Concat", {"r2", "s2"}, {"cat"}).AttrInt("axis", 1);
  b.AddNode("GlobalAveragePool", {"cat"}, {"gap"});
  b.AddNode("Flatten", {"gap"}, {"flat"});
  b.AddNode("Gemm", {"flat", "wg", "bg"}, {"logits"}).AttrInt("transB", 1);
  b.AddNode("Softmax", {"logits"}, {"y"}).AttrInt("axis", 1);
  b.AddOutput("y", DType::kF32, std::vector<OnnxDim>{2, 7});
  b.AddOutput("cat", DType::kF32);
  const std::string path = (std::filesystem::temp_directory_path() / "mrt_tiny_convnet.onnx").string();
  EXPECT_TRUE(b.WriteToFile(path).ok());
  return path;
}

TensorMap Inputs() { return {{"x", RandomTensor(DType::kF32, {2, 5, 17, 19}, 9)}}; }

TensorMap Reference(const std::string& path) {
  auto g = ImportOnnxFile(path, {});
  EXPECT_TRUE(g.ok()) << g.status().message();
  auto r = RunReference(*g, Inputs());
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : TensorMap{};
}

struct BuildCase {
  const char* name;
  bool fp16, tf32;
  const char* layout;
  double tolerance;
};

class TinyNetBuild : public ::testing::TestWithParam<BuildCase> {};

TEST_P(TinyNetBuild, MatchesReference) {
  MRT_SKIP_WITHOUT_GPU();
  const BuildCase& c = GetParam();
  const std::string path = WriteTinyConvNet();
  gpu::GpuBuildOptions options;
  options.fp16 = c.fp16;
  options.tf32 = c.tf32;
  options.layout = c.layout;
  auto run = CompileAndRunOnGpu(path, {}, options, Inputs());
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->summary.layout, std::string(c.layout) == "auto" ? run->summary.layout : c.layout);
  for (const auto& [name, expected] : Reference(path)) {
    const Closeness d = Compare(run->outputs.at(name), expected);
    EXPECT_LE(d.relative(), c.tolerance) << name << " max abs error " << d.max_abs_error;
  }
}

INSTANTIATE_TEST_SUITE_P(Precisions, TinyNetBuild,
                         ::testing::Values(BuildCase{"fp32_nchw", false, false, "nchw", 1e-4},
                                           BuildCase{"fp32_nhwc", false, false, "nhwc", 1e-4},
                                           BuildCase{"tf32_auto", false, true, "auto", 1e-2},
                                           BuildCase{"fp16_nchw", true, true, "nchw", 2e-2},
                                           BuildCase{"fp16_nhwc", true, true, "nhwc", 2e-2}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GpuBuilder, TimingCacheMakesTheRebuildTimeNothing) {
  MRT_SKIP_WITHOUT_GPU();
  const std::string path = WriteTinyConvNet();
  const std::string cache = (std::filesystem::temp_directory_path() / "mrt_tiny.timing").string();
  std::filesystem::remove(cache);
  gpu::GpuBuildOptions options;
  options.timing_cache = cache;
  auto first = CompileAndRunOnGpu(path, {}, options, Inputs());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_GT(first->summary.timed, 0);
  auto second = CompileAndRunOnGpu(path, {}, options, Inputs());
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->summary.timed, 0);
  EXPECT_GT(second->summary.cache_hits, 0);
  for (size_t i = 0; i < first->summary.layers.size(); ++i)
    EXPECT_EQ(first->summary.layers[i].tactic, second->summary.layers[i].tactic) << first->summary.layers[i].name;
}

TEST(GpuBuilder, PlanForAnotherArchitectureIsRefusedWithTheFix) {
  MRT_SKIP_WITHOUT_GPU();
  auto run = CompileAndRunOnGpu(WriteTinyConvNet(), {}, {}, Inputs());
  ASSERT_TRUE(run.ok()) << run.status().message();
  plan::Plan plan = std::move(run->plan);
  plan.target.sm_arch = 80;
  auto ctx = gpu::ExecutionContext::Create(plan);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("sm_80"), std::string::npos) << ctx.status().message();
  EXPECT_NE(ctx.status().message().find("mini-rt compile"), std::string::npos) << ctx.status().message();
}

TEST(CpuFallback, RunsTheReferenceKernelInsideTheStream) {
  MRT_SKIP_WITHOUT_GPU();
  OpUnderTest t{OpKind::kTopK, {}, {RandomTensor(DType::kF32, {3, 17}, 4), I64s({5})}, {false, true}, 2};
  const int checked = ExpectTacticsMatchReference(t, gpu::AppendCpuFallbackTactics, 0.0);
  EXPECT_EQ(checked, 1);
}

}  // namespace
}  // namespace mrt::testing
