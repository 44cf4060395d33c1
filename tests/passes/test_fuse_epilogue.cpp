// fuse_conv_gemm_epilogue: every activation form exporters write, every epilogue stage (bias,
// activation, residual in both Add orders, post-activation; PaddlePaddle's scale + shift) on Conv
// (grouped, strided) and Gemm, fuse_flatten_gemm,
// what blocks a fusion (a second reader, a constant that does not match), and outputs before and
// after agreeing on random inputs (ExpectPreservesOutputs).
#include <functional>
#include <limits>

#include "ir/activation.h"
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

using Ints = std::vector<int64_t>;
using ActivationBuilder = std::function<ValueId(GraphBuilder&, ValueId)>;

// X [2, 4, 9, 7] -> grouped (2), strided (2, 1), padded 3x3 Conv with 6 output channels.
// Weights in [-1, 1] over 18 taps put the outputs roughly in [-4, 4], crossing every
// activation's interesting points (0, +-3 for HardSwish).
ValueId GroupedConv(GraphBuilder& b, bool with_bias = false, const std::string& name = "conv") {
  const ValueId x = b.Input("x", DType::kF32, {2, 4, 9, 7});
  std::vector<ValueId> in = {x, b.Weight(name + ".w", RandomTensor(DType::kF32, {6, 2, 3, 3}, 11))};
  if (with_bias) in.push_back(b.Weight(name + ".b", RandomTensor(DType::kF32, {6}, 12)));
  return b.Op(OpKind::kConv, in, Attrs({{"group", int64_t{2}}, {"strides", Ints{2, 1}}, {"pads", Ints{1, 1, 1, 1}}}), 1,
              name);
}

// Runs the pass once (and checks outputs are preserved); returns the graph and its records.
Graph Fuse(const Graph& g, std::vector<RewriteRecord>* records = nullptr) {
  return ExpectPreservesOutputs(g, [&](Graph& h) {
    PassContext ctx = TestPassContext();
    RunOnePass(h, RunFuseEpilogue, ctx);
    if (records) *records = ctx.rewrites;
  });
}

const Node* OnlyNode(const Graph& g, OpKind op) {
  const Node* found = nullptr;
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == op) found = found ? nullptr : &n;
  return found;
}

ValueId Scalar(GraphBuilder& b, float v) {
  static int counter = 0;
  return b.ScalarF32("k" + std::to_string(counter++), v);
}
ValueId Bin(GraphBuilder& b, OpKind op, ValueId l, ValueId r) { return b.Op(op, {l, r}); }

// ---- every activation form: Conv -> activation -> output becomes one FusedConv ----

struct ActivationCase {
  std::string name;
  ActivationBuilder build;
  ActivationSpec expected;
};

