// fuse_pointwise on a real exported model: YOLOv8n (models/torch/yolov8n.onnx at 320x320) after
// the whole pipeline still matches ONNX Runtime's outputs (models/reference/yolov8n) within 1e-4
// of the largest reference magnitude, and the pass fused something. Skipped when the model or its
// reference outputs have not been fetched (scripts/fetch_models.sh).
#include <gtest/gtest.h>

#include <filesystem>

#include "ir/onnx/importer.h"
#include "ir/pointwise_program.h"
#include "passes/pipeline.h"
#include "runtime/input_data.h"
#include "runtime/npy.h"
#include "tests/passes/pass_test_util.h"

namespace mrt::testing {
namespace {

namespace fs = std::filesystem;

TEST(FusePointwiseModels, YoloV8nAfterThePipelineMatchesOnnxRuntime) {
  const std::string model = ModelsPath("torch/yolov8n.onnx");
  const std::string ref = ModelsPath("reference/yolov8n");
  if (!fs::exists(model) || !fs::exists(ref + "/inputs/images.npy") || !fs::exists(ref + "/outputs/output0.npy"))
    GTEST_SKIP() << "yolov8n model or reference outputs missing under " << ModelsPath("") << ": run scripts/fetch_models.sh";
  Expected<Tensor> images = ReadNpy(ref + "/inputs/images.npy");
  Expected<Tensor> expected = ReadNpy(ref + "/outputs/output0.npy");
  ASSERT_TRUE(images.ok()) << images.status().message();
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  ImportOptions options;
  options.input_shapes["images"] = {1, 3, 320, 320};
  Expected<Graph> graph = ImportOnnxFile(model, options);
  ASSERT_TRUE(graph.ok()) << graph.status().message();

  PassContext ctx = TestPassContext();
  const Status s = RunPipeline(*graph, ctx);
  ASSERT_TRUE(s.ok()) << s.message();
  int fusions = 0;
  for (const RewriteRecord& r : ctx.rewrites) fusions += r.pass == "fuse_pointwise" ? 1 : 0;
  EXPECT_GT(fusions, 0) << "fuse_pointwise found nothing to fuse in yolov8n";
  EXPECT_GT(CountOps(*graph, OpKind::kPointwise), 0);
  for (const Node& n : graph->nodes()) {
    if (n.dead || n.op != OpKind::kPointwise) continue;
    Expected<PointwiseProgram> p = ReadPointwiseProgram(n.attrs, n.inputs.size());
    ASSERT_TRUE(p.ok()) << n.name << ": " << p.status().message();
    std::cout << "  " << n.name << " = " << ToString(*p) << "\n";
  }

  TensorMap inputs;
  inputs["images"] = std::move(*images);
  Expected<TensorMap> outputs = RunReference(*graph, inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().message();
  auto it = outputs->find("output0");
  ASSERT_NE(it, outputs->end());
  ASSERT_EQ(it->second.sizes(), expected->sizes());
  const Closeness c = Compare(it->second, *expected);
  EXPECT_LE(c.max_abs_error, 1e-4 * c.max_ref_magnitude)
      << "max abs error " << c.max_abs_error << " over max |ref| " << c.max_ref_magnitude;
}

}  // namespace
}  // namespace mrt::testing
