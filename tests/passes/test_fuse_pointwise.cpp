// fuse_pointwise: groups of elementwise ops become one Pointwise node; outputs are preserved on
// random inputs (reference backend before vs after), and what must stay outside does.
#include <functional>
#include <sstream>

#include "ir/op_table.h"
#include "ir/pointwise_lowering.h"
#include "ir/pointwise_program.h"
#include "passes/passes.h"
#include "tests/passes/pass_test_util.h"
#include "tests/support/graph_builder.h"

namespace mrt::testing {
namespace {

Graph Fuse(const Graph& g, PassContext* out_ctx = nullptr, double tolerance = 1e-4, bool expect_change = true) {
  return ExpectPreservesOutputs(
      g,
      [&](Graph& h) {
        PassContext ctx = TestPassContext();
        EXPECT_EQ(RunOnePass(h, RunFusePointwise, ctx), expect_change);
        if (out_ctx) *out_ctx = ctx;
      },
      7, tolerance);
}

// The live Pointwise nodes' programs as text, in node order.
std::vector<std::string> Programs(const Graph& g) {
  std::vector<std::string> texts;
  for (const Node& n : g.nodes()) {
    if (n.dead || n.op != OpKind::kPointwise) continue;
    Expected<PointwiseProgram> p = ReadPointwiseProgram(n.attrs, n.inputs.size());
    EXPECT_TRUE(p.ok()) << p.status().message();
    texts.push_back(p.ok() ? ToString(*p) : "");
  }
  return texts;
}

const Node* FirstPointwise(const Graph& g) {
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == OpKind::kPointwise) return &n;
  return nullptr;
}

TEST(FusePointwise, ChainOfScaleShiftAndActivation) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 5, 4});
  const ValueId bias = b.Weight("bias", RandomTensor(DType::kF32, {3, 1, 1}, 3));
  const ValueId scaled = b.Op(OpKind::kMul, {x, b.ScalarF32("half", 0.5f)}, {}, 1, "mul");
  const ValueId shifted = b.Op(OpKind::kAdd, {scaled, bias}, {}, 1, "add");
  b.Output(b.Op(OpKind::kRelu, {shifted}, {}, 1, "relu"));
  PassContext ctx;
  const Graph after = Fuse(b.Build(), &ctx);
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"Relu(in0 * 0.5 + in1)"}));
  const Node* pw = FirstPointwise(after);
  ASSERT_NE(pw, nullptr);
  ASSERT_EQ(pw->inputs.size(), 2u);
  EXPECT_EQ(after.value(pw->inputs[0]).name, "x");
  EXPECT_EQ(after.value(pw->inputs[1]).name, "bias");
  ASSERT_EQ(ctx.rewrites.size(), 1u);
  EXPECT_EQ(ctx.rewrites[0].kind, "Pointwise(3 ops)");
  EXPECT_EQ(ctx.rewrites[0].nodes, (std::vector<std::string>{"mul", "add", "relu"}));
  EXPECT_EQ(ctx.rewrites[0].result, "relu_pointwise");
}

TEST(FusePointwise, TreeReadingAValueTwiceUsesOneRegister) {
  GraphBuilder b;
  const ValueId a = b.Input("a", DType::kF32, {4, 6});
  const ValueId c = b.Input("c", DType::kF32, {6});
  const ValueId s = b.Op(OpKind::kAdd, {a, c});
  b.Output(b.Op(OpKind::kMul, {s, b.Op(OpKind::kSigmoid, {s})}));
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"r2 = in0 + in1; r2 * Sigmoid(r2)"}));
  EXPECT_EQ(after.value(after.outputs[0]).shape, (Shape{4, 6}));
}

