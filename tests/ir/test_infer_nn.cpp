// Shape inference of the NN ops (ir/shape_inference/infer_nn.cpp): static shapes, symbolic dims
// (kept where the formula maps every size to itself), unknown ranks, and the error paths.
#include <gtest/gtest.h>

#include "ir/infer_shapes.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::Attrs;
using testing::InferOneNode;
using Ints = std::vector<int64_t>;

const Dim kN = Dim::Symbolic("N");
const Dim kH = Dim::Symbolic("H");
const Dim kW = Dim::Symbolic("W");

ValueInfo F32(Shape s) { return ValueInfo{DType::kF32, std::move(s), nullptr}; }
ValueInfo Of(DType dt, Shape s) { return ValueInfo{dt, std::move(s), nullptr}; }
ValueInfo Unknown(DType dt = DType::kF32) { return ValueInfo{dt, Shape::UnknownRank(), nullptr}; }
ValueInfo Absent() { return ValueInfo{}; }

// The inferred shape of output `i` (as text, so failures print readably).
std::string ShapeOf(OpKind op, std::vector<ValueInfo> inputs, const Attributes& attrs = {}, int num_outputs = 1,
                    size_t i = 0) {
  auto r = InferOneNode(op, std::move(inputs), attrs, num_outputs);
  if (!r.ok()) return "error: " + r.status().message();
  return (*r)[i].shape.ToString();
}

std::string ErrorOf(OpKind op, std::vector<ValueInfo> inputs, const Attributes& attrs = {}, int num_outputs = 1) {
  auto r = InferOneNode(op, std::move(inputs), attrs, num_outputs);
  return r.ok() ? std::string("(no error)") : r.status().message();
}

// ---- Conv ----

TEST(InferConv, StaticShapes) {
  // ResNet stem: 224 + 2*3 - 7 = 223, / 2 = 111, + 1 = 112
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 3, 224, 224}), F32({64, 3, 7, 7})},
                    Attrs({{"strides", Ints{2, 2}}, {"pads", Ints{3, 3, 3, 3}}})),
            "[1,64,112,112]");
  // dilation 2 makes a 3-tap kernel span 5: 9 - 5 + 1 = 5; 1-D and 3-D
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({2, 4, 9}), F32({5, 4, 3})}, Attrs({{"dilations", Ints{2}}})), "[2,5,5]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 2, 4, 5, 6}), F32({3, 2, 2, 2, 2})}), "[1,3,3,4,5]");
  // groups: C = W[1] * group
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 4, 5, 5}), F32({6, 2, 3, 3})}, Attrs({{"group", 2}})), "[1,6,3,3]");
  // SAME_LOWER with stride 2: ceil(7 / 2) = 4; VALID: (7 - 3) / 2 + 1 = 3
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 1, 7, 7}), F32({1, 1, 3, 3})},
                    Attrs({{"auto_pad", std::string("SAME_LOWER")}, {"strides", Ints{2, 2}}})),
            "[1,1,4,4]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 1, 7, 7}), F32({1, 1, 3, 3})},
                    Attrs({{"auto_pad", std::string("VALID")}, {"strides", Ints{2, 2}}})),
            "[1,1,3,3]");
}

TEST(InferConv, SymbolicDims) {
  // 3x3, pads 1, stride 1 maps every size to itself: N, H, W survive
  EXPECT_EQ(
      ShapeOf(OpKind::kConv, {F32({kN, 3, kH, kW}), F32({8, 3, 3, 3}), F32({8})}, Attrs({{"pads", Ints{1, 1, 1, 1}}})),
      "[N,8,H,W]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({kN, 3, kH, kW}), F32({8, 3, 3, 3})},
                    Attrs({{"auto_pad", std::string("SAME_UPPER")}})),
            "[N,8,H,W]");
  // stride 2 or no padding: unknown
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({kN, 3, kH, 10}), F32({8, 3, 3, 3})},
                    Attrs({{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}})),
            "[N,8,?,5]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({kN, 3, kH, kW}), F32({8, 3, 3, 3})}), "[N,8,?,?]");
  // 1x1 keeps them without padding
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({kN, 3, kH, kW}), F32({8, 3, 1, 1})}), "[N,8,H,W]");
}