std::vector<ActivationCase> ActivationCases() {
  const float kSixth = 0.16666667f, kInvSqrt2 = 0.70710677f, kSqrt2 = 1.4142135f;
  // x * HardSigmoid-like gate variants of HardSwish written with Clip.
  auto clip_gate = [](GraphBuilder& b, ValueId x, bool three_first) {
    const ValueId plus3 = three_first ? Bin(b, OpKind::kAdd, Scalar(b, 3), x) : Bin(b, OpKind::kAdd, x, Scalar(b, 3));
    return b.Op(OpKind::kClip, {plus3, Scalar(b, 0), Scalar(b, 6)});
  };
  // Erf(x / sqrt 2) + 1, by division or by multiplication.
  auto erf_plus_one = [=](GraphBuilder& b, ValueId x, bool by_div) {
    const ValueId scaled =
        by_div ? Bin(b, OpKind::kDiv, x, Scalar(b, kSqrt2)) : Bin(b, OpKind::kMul, Scalar(b, kInvSqrt2), x);
    return Bin(b, OpKind::kAdd, Scalar(b, 1), b.Op(OpKind::kErf, {scaled}));
  };
  const ActivationSpec hardswish{Activation::kHardSwish}, gelu{Activation::kGelu};
  return {
      {"Relu", [](GraphBuilder& b, ValueId x) { return b.Op(OpKind::kRelu, {x}); }, {Activation::kRelu}},
      {"Relu6",
       [](GraphBuilder& b, ValueId x) {
         return b.Op(OpKind::kClip, {x, Scalar(b, 0), Scalar(b, 6)});
       },
       {Activation::kClip, 0.f, 6.f}},
      {"ClipMaxOnly",
       [](GraphBuilder& b, ValueId x) {
         return b.Op(OpKind::kClip, {x, kNoValue, Scalar(b, 0.5f)});
       },
       {Activation::kClip, -std::numeric_limits<float>::infinity(), 0.5f}},
      {"Clip0to5",
       [](GraphBuilder& b, ValueId x) {
         return b.Op(OpKind::kClip, {x, Scalar(b, 0), Scalar(b, 5)});
       },
       {Activation::kClip, 0.f, 5.f}},
      {"LeakyRelu",
       [](GraphBuilder& b, ValueId x) {
         return b.Op(OpKind::kLeakyRelu, {x}, Attrs({{"alpha", 0.2f}}));
       },
       {Activation::kLeakyRelu, 0.2f}},
      {"Sigmoid", [](GraphBuilder& b, ValueId x) { return b.Op(OpKind::kSigmoid, {x}); }, {Activation::kSigmoid}},
      {"HardSigmoid",
       [](GraphBuilder& b, ValueId x) {
         return b.Op(OpKind::kHardSigmoid, {x}, Attrs({{"alpha", 0.3f}, {"beta", 0.4f}}));
       },
       {Activation::kHardSigmoid, 0.3f, 0.4f}},
      {"Tanh", [](GraphBuilder& b, ValueId x) { return b.Op(OpKind::kTanh, {x}); }, {Activation::kTanh}},
      {"SiLU_x_first",
       [](GraphBuilder& b, ValueId x) { return Bin(b, OpKind::kMul, x, b.Op(OpKind::kSigmoid, {x})); },
       {Activation::kSiLU}},
      {"SiLU_sigmoid_first",
       [](GraphBuilder& b, ValueId x) { return Bin(b, OpKind::kMul, b.Op(OpKind::kSigmoid, {x}), x); },
       {Activation::kSiLU}},
      {"HardSwishOp", [](GraphBuilder& b, ValueId x) { return b.Op(OpKind::kHardSwish, {x}); }, hardswish},
      {"HardSwish_HardSigmoid",
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, x, b.Op(OpKind::kHardSigmoid, {x}, Attrs({{"alpha", kSixth}, {"beta", 0.5f}})));
       },
       hardswish},
      {"HardSwish_Clip_Div6",  // paddle2onnx: Mul(x, Clip(x + 3)) / 6
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kDiv, Bin(b, OpKind::kMul, x, clip_gate(b, x, false)), Scalar(b, 6));
       },
       hardswish},
      {"HardSwish_3first_Clip_MulSixth",
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, Scalar(b, kSixth), Bin(b, OpKind::kMul, clip_gate(b, x, true), x));
       },
       hardswish},
      {"HardSwish_x_times_ClipDiv6",
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, x, Bin(b, OpKind::kDiv, clip_gate(b, x, false), Scalar(b, 6)));
       },
       hardswish},
      {"Gelu_torch",  // ((x * (erf(x / sqrt2) + 1)) * 0.5
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, Bin(b, OpKind::kMul, x, erf_plus_one(b, x, true)), Scalar(b, 0.5f));
       },
       gelu},
      {"Gelu_half_first",  // (x * 0.5) * (erf(x * 1/sqrt2) + 1)
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, erf_plus_one(b, x, false), Bin(b, OpKind::kMul, Scalar(b, 0.5f), x));
       },
       gelu},
      {"Gelu_half_on_erf",  // x * ((erf(x / sqrt2) + 1) * 0.5)
       [=](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, x, Bin(b, OpKind::kMul, erf_plus_one(b, x, true), Scalar(b, 0.5f)));
       },
       gelu},
      {"MishOp", [](GraphBuilder& b, ValueId x) { return b.Op(OpKind::kMish, {x}); }, {Activation::kMish}},
      {"Mish_decomposed",
       [](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, b.Op(OpKind::kTanh, {b.Op(OpKind::kSoftplus, {x})}), x);
       },
       {Activation::kMish}},
  };
}