TEST(FusePointwise, ValueWithAReaderOutsideTheGroupStaysOutside) {
  GraphBuilder b;
  const ValueId a = b.Input("a", DType::kF32, {3, 5});
  const ValueId c = b.Input("c", DType::kF32, {3, 5});
  const ValueId s = b.Op(OpKind::kAdd, {a, c});
  b.Output(b.Op(OpKind::kRelu, {b.Op(OpKind::kMul, {s, b.ScalarF32("two", 2.f)})}));
  b.Output(b.Op(OpKind::kSoftmax, {s}));  // s is needed outside any Pointwise group
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kAdd), 1);
  EXPECT_EQ(CountOps(after, OpKind::kSoftmax), 1);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"Relu(in0 * 2)"}));
}

TEST(FusePointwise, GraphOutputStaysOutside) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {7});
  const ValueId v = b.Op(OpKind::kMul, {x, b.ScalarF32("three", 3.f)});
  b.Output(v);  // a graph output: its producer must keep writing it
  b.Output(b.Op(OpKind::kSigmoid, {b.Op(OpKind::kTanh, {v})}));
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(CountOps(after, OpKind::kMul), 1);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"Sigmoid(Tanh(in0))"}));
}

TEST(FusePointwise, SmallSharedGroupIsRecomputedInEachReader) {
  // YOLOv8's box decoding: s = a - l, t = a + r, xy = (s + t) / 2, wh = t - s.
  GraphBuilder b;
  const ValueId a = b.Input("anchors", DType::kF32, {1, 2, 30});
  const ValueId lt = b.Input("lt", DType::kF32, {1, 2, 30});
  const ValueId rb = b.Input("rb", DType::kF32, {1, 2, 30});
  const ValueId s = b.Op(OpKind::kSub, {a, lt});
  const ValueId t = b.Op(OpKind::kAdd, {a, rb});
  b.Output(b.Op(OpKind::kDiv, {b.Op(OpKind::kAdd, {s, t}), b.ScalarF32("two", 2.f)}));
  b.Output(b.Op(OpKind::kSub, {t, s}));
  PassContext ctx;
  const Graph after = Fuse(b.Build(), &ctx);
  EXPECT_EQ(after.CountLiveNodes(), 2u);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"(in0 - in1 + (in0 + in2)) / 2", "in0 + in2 - (in0 - in1)"}));
  ASSERT_EQ(ctx.rewrites.size(), 2u);
  EXPECT_EQ(ctx.rewrites[0].kind, "Pointwise(4 ops)");
  EXPECT_EQ(ctx.rewrites[1].kind, "Pointwise(3 ops)");
}

TEST(FusePointwise, SharedGroupStaysWhenRecomputingMovesMoreData) {
  // v = Sum(a, b, c) read by three groups: recomputing reads 9 tensors instead of 3 + 1 + 3.
  GraphBuilder b;
  const ValueId a = b.Input("a", DType::kF32, {5}), c = b.Input("c", DType::kF32, {5}),
                d = b.Input("d", DType::kF32, {5});
  const ValueId v = b.Op(OpKind::kSum, {a, c, d});
  for (OpKind k : {OpKind::kExp, OpKind::kSin, OpKind::kCos}) b.Output(b.Op(k, {v}));
  const Graph after = Fuse(b.Build(), nullptr, 1e-4, /*expect_change=*/false);
  EXPECT_EQ(CountOps(after, OpKind::kSum), 1);
  EXPECT_EQ(CountOps(after, OpKind::kPointwise), 0);
  // Read by two groups it is recomputed: 2 * 3 <= 3 + 1 + 2.
  GraphBuilder b2;
  const ValueId a2 = b2.Input("a", DType::kF32, {5}), c2 = b2.Input("c", DType::kF32, {5}),
                d2 = b2.Input("d", DType::kF32, {5});
  const ValueId v2 = b2.Op(OpKind::kSum, {a2, c2, d2});
  for (OpKind k : {OpKind::kExp, OpKind::kSin}) b2.Output(b2.Op(k, {v2}));
  const Graph after2 = Fuse(b2.Build());
  EXPECT_EQ(Programs(after2), (std::vector<std::string>{"Exp(in0 + in1 + in2)", "Sin(in0 + in1 + in2)"}));
}