TEST(InferConv, UnknownRanksAndWeights) {
  EXPECT_EQ(ShapeOf(OpKind::kConv, {Unknown(), F32({8, 3, 3, 3})}), "[?,8,?,?]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {Unknown(), Unknown()}), "[*]");
  // W of unknown rank: kernel_shape gives the window, the channel count stays unknown
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 3, 5, 5}), Unknown()},
                    Attrs({{"kernel_shape", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}})),
            "[1,?,5,5]");
  EXPECT_EQ(ShapeOf(OpKind::kConv, {F32({1, 3, 5, 5}), Unknown()}), "[1,?,?,?]");
}

TEST(InferConv, Errors) {
  const ValueInfo x = F32({1, 4, 5, 5});
  EXPECT_NE(
      ErrorOf(OpKind::kConv, {x, F32({6, 3, 3, 3})}).find("X has 4 channels but W [6,3,3,3] with group 1 expects 3"),
      std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, F32({5, 2, 3, 3})}, Attrs({{"group", 2}})).find("not divisible by group 2"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, F32({6, 4, 3, 3}), F32({5})}).find("bias B (input 2) has 5 entries"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, F32({6, 4, 3})}).find("same rank"), std::string::npos);
  EXPECT_NE(
      ErrorOf(OpKind::kConv, {x, F32({6, 4, 3, 3})}, Attrs({{"kernel_shape", Ints{2, 2}}})).find("does not match W"),
      std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, F32({6, 4, 3, 3})}, Attrs({{"pads", Ints{1, 1}}})).find("pads has 2 values"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, F32({6, 4, 3, 3})}, Attrs({{"dilations", Ints{0, 1}}}))
                .find("dilations [0,1] must be >= 1"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, F32({6, 4, 3, 3})}, Attrs({{"group", 0}})).find("group 0"), std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {F32({4, 5}), F32({6, 4})}).find("rank >= 3"), std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConv, {x, Of(DType::kF16, {6, 4, 3, 3})}).find("one dtype"), std::string::npos);
  // the caller's prefix names the node
  EXPECT_EQ(ErrorOf(OpKind::kConv, {x, F32({6, 4, 7, 7})}).rfind("node 'n' (Conv): ", 0), 0u);
}

// ---- ConvTranspose (the ONNX node-test shapes) ----

TEST(InferConvTranspose, Shapes) {
  const ValueInfo x = F32({1, 1, 3, 3}), w = F32({1, 2, 3, 3});
  const Ints s32 = {3, 2};
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w}), "[1,2,5,5]");
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", s32}, {"output_shape", Ints{10, 8}}})),
            "[1,2,10,8]");
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", s32}, {"output_shape", Ints{1, 2, 10, 8}}})),
            "[1,2,10,8]");  // full-rank output_shape accepted
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", s32}, {"output_padding", Ints{1, 1}}})),
            "[1,2,10,8]");
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w}, Attrs({{"strides", s32}, {"pads", Ints{1, 2, 1, 2}}})),
            "[1,2,7,3]");
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w},
                    Attrs({{"strides", Ints{2, 2}}, {"auto_pad", std::string("SAME_UPPER")}})),
            "[1,2,6,6]");
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {x, w}, Attrs({{"dilations", Ints{2, 2}}})), "[1,2,7,7]");
  // group 2: M = W[1] * group
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {F32({1, 4, 3, 3}), F32({4, 3, 3, 3})}, Attrs({{"group", 2}})),
            "[1,6,5,5]");
}

