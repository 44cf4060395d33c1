// Reference FusedConv / FusedGemm: y = post_act(act(Conv|Gemm + bias) + Z). Small cases computed
// by hand, every activation at hand-computed points, flatten_a, f16, shape inference (static,
// symbolic, unknown) and the error paths.
#include <gtest/gtest.h>

#include "ir/activation.h"
#include "ir/infer_shapes.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attrs;
using testing::F32;
using testing::RandomTensor;
using testing::RunError;
using testing::RunOne;
using testing::RunSingleOp;

using Ints = std::vector<int64_t>;

Attributes WithEpilogue(Attributes attrs, ActivationSpec act, ActivationSpec post = {}) {
  WriteActivation(attrs, "activation", act);
  WriteActivation(attrs, "post_activation", post);
  return attrs;
}

TEST(FusedConvRef, EveryEpilogueStageByHand) {
  // X: channel 0 = [1, 2], channel 1 = [3, -4]; 1x1 W = [[1, 1], [1, -1]]:
  //   conv: ch0 = [4, -2], ch1 = [-2, 6]; + B [0.5, -1]: [4.5, -1.5], [-3, 5]
  //   Relu: [4.5, 0], [0, 5]; + Z [[1, 1], [-10, 1]]: [5.5, 1], [-10, 6]; Clip(0, 6): [5.5, 1], [0, 6]
  const Tensor x = F32({1, 2, 1, 2}, {1, 2, 3, -4});
  const Tensor w = F32({2, 2, 1, 1}, {1, 1, 1, -1});
  const Tensor b = F32({2}, {0.5f, -1});
  const Tensor z = F32({1, 2, 1, 2}, {1, 1, -10, 1});
  const Attributes attrs = WithEpilogue({}, {Activation::kRelu}, {Activation::kClip, 0.f, 6.f});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedConv, {x, w, b, z}, attrs), F32({1, 2, 1, 2}, {5.5f, 1, 0, 6})));
  // Without Z: post_act(act(y)) = Clip(Relu(y)).
  EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedConv, {x, w, b}, attrs), F32({1, 2, 1, 2}, {4.5f, 0, 0, 5})));
  // Without B, only Z: [4, -2] + [1, 1], [-2, 6] + [-10, 1], then Relu.
  EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedConv, {x, w, Tensor(), z}, WithEpilogue({}, {}, {Activation::kRelu})),
                       F32({1, 2, 1, 2}, {5, 0, 0, 7})));
}

TEST(FusedConvRef, NoEpilogueIsConvWithGroupsStridesPads) {
  const Tensor x = RandomTensor(DType::kF32, {2, 4, 7, 6}, 1);
  const Tensor w = RandomTensor(DType::kF32, {6, 2, 3, 3}, 2);
  const Tensor b = RandomTensor(DType::kF32, {6}, 3);
  const Attributes attrs =
      Attrs({{"group", int64_t{2}}, {"strides", Ints{2, 1}}, {"pads", Ints{1, 0, 1, 2}}, {"dilations", Ints{1, 2}}});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedConv, {x, w, b}, attrs), RunOne(OpKind::kConv, {x, w, b}, attrs)));
}

// Each activation at points computed by hand, through a 1x1 single-channel FusedConv with W = 1.
TEST(FusedConvRef, EachActivationByHand) {
  const Tensor x = F32({1, 1, 1, 3}, {-2, 0, 1});
  const Tensor w = F32({1, 1, 1, 1}, {1});
  struct Case {
    ActivationSpec act;
    std::vector<float> expected;
  };
  const std::vector<Case> cases = {
      {{Activation::kRelu}, {0, 0, 1}},
      {{Activation::kLeakyRelu, 0.1f}, {-0.2f, 0, 1}},
      {{Activation::kClip, -1.f, 0.5f}, {-1, 0, 0.5f}},
      {{Activation::kSigmoid}, {0.11920292f, 0.5f, 0.73105858f}},
      {{Activation::kHardSigmoid, 0.2f, 0.5f}, {0.1f, 0.5f, 0.7f}},
      {{Activation::kTanh}, {-0.96402758f, 0, 0.76159416f}},
      {{Activation::kSiLU}, {-0.23840584f, 0, 0.73105858f}},       // x * sigmoid(x)
      {{Activation::kHardSwish}, {-0.33333333f, 0, 0.66666667f}},  // -2 * (1/6*-2 + 0.5) = -1/3
      {{Activation::kGelu}, {-0.04550026f, 0, 0.84134475f}},       // x * Phi(x)
      {{Activation::kMish}, {-0.25250146f, 0, 0.86509839f}},       // x * tanh(ln(1 + e^x))
  };
  for (const Case& c : cases)
    EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedConv, {x, w}, WithEpilogue({}, c.act)), F32({1, 1, 1, 3}, c.expected)))
        << ActivationToString(c.act);
}

