// fuse_layernorm: decomposed layer normalization -> LayerNormalization.
#include "ir/onnx/importer.h"
#include "ir/onnx/onnx_builder.h"
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

// How to spell the decomposition; the defaults are PyTorch's (opset < 17) form.
struct Spelling {
  std::vector<int64_t> x_sizes = {2, 5, 8};
  std::vector<int64_t> axes = {-1};      // empty: ReduceMean without axes (every axis)
  std::vector<int64_t> var_axes = {-1};  // the variance's mean
  bool square_by_mul = false;            // Mul(d, d) instead of Pow(d, 2)
  float exponent = 2.f;
  bool constant_first = false;  // Add(eps, var), Mul(gamma, n), Add(beta, m)
  float eps = 1e-5f;
  std::vector<int64_t> gamma_sizes, beta_sizes;  // empty: no Mul / no Add
};

struct Decomposed {
  ValueId x, mean, d, var, std_dev, n, y;
};

ValueId Binary(GraphBuilder& b, OpKind op, ValueId a, ValueId c, bool swap) {
  return swap ? b.Op(op, {c, a}) : b.Op(op, {a, c});
}

Decomposed BuildDecomposed(GraphBuilder& b, const Spelling& s) {
  Decomposed r{};
  r.x = b.Input("x", DType::kF32, s.x_sizes);
  auto mean_of = [&](ValueId v, const std::vector<int64_t>& axes, const char* name) {
    std::vector<ValueId> in = {v};
    if (!axes.empty()) in.push_back(b.Ints(name, axes));
    return b.Op(OpKind::kReduceMean, in, Attrs({{"keepdims", int64_t{1}}}));
  };
  r.mean = mean_of(r.x, s.axes, "axes_mean");
  r.d = b.Op(OpKind::kSub, {r.x, r.mean});
  const ValueId sq =
      s.square_by_mul ? b.Op(OpKind::kMul, {r.d, r.d}) : b.Op(OpKind::kPow, {r.d, b.ScalarF32("two", s.exponent)});
  r.var = mean_of(sq, s.var_axes, "axes_var");
  const ValueId var_eps = Binary(b, OpKind::kAdd, r.var, b.ScalarF32("eps", s.eps), s.constant_first);
  r.std_dev = b.Op(OpKind::kSqrt, {var_eps});
  r.n = b.Op(OpKind::kDiv, {r.d, r.std_dev});
  r.y = r.n;
  if (!s.gamma_sizes.empty())
    r.y = Binary(b, OpKind::kMul, r.y, b.Weight("gamma", RandomTensor(DType::kF32, s.gamma_sizes, 3, 0.5, 1.5)),
                 s.constant_first);
  if (!s.beta_sizes.empty())
    r.y = Binary(b, OpKind::kAdd, r.y, b.Weight("beta", RandomTensor(DType::kF32, s.beta_sizes, 4)), s.constant_first);
  return r;
}

Graph Decompose(const Spelling& s) {
  GraphBuilder b;
  b.Output(BuildDecomposed(b, s).y);
  return b.Build();
}

// Runs the pass (checking outputs before/after) and returns the graph after it.
Graph Fuse(const Graph& g, PassContext* out_ctx = nullptr) {
  return ExpectPreservesOutputs(g, [&](Graph& h) {
    PassContext ctx = TestPassContext();
    RunOnePass(h, RunFuseLayerNorm, ctx);
    if (out_ctx) *out_ctx = ctx;
  });
}

const Node* OnlyLayerNorm(const Graph& g) {
  const Node* found = nullptr;
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == OpKind::kLayerNormalization) found = found ? nullptr : &n;
  return found;
}

TEST(FuseLayerNorm, PyTorchFormWithScaleAndBias) {
  Spelling s;
  s.gamma_sizes = s.beta_sizes = {8};
  PassContext ctx;
  const Graph after = Fuse(Decompose(s), &ctx);
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  const Node* ln = OnlyLayerNorm(after);
  ASSERT_NE(ln, nullptr);
  EXPECT_EQ(ln->attrs.GetInt("axis", 0), 2);
  EXPECT_FLOAT_EQ(ln->attrs.GetFloat("epsilon"), 1e-5f);
  ASSERT_EQ(ln->inputs.size(), 3u);
  EXPECT_EQ(after.value(ln->inputs[1]).name, "gamma");  // already the normalized shape: reused
  EXPECT_EQ(after.value(ln->inputs[2]).name, "beta");
  ASSERT_EQ(ctx.rewrites.size(), 1u);
  EXPECT_EQ(ctx.rewrites[0].kind, "LayerNormalization");
  EXPECT_EQ(ctx.rewrites[0].nodes.size(), 9u);
}