TEST(InferConvTranspose, SymbolicAndErrors) {
  // stride 1 with pads that undo the kernel growth keeps H; output_shape is static regardless
  EXPECT_EQ(
      ShapeOf(OpKind::kConvTranspose, {F32({kN, 2, kH, 4}), F32({2, 3, 3, 3})}, Attrs({{"pads", Ints{1, 1, 1, 1}}})),
      "[N,3,H,4]");
  EXPECT_EQ(ShapeOf(OpKind::kConvTranspose, {F32({kN, 2, kH, kW}), F32({2, 3, 3, 3})},
                    Attrs({{"output_shape", Ints{9, 9}}, {"strides", Ints{2, 2}}})),
            "[N,3,9,9]");
  EXPECT_EQ(
      ShapeOf(OpKind::kConvTranspose, {F32({kN, 2, kH, kW}), F32({2, 3, 3, 3})}, Attrs({{"strides", Ints{2, 2}}})),
      "[N,3,?,?]");
  EXPECT_NE(ErrorOf(OpKind::kConvTranspose, {F32({1, 2, 3, 3}), F32({3, 3, 3, 3})}).find("channels"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kConvTranspose, {F32({1, 3, 3, 3}), F32({3, 1, 3, 3})}, Attrs({{"group", 2}}))
                .find("not divisible by group 2"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(OpKind::kConvTranspose, {F32({1, 1, 3, 3}), F32({1, 1, 3, 3})}, Attrs({{"output_padding", Ints{1}}}))
          .find("output_padding has 1 values"),
      std::string::npos);
}

// ---- Gemm and MatMul ----

TEST(InferGemm, ShapesAndErrors) {
  const Dim m = Dim::Symbolic("m");
  EXPECT_EQ(ShapeOf(OpKind::kGemm, {F32({m, 4}), F32({4, 5})}), "[m,5]");
  EXPECT_EQ(ShapeOf(OpKind::kGemm, {F32({4, m}), F32({5, 4}), F32({5})}, Attrs({{"transA", 1}, {"transB", 1}})),
            "[m,5]");
  EXPECT_EQ(ShapeOf(OpKind::kGemm, {F32({m, 4}), F32({4, 5}), F32({3, 1})}), "[m,5]");  // can't tell yet
  EXPECT_EQ(ShapeOf(OpKind::kGemm, {Unknown(), F32({4, 5})}), "[?,5]");
  EXPECT_NE(ErrorOf(OpKind::kGemm, {F32({2, 4}), F32({5, 4})}).find("inner dims do not match"), std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kGemm, {F32({2, 4}), F32({4, 5}), F32({2, 4})}).find("C [2,4] cannot be broadcast"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kGemm, {F32({2, 4}), F32({4, 5}), F32({1, 2, 5})}).find("rank <= 2"), std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kGemm, {Of(DType::kU8, {2, 4}), Of(DType::kU8, {4, 5})}).find("dtype u8"),
            std::string::npos);
}

TEST(InferMatMul, NumpySemantics) {
  const Dim b = Dim::Symbolic("b"), s = Dim::Symbolic("s");
  EXPECT_EQ(ShapeOf(OpKind::kMatMul, {F32({b, 3, 4}), F32({4, 5})}), "[b,3,5]");
  EXPECT_EQ(ShapeOf(OpKind::kMatMul, {F32({4}), F32({4, 5})}), "[5]");
  EXPECT_EQ(ShapeOf(OpKind::kMatMul, {F32({2, 3, 4}), F32({4})}), "[2,3]");
  EXPECT_EQ(ShapeOf(OpKind::kMatMul, {F32({4}), F32({4})}), "[]");
  EXPECT_EQ(ShapeOf(OpKind::kMatMul, {F32({1, s, 3, 4}), F32({7, 1, 4, 2})}), "[7,s,3,2]");
  EXPECT_EQ(ShapeOf(OpKind::kMatMul, {Unknown(), F32({4, 2})}), "[*]");
  EXPECT_NE(ErrorOf(OpKind::kMatMul, {F32({3, 4}), F32({5, 2})}).find("inner dims do not match"), std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kMatMul, {F32({2, 3, 4}), F32({3, 4, 2})}).find("batch dims"), std::string::npos);
}

