// Opsets 19-21: what changed for the ops mini-rt reads, imported into the IR's canonical form and
// run on the reference backend. AveragePool-19 dilations, Pad-19 'wrap', Resize-19
// 'half_pixel_symmetric', Cast-19 saturate (float8 only, so checked and dropped; float8 and int4
// targets refused by name), Gelu-20 (its function body), ReduceMax/Min-20 on bool. Each new
// attribute or value is refused at the opsets before it.
#include <gtest/gtest.h>

#include <cmath>

#include "ir/activation.h"
#include "onnx_test_util.h"
#include "runtime/reference_backend.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

// x (declared dtype/dims) -> one node -> y.
struct OneNode {
  OnnxModelBuilder b;
  OnnxNodeRef node;
  OneNode(int64_t opset, const std::string& op, std::vector<OnnxDim> dims, DType dtype = DType::kF32,
          DType out_dtype = DType::kUndefined)
      : b(opset), node(nullptr) {
    b.AddInput("x", dtype, dims);
    node = b.AddNode(op, {"x"}, {"y"}, "n");
    b.AddOutput("y", out_dtype == DType::kUndefined ? dtype : out_dtype);
  }
};

Expected<Tensor> RunY(const OnnxModelBuilder& b, const Tensor& x) {
  MRT_ASSIGN_OR_RETURN(Graph g, ImportBuilt(b));
  MRT_ASSIGN_OR_RETURN(TensorMap out, RunReference(g, {{"x", x}}));
  return out.at("y");
}

TEST(ImportOpsets19To21, EveryOpsetUpTo21IsRead) {
  for (int64_t opset : {19, 20, 21}) {
    OneNode m(opset, "Relu", {3});
    auto y = RunY(m.b, F32({3}, {-1.f, 0.f, 2.f}));
    ASSERT_TRUE(y.ok()) << "opset " << opset << ": " << y.status().message();
    EXPECT_EQ(y->ToFloatVector(), (std::vector<float>{0.f, 0.f, 2.f}));
  }
}

TEST(ImportOpsets19To21, AveragePool19TakesDilations) {
  // [1..7], kernel 2, dilation 2: windows {x0, x2}, {x1, x3}, ... -> (1+3)/2, (2+4)/2, ...
  OneNode m(19, "AveragePool", {1, 1, 7});
  m.node.AttrInts("kernel_shape", {2}).AttrInts("dilations", {2});
  auto y = RunY(m.b, F32({1, 1, 7}, {1, 2, 3, 4, 5, 6, 7}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->sizes(), (std::vector<int64_t>{1, 1, 5}));
  EXPECT_EQ(y->ToFloatVector(), (std::vector<float>{2, 3, 4, 5, 6}));

  OneNode bad(19, "AveragePool", {1, 1, 7});
  bad.node.AttrInts("kernel_shape", {2}).AttrInts("dilations", {2, 2});
  EXPECT_EQ(ErrorOf(ImportBuilt(bad.b)),
            "model.onnx: node 'n' (AveragePool): kernel_shape has 1 dims but dilations has 2");
  OneNode old(18, "AveragePool", {1, 1, 7});
  old.node.AttrInts("kernel_shape", {2}).AttrInts("dilations", {2});
  EXPECT_EQ(ErrorOf(ImportBuilt(old.b)), "model.onnx: node 'n' (AveragePool): unknown attribute 'dilations'");
}

OnnxModelBuilder PadModel(int64_t opset, const std::string& mode) {
  OnnxModelBuilder b(opset);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{3});
  b.AddInitializer("pads", Int64TensorForTest({2, 1}));
  b.AddNode("Pad", {"x", "pads"}, {"y"}, "n").AttrString("mode", mode);
  b.AddOutput("y", DType::kF32);
  return b;
}