TEST(FuseEpilogue, EveryActivationFormOnGroupedStridedConv) {
  for (const ActivationCase& c : ActivationCases()) {
    SCOPED_TRACE(c.name);
    GraphBuilder b;
    b.Output(c.build(b, GroupedConv(b)));
    std::vector<RewriteRecord> records;
    const Graph after = Fuse(b.Build(), &records);
    ASSERT_EQ(after.CountLiveNodes(), 1u);
    const Node* fused = OnlyNode(after, OpKind::kFusedConv);
    ASSERT_NE(fused, nullptr);
    EXPECT_EQ(fused->name, "conv");
    EXPECT_EQ(ReadActivation(fused->attrs, "activation"), c.expected)
        << ActivationToString(ReadActivation(fused->attrs, "activation"));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].kind, "Conv+" + std::string(ActivationName(c.expected.kind)));
    EXPECT_EQ(records[0].result, "conv");
  }
}

// NaN, +-Inf and +-0 through every activation form: the fused epilogue (ir/activation.h) gives
// what the unfused ops give (both evaluate ir/elementwise_formulas.h), Relu(NaN) = Clip(NaN) = NaN.
// A 1x1 Conv with weight 1 passes x through unchanged (but -0 becomes 0 + -0 = +0, on both sides).
TEST(FuseEpilogue, FusedAndUnfusedAgreeOnNanInfAndZeros) {
  for (const ActivationCase& c : ActivationCases()) {
    SCOPED_TRACE(c.name);
    const std::vector<float> values = SpecialValues();
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {1, 1, 1, static_cast<int64_t>(values.size())});
    const ValueId w = b.Weight("conv.w", Tensor::FromVector<float>(DType::kF32, {1, 1, 1, 1}, {1.f}));
    b.Output(c.build(b, b.Op(OpKind::kConv, {x, w}, {}, 1, "conv")));
    const Graph before = b.Build();
    Graph after = before;
    PassContext ctx = TestPassContext();
    RunOnePass(after, RunFuseEpilogue, ctx);
    ASSERT_EQ(after.CountLiveNodes(), 1u);
    ASSERT_NE(OnlyNode(after, OpKind::kFusedConv), nullptr);
    ExpectSameOnSpecialValues(before, after, values);
  }
}

// ---- constants that do not match leave the ops alone (or make the right activation) ----

TEST(FuseEpilogue, NearMissConstantsAreNotMistakenForActivations) {
  const std::vector<std::pair<std::string, ActivationBuilder>> near_misses = {
      {"x*Clip(x+3,0,6)/5",
       [](GraphBuilder& b, ValueId x) {
         const ValueId clip = b.Op(OpKind::kClip, {Bin(b, OpKind::kAdd, x, Scalar(b, 3)), Scalar(b, 0), Scalar(b, 6)});
         return Bin(b, OpKind::kDiv, Bin(b, OpKind::kMul, x, clip), Scalar(b, 5));
       }},
      {"x*Clip(x+2,0,6)/6",
       [](GraphBuilder& b, ValueId x) {
         const ValueId clip = b.Op(OpKind::kClip, {Bin(b, OpKind::kAdd, x, Scalar(b, 2)), Scalar(b, 0), Scalar(b, 6)});
         return Bin(b, OpKind::kDiv, Bin(b, OpKind::kMul, x, clip), Scalar(b, 6));
       }},
      {"x*HardSigmoid(0.2,0.5)",
       [](GraphBuilder& b, ValueId x) {
         return Bin(b, OpKind::kMul, x, b.Op(OpKind::kHardSigmoid, {x}, Attrs({{"alpha", 0.2f}, {"beta", 0.5f}})));
       }},
      {"x*Tanh(x)", [](GraphBuilder& b, ValueId x) { return Bin(b, OpKind::kMul, x, b.Op(OpKind::kTanh, {x})); }},
      {"gelu with x/1.5",
       [](GraphBuilder& b, ValueId x) {
         const ValueId e =
             Bin(b, OpKind::kAdd, b.Op(OpKind::kErf, {Bin(b, OpKind::kDiv, x, Scalar(b, 1.5f))}), Scalar(b, 1));
         return Bin(b, OpKind::kMul, Bin(b, OpKind::kMul, x, e), Scalar(b, 0.5f));
       }},
      {"gelu with *0.6",
       [](GraphBuilder& b, ValueId x) {
         const ValueId e =
             Bin(b, OpKind::kAdd, b.Op(OpKind::kErf, {Bin(b, OpKind::kDiv, x, Scalar(b, 1.4142135f))}), Scalar(b, 1));
         return Bin(b, OpKind::kMul, Bin(b, OpKind::kMul, x, e), Scalar(b, 0.6f));
       }},
      {"Clip with a computed max",
       [](GraphBuilder& b, ValueId x) {
         const ValueId max = b.Op(OpKind::kAbs, {b.Input("m", DType::kF32, {})});
         return b.Op(OpKind::kClip, {x, Scalar(b, 0), max});
       }},
  };
  for (const auto& [name, build] : near_misses) {
    SCOPED_TRACE(name);
    GraphBuilder b;
    b.Output(build(b, GroupedConv(b)));
    const Graph before = b.Build();
    std::vector<RewriteRecord> records;
    const Graph after = Fuse(before, &records);
    EXPECT_EQ(CountOps(after, OpKind::kFusedConv), 0);
    EXPECT_EQ(after.CountLiveNodes(), before.CountLiveNodes());
    EXPECT_TRUE(records.empty());
  }
}