// ---- normalizations ----

TEST(InferNorm, BatchAndInstanceNormalization) {
  const std::vector<ValueInfo> params(4, F32({3}));
  std::vector<ValueInfo> in = {F32({kN, 3, kH, kW})};
  in.insert(in.end(), params.begin(), params.end());
  EXPECT_EQ(ShapeOf(OpKind::kBatchNormalization, in), "[N,3,H,W]");
  in[0] = Unknown();
  EXPECT_EQ(ShapeOf(OpKind::kBatchNormalization, in), "[*]");
  in[0] = F32({kN, 4, 2});
  EXPECT_NE(ErrorOf(OpKind::kBatchNormalization, in).find("has 3 entries but X has 4 channels"), std::string::npos);
  in[0] = F32({kN, 3, 2});
  EXPECT_NE(ErrorOf(OpKind::kBatchNormalization, in, Attrs({{"training_mode", 1}})).find("training_mode=1"),
            std::string::npos);
  EXPECT_EQ(ShapeOf(OpKind::kInstanceNormalization, {F32({kN, 3, kH}), F32({3}), F32({3})}), "[N,3,H]");
  EXPECT_NE(ErrorOf(OpKind::kInstanceNormalization, {F32({kN, 3}), F32({3}), F32({3})}).find("rank >= 3"),
            std::string::npos);
}

TEST(InferNorm, LayerNormalizationOutputsAndStashType) {
  auto r = InferOneNode(OpKind::kLayerNormalization, {Of(DType::kF16, {kN, 3, 4}), Of(DType::kF16, {3, 4}), Absent()},
                        Attrs({{"axis", 1}}), 3);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].shape.ToString(), "[N,3,4]");
  EXPECT_EQ((*r)[0].dtype, DType::kF16);
  EXPECT_EQ((*r)[1].shape.ToString(), "[N,1,1]");
  EXPECT_EQ((*r)[1].dtype, DType::kF32);  // stash_type 1 by default
  EXPECT_EQ((*r)[2].shape.ToString(), "[N,1,1]");
  auto d = InferOneNode(OpKind::kLayerNormalization, {F32({2, 5}), F32({5})}, Attrs({{"stash_type", 11}}), 2);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ((*d)[1].dtype, DType::kF64);
  EXPECT_EQ((*d)[1].shape.ToString(), "[2,1]");
  EXPECT_EQ(ShapeOf(OpKind::kLayerNormalization, {Unknown(), F32({5})}, {}, 2, 1), "[*]");
  EXPECT_NE(ErrorOf(OpKind::kLayerNormalization, {F32({2, 5}), F32({5})}, Attrs({{"axis", -3}})).find("out of range"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(OpKind::kLayerNormalization, {F32({2, 5}), F32({5}), F32({2, 2})}).find("B [2,2] cannot be broadcast"),
      std::string::npos);
}

// ---- pools ----

TEST(InferPool, MaxAndAveragePool) {
  const Attributes k2s2 = Attrs({{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}});
  EXPECT_EQ(ShapeOf(OpKind::kMaxPool, {F32({kN, 8, 9, 9})}, k2s2), "[N,8,4,4]");
  Attributes ceil = k2s2;
  ceil.set("ceil_mode", int64_t{1});
  EXPECT_EQ(ShapeOf(OpKind::kMaxPool, {F32({kN, 8, 9, 9})}, ceil), "[N,8,5,5]");
  EXPECT_EQ(ShapeOf(OpKind::kAveragePool, {F32({kN, 8, kH, kW})}, k2s2), "[N,8,?,?]");
  // ResNet's max pool: 3x3, stride 2, pads 1 on 112 -> 56
  EXPECT_EQ(ShapeOf(OpKind::kMaxPool, {F32({1, 64, 112, 112})},
                    Attrs({{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}})),
            "[1,64,56,56]");
  // SAME with stride 1 keeps symbolic dims; unknown rank X takes its rank from kernel_shape
  EXPECT_EQ(ShapeOf(OpKind::kMaxPool, {F32({kN, 8, kH, kW})},
                    Attrs({{"kernel_shape", Ints{3, 3}}, {"auto_pad", std::string("SAME_UPPER")}})),
            "[N,8,H,W]");
  EXPECT_EQ(ShapeOf(OpKind::kMaxPool, {Unknown()}, Attrs({{"kernel_shape", Ints{3}}})), "[?,?,?]");
  auto r = InferOneNode(OpKind::kMaxPool, {Of(DType::kU8, {1, 2, 4})}, Attrs({{"kernel_shape", Ints{2}}}), 2);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].dtype, DType::kU8);
  EXPECT_EQ((*r)[1].dtype, DType::kI64);
  EXPECT_EQ((*r)[1].shape.ToString(), "[1,2,3]");
}