TEST(FusedConvRef, Float16MatchesFloat32) {
  const Tensor x = RandomTensor(DType::kF16, {1, 3, 5, 5}, 4);
  const Tensor w = RandomTensor(DType::kF16, {4, 3, 3, 3}, 5);
  const Tensor z = RandomTensor(DType::kF16, {1, 4, 5, 5}, 6);
  const Attributes attrs = WithEpilogue(Attrs({{"pads", Ints{1, 1, 1, 1}}}), {Activation::kSiLU}, {Activation::kRelu});
  const Tensor y16 = RunOne(OpKind::kFusedConv, {x, w, Tensor(), z}, attrs);
  ASSERT_EQ(y16.dtype(), DType::kF16);
  auto as_f32 = [](const Tensor& t) { return F32(t.sizes(), t.ToFloatVector()); };
  const Tensor y32 = RunOne(OpKind::kFusedConv, {as_f32(x), as_f32(w), Tensor(), as_f32(z)}, attrs);
  EXPECT_TRUE(AllClose(as_f32(y16), y32, 1e-2, 1e-2));
}

TEST(FusedGemmRef, FlattenAlphaBetaBiasByHand) {
  // A [2, 1, 1, 2] read as [[1, 2], [3, 4]]; B = [[1, 0, 2], [0, 1, -1.25]]: AB = [[1, 2, -0.5], [3, 4, 1]]
  // alpha 2: [[2, 4, -1], [6, 8, 2]]; + beta 0.5 * C [1, 1, 1]: [[2.5, 4.5, -0.5], [6.5, 8.5, 2.5]]; Relu.
  const Tensor a = F32({2, 1, 1, 2}, {1, 2, 3, 4});
  const Tensor b = F32({2, 3}, {1, 0, 2, 0, 1, -1.25f});
  const Tensor c = F32({3}, {1, 1, 1});
  const Attributes attrs =
      WithEpilogue(Attrs({{"flatten_a", int64_t{1}}, {"alpha", 2.f}, {"beta", 0.5f}}), {Activation::kRelu});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedGemm, {a, b, c}, attrs), F32({2, 3}, {2.5f, 4.5f, 0, 6.5f, 8.5f, 2.5f})));
  // Residual then LeakyRelu(0.5): y + Z with Z = [[0, 0, -2], [0, -10, 0]] = [[2.5, 4.5, -2], [6.5, -1.5, 2.5]].
  const Tensor z = F32({2, 3}, {0, 0, -2, 0, -10, 0});
  const Attributes post = WithEpilogue(Attrs({{"flatten_a", int64_t{1}}, {"alpha", 2.f}, {"beta", 0.5f}}),
                                       {Activation::kRelu}, {Activation::kLeakyRelu, 0.5f});
  EXPECT_TRUE(
      AllClose(RunOne(OpKind::kFusedGemm, {a, b, c, z}, post), F32({2, 3}, {2.5f, 4.5f, -1, 6.5f, -0.75f, 2.5f})));
}

TEST(FusedGemmRef, NoEpilogueIsGemmWithTransposes) {
  const Tensor a = RandomTensor(DType::kF32, {5, 3}, 7);  // transA: op(A) is [3, 5]
  const Tensor b = RandomTensor(DType::kF32, {4, 5}, 8);  // transB: op(B) is [5, 4]
  const Tensor c = RandomTensor(DType::kF32, {3, 1}, 9);
  const Attributes attrs = Attrs({{"transA", int64_t{1}}, {"transB", int64_t{1}}, {"alpha", 0.7f}, {"beta", 1.5f}});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kFusedGemm, {a, b, c}, attrs), RunOne(OpKind::kGemm, {a, b, c}, attrs)));
}

