// Per-family attribute handling: every IR op has an importer, spec defaults are filled, and
// attribute values that make no sense are refused with the attribute named.
#include <gtest/gtest.h>

#include <functional>

#include "ir/onnx/op_importers.h"
#include "ir/op_table.h"
#include "onnx_test_util.h"

namespace mrt::testing {
namespace {

// Every op without kTraitInternal is an ONNX op and has an importer; the internal ones (made by
// the optimizer: FusedConv, FusedGemm, Pointwise) have none. Read from the op table, so an op
// added anywhere in the enum is checked.
TEST(ImportOps, EveryOnnxOpOfTheIrHasAnImporter) {
  int internal = 0;
  for (int i = 0; i < kNumOpKinds; ++i) {
    const auto kind = static_cast<OpKind>(i);
    if (HasTrait(kind, kTraitInternal)) {
      ++internal;
      EXPECT_EQ(onnx_import::FindOpImporter(OpName(kind)), nullptr) << OpName(kind);
    } else {
      EXPECT_NE(onnx_import::FindOpImporter(OpName(kind)), nullptr) << OpName(kind);
    }
  }
  EXPECT_GE(internal, 3);  // FusedConv, FusedGemm, Pointwise
  EXPECT_NE(onnx_import::FindOpImporter("Constant"), nullptr);
  EXPECT_NE(onnx_import::FindOpImporter("Upsample"), nullptr);
  EXPECT_EQ(onnx_import::FindOpImporter("NonZero"), nullptr);
}

// A one-node model: inputs x (and more as given), output y; imported without shape inference.
Expected<Graph> ImportOne(const std::string& op, const std::vector<OnnxDim>& x_dims,
                          const std::function<void(OnnxNodeRef&)>& set_attrs,
                          const std::function<void(OnnxModelBuilder&)>& extra = {},
                          std::vector<std::string> inputs = {"x"}) {
  OnnxModelBuilder b(17);
  b.AddInput("x", DType::kF32, x_dims);
  if (extra) extra(b);
  OnnxNodeRef n = b.AddNode(op, inputs, {"y"}, "n");
  set_attrs(n);
  b.AddOutput("y", DType::kF32);
  return ImportBuilt(b, NoInference());
}

const auto kNoAttrs = [](OnnxNodeRef&) {};

TEST(ImportOps, MaxPoolFillsWindowDefaultsFromKernelShape) {
  auto g = ImportOne("MaxPool", {1, 1, 5, 5}, [](OnnxNodeRef& n) { n.AttrInts("kernel_shape", {3, 2}); });
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Attributes& a = g->node(0).attrs;
  EXPECT_EQ(a.GetInts("strides"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(a.GetInts("dilations"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(a.GetInts("pads"), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(a.GetInt("ceil_mode", -1), 0);
  EXPECT_EQ(a.GetInt("storage_order", -1), 0);
  EXPECT_EQ(a.GetString("auto_pad"), "NOTSET");
  EXPECT_EQ(ErrorOf(ImportOne("MaxPool", {1, 1, 5, 5}, kNoAttrs)),
            "model.onnx: node 'n' (MaxPool): required attribute 'kernel_shape' is missing");
}

TEST(ImportOps, AveragePoolDefaultsAndChecks) {
  auto g = ImportOne("AveragePool", {1, 1, 5}, [](OnnxNodeRef& n) { n.AttrInts("kernel_shape", {2}); });
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetInt("count_include_pad", -1), 0);
  EXPECT_EQ(g->node(0).attrs.GetInts("pads"), (std::vector<int64_t>{0, 0}));
  EXPECT_FALSE(g->node(0).attrs.has("dilations"));
  EXPECT_EQ(ErrorOf(ImportOne("AveragePool", {1, 1, 5},
                              [](OnnxNodeRef& n) {
                                n.AttrInts("kernel_shape", {2}).AttrInts("pads", {-1, 0});
                              })),
            "model.onnx: node 'n' (AveragePool): pads holds -1; each value must be >= 0");
  EXPECT_EQ(ErrorOf(ImportOne("AveragePool", {1, 1, 5}, [](OnnxNodeRef& n) { n.AttrInts("kernel_shape", {0}); })),
            "model.onnx: node 'n' (AveragePool): kernel_shape holds 0; each value must be >= 1");
}

TEST(ImportOps, ConvWithUnknownWeightTakesTheRankFromTheInput) {
  auto g =
      ImportOne("Conv", {1, 2, 7}, kNoAttrs, [](OnnxModelBuilder& b) { b.AddInput("w", DType::kF32); }, {"x", "w"});
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetInts("strides"), (std::vector<int64_t>{1}));
  EXPECT_FALSE(g->node(0).attrs.has("kernel_shape"));  // unknown until the weight is
}

TEST(ImportOps, ConvWithNoRankInformationChecksListsAgainstEachOther) {
  OnnxModelBuilder b(17);
  b.AddInput("x", DType::kF32);
  b.AddInput("w", DType::kF32);
  b.AddNode("Conv", {"x", "w"}, {"y"}, "n").AttrInts("strides", {1, 1}).AttrInts("pads", {0, 0, 0});
  b.AddOutput("y", DType::kF32);
  EXPECT_EQ(ErrorOf(ImportBuilt(b, NoInference())),
            "model.onnx: node 'n' (Conv): strides has 2 dims but pads has 3 values (needs 4)");
}

TEST(ImportOps, ConvTransposeFillsOutputPadding) {
  auto g = ImportOne(
      "ConvTranspose", {1, 2, 4, 4},
      [](OnnxNodeRef& n) {
        n.AttrInts("strides", {2, 2});
      },
      [](OnnxModelBuilder& b) {
        b.AddInitializer("w", Tensor(DType::kF32, {2, 3, 3, 3}));
      },
      {"x", "w"});
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetInts("output_padding"), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(g->node(0).attrs.GetInts("kernel_shape"), (std::vector<int64_t>{3, 3}));
  EXPECT_FALSE(g->node(0).attrs.has("output_shape"));
}

TEST(ImportOps, TransposePermIsFilledAndChecked) {
  auto g = ImportOne("Transpose", {2, 3, 4}, kNoAttrs);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetInts("perm"), (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(ErrorOf(ImportOne("Transpose", {2, 3, 4},
                              [](OnnxNodeRef& n) {
                                n.AttrInts("perm", {0, 2, 2});
                              })),
            "model.onnx: node 'n' (Transpose): perm [0,2,2] is not a permutation of 0..2");
  EXPECT_EQ(ErrorOf(ImportOne("Transpose", {2, 3, 4},
                              [](OnnxNodeRef& n) {
                                n.AttrInts("perm", {1, 0});
                              })),
            "model.onnx: node 'n' (Transpose): perm has 2 values but the input has rank 3");
}

TEST(ImportOps, ConstantOfShapeValueDefaultsToFloatZero) {
  auto g = ImportOne("ConstantOfShape", {2}, kNoAttrs);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  auto value = g->node(0).attrs.GetTensor("value");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->dtype(), DType::kF32);
  EXPECT_EQ(value->ToFloatVector(), (std::vector<float>{0.f}));
  auto i64 = ImportOne("ConstantOfShape", {2}, [](OnnxNodeRef& n) {
    n.AttrTensor("value", Tensor::FromVector<int64_t>(DType::kI64, {1}, {7}));
  });
  ASSERT_TRUE(i64.ok()) << ErrorOf(i64);
  EXPECT_EQ(i64->node(0).attrs.GetTensor("value")->ToInt64Vector(), (std::vector<int64_t>{7}));
  EXPECT_EQ(ErrorOf(ImportOne("ConstantOfShape", {2},
                              [](OnnxNodeRef& n) { n.AttrTensor("value", Tensor(DType::kF32, {2})); })),
            "model.onnx: node 'n' (ConstantOfShape): attribute 'value' has 2 elements; it must have exactly 1");
}

TEST(ImportOps, CastKeepsTheOnnxCode) {
  OnnxModelBuilder b(17);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.AddNode("Cast", {"x"}, {"y"}).AttrInt("to", 10);  // FLOAT16
  b.AddOutput("y", DType::kF16);
  auto g = ImportBuilt(b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetInt("to"), 10);
  EXPECT_EQ(ValueNamed(*g, "y").dtype, DType::kF16);
  OnnxModelBuilder missing(17);
  missing.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  missing.AddNode("Cast", {"x"}, {"y"}, "c");
  missing.AddOutput("y", DType::kF16);
  EXPECT_EQ(ErrorOf(ImportBuilt(missing)), "model.onnx: node 'c' (Cast): required attribute 'to' is missing");
}

TEST(ImportOps, DepthToSpaceModeAndBlocksize) {
  auto g = ImportOne("DepthToSpace", {1, 4, 2, 2}, [](OnnxNodeRef& n) { n.AttrInt("blocksize", 2); });
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(g->node(0).attrs.GetString("mode"), "DCR");
  EXPECT_EQ(ErrorOf(ImportOne("DepthToSpace", {1, 4, 2, 2},
                              [](OnnxNodeRef& n) { n.AttrInt("blocksize", 2).AttrString("mode", "RCD"); })),
            "model.onnx: node 'n' (DepthToSpace): attribute 'mode' is 'RCD'; expected one of 'DCR', 'CRD'");
  EXPECT_EQ(ErrorOf(ImportOne("SpaceToDepth", {1, 4, 2, 2}, [](OnnxNodeRef& n) { n.AttrInt("blocksize", 0); })),
            "model.onnx: node 'n' (SpaceToDepth): blocksize is 0; it must be >= 1");
}

TEST(ImportOps, NormalizationAndSelectionDefaults) {
  auto ln = ImportOne("LayerNormalization", {2, 4}, kNoAttrs,
                      [](OnnxModelBuilder& b) { b.AddInitializer("s", Tensor(DType::kF32, {4})); }, {"x", "s"});
  ASSERT_TRUE(ln.ok()) << ErrorOf(ln);
  EXPECT_EQ(ln->node(0).attrs.GetInt("axis"), -1);
  EXPECT_FLOAT_EQ(ln->node(0).attrs.GetFloat("epsilon"), 1e-5f);
  EXPECT_EQ(ln->node(0).attrs.GetInt("stash_type"), 1);
  auto am = ImportOne("ArgMax", {2, 4}, kNoAttrs);
  ASSERT_TRUE(am.ok()) << ErrorOf(am);
  EXPECT_EQ(am->node(0).attrs.GetInt("axis", -1), 0);
  EXPECT_EQ(am->node(0).attrs.GetInt("keepdims"), 1);
  EXPECT_EQ(am->node(0).attrs.GetInt("select_last_index", -1), 0);
  auto sh = ImportOne("Shape", {2, 4}, kNoAttrs);
  ASSERT_TRUE(sh.ok()) << ErrorOf(sh);
  EXPECT_EQ(sh->node(0).attrs.GetInt("start", -1), 0);
  EXPECT_FALSE(sh->node(0).attrs.has("end"));
  auto fl = ImportOne("Flatten", {2, 4}, kNoAttrs);
  ASSERT_TRUE(fl.ok()) << ErrorOf(fl);
  EXPECT_EQ(fl->node(0).attrs.GetInt("axis"), 1);
}

TEST(ImportOps, Resize18KeepsAxesAndPolicy) {
  auto g = ImportOne(
      "Resize", {1, 1, 4, 4},
      [](OnnxNodeRef& n) {
        n.AttrInts("axes", {2, 3}).AttrString("keep_aspect_ratio_policy", "not_larger").AttrInt("antialias", 1);
      },
      [](OnnxModelBuilder& b) {
        b.AddInitializer("sizes", Int64TensorForTest({2, 3}));
      },
      {"x", "", "", "sizes"});
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Attributes& a = g->node(0).attrs;
  EXPECT_EQ(a.GetInts("axes"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.GetString("keep_aspect_ratio_policy"), "not_larger");
  EXPECT_EQ(a.GetInt("antialias"), 1);
  EXPECT_EQ(a.GetInt("exclude_outside", -1), 0);
  EXPECT_EQ(a.GetFloat("extrapolation_value", -1.f), 0.f);
}

TEST(ImportOps, BothScalesAndSizesWeightsAreRefused) {
  EXPECT_EQ(ErrorOf(ImportOne("Resize", {1, 1, 4, 4}, kNoAttrs,
                              [](OnnxModelBuilder& b) {
                                b.AddInitializer("scales", Tensor::FromVector<float>(DType::kF32, {4}, {1, 1, 2, 2}));
                                b.AddInitializer("sizes", Int64TensorForTest({1, 1, 8, 8}));
                              },
                              {"x", "", "scales", "sizes"})),
            "model.onnx: node 'n' (Resize): gives both scales (input 2) and sizes (input 3); give only one");
}

}  // namespace
}  // namespace mrt::testing