TEST(FusePointwise, ScalarConstantsInlineUnlessTheyRaiseTheRank) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {4, 5});
  const ValueId t0 = b.Op(OpKind::kAdd, {x, b.ScalarF32("c0", 1.5f)});  // rank 0
  const ValueId t1 = b.Op(OpKind::kMul, {t0, b.Weight("c1", Tensor::FromVector<float>(DType::kF32, {1}, {2.f}))});
  const ValueId t2 = b.Op(OpKind::kSub, {t1, b.Weight("c2", RandomTensor(DType::kF32, {5}, 9))});  // a tensor
  const ValueId c3 = b.Weight("c3", Tensor::FromVector<float>(DType::kF32, {1, 1, 1}, {4.f}));     // rank 3 > 2
  b.Output(b.Op(OpKind::kDiv, {t2, c3}));
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"((in0 + 1.5) * 2 - in1) / in2"}));
  EXPECT_EQ(after.value(after.outputs[0]).shape, (Shape{1, 4, 5}));
  const Node* pw = FirstPointwise(after);
  ASSERT_NE(pw, nullptr);
  EXPECT_EQ(pw->attrs.GetFloats("constants"), (std::vector<float>{1.5f, 2.f}));
}

TEST(FusePointwise, HalfPrecisionChainComputesInFloat) {
  for (DType dtype : {DType::kF16, DType::kBF16}) {
    GraphBuilder b;
    const ValueId x = b.Input("x", dtype, {3, 9});
    Tensor bias(dtype, {9});
    for (int64_t i = 0; i < 9; ++i) StoreFromDouble(bias.view(), i, 0.125 * static_cast<double>(i) - 0.5);
    const ValueId silu = b.Op(OpKind::kMul, {x, b.Op(OpKind::kSigmoid, {x})});
    const ValueId shifted = b.Op(OpKind::kAdd, {silu, b.Weight("bias", std::move(bias))});
    b.Output(b.Op(OpKind::kHardSigmoid, {shifted}));
    // Unfused rounds to f16/bf16 after every op, fused once: a few units in the last place apart.
    const Graph after = Fuse(b.Build(), nullptr, dtype == DType::kF16 ? 5e-3 : 3e-2);
    EXPECT_EQ(after.CountLiveNodes(), 1u) << DTypeName(dtype);
    EXPECT_EQ(after.value(after.outputs[0]).dtype, dtype);
    EXPECT_EQ(Programs(after), (std::vector<std::string>{"HardSigmoid(in0 * Sigmoid(in0) + in1, 0.2, 0.5)"}));
  }
}

