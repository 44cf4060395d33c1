// Replays the fuzz inputs in the ordinary test build (no clang needed): every seed in
// tests/fuzz/corpus/<target>/ and every input that once crashed, hung or broke a message rule in
// tests/fuzz/regressions/<target>/ goes through the same entry point the libFuzzer binary uses
// (fuzz_targets.h), and must come back with no broken promise. Under scripts/test.sh --asan the
// sanitizers watch the replay too.
//
// The seed corpus is generated, not hand-made:
//   MRT_WRITE_FUZZ_SEEDS=1 build/tests/test_fuzz_regressions --gtest_filter='FuzzSeeds.*'
// rewrites tests/fuzz/corpus/ from libonnx-testdata's node models (those mini-rt imports), plans
// compiled from some of them, and .npy files of every dtype.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "runtime/compiler.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/runtime/plan_test_util.h"

namespace mrt::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = MRT_FUZZ_DATA_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

using Entry = std::string (*)(std::string_view);
const std::map<std::string, Entry> kTargets = {
    {"onnx_import", fuzz::FuzzOnnxImport}, {"plan_loader", fuzz::FuzzPlanLoader}, {"npy", fuzz::FuzzNpy}};

void ReplayFolder(const std::string& target, const std::string& folder, size_t min_files) {
  const std::vector<fs::path> files = FilesIn(kFuzzDir / folder / target);
  EXPECT_GE(files.size(), min_files) << (kFuzzDir / folder / target);
  for (const fs::path& f : files) EXPECT_EQ(kTargets.at(target)(ReadFile(f)), "") << f;
}

TEST(FuzzCorpus, EverySeedReplaysCleanly) {
  for (const auto& [target, entry] : kTargets) ReplayFolder(target, "corpus", 3);
}

TEST(FuzzRegressions, EveryInputThatOnceFailedReplaysCleanly) {
  for (const auto& [target, entry] : kTargets) ReplayFolder(target, "regressions", 0);
}

// The harness's re-sealing really reaches the decoders: a valid plan re-sealed still loads, and
// a byte changed inside the graph section is judged by the decoder, not by a checksum.
TEST(FuzzHarness, ResealedPlansReachTheDecoders) {
  plan::Plan p = PlanAround(PlanTestGraph());
  const std::vector<uint8_t> bytes = MustSerialize(p);
  const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  ASSERT_EQ(fuzz::ResealPlan(view), bytes);
  std::string edited(view);
  const plan::SectionEntry& graph = SectionOf(p, plan::SectionKind::kGraph);
  edited[graph.offset] = '\x7f';  // the first byte of the graph section's first string length
  const std::vector<uint8_t> sealed = fuzz::ResealPlan(edited);
  const std::string error = ParseError(sealed);
  EXPECT_EQ(error.find("checksum"), std::string::npos) << error;
  EXPECT_NE(error, "(parsed fine)");
}

// --- seeds ---

// libonnx-testdata node models that mini-rt imports, one per op family prefix, small ones only.
std::vector<fs::path> SeedModels() {
  std::vector<fs::path> models;
  std::map<std::string, int> per_prefix;
  for (const fs::path& dir : [] {
         std::vector<fs::path> dirs;
         for (const auto& e : fs::directory_iterator(MRT_ONNX_TESTDATA_DIR "/node")) dirs.push_back(e.path());
         std::sort(dirs.begin(), dirs.end());
         return dirs;
       }()) {
    const fs::path model = dir / "model.onnx";
    if (!fs::exists(model) || fs::file_size(model) > 1500) continue;
    const std::string name = dir.filename().string();              // test_<op>_<variant>
    const std::string prefix = name.substr(0, name.find('_', 5));  // test_<op>
    if (per_prefix[prefix] >= 2) continue;
    if (!ImportOnnxFile(model.string()).ok()) continue;
    ++per_prefix[prefix];
    models.push_back(model);
  }
  return models;
}

std::vector<std::pair<std::string, Tensor>> SeedTensors() {
  std::vector<std::pair<std::string, Tensor>> out;
  uint64_t seed = 1;
  for (DType dtype :
       {DType::kF32, DType::kF16, DType::kF64, DType::kI64, DType::kI32, DType::kI8, DType::kU8, DType::kBool}) {
    const std::string name(DTypeName(dtype));
    out.emplace_back(name + "_2x3", RandomTensor(dtype, {2, 3}, seed++));
    out.emplace_back(name + "_scalar", RandomTensor(dtype, {}, seed++));
  }
  out.emplace_back("f32_1x3x4x5", RandomTensor(DType::kF32, {1, 3, 4, 5}, seed++));
  out.emplace_back("f32_empty", Tensor(DType::kF32, {0, 4}));
  out.emplace_back("i64_7", RandomTensor(DType::kI64, {7}, seed++));
  return out;
}

void WriteSeeds() {
  const fs::path corpus = kFuzzDir / "corpus";
  for (const auto& [target, entry] : kTargets) fs::remove_all(corpus / target);
  const std::vector<fs::path> models = SeedModels();
  for (const fs::path& m : models)
    WriteFile(corpus / "onnx_import" / (m.parent_path().filename().string() + ".onnx"), ReadFile(m));
  // Plans: the plan tests' graph (every section and attribute kind) and every 8th seed model compiled.
  plan::Plan test_plan = PlanAround(PlanTestGraph());
  Expected<MemoryPlan> memory = PlanMemory(test_plan.graph);
  ASSERT_TRUE(memory.ok());
  test_plan.memory = *memory;
  test_plan.tactics = {1, 2, 3, 4};
  const std::vector<uint8_t> test_bytes = MustSerialize(test_plan);
  WriteFile(corpus / "plan_loader" / "plan_test_graph.plan", std::string(test_bytes.begin(), test_bytes.end()));
  for (size_t i = 0; i < models.size(); i += 8) {
    CompileOptions options;
    options.model_path = models[i].string();
    options.writer_version = "fuzz-seed";
    Expected<CompileResult> compiled = CompileModel(options);
    if (!compiled.ok()) continue;
    Expected<std::vector<uint8_t>> bytes = plan::SerializePlan(compiled->plan);
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    WriteFile(corpus / "plan_loader" / (models[i].parent_path().filename().string() + ".plan"),
              std::string(bytes->begin(), bytes->end()));
  }
  for (const auto& [name, tensor] : SeedTensors()) {
    Expected<std::string> bytes = EncodeNpy(tensor);
    ASSERT_TRUE(bytes.ok());
    WriteFile(corpus / "npy" / (name + ".npy"), *bytes);
  }
}

// Every seed is a valid input, so mutations start from files the loaders accept.
TEST(FuzzSeeds, EverySeedLoads) {
  if (std::getenv("MRT_WRITE_FUZZ_SEEDS")) WriteSeeds();
  for (const fs::path& f : FilesIn(kFuzzDir / "corpus" / "onnx_import"))
    EXPECT_TRUE(ImportOnnxBytes(ReadFile(f), "", f.string()).ok()) << f;
  for (const fs::path& f : FilesIn(kFuzzDir / "corpus" / "plan_loader")) {
    const std::string bytes = ReadFile(f);
    EXPECT_TRUE(
        plan::ParsePlan(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), f.string()).ok())
        << f;
  }
  for (const fs::path& f : FilesIn(kFuzzDir / "corpus" / "npy"))
    EXPECT_TRUE(ParseNpy(ReadFile(f), f.string()).ok()) << f;
}

}  // namespace
}  // namespace mrt::testing
