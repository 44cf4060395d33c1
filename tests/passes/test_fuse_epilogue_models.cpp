// fuse_conv_gemm_epilogue and fuse_flatten_gemm on real exported models: after RunPipeline every
// Conv + SiLU of YOLOv8n and every Conv + Relu / Conv + Add + Relu of ResNet-50 is one FusedConv,
// and the optimized graph still matches ONNX Runtime's outputs (models/reference/<name>, made by
// scripts/fetch_models.sh) within 1e-4 of the largest reference magnitude. Skipped with a reason
// when the model files are missing.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ir/activation.h"
#include "ir/onnx/importer.h"
#include "passes/graph_edit.h"
#include "runtime/input_data.h"
#include "runtime/npy.h"
#include "tests/passes/pass_test_util.h"

namespace mrt::testing {
namespace {

namespace fs = std::filesystem;

struct ReferenceCase {
  Graph graph;
  TensorMap inputs, outputs;
};

// Imports models/reference/<name>'s model with its inputs' shapes, and reads inputs and outputs.
std::optional<ReferenceCase> LoadReference(const std::string& name, std::string* skip_reason) {
  const std::string dir = ModelsPath("reference/" + name);
  if (!fs::exists(dir + "/meta.json")) {
    *skip_reason = "no reference outputs in " + dir + ": run scripts/fetch_models.sh";
    return std::nullopt;
  }
  nlohmann::json meta;
  std::ifstream(dir + "/meta.json") >> meta;
  const std::string model = ModelsPath("../" + meta["model"].get<std::string>());
  if (!fs::exists(model)) {
    *skip_reason = "no model file " + model + ": run scripts/fetch_models.sh";
    return std::nullopt;
  }
  ReferenceCase rc;
  ImportOptions options;
  for (const auto& in : meta["inputs"]) {
    auto t = ReadNpy(dir + "/inputs/" + SanitizeFileName(in.get<std::string>()) + ".npy");
    EXPECT_TRUE(t.ok()) << t.status().message();
    if (!t.ok()) return std::nullopt;
    options.input_shapes[in] = t->sizes();
    rc.inputs[in] = std::move(*t);
  }
  for (const auto& out : meta["outputs"]) {
    auto t = ReadNpy(dir + "/outputs/" + SanitizeFileName(out.get<std::string>()) + ".npy");
    EXPECT_TRUE(t.ok()) << t.status().message();
    if (!t.ok()) return std::nullopt;
    rc.outputs[out] = std::move(*t);
  }
  auto graph = ImportOnnxFile(model, options);
  EXPECT_TRUE(graph.ok()) << graph.status().message();
  if (!graph.ok()) return std::nullopt;
  rc.graph = std::move(*graph);
  return rc;
}

void ExpectMatchesReference(const Graph& g, const ReferenceCase& rc) {
  auto outputs = RunReference(g, rc.inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().message();
  for (const auto& [name, expected] : rc.outputs) {
    auto it = outputs->find(name);
    ASSERT_NE(it, outputs->end()) << "no output " << name;
    ASSERT_EQ(it->second.sizes(), expected.sizes()) << name;
    const Closeness c = Compare(it->second, expected);
    EXPECT_LE(c.max_abs_error, 1e-4 * c.max_ref_magnitude) << name << ": relative error " << c.relative();
  }
}

// Convs whose output x is read exactly by Sigmoid(x) and Mul(x, Sigmoid(x)) (either order).
int CountConvSiLU(const Graph& g) {
  int count = 0;
  for (const Node& n : g.nodes()) {
    if (n.dead || n.op != OpKind::kSigmoid) continue;
    const ValueId x = n.inputs[0];
    const Node* conv = ProducerIf(g, x, OpKind::kConv);
    if (conv == nullptr || g.value(x).consumers.size() != 2) continue;
    for (NodeId r : g.value(x).consumers) {
      const Node& mul = g.node(r);
      const bool reads_both = mul.op == OpKind::kMul && mul.inputs.size() == 2 &&
                              ((mul.inputs[0] == x && mul.inputs[1] == n.outputs[0]) ||
                               (mul.inputs[1] == x && mul.inputs[0] == n.outputs[0]));
      count += reads_both ? 1 : 0;
    }
  }
  return count;
}

// FusedConv nodes with `kind` as their activation or post-activation.
int CountFusedConvWith(const Graph& g, Activation kind) {
  int count = 0;
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == OpKind::kFusedConv &&
        (ReadActivation(n.attrs, "activation").kind == kind || ReadActivation(n.attrs, "post_activation").kind == kind))
      ++count;
  return count;
}

int CountEpilogueRecords(const PassContext& ctx) {
  int count = 0;
  for (const RewriteRecord& r : ctx.rewrites) count += r.pass == "fuse_conv_gemm_epilogue" ? 1 : 0;
  return count;
}

TEST(FuseEpilogueModels, YoloV8nEveryConvSiLUFused) {
  std::string skip;
  std::optional<ReferenceCase> rc = LoadReference("yolov8n", &skip);
  if (!rc) GTEST_SKIP() << skip;
  const int conv_silu = CountConvSiLU(rc->graph);
  EXPECT_GE(conv_silu, 50);  // YOLOv8n has 57: every Conv but the detection head's last ones
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunPipeline(rc->graph, ctx).ok());
  EXPECT_EQ(CountConvSiLU(rc->graph), 0);
  EXPECT_EQ(CountFusedConvWith(rc->graph, Activation::kSiLU), conv_silu);
  for (const Node& n : rc->graph.nodes())  // no Conv left whose output goes into a Sigmoid
    if (n.op == OpKind::kConv)
      for (NodeId r : rc->graph.value(n.outputs[0]).consumers)
        EXPECT_NE(rc->graph.node(r).op, OpKind::kSigmoid) << n.name;
  EXPECT_GE(CountEpilogueRecords(ctx), conv_silu);
  ExpectMatchesReference(rc->graph, *rc);
}

TEST(FuseEpilogueModels, ResNet50EveryConvReluAndResidualFused) {
  std::string skip;
  std::optional<ReferenceCase> rc = LoadReference("resnet50", &skip);
  if (!rc) GTEST_SKIP() << skip;
  const int relus = CountOps(rc->graph, OpKind::kRelu), adds = CountOps(rc->graph, OpKind::kAdd);
  const int convs = CountOps(rc->graph, OpKind::kConv);
  EXPECT_EQ(relus, 49);
  EXPECT_EQ(adds, 16);
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunPipeline(rc->graph, ctx).ok());
  EXPECT_EQ(CountOps(rc->graph, OpKind::kRelu), 0);
  EXPECT_EQ(CountOps(rc->graph, OpKind::kAdd), 0);
  EXPECT_EQ(CountFusedConvWith(rc->graph, Activation::kRelu), relus);
  int with_residual = 0;
  for (const Node& n : rc->graph.nodes()) with_residual += n.op == OpKind::kFusedConv && n.has_input(3) ? 1 : 0;
  EXPECT_EQ(with_residual, adds);
  EXPECT_EQ(CountOps(rc->graph, OpKind::kConv) + CountOps(rc->graph, OpKind::kFusedConv), convs);
  // The classifier: GlobalAveragePool -> Flatten -> Gemm became one FusedGemm reading the pool.
  EXPECT_EQ(CountOps(rc->graph, OpKind::kFlatten), 0);
  EXPECT_EQ(CountOps(rc->graph, OpKind::kFusedGemm), 1);
  ExpectMatchesReference(rc->graph, *rc);
}

