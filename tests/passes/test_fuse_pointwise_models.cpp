// fuse_pointwise on real exported models: after the whole pipeline, each model in
// models/reference/<name> still matches ONNX Runtime's outputs within 1e-4 of the largest
// reference magnitude, every Pointwise program is valid, and on YOLOv8n (320x320) the pass fused
// its box-decoding tail. Skipped when the models have not been fetched (scripts/fetch_models.sh).
// MRT_DUMP=1 prints the optimized graph.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ir/dump.h"
#include "ir/onnx/importer.h"
#include "ir/pointwise_program.h"
#include "passes/pipeline.h"
#include "runtime/input_data.h"
#include "runtime/npy.h"
#include "tests/passes/pass_test_util.h"

namespace mrt::testing {
namespace {

namespace fs = std::filesystem;

// Prints each Pointwise program and returns how many there are; fails on an invalid one.
int CheckPrograms(const Graph& g) {
  int count = 0;
  for (const Node& n : g.nodes()) {
    if (n.dead || n.op != OpKind::kPointwise) continue;
    ++count;
    Expected<PointwiseProgram> p = ReadPointwiseProgram(n.attrs, n.inputs.size());
    EXPECT_TRUE(p.ok()) << n.name << ": " << p.status().message();
    if (p.ok()) std::cout << "  " << n.name << " = " << ToString(*p) << "\n";
  }
  return count;
}

class FusePointwiseModel : public ::testing::TestWithParam<std::string> {};

TEST_P(FusePointwiseModel, PipelineOutputsMatchOnnxRuntime) {
  const std::string dir = ModelsPath("reference/" + GetParam());
  if (!fs::exists(dir + "/meta.json"))
    GTEST_SKIP() << "no reference outputs in " << dir << ": run scripts/fetch_models.sh";
  nlohmann::json meta;
  std::ifstream(dir + "/meta.json") >> meta;
  const std::string model = ModelsPath("../" + meta["model"].get<std::string>());
  if (!fs::exists(model)) GTEST_SKIP() << "model " << model << " is missing: run scripts/fetch_models.sh";

  ImportOptions options;
  TensorMap inputs;
  for (const auto& name : meta["inputs"]) {
    Expected<Tensor> t = ReadNpy(dir + "/inputs/" + SanitizeFileName(name.get<std::string>()) + ".npy");
    ASSERT_TRUE(t.ok()) << t.status().message();
    options.input_shapes[name] = t->sizes();
    inputs[name] = std::move(*t);
  }
  Expected<Graph> graph = ImportOnnxFile(model, options);
  ASSERT_TRUE(graph.ok()) << graph.status().message();
  PassContext ctx = TestPassContext();
  const Status s = RunPipeline(*graph, ctx);
  ASSERT_TRUE(s.ok()) << s.message();
  std::cout << "  after the pipeline: " << OpHistogram(*graph) << "\n";
  const int pointwise = CheckPrograms(*graph);
  if (GetParam() == "yolov8n") {
    EXPECT_GE(pointwise, 2) << "the box decoding (two groups) was not fused";
  }
  if (std::getenv("MRT_DUMP")) std::cout << Dump(*graph);

  Expected<TensorMap> outputs = RunReference(*graph, inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().message();
  for (const auto& name : meta["outputs"]) {
    Expected<Tensor> expected = ReadNpy(dir + "/outputs/" + SanitizeFileName(name.get<std::string>()) + ".npy");
    ASSERT_TRUE(expected.ok()) << expected.status().message();
    auto it = outputs->find(name);
    ASSERT_NE(it, outputs->end()) << "no output " << name;
    ASSERT_EQ(it->second.sizes(), expected->sizes()) << name;
    const Closeness c = Compare(it->second, *expected);
    EXPECT_LE(c.max_abs_error, 1e-4 * c.max_ref_magnitude)
        << name << ": max abs error " << c.max_abs_error << " over max |ref| " << c.max_ref_magnitude;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, FusePointwiseModel,
                         ::testing::Values("yolov8n", "yolov8n_bn", "ppocr_det", "ppocr_cls", "mobilenet_v2",
                                           "resnet50"));

}  // namespace
}  // namespace mrt::testing
