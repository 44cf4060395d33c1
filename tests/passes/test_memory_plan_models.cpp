// The memory planner on real exported models, imported with static input shapes and optimized by
// the pipeline: the plan passes CheckMemoryPlan and its arena is within 1.15x of the peak live
// bytes (the lower bound). Prints the numbers recorded in passes/README-memory.md.
#include <gtest/gtest.h>

#include <filesystem>

#include "ir/onnx/importer.h"
#include "passes/memory_plan.h"
#include "passes/pipeline.h"
#include "runtime/reference_backend.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

struct ModelCase {
  const char* name;
  const char* path;  // under the models folder
  const char* input;
  std::vector<int64_t> shape;
};

void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name; }

class PlannedModel : public ::testing::TestWithParam<ModelCase> {};

TEST_P(PlannedModel, ArenaIsWithinFifteenPercentOfPeakLive) {
  const ModelCase& c = GetParam();
  const std::string path = ModelsPath(c.path);
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path << ": run scripts/fetch_models.sh";
  ImportOptions import;
  import.input_shapes[c.input] = c.shape;
  auto graph = ImportOnnxFile(path, import);
  ASSERT_TRUE(graph.ok()) << graph.status().message();
  PassContext ctx;
  ctx.evaluate = MakeReferenceEvaluator();
  Status optimized = RunPipeline(*graph, ctx);
  ASSERT_TRUE(optimized.ok()) << optimized.message();

  auto plan = PlanMemory(*graph);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  Status checked = CheckMemoryPlan(*graph, *plan);
  ASSERT_TRUE(checked.ok()) << checked.message();
  MemoryPlanOptions off;
  off.enabled = false;
  auto naive = PlanMemory(*graph, off);
  ASSERT_TRUE(naive.ok()) << naive.status().message();
  EXPECT_EQ(naive->arena_bytes, plan->naive_bytes);

  int views = 0, slices = 0, in_place = 0;
  for (AliasKind k : plan->alias_kind) {
    views += k == AliasKind::kView;
    slices += k == AliasKind::kConcatSlice;
    in_place += k == AliasKind::kInPlace;
  }
  std::cout << "  " << c.name << " (" << graph->CountLiveNodes() << " nodes): " << MemoryPlanSummary(*plan) << "; "
            << views << " views, " << slices << " concat slices, " << in_place << " in place\n";
  // What each aliasing rule is worth here.
  auto arena_without = [&](bool MemoryPlanOptions::*rule) {
    MemoryPlanOptions o;
    o.*rule = false;
    auto p = PlanMemory(*graph, o);
    return p.ok() ? fmt::format("{:.2f} MiB", p->arena_bytes / double(1 << 20)) : p.status().message();
  };
  std::cout << "    arena without views " << arena_without(&MemoryPlanOptions::alias_views)
            << ", without concat slices " << arena_without(&MemoryPlanOptions::concat_in_place) << ", without in-place "
            << arena_without(&MemoryPlanOptions::reuse_elementwise_inputs) << "\n";
  EXPECT_GE(plan->arena_bytes, plan->peak_live_bytes);
  EXPECT_LE(static_cast<double>(plan->arena_bytes), 1.15 * static_cast<double>(plan->peak_live_bytes));
}

INSTANTIATE_TEST_SUITE_P(
    Models, PlannedModel,
    ::testing::Values(ModelCase{"resnet50", "torch/resnet50.onnx", "input", {1, 3, 224, 224}},
                      ModelCase{"mobilenet_v2", "torch/mobilenet_v2.onnx", "input", {1, 3, 224, 224}},
                      ModelCase{"yolov8n", "torch/yolov8n.onnx", "images", {1, 3, 640, 640}},
                      ModelCase{"ppocr_det", "ppocr/ch_PP-OCRv4_det_infer.onnx", "x", {1, 3, 640, 640}}),
    [](const ::testing::TestParamInfo<ModelCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mrt::testing