// The other reference models: fusions happen where expected and outputs still match ORT.
struct ModelCase {
  const char* name;
  int min_fusions;  // fuse_conv_gemm_epilogue records at least
  int max_convs;    // plain Convs left at most (those read twice, or not followed by anything fusable)
};

class FuseEpilogueOtherModels : public ::testing::TestWithParam<ModelCase> {};

TEST_P(FuseEpilogueOtherModels, FusesAndMatchesOnnxRuntime) {
  std::string skip;
  std::optional<ReferenceCase> rc = LoadReference(GetParam().name, &skip);
  if (!rc) GTEST_SKIP() << skip;
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunPipeline(rc->graph, ctx).ok());
  EXPECT_GE(CountEpilogueRecords(ctx), GetParam().min_fusions);
  EXPECT_LE(CountOps(rc->graph, OpKind::kConv), GetParam().max_convs);
  ExpectMatchesReference(rc->graph, *rc);
}

// mobilenet_v2: 35 Conv+Clip(0,6) and 10 Conv+Add (linear bottleneck + residual); ppocr_det
// (PP-OCRv4): 24 Conv + learnable affine (scale, bias) + HardSwish among 49; ppocr_cls: BN
// folded, then Relu / HardSwish / HardSigmoid; yolov8n_bn: BN folded, then 57 Conv+SiLU.
INSTANTIATE_TEST_SUITE_P(Models, FuseEpilogueOtherModels,
                         ::testing::Values(ModelCase{"mobilenet_v2", 45, 7}, ModelCase{"ppocr_det", 49, 17},
                                           ModelCase{"ppocr_cls", 42, 11}, ModelCase{"yolov8n_bn", 57, 7}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mrt::testing