TEST(FusedRef, Errors) {
  const Tensor x = F32({1, 1, 1, 2}, {1, 2});
  const Tensor w = F32({1, 1, 1, 1}, {1});
  Attributes bad_name;
  bad_name.set("activation", std::string("Swish"));
  EXPECT_NE(RunError(OpKind::kFusedConv, {x, w}, bad_name).find("unknown activation 'Swish'"), std::string::npos);
  const std::string wrong_z = RunError(OpKind::kFusedConv, {x, w, Tensor(), F32({1, 1, 2, 1}, {1, 2})}, {});
  EXPECT_NE(wrong_z.find("residual Z [1,1,2,1] must have the output's shape [1,1,1,2]"), std::string::npos) << wrong_z;
  const std::string z_dtype =
      RunError(OpKind::kFusedConv, {x, w, Tensor(), RandomTensor(DType::kF16, {1, 1, 1, 2}, 1)}, {});
  EXPECT_NE(z_dtype.find("residual Z (input 3) is f16"), std::string::npos) << z_dtype;
  const std::string flat =
      RunError(OpKind::kFusedGemm, {F32({2}, {1, 2}), F32({2, 1}, {1, 1})}, Attrs({{"flatten_a", int64_t{1}}}));
  EXPECT_NE(flat.find("flatten_a needs A of rank >= 2"), std::string::npos) << flat;
  const Tensor i32 = Tensor::FromVector<int32_t>(DType::kI32, {1, 1}, {1});
  const std::string int_gemm = RunError(OpKind::kFusedGemm, {i32, i32}, {});
  EXPECT_NE(int_gemm.find("FusedGemm takes f32, f16, bf16 or f64"), std::string::npos) << int_gemm;
  // Conv's own checks still apply.
  const std::string channels = RunError(OpKind::kFusedConv, {x, F32({1, 2, 1, 1}, {1, 1})}, {});
  EXPECT_NE(channels.find("channels"), std::string::npos) << channels;
}

// Static inference: what the graph knows before running (symbolic dims, unknown values).
Expected<std::vector<ValueInfo>> Infer(OpKind op, std::vector<ValueInfo> inputs, const Attributes& attrs) {
  Node node;
  node.op = op;
  node.name = "n";
  node.attrs = attrs;
  for (size_t i = 0; i < inputs.size(); ++i) node.inputs.push_back(static_cast<ValueId>(i));
  node.outputs = {static_cast<ValueId>(inputs.size())};
  return InferNode(node, std::move(inputs));
}

TEST(FusedInference, SymbolicAndUnknownDims) {
  const Dim batch = Dim::Symbolic("batch");
  // FusedGemm flatten_a: [batch, 512, 1, 1] -> [batch, 512] x [1000, 512]^T -> [batch, 1000].
  auto gemm =
      Infer(OpKind::kFusedGemm,
            {{DType::kF32, Shape{batch, 512, 1, 1}}, {DType::kF32, Shape{1000, 512}}, {DType::kF32, Shape{1000}}},
            Attrs({{"flatten_a", int64_t{1}}, {"transB", int64_t{1}}}));
  ASSERT_TRUE(gemm.ok()) << gemm.status().message();
  EXPECT_EQ((*gemm)[0].shape, (Shape{batch, 1000}));
  // A dynamic flattened dim makes K unknown but N is still known; Z with a symbolic batch passes.
  auto gemm2 = Infer(
      OpKind::kFusedGemm,
      {{DType::kF32, Shape{batch, Dim(), 7}}, {DType::kF32, Shape{Dim(), 10}}, {}, {DType::kF32, Shape{batch, 10}}},
      Attrs({{"flatten_a", int64_t{1}}}));
  ASSERT_TRUE(gemm2.ok()) << gemm2.status().message();
  EXPECT_EQ((*gemm2)[0].shape, (Shape{batch, 10}));
  // K mismatch after flattening: [2, 3, 4] is [2, 12], B has 10 rows.
  auto bad = Infer(OpKind::kFusedGemm, {{DType::kF32, Shape{2, 3, 4}}, {DType::kF32, Shape{10, 5}}},
                   Attrs({{"flatten_a", int64_t{1}}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("inner dims do not match"), std::string::npos) << bad.status().message();
  // FusedConv: symbolic batch and spatial dims as Conv infers them; unknown-rank Z accepted.
  auto conv = Infer(OpKind::kFusedConv,
                    {{DType::kF32, Shape{batch, 3, Dim::Symbolic("h"), 9}},
                     {DType::kF32, Shape{8, 3, 3, 3}},
                     {},
                     {DType::kF32, Shape::UnknownRank()}},
                    Attrs({{"pads", Ints{1, 1, 1, 1}}}));
  ASSERT_TRUE(conv.ok()) << conv.status().message();
  EXPECT_EQ((*conv)[0].shape, (Shape{batch, 8, Dim::Symbolic("h"), 9}));
  // A static Z dim that disagrees with the output is an error even when other dims are symbolic.
  auto conv_bad = Infer(OpKind::kFusedConv,
                        {{DType::kF32, Shape{batch, 3, 5, 9}},
                         {DType::kF32, Shape{8, 3, 1, 1}},
                         {},
                         {DType::kF32, Shape{batch, 8, 5, 8}}},
                        {});
  ASSERT_FALSE(conv_bad.ok());
  EXPECT_NE(conv_bad.status().message().find("residual Z"), std::string::npos) << conv_bad.status().message();
}

}  // namespace
}  // namespace mrt
