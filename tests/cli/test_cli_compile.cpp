// `mini-rt compile`, then `run` and `inspect` on the plan, end to end with the built binary:
// the plan computes what the .onnx computes, the summary and the --report JSON say what the
// optimizer did, and every failure (options, devices, damaged plans) is one line.
#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_util.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

std::string NodeTest(const std::string& test, const std::string& file) { return kNodeTests + "/" + test + "/" + file; }

nlohmann::json ReadJson(const std::string& path) {
  nlohmann::json j = nlohmann::json::parse(ReadWholeFile(path), nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << path << " is not JSON: " << ReadWholeFile(path);
  return j;
}

void AddInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& values) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (int64_t v : values) a->add_ints(v);
}

// x f32[1,3,9,7] -> Conv(3x3, pad 1) -> BatchNormalization -> Relu -> y: BN folds into the Conv
// and the Relu into its epilogue.
std::string ConvBnReluModel(const std::string& path) {
  onnx::ModelProto m = NewModel(13);
  SetTensorType(m.mutable_graph()->add_input(), "x", onnx::TensorProto_DataType_FLOAT,
                {int64_t{1}, int64_t{3}, int64_t{9}, int64_t{7}});
  SetTensorType(m.mutable_graph()->add_output(), "y", onnx::TensorProto_DataType_FLOAT,
                {int64_t{1}, int64_t{4}, int64_t{9}, int64_t{7}});
  const Tensor w = RandomTensor(DType::kF32, {4, 3, 3, 3}, 3);
  AddFloatInitializer(m, "w", {4, 3, 3, 3}, w.ToFloatVector());
  AddFloatInitializer(m, "b", {4}, {0.1f, -0.2f, 0.3f, 0.f});
  AddFloatInitializer(m, "scale", {4}, {1.5f, 0.5f, -1.f, 2.f});
  AddFloatInitializer(m, "shift", {4}, {0.f, 0.25f, -0.5f, 1.f});
  AddFloatInitializer(m, "mean", {4}, {0.1f, 0.f, -0.3f, 0.2f});
  AddFloatInitializer(m, "var", {4}, {1.f, 0.5f, 2.f, 0.25f});
  AddInts(AddNode(m, "Conv", {"x", "w", "b"}, {"c"}), "pads", {1, 1, 1, 1});
  AddNode(m, "BatchNormalization", {"c", "scale", "shift", "mean", "var"}, {"bn"});
  AddNode(m, "Relu", {"bn"}, {"y"});
  return SaveModel(m, path);
}

class CliCompileTest : public CliTest {
 protected:
  // Runs the model and the plan on the same inputs; returns output `out_name` of each.
  std::pair<Tensor, Tensor> RunBoth(const std::string& model, const std::string& plan, const std::string& inputs,
                                    const std::string& out_name) const {
    auto run = [&](const std::string& file, const std::string& dir) {
      CliResult r = Run("run " + Quote(file) + inputs + " --output-dir " + Quote(dir));
      EXPECT_EQ(r.exit_code, 0) << r.err;
      Expected<Tensor> y = ReadNpy(dir + "/" + out_name + ".npy");
      EXPECT_TRUE(y.ok()) << y.status().message();
      return y.ok() ? *y : Tensor{};
    };
    return {run(model, plan + ".onnx_out"), run(plan, plan + ".plan_out")};
  }
};