TEST(ImportOpsets19To21, Pad19WrapsAround) {
  auto y = RunY(PadModel(19, "wrap"), F32({3}, {1, 2, 3}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->ToFloatVector(), (std::vector<float>{2, 3, 1, 2, 3, 1}));
  EXPECT_EQ(ErrorOf(ImportBuilt(PadModel(18, "wrap"))),
            "model.onnx: node 'n' (Pad): attribute 'mode' is 'wrap'; expected one of 'constant', 'reflect', 'edge'");
}

OnnxModelBuilder ResizeModel(int64_t opset, const std::string& transform) {
  OnnxModelBuilder b(opset);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 1, 1, 4});
  b.AddInitializer("scales", Tensor::FromVector<float>(DType::kF32, {4}, {1, 1, 1, 0.6f}));
  b.AddNode("Resize", {"x", "", "scales"}, {"y"}, "n")
      .AttrString("mode", "linear")
      .AttrString("coordinate_transformation_mode", transform);
  b.AddOutput("y", DType::kF32);
  return b;
}

TEST(ImportOpsets19To21, Resize19HalfPixelSymmetric) {
  // in 4, scale 0.6: out = floor(2.4) = 2, offset = 4/2 * (1 - 2/2.4) = 1/3;
  // x' = 1/3 + (x + 0.5) / 0.6 - 0.5 = 0.6667, 2.3333 -> 1 + 0.6667, 3 + 0.3333 * 1.
  auto y = RunY(ResizeModel(19, "half_pixel_symmetric"), F32({1, 1, 1, 4}, {1, 2, 3, 4}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  const std::vector<float> v = y->ToFloatVector();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NEAR(v[0], 1.f + 2.f / 3.f, 1e-5);
  EXPECT_NEAR(v[1], 3.f + 1.f / 3.f, 1e-5);
  EXPECT_EQ(ErrorOf(ImportBuilt(ResizeModel(18, "half_pixel_symmetric"))),
            "model.onnx: node 'n' (Resize): attribute 'coordinate_transformation_mode' is 'half_pixel_symmetric'; "
            "expected one of 'half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', "
            "'tf_half_pixel_for_nn', 'tf_crop_and_resize'");
}

TEST(ImportOpsets19To21, Cast19AcceptsSaturateAndRefusesFloat8ByName) {
  for (int64_t saturate : {0, 1}) {
    OneNode m(19, "Cast", {2}, DType::kF32, DType::kF16);
    m.node.AttrInt("to", 10).AttrInt("saturate", saturate);
    auto g = ImportBuilt(m.b);
    ASSERT_TRUE(g.ok()) << ErrorOf(g);
    const Node& cast = *NodesOf(*g, OpKind::kCast).at(0);
    EXPECT_FALSE(cast.attrs.has("saturate"));  // meaningful only for float8 targets
  }
  OneNode bad(19, "Cast", {2}, DType::kF32, DType::kF16);
  bad.node.AttrInt("to", 10).AttrInt("saturate", 2);
  EXPECT_EQ(ErrorOf(ImportBuilt(bad.b)), "model.onnx: node 'n' (Cast): saturate is 2; it must be 0 or 1");
  OneNode f8(19, "Cast", {2});
  f8.node.AttrInt("to", 17);
  EXPECT_EQ(ErrorOf(ImportBuilt(f8.b)), "model.onnx: node 'n' (Cast): to=17: dtype FLOAT8E4M3FN is not supported");
  OneNode i4(21, "Cast", {2});
  i4.node.AttrInt("to", 22);
  EXPECT_EQ(ErrorOf(ImportBuilt(i4.b)), "model.onnx: node 'n' (Cast): to=22: dtype INT4 is not supported");
}

TEST(ImportOpsets19To21, Float8GraphInputIsRefusedByName) {
  OnnxModelBuilder b(21);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{2});
  b.proto().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(19);
  b.AddNode("Identity", {"x"}, {"y"}, "n");
  b.AddOutput("y", DType::kF32);
  EXPECT_NE(ErrorOf(ImportBuilt(b)).find("dtype FLOAT8E5M2 is not supported"), std::string::npos)
      << ErrorOf(ImportBuilt(b));
}

// Gelu's erf form against the activation formula the epilogues use; the tanh form against its
// definition. Odd sizes, random data in [-4, 4].
TEST(ImportOpsets19To21, Gelu20BecomesItsFunctionBody) {
  const Tensor x = RandomTensor(DType::kF32, {3, 7}, 2019, -4.0, 4.0);
  const std::vector<float> xs = x.ToFloatVector();
  for (const std::string approximate : {"none", "tanh"}) {
    OneNode m(20, "Gelu", {3, 7});
    if (approximate == "tanh") m.node.AttrString("approximate", approximate);
    auto g = ImportBuilt(m.b);
    ASSERT_TRUE(g.ok()) << ErrorOf(g);
    EXPECT_EQ(NodesOf(*g, approximate == "tanh" ? OpKind::kTanh : OpKind::kErf).size(), 1u);
    auto out = RunReference(*g, {{"x", x}});
    ASSERT_TRUE(out.ok()) << ErrorOf(out);
    const std::vector<float> y = out->at("y").ToFloatVector();
    ASSERT_EQ(y.size(), xs.size());
    for (size_t i = 0; i < xs.size(); ++i) {
      const double v = xs[i];
      const double expected = approximate == "tanh"
                                  ? 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)))
                                  : ApplyActivation({Activation::kGelu}, xs[i]);
      EXPECT_NEAR(y[i], expected, 1e-5 + 1e-5 * std::abs(expected)) << approximate << " at x = " << v;
    }
  }
}