// Every op the pass fuses, each once, summed into one output: one Pointwise, same values.
TEST(FusePointwise, EveryFusableOpPreservesOutputs) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3, 4});
  const ValueId y = b.Input("y", DType::kF32, {2, 3, 4});
  auto op = [&](OpKind k, std::vector<ValueId> in, Attributes a = {}) { return b.Op(k, std::move(in), std::move(a)); };
  const ValueId half = b.ScalarF32("half", 0.5f);
  auto positive = [&] { return op(OpKind::kAdd, {op(OpKind::kAbs, {x}), half}); };
  std::vector<ValueId> terms;
  for (OpKind k : {OpKind::kRelu,       OpKind::kSigmoid,   OpKind::kTanh,
                   OpKind::kErf,        OpKind::kSoftplus,  OpKind::kSoftsign,
                   OpKind::kMish,       OpKind::kHardSwish, OpKind::kExp,
                   OpKind::kNeg,        OpKind::kFloor,     OpKind::kCeil,
                   OpKind::kRound,      OpKind::kSign,      OpKind::kSin,
                   OpKind::kCos,        OpKind::kLeakyRelu, OpKind::kSelu,
                   OpKind::kCelu,       OpKind::kElu,       OpKind::kThresholdedRelu,
                   OpKind::kHardSigmoid})
    terms.push_back(op(k, {x}));
  terms.push_back(op(OpKind::kElu, {y}, Attrs({{"alpha", 0.5f}})));
  terms.push_back(op(OpKind::kThresholdedRelu, {y}, Attrs({{"alpha", 0.2f}})));
  terms.push_back(op(OpKind::kLeakyRelu, {y}, Attrs({{"alpha", 0.3f}})));
  for (OpKind k : {OpKind::kLog, OpKind::kSqrt, OpKind::kReciprocal}) terms.push_back(op(k, {positive()}));
  terms.push_back(op(OpKind::kPow, {positive(), b.Weight("two", Tensor::FromVector<int64_t>(DType::kI64, {}, {2}))}));
  terms.push_back(op(OpKind::kPow, {positive(), y}));
  terms.push_back(op(OpKind::kPRelu, {x, b.Weight("slope", RandomTensor(DType::kF32, {4}, 2))}));
  terms.push_back(op(OpKind::kClip, {x, b.ScalarF32("lo", -0.5f), kNoValue}));
  terms.push_back(op(OpKind::kClip, {y, b.Weight("lo1", Tensor::FromVector<float>(DType::kF32, {1}, {-0.2f})),
                                     b.Weight("hi1", Tensor::FromVector<float>(DType::kF32, {1}, {0.3f}))}));
  terms.push_back(op(OpKind::kMax, {x, y, op(OpKind::kSub, {x, y})}));
  terms.push_back(op(OpKind::kMin, {x, y}));
  terms.push_back(op(OpKind::kMean, {x, y, op(OpKind::kDiv, {x, positive()})}));
  b.Output(op(OpKind::kSum, terms));
  PassContext ctx;
  const Graph after = Fuse(b.Build(), &ctx);
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  ASSERT_EQ(ctx.rewrites.size(), 1u);
  const Node* pw = FirstPointwise(after);
  ASSERT_NE(pw, nullptr);
  EXPECT_EQ(pw->inputs.size(), 3u);  // x, y, slope
}

TEST(FusePointwise, LeavesAloneCastComparisonsIntegersAndSingleOps) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {6});
  const ValueId h = b.Op(OpKind::kCast, {b.Op(OpKind::kRelu, {x})}, Attrs({{"to", int64_t{10}}}));  // f16
  b.Output(b.Op(OpKind::kSigmoid, {h}));
  const ValueId i = b.Input("i", DType::kI32, {6});
  b.Output(b.Op(OpKind::kMul, {b.Op(OpKind::kAdd, {i, i}), i}));  // integer chain
  const ValueId less = b.Op(OpKind::kLess, {x, b.Op(OpKind::kExp, {x})});
  b.Output(b.Op(OpKind::kWhere, {less, x, b.Op(OpKind::kNeg, {x})}));
  const ValueId exps = b.Weight("e", Tensor::FromVector<int64_t>(DType::kI64, {6}, {1, 2, 3, 1, 2, 3}));
  b.Output(b.Op(OpKind::kPow, {b.Op(OpKind::kAbs, {x}), exps}));  // an i64 tensor exponent
  const ValueId d = b.Input("d", DType::kF64, {6});
  b.Output(b.Op(OpKind::kExp, {b.Op(OpKind::kNeg, {d})}));  // f64: constants would lose precision
  const Graph before = b.Build();
  const Graph after = Fuse(before, nullptr, 1e-4, /*expect_change=*/false);
  EXPECT_EQ(after.CountLiveNodes(), before.CountLiveNodes());
  EXPECT_EQ(CountOps(after, OpKind::kPointwise), 0);
}