// ---- epilogue stages ----

TEST(FuseEpilogue, BiasAloneKeepsAConvAndSumsIntoB) {
  for (bool with_bias : {false, true}) {
    for (const Ints& bias_shape : {Ints{6, 1, 1}, Ints{1, 6, 1, 1}, Ints{1}}) {
      GraphBuilder b;
      const ValueId y = GroupedConv(b, with_bias);
      const ValueId d = b.Weight("d", RandomTensor(DType::kF32, bias_shape, 13));
      b.Output(with_bias ? Bin(b, OpKind::kAdd, d, y) : Bin(b, OpKind::kAdd, y, d));
      std::vector<RewriteRecord> records;
      const Graph after = Fuse(b.Build(), &records);
      ASSERT_EQ(after.CountLiveNodes(), 1u);
      const Node* conv = OnlyNode(after, OpKind::kConv);
      ASSERT_NE(conv, nullptr);
      ASSERT_TRUE(conv->has_input(2));
      EXPECT_EQ(after.value(conv->inputs[2]).shape, (Shape{6}));
      ASSERT_EQ(records.size(), 1u);
      EXPECT_EQ(records[0].kind, "Conv+bias");
    }
  }
}

TEST(FuseEpilogue, ConstantThatVariesAlongSpaceIsNotFused) {
  GraphBuilder b;
  const ValueId y = GroupedConv(b);
  // [6, 5, 7] varies along H and W: not a bias; rank 3 < 4 so not the output's exact shape either.
  b.Output(Bin(b, OpKind::kAdd, y, b.Weight("d", RandomTensor(DType::kF32, {6, 5, 7}, 13))));
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kAdd), 1);
  EXPECT_FALSE(OnlyNode(after, OpKind::kConv)->has_input(2));
}

// PP-OCRv4 (paddle2onnx): Conv -> Mul(s[1], y) -> Add(y, d[1]) -> x * Clip(x + 3, 0, 6) / 6.
// The scale folds into W and B, the shift into B, the HardSwish into the epilogue.
TEST(FuseEpilogue, PaddleLearnableAffineThenHardSwish) {
  for (const Ints& scale_shape : {Ints{1}, Ints{1, 6, 1, 1}}) {
    GraphBuilder b;
    const ValueId y = GroupedConv(b, /*with_bias=*/true);
    const ValueId scaled = Bin(b, OpKind::kMul, b.Weight("s", RandomTensor(DType::kF32, scale_shape, 21, 0.5, 2.0)), y);
    const ValueId x = Bin(b, OpKind::kAdd, scaled, b.Weight("d", RandomTensor(DType::kF32, {1}, 22)));
    const ValueId clip = b.Op(OpKind::kClip, {Bin(b, OpKind::kAdd, x, Scalar(b, 3)), Scalar(b, 0), Scalar(b, 6)});
    b.Output(Bin(b, OpKind::kDiv, Bin(b, OpKind::kMul, x, clip), Scalar(b, 6)));
    std::vector<RewriteRecord> records;
    const Graph after = Fuse(b.Build(), &records);
    ASSERT_EQ(after.CountLiveNodes(), 1u);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].kind, "Conv+scale+bias+HardSwish");
  }
}