TEST(ImportOpsets19To21, Gelu20KeepsF16AndChecksItsAttribute) {
  OneNode f16(20, "Gelu", {5}, DType::kF16);
  auto g = ImportBuilt(f16.b);
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Tensor x = Convert(F32({5}, {-2.f, -0.5f, 0.f, 1.f, 3.f}), DType::kF16);
  auto out = RunReference(*g, {{"x", x}});
  ASSERT_TRUE(out.ok()) << ErrorOf(out);
  EXPECT_EQ(out->at("y").dtype(), DType::kF16);
  const std::vector<float> y = out->at("y").ToFloatVector();
  const float xs[] = {-2.f, -0.5f, 0.f, 1.f, 3.f};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(y[i], ApplyActivation({Activation::kGelu}, xs[i]), 1e-2) << i;

  OneNode bad(20, "Gelu", {5});
  bad.node.AttrString("approximate", "fast");
  EXPECT_EQ(ErrorOf(ImportBuilt(bad.b)),
            "model.onnx: node 'n' (Gelu): attribute 'approximate' is 'fast'; expected one of 'none', 'tanh'");
  OneNode early(18, "Gelu", {5});
  EXPECT_EQ(ErrorOf(ImportBuilt(early.b)),
            "model.onnx: node 'n' (Gelu): Gelu exists from opset 20; the model imports opset 18");
}

TEST(ImportOpsets19To21, ReduceMaxAndMin20OnBoolAreAnyAndAll) {
  const Tensor x = MakeTensor(DType::kBool, {3, 3}, {0, 0, 0, 1, 0, 1, 1, 1, 1});
  for (const auto& [op, expected] : {std::pair<std::string, std::vector<double>>{"ReduceMax", {0, 1, 1}},
                                     std::pair<std::string, std::vector<double>>{"ReduceMin", {0, 0, 1}}}) {
    OnnxModelBuilder b(20);
    b.AddInput("x", DType::kBool, std::vector<OnnxDim>{3, 3});
    b.AddInitializer("axes", Int64TensorForTest({1}));
    b.AddNode(op, {"x", "axes"}, {"y"}, "n").AttrInt("keepdims", 0);
    b.AddOutput("y", DType::kBool);
    auto y = RunY(b, x);
    ASSERT_TRUE(y.ok()) << op << ": " << y.status().message();
    EXPECT_EQ(y->dtype(), DType::kBool);
    EXPECT_TRUE(AllClose(*y, MakeTensor(DType::kBool, {3}, expected), 0, 0)) << op;
  }
  // Every other reduction of bool stays an error at run time.
  OnnxModelBuilder b(20);
  b.AddInput("x", DType::kBool, std::vector<OnnxDim>{3, 3});
  b.AddNode("ReduceSum", {"x"}, {"y"}, "n");
  b.AddOutput("y", DType::kBool);
  auto y = RunY(b, x);
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("ReduceSum of bool"), std::string::npos) << y.status().message();
}

}  // namespace
}  // namespace mrt::testing