TEST(FuseLayerNorm, MulSquareSwappedOperandsTwoAxesBroadcastScale) {
  Spelling s;
  s.x_sizes = {3, 4, 5};
  s.axes = {-2, -1};
  s.var_axes = {2, 1};  // the same set, written differently
  s.square_by_mul = s.constant_first = true;
  s.gamma_sizes = {4, 1};  // broadcast along the last dim: materialized as [4, 5]
  s.beta_sizes = {1, 1, 5};
  const Graph after = Fuse(Decompose(s));
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  const Node* ln = OnlyLayerNorm(after);
  ASSERT_NE(ln, nullptr);
  EXPECT_EQ(ln->attrs.GetInt("axis", 0), 1);
  EXPECT_EQ(after.value(ln->inputs[1]).weight->sizes(), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(after.value(ln->inputs[2]).weight->sizes(), (std::vector<int64_t>{4, 5}));
}

TEST(FuseLayerNorm, WithoutAffineOrWithOnlyBias) {
  for (bool with_bias : {false, true}) {
    Spelling s;
    s.x_sizes = {7, 6};
    if (with_bias) s.beta_sizes = {6};
    const Graph after = Fuse(Decompose(s));
    EXPECT_EQ(after.CountLiveNodes(), 1u) << "bias " << with_bias;
    const Node* ln = OnlyLayerNorm(after);
    ASSERT_NE(ln, nullptr);
    const Tensor* scale = after.value(ln->inputs[1]).weight.get();
    ASSERT_NE(scale, nullptr);
    EXPECT_EQ(scale->ToFloatVector(), std::vector<float>(6, 1.f));  // ones stand in for gamma
    EXPECT_EQ(ln->has_input(2), with_bias);
  }
}

TEST(FuseLayerNorm, MeanOverEveryAxisIsAxisZero) {
  Spelling s;
  s.x_sizes = {3, 4};
  s.axes = s.var_axes = {};
  const Node* ln = OnlyLayerNorm(Fuse(Decompose(s)));
  ASSERT_NE(ln, nullptr);
  EXPECT_EQ(ln->attrs.GetInt("axis", -1), 0);
}

// Values by hand: row [1, 2, 3, 4] has mean 2.5 and variance 1.25; eps 0.75 makes the divisor
// sqrt(2), so n = [-1.5, -0.5, 0.5, 1.5] / sqrt(2); then y = n * [1, 2, 3, 4] + [0.5, 0, 0, 0].
TEST(FuseLayerNorm, HandComputedValuesAfterFusion) {
  GraphBuilder b;
  Spelling s;
  s.x_sizes = {1, 4};
  s.eps = 0.75f;
  Decomposed d = BuildDecomposed(b, s);
  const ValueId m = b.Op(OpKind::kMul, {d.n, b.Weight("g", Tensor::FromVector<float>(DType::kF32, {4}, {1, 2, 3, 4}))});
  b.Output(b.Op(OpKind::kAdd, {m, b.Weight("bb", Tensor::FromVector<float>(DType::kF32, {4}, {0.5f, 0, 0, 0}))}));
  Graph g = b.Build();
  PassContext ctx = TestPassContext();
  ASSERT_TRUE(RunOnePass(g, RunFuseLayerNorm, ctx));
  ASSERT_EQ(g.CountLiveNodes(), 1u);
  auto out = RunReference(g, {{"x", Tensor::FromVector<float>(DType::kF32, {1, 4}, {1, 2, 3, 4})}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const std::vector<float> y = out->begin()->second.ToFloatVector();
  const std::vector<float> expected = {-1.0606602f + 0.5f, -0.7071068f, 1.0606602f, 4.2426407f};
  ASSERT_EQ(y.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(y[i], expected[i], 1e-5) << i;
}

TEST(FuseLayerNorm, SymbolicBatchDimFuses) {
  GraphBuilder b;
  Graph& g = b.graph();
  const ValueId x = g.AddValue("x", DType::kF32, Shape{Dim::Symbolic("batch"), 5, 8});
  g.AddGraphInput(x);
  const ValueId mean = b.Op(OpKind::kReduceMean, {x, b.Ints("ax", {-1})});
  const ValueId d = b.Op(OpKind::kSub, {x, mean});
  const ValueId var = b.Op(OpKind::kReduceMean, {b.Op(OpKind::kMul, {d, d}), b.Ints("ax2", {-1})});
  const ValueId sd = b.Op(OpKind::kSqrt, {b.Op(OpKind::kAdd, {var, b.ScalarF32("eps", 1e-6f)})});
  b.Output(b.Op(OpKind::kDiv, {d, sd}));
  Graph built = b.Build();
  PassContext ctx = TestPassContext();
  EXPECT_TRUE(RunOnePass(built, RunFuseLayerNorm, ctx));
  EXPECT_EQ(built.CountLiveNodes(), 1u);
  EXPECT_TRUE(Verify(built).ok());
}

// Nothing may change: the pass reports false and the graph still computes the same.
void ExpectUnchanged(const Graph& g) {
  PassContext ctx;
  const Graph after = Fuse(g, &ctx);
  EXPECT_TRUE(ctx.rewrites.empty());
  EXPECT_EQ(CountOps(after, OpKind::kLayerNormalization), 0);
  EXPECT_EQ(after.CountLiveNodes(), g.CountLiveNodes());
}

TEST(FuseLayerNorm, IntermediateReadElsewhereIsNotFused) {
  for (int which = 0; which < 3; ++which) {
    GraphBuilder b;
    Decomposed d = BuildDecomposed(b, Spelling{});
    b.Output(d.y);
    b.Output(which == 0 ? d.mean : which == 1 ? d.var : d.std_dev);  // needed on its own
    ExpectUnchanged(b.Build());
  }
  GraphBuilder b;
  Decomposed d = BuildDecomposed(b, Spelling{});
  b.Output(d.y);
  b.Output(b.Op(OpKind::kRelu, {d.d}));  // a third reader of x - mean
  ExpectUnchanged(b.Build());
}

TEST(FuseLayerNorm, WrongStructureIsNotFused) {
  Spelling cube;
  cube.exponent = 3.f;
  ExpectUnchanged(Decompose(cube));
  Spelling other_axes;
  other_axes.x_sizes = {2, 5, 8};
  other_axes.axes = {-1};
  other_axes.var_axes = {-2, -1};
  ExpectUnchanged(Decompose(other_axes));
  Spelling leading_axis;  // mean over dim 1 of 3: not the trailing dims
  leading_axis.axes = leading_axis.var_axes = {1};
  ExpectUnchanged(Decompose(leading_axis));
  Spelling negative_eps;
  negative_eps.eps = -0.1f;
  negative_eps.x_sizes = {2, 64};  // variance of 64 uniform values stays well above 0.1
  ExpectUnchanged(Decompose(negative_eps));
}

TEST(FuseLayerNorm, EpsAfterSqrtOrNotConstantIsNotFused) {
  {  // n = d / (sqrt(var) + eps): a different formula
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {2, 8});
    const ValueId d = b.Op(OpKind::kSub, {x, b.Op(OpKind::kReduceMean, {x, b.Ints("a1", {-1})})});
    const ValueId var =
        b.Op(OpKind::kReduceMean, {b.Op(OpKind::kPow, {d, b.ScalarF32("two", 2.f)}), b.Ints("a2", {-1})});
    const ValueId sd = b.Op(OpKind::kAdd, {b.Op(OpKind::kSqrt, {var}), b.ScalarF32("eps", 1e-5f)});
    b.Output(b.Op(OpKind::kDiv, {d, sd}));
    ExpectUnchanged(b.Build());
  }
  {  // eps is a graph input
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {2, 8});
    const ValueId eps = b.Input("eps", DType::kF32, {1});
    const ValueId d = b.Op(OpKind::kSub, {x, b.Op(OpKind::kReduceMean, {x, b.Ints("a1", {-1})})});
    const ValueId var = b.Op(OpKind::kReduceMean, {b.Op(OpKind::kMul, {d, d}), b.Ints("a2", {-1})});
    const ValueId sd = b.Op(OpKind::kSqrt, {b.Op(OpKind::kAdd, {var, eps})});
    b.Output(b.Op(OpKind::kDiv, {d, sd}));
    ExpectUnchanged(b.Build());
  }
}

TEST(FuseLayerNorm, AffineStopsAtNonConstantOrPerRowParameters) {
  {  // gamma is an input: the core fuses, the Mul stays
    GraphBuilder b;
    Decomposed d = BuildDecomposed(b, Spelling{});
    b.Output(b.Op(OpKind::kMul, {d.n, b.Input("gamma", DType::kF32, {8})}));
    const Graph after = Fuse(b.Build());
    EXPECT_EQ(CountOps(after, OpKind::kLayerNormalization), 1);
    EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
  }
  {  // gamma varies along dim 1, which is not normalized: the Mul stays
    Spelling s;
    s.gamma_sizes = {5, 1};
    const Graph after = Fuse(Decompose(s));
    EXPECT_EQ(CountOps(after, OpKind::kLayerNormalization), 1);
    EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
  }
}

// The model as PyTorch's exporter writes it at opset 13: ReduceMean axes as an attribute, the
// exponent and eps as scalar Constant nodes; the importer's canonical form must still match.
TEST(FuseLayerNorm, ImportedPyTorchOpset13Model) {
  OnnxModelBuilder m(13);
  m.AddInput("x", DType::kF32, std::vector<OnnxDim>{2, 3, 16});
  m.AddInitializer("ln.weight", RandomTensor(DType::kF32, {16}, 5));
  m.AddInitializer("ln.bias", RandomTensor(DType::kF32, {16}, 6));
  m.AddNode("ReduceMean", {"x"}, {"mean"}).AttrInts("axes", {-1});
  m.AddNode("Sub", {"x", "mean"}, {"d"});
  m.AddNode("Constant", {}, {"two"}).AttrTensor("value", Tensor::Scalar(2.f));
  m.AddNode("Pow", {"d", "two"}, {"sq"});
  m.AddNode("ReduceMean", {"sq"}, {"var"}).AttrInts("axes", {-1});
  m.AddNode("Constant", {}, {"eps"}).AttrTensor("value", Tensor::Scalar(1e-5f));
  m.AddNode("Add", {"var", "eps"}, {"ve"});
  m.AddNode("Sqrt", {"ve"}, {"sd"});
  m.AddNode("Div", {"d", "sd"}, {"n"});
  m.AddNode("Mul", {"n", "ln.weight"}, {"scaled"});
  m.AddNode("Add", {"scaled", "ln.bias"}, {"y"});
  m.AddOutput("y", DType::kF32);
  auto g = ImportOnnxBytes(m.Serialize(), "", "ln.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Graph after = Fuse(*g);
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  ASSERT_NE(OnlyLayerNorm(after), nullptr);
  EXPECT_EQ(after.value(after.outputs[0]).name, "y");
}

// paddle2onnx's layer_norm at opset 11: eps and the exponent are [1]-shaped Constants and scale /
// bias go through Reshape(param, Slice(Shape(x))), which only folding turns into constants.
TEST(FuseLayerNorm, ImportedPaddleOpset11ModelAfterFolding) {
  OnnxModelBuilder m(11);
  m.AddInput("x", DType::kF32, std::vector<OnnxDim>{1, 6, 10});
  m.AddInitializer("scale", RandomTensor(DType::kF32, {10}, 7));
  m.AddInitializer("bias", RandomTensor(DType::kF32, {10}, 8));
  m.AddInitializer("starts", Tensor::FromVector<int64_t>(DType::kI64, {1}, {2}));
  m.AddInitializer("ends", Tensor::FromVector<int64_t>(DType::kI64, {1}, {3}));
  m.AddInitializer("slice_axes", Tensor::FromVector<int64_t>(DType::kI64, {1}, {0}));
  m.AddNode("Constant", {}, {"eps"}).AttrTensor("value", Tensor::FromVector<float>(DType::kF32, {1}, {1e-5f}));
  m.AddNode("Constant", {}, {"two"}).AttrTensor("value", Tensor::FromVector<float>(DType::kF32, {1}, {2.f}));
  m.AddNode("ReduceMean", {"x"}, {"mean"}).AttrInts("axes", {-1}).AttrInt("keepdims", 1);
  m.AddNode("Sub", {"x", "mean"}, {"d"});
  m.AddNode("Pow", {"d", "two"}, {"sq"});
  m.AddNode("ReduceMean", {"sq"}, {"var"}).AttrInts("axes", {-1}).AttrInt("keepdims", 1);
  m.AddNode("Add", {"var", "eps"}, {"ve"});
  m.AddNode("Sqrt", {"ve"}, {"sd"});
  m.AddNode("Shape", {"x"}, {"xs"});
  m.AddNode("Slice", {"xs", "starts", "ends", "slice_axes"}, {"ws"});
  m.AddNode("Div", {"d", "sd"}, {"n"});
  m.AddNode("Reshape", {"scale", "ws"}, {"rs"});
  m.AddNode("Mul", {"n", "rs"}, {"scaled"});
  m.AddNode("Reshape", {"bias", "ws"}, {"rb"});
  m.AddNode("Add", {"scaled", "rb"}, {"y"});
  m.AddOutput("y", DType::kF32);
  auto g = ImportOnnxBytes(m.Serialize(), "", "paddle_ln.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Graph after = ExpectPreservesOutputs(*g, [](Graph& h) {
    PassContext ctx = TestPassContext();
    for (auto pass : {RunFoldShapeArithmetic, RunFoldConstants, RunEliminateDeadCode}) RunOnePass(h, pass, ctx);
    EXPECT_TRUE(RunOnePass(h, RunFuseLayerNorm, ctx));
  });
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(CountOps(after, OpKind::kLayerNormalization), 1);
}

}  // namespace
}  // namespace mrt::testing
