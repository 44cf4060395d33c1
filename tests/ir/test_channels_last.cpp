// The internal channels_last attribute in shape inference (ir/shape_inference/infer_nn.cpp): with
// channels_last = 1, X, Y (and FusedConv's Z) are NHWC, so Y's shape is the NCHW result permuted
// (0, 2, 3, 1); only rank-4 X is accepted; MaxPool's Indices and ConvTranspose refuse it; and the
// ONNX importer never accepts it from a model (it is not an ONNX attribute).
#include <gtest/gtest.h>

#include "ir/infer_shapes.h"
#include "ir/onnx/importer.h"
#include "ir/onnx/onnx_builder.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::Attrs;
using testing::InferOneNode;
using Ints = std::vector<int64_t>;

ValueInfo F32(Shape s) { return ValueInfo{DType::kF32, std::move(s), nullptr}; }

std::string ShapeOf(OpKind op, std::vector<ValueInfo> inputs, Attributes attrs, int num_outputs = 1) {
  auto r = InferOneNode(op, std::move(inputs), attrs, num_outputs);
  if (!r.ok()) return "error: " + r.status().message();
  return (*r)[0].shape.ToString();
}

Attributes WithChannelsLast(Attributes a) {
  a.set("channels_last", int64_t{1});
  return a;
}

TEST(InferChannelsLast, ConvIsTheNchwShapePermuted) {
  // NCHW: [1, 3, 224, 224] * [64, 3, 7, 7], stride 2, pads 3 -> [1, 64, 112, 112]; NHWC: [1, 112, 112, 64]
  const Attributes stem = Attrs({{"strides", Ints{2, 2}}, {"pads", Ints{3, 3, 3, 3}}});
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 3, 224, 224}), F32({64, 3, 7, 7})}, stem), "[1,64,112,112]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 224, 224, 3}), F32({64, 3, 7, 7})}, WithChannelsLast(stem)),
            "[1,112,112,64]");
  // grouped, non-square: X NHWC [2, 9, 7, 4], W [6, 2, 3, 1], group 2 -> [2, 7, 7, 6]
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({2, 9, 7, 4}), F32({6, 2, 3, 1})}, WithChannelsLast(Attrs({{"group", 2}}))),
            "[2,7,7,6]");
  // explicit channels_last = 0 is plain NCHW
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 3, 5, 5}), F32({4, 3, 3, 3})}, Attrs({{"channels_last", int64_t{0}}})),
            "[1,4,3,3]");
}

TEST(InferChannelsLast, SymbolicDimsFollowTheirAxes) {
  const Dim n = Dim::Symbolic("N"), h = Dim::Symbolic("H"), w = Dim::Symbolic("W");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32(Shape{n, h, w, Dim(3)}), F32({8, 3, 3, 3})},
                    WithChannelsLast(Attrs({{"pads", Ints{1, 1, 1, 1}}}))),
            "[N,H,W,8]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32(Shape::UnknownRank()), F32({8, 3, 1, 1})}, WithChannelsLast({})), "[?,?,?,8]");
}

TEST(InferChannelsLast, FusedConvChecksTheResidualInNhwc) {
  const Attributes a = WithChannelsLast(Attrs({{"pads", Ints{1, 1, 1, 1}}}));
  EXPECT_EQ(ShapeOf(OpKind::kFusedConv, {F32({1, 5, 6, 3}), F32({4, 3, 3, 3}), ValueInfo{}, F32({1, 5, 6, 4})}, a),
            "[1,5,6,4]");
  const std::string nchw_z =
      ShapeOf(OpKind::kFusedConv, {F32({1, 5, 6, 3}), F32({4, 3, 3, 3}), ValueInfo{}, F32({1, 4, 5, 6})}, a);
  EXPECT_NE(nchw_z.find("residual Z"), std::string::npos) << nchw_z;
}

TEST(InferChannelsLast, Pools) {
  const Attributes pool = Attrs({{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  // NCHW [1, 5, 9, 8] -> [1, 5, 5, 4]; NHWC [1, 9, 8, 5] -> [1, 5, 4, 5]
  EXPECT_EQ(ShapeOf(OpKind::kMaxPool, {F32({1, 9, 8, 5})}, WithChannelsLast(pool)), "[1,5,4,5]");
  EXPECT_EQ(ShapeOf(OpKind::kAveragePool, {F32({1, 9, 8, 5})}, WithChannelsLast(pool)), "[1,5,4,5]");
  EXPECT_EQ(ShapeOf(OpKind::kGlobalAveragePool, {F32({2, 9, 8, 5})}, WithChannelsLast({})), "[2,1,1,5]");
  EXPECT_EQ(ShapeOf(OpKind::kGlobalMaxPool, {F32({2, 9, 8, 5})}, WithChannelsLast({})), "[2,1,1,5]");
}

TEST(InferChannelsLast, RejectedWhereItHasNoMeaning) {
  auto error_of = [](OpKind op, std::vector<ValueInfo> in, const Attributes& a, int outs = 1) {
    auto r = InferOneNode(op, std::move(in), a, outs);
    return r.ok() ? std::string("(no error)") : r.status().message();
  };
  // rank 3 and rank 5 (1-D and 3-D ops)
  EXPECT_NE(error_of(OpKind::kConv, {F32({1, 8, 3}), F32({4, 3, 3})}, WithChannelsLast({})).find("rank 4"),
            std::string::npos);
  EXPECT_NE(error_of(OpKind::kGlobalAveragePool, {F32({1, 2, 3, 4, 5})}, WithChannelsLast({})).find("rank 4"),
            std::string::npos);
  EXPECT_NE(error_of(OpKind::kMaxPool, {F32({1, 4, 4, 2})}, WithChannelsLast(Attrs({{"kernel_shape", Ints{2, 2}}})), 2)
                .find("Indices"),
            std::string::npos);
  EXPECT_NE(error_of(OpKind::kConvTranspose, {F32({1, 4, 4, 2}), F32({2, 3, 3, 3})}, WithChannelsLast({}))
                .find("ConvTranspose"),
            std::string::npos);
  EXPECT_NE(error_of(OpKind::kConv, {F32({1, 4, 4, 2}), F32({3, 2, 1, 1})}, Attrs({{"channels_last", int64_t{2}}}))
                .find("0 or 1"),
            std::string::npos);
}

TEST(InferChannelsLast, TheImporterNeverAcceptsItFromAModel) {
  for (const char* op : {"Conv", "MaxPool", "GlobalAveragePool"}) {
    SCOPED_TRACE(op);
    OnnxModelBuilder b;
    b.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 3, 4, 4});
    std::vector<std::string> inputs = {"x"};
    if (std::string(op) == "Conv") {
      b.AddInitializer("w", testing::RandomTensor(DType::kF32, {2, 3, 1, 1}, 1));
      inputs.push_back("w");
    }
    auto node = b.AddNode(op, inputs, {"y"});
    if (std::string(op) == "MaxPool") node.AttrInts("kernel_shape", {2, 2});
    node.AttrInt("channels_last", 1);
    b.AddOutput("y", DType::kF32);
    auto g = ImportOnnxBytes(b.Serialize(), "", "model.onnx");
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.status().message().find("channels_last"), std::string::npos) << g.status().message();
  }
}

}  // namespace
}  // namespace mrt
