// End to end on real models: compile for CUDA (auto-tuned on this GPU), round-trip the plan file,
// run it, and compare every output with the CPU reference backend on the same input:
//   FP32 (--no-tf32)  max abs error / max |ref| <= 1e-4
//   TF32 (default)    <= 1e-2
//   FP16 (--fp16)     <= 2e-2 and cosine similarity >= 0.999
// Also: no layer may need the CPU fallback. Models come from scripts/fetch_models.sh (or
// $MRT_MODELS_DIR); a missing model skips with the reason.
#include <filesystem>

#include "ir/onnx/importer.h"
#include "tests/gpu/gpu_model_support.h"

namespace mrt::testing {
namespace {

struct ModelCase {
  const char* file;
  const char* input;
  std::vector<int64_t> shape;
};

const ModelCase kModels[] = {
    {"ppocr/ch_PP-OCRv4_det_infer.onnx", "x", {1, 3, 320, 320}},
    {"ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx", "x", {1, 3, 48, 192}},
    {"torch/resnet50.onnx", "", {2, 3, 224, 224}},
    {"torch/mobilenet_v2.onnx", "", {2, 3, 224, 224}},
    {"torch/yolov8n.onnx", "", {1, 3, 320, 320}},
};

struct Precision {
  const char* name;
  bool fp16, tf32;
  double tolerance;
};

const Precision kPrecisions[] = {{"fp32", false, false, 1e-4}, {"tf32", false, true, 1e-2}, {"fp16", true, true, 2e-2}};

class ModelOnGpu : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(ModelOnGpu, MatchesTheCpuReference) {
  MRT_SKIP_WITHOUT_GPU();
  const ModelCase& m = kModels[std::get<0>(GetParam())];
  const Precision& p = kPrecisions[std::get<1>(GetParam())];
  const std::string path = ModelsPath(m.file);
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is missing: run scripts/fetch_models.sh";
  auto imported = ImportOnnxFile(path, {});
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  const std::string input = *m.input ? m.input : imported->value(imported->inputs[0]).name;
  const ShapeMap shapes{{input, m.shape}};
  ImportOptions import_options;
  import_options.input_shapes = shapes;
  auto graph = ImportOnnxFile(path, import_options);
  ASSERT_TRUE(graph.ok()) << graph.status().message();
  const TensorMap inputs{{input, RandomTensor(DType::kF32, m.shape, 7, 0.0, 1.0)}};
  auto reference = RunReference(*graph, inputs);
  ASSERT_TRUE(reference.ok()) << reference.status().message();

  gpu::GpuBuildOptions options;
  options.fp16 = p.fp16;
  options.tf32 = p.tf32;
  auto gpu = CompileAndRunOnGpu(path, shapes, options, inputs);
  ASSERT_TRUE(gpu.ok()) << gpu.status().message();
  EXPECT_EQ(gpu->summary.family_layers.count("cpu-fallback"), 0u) << "a layer fell back to the CPU";
  for (const auto& [name, expected] : *reference) {
    ASSERT_TRUE(gpu->outputs.count(name)) << "missing output " << name;
    const Tensor& actual = gpu->outputs.at(name);
    ASSERT_EQ(actual.sizes(), expected.sizes()) << name;
    const Closeness c = Compare(actual, expected);
    EXPECT_LE(c.relative(), p.tolerance) << m.file << " " << p.name << " output " << name << ": max abs error "
                                         << c.max_abs_error << " over max |ref| " << c.max_ref_magnitude;
    if (p.fp16) {
      EXPECT_GE(CosineSimilarity(actual, expected), 0.999) << name;
    }
    RecordProperty(std::string(p.name) + "_" + name + "_rel_err", std::to_string(c.relative()));
    std::printf("[ model    ] %s %s %s: rel err %.3g, layout %s, %d layers hand-written, build %.1f s\n", m.file,
                p.name, name.c_str(), c.relative(), gpu->summary.layout.c_str(),
                gpu->summary.family_layers.count("hand-written") ? gpu->summary.family_layers.at("hand-written") : 0,
                gpu->summary.build_seconds);
  }
}

INSTANTIATE_TEST_SUITE_P(RealModels, ModelOnGpu,
                         ::testing::Combine(::testing::Range(0, 5), ::testing::Range(0, 3)),
                         [](const auto& info) {
                           std::string n = std::filesystem::path(kModels[std::get<0>(info.param)].file).stem().string();
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n + "_" + kPrecisions[std::get<1>(info.param)].name;
                         });

}  // namespace
}  // namespace mrt::testing