TEST(FusePointwise, MergesAnEarlierPointwiseNodeAndIsIdempotent) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 5});
  const ValueId y = b.Input("y", DType::kF32, {5});
  PointwiseBuilder pb;
  const int32_t xr = pb.Input(0);
  pb.Op(PointwiseOp::kMul, xr, pb.Op(PointwiseOp::kTanh, pb.Input(1)));
  Attributes attrs;
  WritePointwiseProgram(attrs, pb.Take());
  const ValueId pw = b.Op(OpKind::kPointwise, {x, y}, attrs, 1, "pw");
  b.Output(b.Op(OpKind::kAdd, {b.ScalarF32("one", 1.f), pw}));
  const Graph after = Fuse(b.Build());
  EXPECT_EQ(after.CountLiveNodes(), 1u);
  EXPECT_EQ(Programs(after), (std::vector<std::string>{"1 + in0 * Tanh(in1)"}));
  Graph again = after;
  PassContext ctx = TestPassContext();
  EXPECT_FALSE(RunOnePass(again, RunFusePointwise, ctx));
}

TEST(FusePointwise, LogsEachFusionUnderVerbose) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {3});
  b.Output(b.Op(OpKind::kSqrt, {b.Op(OpKind::kExp, {x}, {}, 1, "exp")}, {}, 1, "sqrt"));
  Graph g = b.Build();
  std::ostringstream log;
  PassContext ctx = TestPassContext();
  ctx.verbose = true;
  ctx.log = &log;
  EXPECT_TRUE(RunOnePass(g, RunFusePointwise, ctx));
  EXPECT_NE(log.str().find("fuse_pointwise: exp + sqrt -> sqrt_pointwise (Pointwise(2 ops))"), std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find("sqrt_pointwise = Sqrt(Exp(in0))"), std::string::npos) << log.str();
}

TEST(FusePointwise, RunsInThePipelineAndCanBeDisabled) {
  for (bool disabled : {false, true}) {
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {3});
    b.Output(b.Op(OpKind::kSqrt, {b.Op(OpKind::kExp, {x})}));
    Graph g = b.Build();
    PassContext ctx = TestPassContext();
    if (disabled) ctx.disabled.insert("fuse_pointwise");
    ASSERT_TRUE(RunPipeline(g, ctx).ok());
    EXPECT_EQ(CountOps(g, OpKind::kPointwise), disabled ? 0 : 1);
  }
}

// NaN, +-Inf and +-0 through every one-input op of the lowering table (and Clip): the Pointwise
// program gives what the unfused op gives, including Relu(NaN) = Clip(NaN) = NaN and signed zeros
// (y = Neg(op(x)), two ops so that they form a group; Neg keeps the sign information).
TEST(FusePointwise, FusedAndUnfusedAgreeOnNanInfAndZeros) {
  std::vector<std::pair<std::string, std::function<ValueId(GraphBuilder&, ValueId)>>> ops;
  for (const PointwiseLowering& row : PointwiseLowerings())
    if (row.inputs() == 1)
      ops.push_back({std::string(OpName(row.op)), [op = row.op](GraphBuilder& b, ValueId x) { return b.Op(op, {x}); }});
  ops.push_back({"Clip(0,6)", [](GraphBuilder& b, ValueId x) {
                   return b.Op(OpKind::kClip, {x, b.ScalarF32("lo", 0.f), b.ScalarF32("hi", 6.f)});
                 }});
  ASSERT_GE(ops.size(), 27u);  // 20 unary opcodes + 6 parametric activations + Clip
  for (const auto& [name, build] : ops) {
    SCOPED_TRACE(name);
    const std::vector<float> values = SpecialValues();
    GraphBuilder b;
    const ValueId x = b.Input("x", DType::kF32, {1, 1, 1, static_cast<int64_t>(values.size())});
    b.Output(b.Op(OpKind::kNeg, {build(b, x)}));
    const Graph before = b.Build();
    Graph after = before;
    PassContext ctx = TestPassContext();
    RunOnePass(after, RunFusePointwise, ctx);
    ASSERT_EQ(CountOps(after, OpKind::kPointwise), 1);
    ExpectSameOnSpecialValues(before, after, values);
  }
}

}  // namespace
}  // namespace mrt::testing
