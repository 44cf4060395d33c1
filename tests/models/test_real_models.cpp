// Real models with real (PaddleOCR) or seeded random (torchvision, YOLOv8-style) weights, run on
// the CPU reference backend and compared with ONNX Runtime's outputs made by
// scripts/fetch_models.sh (scripts/ort_reference.js). Criterion: the largest absolute error is at
// most 1e-4 of the reference's largest magnitude, for every output.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ir/onnx/importer.h"
#include "runtime/input_data.h"
#include "runtime/npy.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

namespace fs = std::filesystem;

constexpr double kRelativeTolerance = 1e-4;


class RealModel : public ::testing::TestWithParam<std::string> {};

TEST_P(RealModel, MatchesOnnxRuntime) {
  const std::string dir = testing::ModelsPath("reference/" + GetParam());
  if (!fs::exists(dir + "/meta.json"))
    GTEST_SKIP() << "no reference outputs in " << dir << ": run scripts/fetch_models.sh";
  nlohmann::json meta;
  std::ifstream(dir + "/meta.json") >> meta;
  const std::string model_path = testing::ModelsPath("../" + meta["model"].get<std::string>());
  ASSERT_TRUE(fs::exists(model_path)) << model_path;

  ImportOptions options;
  TensorMap inputs;
  for (const auto& name : meta["inputs"]) {
    auto t = ReadNpy(dir + "/inputs/" + SanitizeFileName(name.get<std::string>()) + ".npy");
    ASSERT_TRUE(t.ok()) << t.status().message();
    options.input_shapes[name] = t->sizes();
    inputs[name] = std::move(*t);
  }
  auto graph = ImportOnnxFile(model_path, options);
  ASSERT_TRUE(graph.ok()) << graph.status().message();

  const auto start = std::chrono::steady_clock::now();
  auto outputs = RunReference(*graph, inputs);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(outputs.ok()) << outputs.status().message();
  std::cout << "  " << GetParam() << ": reference backend " << seconds << " s\n";

  for (const auto& name : meta["outputs"]) {
    auto expected = ReadNpy(dir + "/outputs/" + SanitizeFileName(name.get<std::string>()) + ".npy");
    ASSERT_TRUE(expected.ok()) << expected.status().message();
    auto it = outputs->find(name);
    ASSERT_NE(it, outputs->end()) << "no output " << name;
    ASSERT_EQ(it->second.sizes(), expected->sizes()) << name;
    const testing::Closeness c = testing::Compare(it->second, *expected);
    std::cout << "  " << name << ": max abs error " << c.max_abs_error << " over max |ref| " << c.max_ref_magnitude
              << " = " << c.relative() << "\n";
    EXPECT_LE(c.max_abs_error, kRelativeTolerance * c.max_ref_magnitude) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(OnnxRuntime, RealModel,
                         ::testing::Values("ppocr_det", "ppocr_cls", "resnet50", "mobilenet_v2", "yolov8n",
                                           "yolov8n_bn"));

}  // namespace
}  // namespace mrt