TEST(FuseEpilogue, ScaleNeedsConstantWeightsAndIsConvOnly) {
  {  // W is a graph input: the Mul stays
    GraphBuilder b;
    const ValueId y =
        b.Op(OpKind::kConv, {b.Input("x", DType::kF32, {1, 2, 4, 4}), b.Input("w", DType::kF32, {3, 2, 1, 1})});
    b.Output(Bin(b, OpKind::kMul, y, b.Weight("s", RandomTensor(DType::kF32, {3, 1, 1}, 1))));
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
  }
  {  // Gemm: the Mul stays
    GraphBuilder b;
    const ValueId y =
        b.Op(OpKind::kGemm, {b.Input("a", DType::kF32, {2, 3}), b.Weight("w", RandomTensor(DType::kF32, {3, 4}, 1))});
    b.Output(Bin(b, OpKind::kMul, y, b.Weight("s", RandomTensor(DType::kF32, {4}, 1))));
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
  }
}

TEST(FuseEpilogue, AllFourStagesWithBothResidualOrders) {
  for (bool z_first : {false, true}) {
    GraphBuilder b;
    const ValueId y = GroupedConv(b, /*with_bias=*/true);
    const ValueId biased = Bin(b, OpKind::kAdd, y, b.Weight("d", RandomTensor(DType::kF32, {1, 6, 1, 1}, 14)));
    const ValueId act = Bin(b, OpKind::kMul, biased, b.Op(OpKind::kSigmoid, {biased}));
    const ValueId z = b.Input("z", DType::kF32, {2, 6, 5, 7});
    const ValueId sum = z_first ? Bin(b, OpKind::kAdd, z, act) : Bin(b, OpKind::kAdd, act, z);
    b.Output(b.Op(OpKind::kClip, {sum, Scalar(b, 0), Scalar(b, 6)}));
    std::vector<RewriteRecord> records;
    const Graph after = Fuse(b.Build(), &records);
    ASSERT_EQ(after.CountLiveNodes(), 1u) << "z_first=" << z_first;
    const Node* fused = OnlyNode(after, OpKind::kFusedConv);
    ASSERT_NE(fused, nullptr);
    EXPECT_EQ(after.value(fused->inputs[3]).name, "z");
    EXPECT_EQ(ReadActivation(fused->attrs, "activation").kind, Activation::kSiLU);
    EXPECT_EQ(ReadActivation(fused->attrs, "post_activation"), (ActivationSpec{Activation::kClip, 0.f, 6.f}));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].kind, "Conv+bias+SiLU+Add+Clip");
    EXPECT_EQ(records[0].nodes.size(), 6u);  // conv, bias Add, Sigmoid, Mul, residual Add, Clip
  }
}

TEST(FuseEpilogue, ResidualWithoutActivationThenPostActivation) {
  GraphBuilder b;
  const ValueId y = GroupedConv(b);
  b.Output(b.Op(OpKind::kRelu, {Bin(b, OpKind::kAdd, b.Input("z", DType::kF32, {2, 6, 5, 7}), y)}));
  const Graph after = Fuse(b.Build());
  const Node* fused = OnlyNode(after, OpKind::kFusedConv);
  ASSERT_NE(fused, nullptr);
  ASSERT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(ReadActivation(fused->attrs, "activation").kind, Activation::kNone);
  EXPECT_EQ(ReadActivation(fused->attrs, "post_activation").kind, Activation::kRelu);
}

// ResNet's downsampling block: Add(conv3 branch, downsample conv) where the downsample Conv comes
// later in the node order. The Add goes into the first Conv, whose Z is produced after it: the
// pass re-sorts the graph.
TEST(FuseEpilogue, ResidualFromALaterConvResortsTheGraph) {
  for (bool later_first : {false, true}) {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {1, 4, 6, 6});
    const ValueId main = b.Op(OpKind::kConv, {x, b.Weight("w1", RandomTensor(DType::kF32, {8, 4, 3, 3}, 1))},
                              Attrs({{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}}), 1, "conv3");
    const ValueId down = b.Op(OpKind::kConv, {x, b.Weight("w2", RandomTensor(DType::kF32, {8, 4, 1, 1}, 2))},
                              Attrs({{"strides", Ints{2, 2}}}), 1, "downsample");
    const ValueId sum = later_first ? Bin(b, OpKind::kAdd, down, main) : Bin(b, OpKind::kAdd, main, down);
    b.Output(b.Op(OpKind::kRelu, {sum}));
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kFusedConv), 1);
    EXPECT_EQ(CountOps(after, OpKind::kConv), 1);
    EXPECT_EQ(after.CountLiveNodes(), 2u);
    EXPECT_EQ(after.nodes()[0].name, "downsample");  // sorted: Z's producer first
  }
}