TEST(InferPool, Errors) {
  EXPECT_NE(ErrorOf(OpKind::kMaxPool, {F32({1, 1, 4, 4})}).find("kernel_shape is required"), std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kMaxPool, {F32({1, 1, 4, 4})}, Attrs({{"kernel_shape", Ints{5, 5}}})).find("kernel extent"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(OpKind::kAveragePool, {Of(DType::kI8, {1, 1, 4})}, Attrs({{"kernel_shape", Ints{2}}})).find("dtype i8"),
      std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kMaxPool, {F32({1, 4})}, Attrs({{"kernel_shape", Ints{2}}})).find("rank >= 3"),
            std::string::npos);
  EXPECT_NE(ErrorOf(OpKind::kMaxPool, {F32({1, 1, 4, 4})}, Attrs({{"kernel_shape", Ints{2}}}))
                .find("kernel_shape has 1 dims but the input has 2 spatial dims"),
            std::string::npos);
}

TEST(InferPool, GlobalPools) {
  EXPECT_EQ(ShapeOf(OpKind::kGlobalAveragePool, {F32({kN, 512, kH, kW})}), "[N,512,1,1]");
  EXPECT_EQ(ShapeOf(OpKind::kGlobalMaxPool, {F32({2, 3, 4, 5, 6})}), "[2,3,1,1,1]");
  EXPECT_EQ(ShapeOf(OpKind::kGlobalMaxPool, {Unknown()}), "[*]");
  EXPECT_NE(ErrorOf(OpKind::kGlobalAveragePool, {F32({2, 3})}).find("rank >= 3"), std::string::npos);
}

// ---- a graph: weights feed their shapes to inference ----

TEST(InferNnGraph, ConvPoolChainWithSymbolicBatch) {
  Graph g;
  const ValueId x = g.AddValue("x", DType::kF32, Shape{kN, 3, 32, 32});
  g.AddGraphInput(x);
  const ValueId w = g.AddWeight("w", testing::RandomTensor(DType::kF32, {16, 3, 3, 3}, 1));
  const ValueId y = g.AddValue("y"), p = g.AddValue("p"), idx = g.AddValue("idx"), z = g.AddValue("z");
  g.AddNode(OpKind::kConv, "conv", {x, w}, {y}, Attrs({{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}}));
  g.AddNode(OpKind::kMaxPool, "pool", {y}, {p, idx}, Attrs({{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  g.AddNode(OpKind::kGlobalAveragePool, "gap", {p}, {z});
  g.AddGraphOutput(z);
  g.AddGraphOutput(idx);
  ASSERT_TRUE(InferShapes(g).ok());
  EXPECT_EQ(g.value(y).shape.ToString(), "[N,16,16,16]");
  EXPECT_EQ(g.value(p).shape.ToString(), "[N,16,8,8]");
  EXPECT_EQ(g.value(idx).dtype, DType::kI64);
  EXPECT_EQ(g.value(z).shape.ToString(), "[N,16,1,1]");
}

}  // namespace
}  // namespace mrt