TEST_F(CliCompileTest, ReluCompilesRunsAndInspects) {
  const std::string model = NodeTest("test_relu", "model.onnx"), plan = Path("relu.plan");
  CliResult c = Run("compile " + Quote(model) + " -o " + Quote(plan));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.err, "");
  EXPECT_NE(c.out.find("plan:     " + plan + " ("), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("cpu (reference kernels v1"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("nodes:    1 -> 1\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("fusions:  none\n"), std::string::npos) << c.out;
  // x and y are f32[3,4,5] = 240 bytes, 256 aligned; both live at the Relu, so no reuse.
  EXPECT_NE(c.out.find("memory:   arena 512 B, naive 512 B, peak live 512 B (arena/peak 1.00x), 2 buffers"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("time:     "), std::string::npos) << c.out;

  const std::string x = PbToNpy(NodeTest("test_relu", "test_data_set_0/input_0.pb"), "x.npy");
  CliResult r = Run("run " + Quote(plan) + " --input x=" + Quote(x) + " --output-dir " + Quote(Path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("plan:    built by mini-rt 0.1.0 from " + model + "; memory: arena 512 B (planned)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("time:    run "), std::string::npos) << r.out;
  Expected<Tensor> y = ReadNpy(Path("out/y.npy"));
  Expected<Tensor> expected = ReadTensorProtoFile(NodeTest("test_relu", "test_data_set_0/output_0.pb"));
  ASSERT_TRUE(y.ok() && expected.ok());
  EXPECT_TRUE(AllClose(*y, *expected, 0, 0));

  CliResult i = Run("inspect " + Quote(plan));
  ASSERT_EQ(i.exit_code, 0) << i.err;
  const std::vector<std::string> needles = {"plan:     " + plan + " (format 1, ",
                                            "written by mini-rt 0.1.0)",
                                            "target:   cpu (reference kernels v1",
                                            "built:    ",
                                            " from " + model + " (",
                                            "command:  mini-rt compile ",
                                            "input    x: f32[3,4,5]\n",
                                            "output   y: f32[3,4,5]\n",
                                            "nodes:    1 -> 1\n",
                                            "memory:   arena 512 B, naive 512 B, peak live 512 B",
                                            "sections:\n  graph ",
                                            "\n  weights ",
                                            "\n  memory plan ",
                                            "\n  tactics ",
                                            "layers:\ngraph '",
                                            " = Relu(%"};
  for (const std::string& needle : needles)
    EXPECT_NE(i.out.find(needle), std::string::npos) << "missing '" << needle << "' in:\n" << i.out;
}

TEST_F(CliCompileTest, ConvBatchNormReluFusesAndTheReportSaysSo) {
  const std::string model = ConvBnReluModel(Path("cbr.onnx")), plan = Path("cbr.plan");
  CliResult c = Run("compile " + Quote(model) + " -o " + Quote(plan) + " --report " + Quote(Path("r.json")));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("nodes:    3 -> 1\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Conv+BatchNormalization: 1"), std::string::npos) << c.out;

  const nlohmann::json j = ReadJson(Path("r.json"));
  EXPECT_EQ(j["nodes_before"], 3);
  EXPECT_EQ(j["nodes_after"], 1);
  EXPECT_EQ(j["ops_before"], nlohmann::json({{"BatchNormalization", 1}, {"Conv", 1}, {"Relu", 1}}));
  EXPECT_EQ(j["ops_after"].size(), 1u) << j["ops_after"];
  ASSERT_TRUE(j["fusions"].is_array());
  ASSERT_GE(j["fusions"].size(), 2u) << j["fusions"];
  EXPECT_EQ(j["fusions"][0]["kind"], "Conv+BatchNormalization");
  EXPECT_EQ(j["fusions"][0]["nodes"].size(), 2u);
  EXPECT_EQ(j["fusion_counts"]["Conv+BatchNormalization"], 1);
  // x and y: 1*3*9*7*4 = 756 and 1*4*9*7*4 = 1008 bytes, 768 + 1024 at 256-byte alignment,
  // both live at the fused Conv.
  EXPECT_EQ(j["memory"]["planned"], true);
  EXPECT_EQ(j["memory"]["arena_bytes"], 1792);
  EXPECT_EQ(j["memory"]["naive_bytes"], 1792);
  EXPECT_EQ(j["memory"]["peak_live_bytes"], 1792);
  EXPECT_EQ(j["plan_bytes"], std::filesystem::file_size(plan));
  EXPECT_TRUE(j["passes_run"].is_array() && j["passes_run"].size() > 3) << j["passes_run"];
  EXPECT_EQ(j["passes_disabled"], nlohmann::json::array());
  for (const char* t : {"import", "passes", "memory", "write", "total"})
    EXPECT_TRUE(j["timing_ms"][t].is_number()) << t;

  const auto [from_onnx, from_plan] = RunBoth(model, plan, " --seed 3", "y");
  const Closeness close = Compare(from_plan, from_onnx);
  EXPECT_LE(close.max_abs_error, 1e-4 * close.max_ref_magnitude);
  EXPECT_GT(close.max_ref_magnitude, 0);

  CliResult i = Run("inspect " + Quote(plan));
  ASSERT_EQ(i.exit_code, 0) << i.err;
  EXPECT_NE(i.out.find("fusions applied:\n  Conv+BatchNormalization: Conv_1 + BatchNormalization_2 -> "),
            std::string::npos)
      << i.out;
}

TEST_F(CliCompileTest, VerboseLogsEveryRewriteOnStderr) {
  const std::string model = ConvBnReluModel(Path("cbr.onnx"));
  CliResult quiet = Run("compile " + Quote(model) + " -o " + Quote(Path("q.plan")));
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  CliResult loud = Run("compile " + Quote(model) + " -o " + Quote(Path("v.plan")) + " -v");
  ASSERT_EQ(loud.exit_code, 0) << loud.err;
  EXPECT_NE(loud.err.find("fold_batchnorm: Conv_1 + BatchNormalization_2 -> "), std::string::npos) << loud.err;
  EXPECT_GE(loud.err_lines().size(), 2u) << loud.err;
}

TEST_F(CliCompileTest, TheGpuBuildersPassesCanBeNamedToo) {
  const std::string model = ConvBnReluModel(Path("cbr.onnx")), plan = Path("cbr_gpu_names.plan");
  CliResult c = Run("compile " + Quote(model) + " -o " + Quote(plan) +
                    " --device cpu --disable-pass layout_nhwc --disable-pass precision_fp16");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("disabled: layout_nhwc, precision_fp16\n"), std::string::npos) << c.out;
}

TEST_F(CliCompileTest, DisabledPassesAndNoMemoryPlanAreRecorded) {
  const std::string model = ConvBnReluModel(Path("cbr.onnx")), plan = Path("cbr.plan");
  CliResult c = Run("compile " + Quote(model) + " -o " + Quote(plan) +
                    " --disable-pass fold_batchnorm --disable-pass=fuse_conv_gemm_epilogue --no-memory-plan --report " +
                    Quote(Path("r.json")));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("disabled: fold_batchnorm, fuse_conv_gemm_epilogue\n"), std::string::npos) << c.out;
  const nlohmann::json j = ReadJson(Path("r.json"));
  EXPECT_EQ(j["passes_disabled"], nlohmann::json({"fold_batchnorm", "fuse_conv_gemm_epilogue"}));
  for (const auto& f : j["fusions"]) EXPECT_NE(f["kind"], "Conv+BatchNormalization");
  EXPECT_EQ(j["ops_after"]["Conv"], 1);
  EXPECT_EQ(j["memory"]["reuse"], false);
  EXPECT_EQ(j["memory"]["arena_bytes"], j["memory"]["naive_bytes"]);

  CliResult i = Run("inspect " + Quote(plan));
  EXPECT_NE(i.out.find("disabled: fold_batchnorm, fuse_conv_gemm_epilogue"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("(--no-memory-plan)"), std::string::npos) << i.out;
  const auto [from_onnx, from_plan] = RunBoth(model, plan, " --seed 4", "y");
  EXPECT_TRUE(AllClose(from_plan, from_onnx, 1e-5, 1e-6));
}

TEST_F(CliCompileTest, ADynamicModelCompilesWithoutAMemoryPlanAndRunsWithShapes) {
  onnx::ModelProto m = NewModel();
  SetTensorType(m.mutable_graph()->add_input(), "x", onnx::TensorProto_DataType_FLOAT, {std::string("N"), int64_t{4}});
  SetTensorType(m.mutable_graph()->add_output(), "y", onnx::TensorProto_DataType_FLOAT, {std::string("N"), int64_t{4}});
  AddNode(m, "Neg", {"x"}, {"y"});
  const std::string model = SaveModel(m, Path("dyn.onnx")), plan = Path("dyn.plan");
  CliResult c = Run("compile " + Quote(model) + " -o " + Quote(plan));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("memory:   not planned: "), std::string::npos) << c.out;
  CliResult r = Run("run " + Quote(plan) + " --shapes x:3x4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("memory: one tensor per value (not planned)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output   y: f32[3,4] "), std::string::npos) << r.out;
  ExpectOneLineError(Run("run " + Quote(plan)), "run", "--shapes");

  // With --shapes at compile time the plan is static and planned.
  ASSERT_EQ(Run("compile " + Quote(model) + " -o " + Quote(plan) + " --shapes x:2x4").exit_code, 0);
  CliResult i = Run("inspect " + Quote(plan));
  EXPECT_NE(i.out.find("input    x: f32[2,4]\n"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("shapes:   x:2x4\n"), std::string::npos) << i.out;
  ExpectOneLineError(Run("run " + Quote(plan) + " --shapes x:3x4"), "run", "x");
}

TEST_F(CliCompileTest, FailuresAreOneLine) {
  const std::string relu = Quote(NodeTest("test_relu", "model.onnx"));
  const std::string out = " -o " + Quote(Path("m.plan"));
  // Without a GPU (CI): "...not available in this build..." in a CPU-only build, "no usable CUDA
  // device: ..." in a CUDA build; both name the flag and the fix.
  ExpectOneLineError(Run("compile " + relu + out + " --device cuda"), "compile", "--device cuda: ");
  ExpectOneLineError(Run("compile " + relu + out + " --device cuda"), "compile", "; use --device cpu");
  ExpectOneLineError(Run("compile " + relu + out + " --disable-pass no_such_pass"), "compile",
                     "unknown pass 'no_such_pass' (passes: fold_shape_arithmetic, ");
  ExpectOneLineError(Run("compile " + relu), "compile", "--output is required");
  ExpectOneLineError(Run("compile " + Quote(Path("none.onnx")) + out), "compile", "no such file");
  ExpectOneLineError(Run("compile " + relu + out + " --shapes y:3x4x5"), "compile", "'y'");
  std::ofstream(Path("a_file")) << "x";  // a missing folder is created, but not through a file
  ExpectOneLineError(Run("compile " + relu + " -o " + Quote(Path("a_file/m.plan"))), "compile", "not a folder");
  const std::string copy = SaveModel(onnx::ModelProto(), Path("self.onnx"));
  ExpectOneLineError(Run("compile " + Quote(copy) + " -o " + Quote(copy)), "compile", "that is the model itself");
  EXPECT_FALSE(std::filesystem::exists(Path("m.plan")));
}

TEST_F(CliCompileTest, DamagedPlansAreRefusedWithOneLine) {
  const std::string plan = Path("relu.plan");
  ASSERT_EQ(Run("compile " + Quote(NodeTest("test_relu", "model.onnx")) + " -o " + Quote(plan)).exit_code, 0);
  const std::string bytes = ReadWholeFile(plan);
  std::ofstream(Path("cut.plan"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::string flipped = bytes;
  flipped[flipped.size() - 20] ^= 1;  // inside the last section or the padding before the trailer
  std::ofstream(Path("flip.plan"), std::ios::binary) << flipped;
  std::ofstream(Path("empty.plan"), std::ios::binary) << "";
  std::ofstream(Path("text.plan"), std::ios::binary) << "hello";
  for (const char* cmd : {"run", "inspect"}) {
    SCOPED_TRACE(cmd);
    ExpectOneLineError(Run(std::string(cmd) + " " + Quote(Path("cut.plan"))), cmd,
                       fmt::format("cut.plan: truncated: expected {} bytes, file has {}; the file is incomplete, "
                                   "rebuild it with 'mini-rt compile'",
                                   bytes.size(), bytes.size() / 2));
    ExpectOneLineError(Run(std::string(cmd) + " " + Quote(Path("flip.plan"))), cmd, "corrupted");
    ExpectOneLineError(Run(std::string(cmd) + " " + Quote(Path("empty.plan"))), cmd, "empty file, not a mini-rt plan");
    ExpectOneLineError(Run(std::string(cmd) + " " + Quote(Path("text.plan"))), cmd, "not a mini-rt plan");
  }
  ExpectOneLineError(Run("run " + Quote(plan) + " --device cuda"), "run", "--device cuda");
  ExpectOneLineError(Run("inspect " + Quote(plan) + " --shapes x:3x4x5"), "inspect", "does not apply to a plan");
}

// The PaddleOCR direction classifier: compile with the reference run's shapes, then the plan's
// outputs must match the .onnx run's and ONNX Runtime's.
TEST_F(CliCompileTest, PaddleOcrClassifierPlanMatchesTheModel) {
  const std::string model = ModelsPath("ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx");
  const std::string ref = ModelsPath("reference/ppocr_cls");
  if (!std::filesystem::exists(model) || !std::filesystem::exists(ref + "/inputs/x.npy"))
    GTEST_SKIP() << model << " or its reference data is missing (scripts/fetch_models.sh)";
  const std::string plan = Path("cls.plan");
  CliResult c = Run("compile " + Quote(model) + " -o " + Quote(plan) + " --shapes x:2x3x48x192 --report " +
                    Quote(Path("r.json")));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const nlohmann::json j = ReadJson(Path("r.json"));
  EXPECT_LT(j["nodes_after"].get<int64_t>(), j["nodes_before"].get<int64_t>()) << c.out;
  EXPECT_GT(j["fusions"].size(), 0u);
  EXPECT_EQ(j["memory"]["planned"], true);
  EXPECT_LE(j["memory"]["peak_live_bytes"].get<int64_t>(), j["memory"]["arena_bytes"].get<int64_t>());
  EXPECT_LT(j["memory"]["arena_bytes"].get<int64_t>(), j["memory"]["naive_bytes"].get<int64_t>());

  const std::string out = "softmax_0.tmp_0";
  const auto [from_onnx, from_plan] = RunBoth(model, plan, " --input x=" + Quote(ref + "/inputs/x.npy"), out);
  const Closeness close = Compare(from_plan, from_onnx);
  EXPECT_LE(close.max_abs_error, 1e-4 * close.max_ref_magnitude);
  Expected<Tensor> ort = ReadNpy(ref + "/outputs/" + out + ".npy");
  ASSERT_TRUE(ort.ok()) << ort.status().message();
  EXPECT_TRUE(AllClose(from_plan, *ort, 1e-3, 1e-4));
}

}  // namespace
}  // namespace mrt::testing