TEST(FuseEpilogue, GemmBiasActivationResidual) {
  for (int64_t trans_b : {0, 1}) {
    GraphBuilder b;
    const ValueId a = b.Input("a", DType::kF32, {3, 5});
    const ValueId w = b.Weight("w", RandomTensor(DType::kF32, trans_b ? Ints{7, 5} : Ints{5, 7}, 4));
    const ValueId y = b.Op(OpKind::kGemm, {a, w, b.Weight("c", RandomTensor(DType::kF32, {1, 7}, 5))},
                           Attrs({{"transB", trans_b}, {"alpha", 0.5f}, {"beta", 2.0f}}), 1, "fc");
    const ValueId biased = Bin(b, OpKind::kAdd, b.Weight("d", RandomTensor(DType::kF32, {7}, 6)), y);
    const ValueId act = b.Op(OpKind::kLeakyRelu, {biased}, Attrs({{"alpha", 0.1f}}));
    b.Output(b.Op(OpKind::kTanh, {Bin(b, OpKind::kAdd, act, b.Input("z", DType::kF32, {3, 7}))}));
    std::vector<RewriteRecord> records;
    const Graph after = Fuse(b.Build(), &records);
    ASSERT_EQ(after.CountLiveNodes(), 1u);
    const Node* fused = OnlyNode(after, OpKind::kFusedGemm);
    ASSERT_NE(fused, nullptr);
    EXPECT_EQ(fused->attrs.GetFloat("beta", 0.f), 1.f);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].kind, "Gemm+bias+LeakyRelu+Add+Tanh");
  }
}

TEST(FuseEpilogue, GemmBiasWithoutCAndScalarBias) {
  for (const Ints& shape : {Ints{}, Ints{1, 7}}) {
    GraphBuilder b;
    const ValueId y =
        b.Op(OpKind::kGemm, {b.Input("a", DType::kF32, {4, 5}), b.Weight("w", RandomTensor(DType::kF32, {5, 7}, 4))},
             Attrs({{"beta", 3.0f}}));
    b.Output(b.Op(OpKind::kRelu, {Bin(b, OpKind::kAdd, y, b.Weight("d", RandomTensor(DType::kF32, shape, 6)))}));
    const Graph after = Fuse(b.Build());
    ASSERT_EQ(after.CountLiveNodes(), 1u);
    EXPECT_EQ(CountOps(after, OpKind::kFusedGemm), 1);
  }
}

// ---- what blocks a fusion ----

TEST(FuseEpilogue, SecondReaderBlocksTheStepItReads) {
  {  // the Conv's output is also a graph output: nothing fuses
    GraphBuilder b;
    const ValueId y = GroupedConv(b);
    b.Output(b.Op(OpKind::kRelu, {y}));
    b.Output(y);
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kConv), 1);
    EXPECT_EQ(CountOps(after, OpKind::kRelu), 1);
  }
  {  // SiLU's Sigmoid read elsewhere too: not a SiLU (and the Conv has two readers)
    GraphBuilder b;
    const ValueId y = GroupedConv(b);
    const ValueId s = b.Op(OpKind::kSigmoid, {y});
    b.Output(Bin(b, OpKind::kMul, y, s));
    b.Output(b.Op(OpKind::kNeg, {s}));
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kFusedConv), 0);
  }
  {  // the activation's output is read twice: Relu fuses, the residual Add does not
    GraphBuilder b;
    const ValueId r = b.Op(OpKind::kRelu, {GroupedConv(b)});
    b.Output(Bin(b, OpKind::kAdd, r, b.Input("z", DType::kF32, {2, 6, 5, 7})));
    b.Output(b.Op(OpKind::kNeg, {r}));
    std::vector<RewriteRecord> records;
    const Graph after = Fuse(b.Build(), &records);
    EXPECT_EQ(CountOps(after, OpKind::kFusedConv), 1);
    EXPECT_EQ(CountOps(after, OpKind::kAdd), 1);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].kind, "Conv+Relu");
  }
  {  // two activations in a row: only the first is the epilogue's
    GraphBuilder b;
    b.Output(b.Op(OpKind::kSigmoid, {b.Op(OpKind::kRelu, {GroupedConv(b)})}));
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kFusedConv), 1);
    EXPECT_EQ(CountOps(after, OpKind::kSigmoid), 1);
  }
}

TEST(FuseEpilogue, ResidualOfAnotherShapeIsNotFused) {
  GraphBuilder b;
  const ValueId y = GroupedConv(b);
  b.Output(Bin(b, OpKind::kAdd, y, b.Input("z", DType::kF32, {1, 6, 5, 7})));  // broadcasts over N
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kAdd), 1);
}

// A residual with symbolic dims fuses only when the dims are the same named symbol.
TEST(FuseEpilogue, SymbolicResidualNeedsTheSameNamedDims) {
  for (bool named : {true, false}) {
    Graph g;
    const Dim n = named ? Dim::Symbolic("batch") : Dim();
    const ValueId x = g.AddValue("x", DType::kF32, Shape{n, 2, 4, 4});
    const ValueId z = g.AddValue("z", DType::kF32, Shape{n, 3, 4, 4});
    g.AddGraphInput(x);
    g.AddGraphInput(z);
    const ValueId w = g.AddWeight("w", RandomTensor(DType::kF32, {3, 2, 1, 1}, 1));
    const ValueId y = g.AddValue("y"), s = g.AddValue("s");
    g.AddNode(OpKind::kConv, "conv", {x, w}, {y});
    g.AddNode(OpKind::kAdd, "add", {y, z}, {s});
    g.AddGraphOutput(s);
    ASSERT_TRUE(InferShapes(g).ok());
    PassContext ctx;
    EXPECT_EQ(RunOnePass(g, RunFuseEpilogue, ctx), named);
    EXPECT_TRUE(Verify(g).ok());
  }
}

// ---- an existing FusedConv continues where its epilogue stops ----

TEST(FuseEpilogue, ExistingFusedConvGetsResidualAndPostActivation) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 3, 5, 5});
  Attributes attrs = Attrs({{"pads", Ints{1, 1, 1, 1}}});
  WriteActivation(attrs, "activation", {Activation::kRelu});
  const ValueId y =
      b.Op(OpKind::kFusedConv, {x, b.Weight("w", RandomTensor(DType::kF32, {4, 3, 3, 3}, 1))}, attrs, 1, "fc");
  const ValueId sum = Bin(b, OpKind::kAdd, y, b.Input("z", DType::kF32, {1, 4, 5, 5}));
  b.Output(b.Op(OpKind::kSigmoid, {Bin(b, OpKind::kAdd, sum, b.Weight("d", RandomTensor(DType::kF32, {4, 1, 1}, 2)))}));
  // A bias after the activation cannot be fused (it is not before the activation): the Add of d
  // stays, so the Sigmoid does not reach the node either.
  const Graph after = Fuse(b.Build());
  const Node* fused = OnlyNode(after, OpKind::kFusedConv);
  ASSERT_NE(fused, nullptr);
  EXPECT_TRUE(fused->has_input(3));
  EXPECT_FALSE(fused->has_input(2));
  EXPECT_EQ(CountOps(after, OpKind::kAdd), 1);
  EXPECT_EQ(CountOps(after, OpKind::kSigmoid), 1);
}

TEST(FuseEpilogue, GraphOutputNameSurvives) {
  GraphBuilder b;
  const ValueId r = b.Op(OpKind::kRelu, {GroupedConv(b)});
  b.Output(r);
  const std::string name = b.graph().value(r).name;
  const Graph after = Fuse(b.Build());
  ASSERT_EQ(after.outputs.size(), 1u);
  EXPECT_EQ(after.value(after.outputs[0]).name, name);
  EXPECT_EQ(after.value(after.outputs[0]).producer, 0);
}

TEST(FuseEpilogue, PipelineCanDisableIt) {
  GraphBuilder b;
  b.Output(b.Op(OpKind::kRelu, {GroupedConv(b)}));
  Graph g = b.Build();
  PassContext ctx = TestPassContext();
  ctx.disabled = {"fuse_conv_gemm_epilogue", "fuse_pointwise"};
  ASSERT_TRUE(RunPipeline(g, ctx).ok());
  EXPECT_EQ(CountOps(g, OpKind::kConv), 1);
  ctx.disabled = {"fuse_pointwise"};
  ASSERT_TRUE(RunPipeline(g, ctx).ok());
  EXPECT_EQ(CountOps(g, OpKind::kFusedConv), 1);
}

// ---- fuse_flatten_gemm ----

TEST(FuseFlattenGemm, GlobalPoolFlattenGemmReluBecomesOneFusedGemm) {
  GraphBuilder b;
  const ValueId pooled = b.Op(OpKind::kGlobalAveragePool, {b.Input("x", DType::kF32, {2, 6, 3, 3})});
  const ValueId flat = b.Op(OpKind::kFlatten, {pooled}, Attrs({{"axis", int64_t{1}}}));
  const ValueId y = b.Op(
      OpKind::kGemm,
      {flat, b.Weight("w", RandomTensor(DType::kF32, {5, 6}, 1)), b.Weight("c", RandomTensor(DType::kF32, {5}, 2))},
      Attrs({{"transB", int64_t{1}}}), 1, "fc");
  b.Output(b.Op(OpKind::kRelu, {y}));
  std::vector<RewriteRecord> records;
  const Graph after = ExpectPreservesOutputs(b.Build(), [&](Graph& h) {
    PassContext ctx = TestPassContext();
    EXPECT_TRUE(RunOnePass(h, RunFuseFlattenGemm, ctx));
    EXPECT_TRUE(RunOnePass(h, RunFuseEpilogue, ctx));
    records = ctx.rewrites;
  });
  EXPECT_EQ(CountOps(after, OpKind::kFlatten), 0);
  EXPECT_EQ(after.CountLiveNodes(), 2u);
  const Node* fused = OnlyNode(after, OpKind::kFusedGemm);
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->attrs.GetInt("flatten_a", 0), 1);
  EXPECT_EQ(ReadActivation(fused->attrs, "activation").kind, Activation::kRelu);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, "Flatten+Gemm");
  EXPECT_EQ(records[1].kind, "Gemm+Relu");
}

TEST(FuseFlattenGemm, TransposedAAndASharedFlatten) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {3, 2, 2});  // flattened [3, 4]; transA: op(A) [4, 3]
  const ValueId flat = b.Op(OpKind::kFlatten, {x}, Attrs({{"axis", int64_t{-2}}}));
  b.Output(b.Op(OpKind::kGemm, {flat, b.Weight("w", RandomTensor(DType::kF32, {3, 5}, 1))},
                Attrs({{"transA", int64_t{1}}})));
  b.Output(b.Op(OpKind::kNeg, {flat}));  // a second reader keeps the Flatten
  const Graph after = ExpectPreservesOutputs(b.Build(), [](Graph& h) {
    PassContext ctx = TestPassContext();
    EXPECT_TRUE(RunOnePass(h, RunFuseFlattenGemm, ctx));
  });
  EXPECT_EQ(CountOps(after, OpKind::kFusedGemm), 1);
  EXPECT_EQ(CountOps(after, OpKind::kFlatten), 1);
}

TEST(FuseFlattenGemm, OtherAxisIsLeftAlone) {
  GraphBuilder b;
  const ValueId flat = b.Op(OpKind::kFlatten, {b.Input("x", DType::kF32, {2, 3, 4})}, Attrs({{"axis", int64_t{2}}}));
  b.Output(b.Op(OpKind::kGemm, {flat, b.Weight("w", RandomTensor(DType::kF32, {4, 5}, 1))}));
  const Graph after = ExpectPreservesOutputs(b.Build(), [](Graph& h) {
    PassContext ctx = TestPassContext();
    EXPECT_FALSE(RunOnePass(h, RunFuseFlattenGemm, ctx));
  });
  EXPECT_EQ(CountOps(after, OpKind::kGemm), 1);
}

}  // namespace
}  // namespace mrt::testing
