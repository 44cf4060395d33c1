// The Pointwise program (ir/pointwise_program.h): encoding, validation, text form, shape
// inference of the Pointwise op, and its reference kernel on hand-computed cases for every opcode,
// broadcasting, f16/bf16/f64 data and a tensor large enough to run on several threads.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ir/attributes.h"
#include "ir/infer_shapes.h"
#include "ir/pointwise_program.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using P = PointwiseOp;
using testing::AllClose;
using testing::F32;

// y = x * Sigmoid(x) * 0.5 + bias, the header's worked example.
PointwiseProgram WorkedExample() {
  PointwiseBuilder b;
  const int32_t x = b.Input(0);
  const int32_t silu = b.Op(P::kMul, x, b.Op(P::kSigmoid, x));
  const int32_t scaled = b.Op(P::kMul, silu, b.Constant(0.5f));
  b.Op(P::kAdd, scaled, b.Input(1));
  return b.Take();
}

Attributes AttrsOf(const PointwiseProgram& p) {
  Attributes a;
  WritePointwiseProgram(a, p);
  return a;
}

Attributes RawProgram(std::vector<int64_t> ints, std::vector<float> constants = {}) {
  Attributes a;
  a.set("program", std::move(ints));
  a.set("constants", std::move(constants));
  return a;
}

void ExpectReadError(const Attributes& a, size_t num_inputs, const std::string& fragment) {
  const Expected<PointwiseProgram> p = ReadPointwiseProgram(a, num_inputs);
  ASSERT_FALSE(p.ok()) << "expected an error containing '" << fragment << "'";
  EXPECT_NE(p.status().message().find(fragment), std::string::npos) << p.status().message();
}

// ---- encoding ----

TEST(PointwiseProgram, EncodesTheWorkedExample) {
  const Attributes a = AttrsOf(WorkedExample());
  // clang-format off
  EXPECT_EQ(a.GetInts("program"), (std::vector<int64_t>{0, 0, -1, -1,   3, 0, -1, -1,   30, 0, 1, -1,   1, 0, -1, -1,
                                                        30, 2, 3, -1,   0, 1, -1, -1,   28, 4, 5, -1}));
  // clang-format on
  EXPECT_EQ(a.GetFloats("constants"), (std::vector<float>{0.5f}));
  const Expected<PointwiseProgram> back = ReadPointwiseProgram(a, 2);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, WorkedExample());
  EXPECT_EQ(back->result(), 6);
}

TEST(PointwiseProgram, BuilderLoadsEachInputAndConstantOnce) {
  PointwiseBuilder b;
  EXPECT_EQ(b.Input(1), 0);
  EXPECT_EQ(b.Constant(2.f), 1);
  EXPECT_EQ(b.Input(1), 0);
  EXPECT_EQ(b.Constant(2.f), 1);
  EXPECT_EQ(b.Constant(-0.f), 2);  // a different bit pattern from 0 and 2
  EXPECT_EQ(b.Constant(0.f), 3);
  EXPECT_EQ(b.Op(P::kAdd, 0, 1), 4);
  EXPECT_EQ(b.program().constants, (std::vector<float>{2.f, -0.f, 0.f}));
}

TEST(PointwiseProgram, ValidationNamesTheProblem) {
  ExpectReadError(Attributes{}, 1, "no 'program'");
  ExpectReadError(RawProgram({}), 1, "empty");
  ExpectReadError(RawProgram({0, 0, -1}), 1, "multiple of 4");
  ExpectReadError(RawProgram({99, 0, -1, -1}), 1, "unknown opcode 99");
  ExpectReadError(RawProgram({0, 1, -1, -1}), 1, "loads input 1 but there are 1");
  ExpectReadError(RawProgram({1, 0, -1, -1}), 1, "loads constant 0 but there are 0");
  ExpectReadError(RawProgram({0, 0, 5, -1}), 1, "extra operands");
  ExpectReadError(RawProgram({0, 0, -1, -1, 2, 1, -1, -1}), 1, "operand 0 is r1, not an earlier register");
  ExpectReadError(RawProgram({0, 0, -1, -1, 28, 0, -1, -1}), 1, "operand 1 is r-1");
  ExpectReadError(RawProgram({0, 0, -1, -1, 2, 0, 0, -1}), 1, "takes 1 operands but operand 1 is 0");
  ExpectReadError(RawProgram({0, 0, -1, -1, 2, -7, -1, -1}), 1, "out of range");
  EXPECT_TRUE(ReadPointwiseProgram(RawProgram({0, 0, -1, -1, 2, 0, -1, -1}), 1).ok());
}

// ---- text form ----

std::string Text(std::vector<int64_t> ints, std::vector<float> constants = {}) {
  const Expected<PointwiseProgram> p = ReadPointwiseProgram(RawProgram(std::move(ints), std::move(constants)), 3);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? ToString(*p) : "";
}

TEST(PointwiseProgram, ToStringReadsLikeTheExpression) {
  EXPECT_EQ(ToString(WorkedExample()), "in0 * Sigmoid(in0) * 0.5 + in1");
  // (in0 + in1) * in2 and in0 - (in1 - in2): parentheses only where the order needs them.
  EXPECT_EQ(Text({0, 0, -1, -1, 0, 1, -1, -1, 28, 0, 1, -1, 0, 2, -1, -1, 30, 2, 3, -1}), "(in0 + in1) * in2");
  EXPECT_EQ(Text({0, 0, -1, -1, 0, 1, -1, -1, 0, 2, -1, -1, 29, 1, 2, -1, 29, 0, 3, -1}), "in0 - (in1 - in2)");
  EXPECT_EQ(Text({0, 0, -1, -1, 0, 1, -1, -1, 31, 0, 1, -1, 13, 2, -1, -1}), "-(in0 / in1)");
  EXPECT_EQ(Text({0, 0, -1, -1, 13, 0, -1, -1, 30, 1, 0, -1}), "-in0 * in0");
  EXPECT_EQ(Text({0, 0, -1, -1, 1, 0, -1, -1, 1, 1, -1, -1, 36, 0, 1, 2}, {0.f, 6.f}), "Clip(in0, 0, 6)");
  EXPECT_EQ(Text({0, 0, -1, -1, 1, 0, -1, -1, 22, 0, 1, -1}, {0.1f}), "LeakyRelu(in0, 0.1)");
}

TEST(PointwiseProgram, ToStringNamesASharedComputedRegisterOnce) {
  // r2 = in0 + in1, read by Sigmoid and by the final Mul.
  EXPECT_EQ(Text({0, 0, -1, -1, 0, 1, -1, -1, 28, 0, 1, -1, 3, 2, -1, -1, 30, 2, 3, -1}),
            "r2 = in0 + in1; r2 * Sigmoid(r2)");
}

// ---- shape inference ----

Expected<std::vector<ValueInfo>> InferPointwise(std::vector<ValueInfo> inputs, const Attributes& attrs) {
  Node node;
  node.op = OpKind::kPointwise;
  node.name = "pw";
  for (size_t i = 0; i < inputs.size(); ++i)
    node.inputs.push_back(inputs[i].dtype == DType::kUndefined ? kNoValue : static_cast<ValueId>(i));
  node.outputs.push_back(static_cast<ValueId>(inputs.size()));
  node.attrs = attrs;
  return InferNode(node, std::move(inputs));
}

void ExpectInferError(const Expected<std::vector<ValueInfo>>& r, const std::string& fragment) {
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
}

TEST(InferPointwise, BroadcastsInputsAndKeepsTheirDType) {
  const Attributes a = AttrsOf(WorkedExample());
  auto r = InferPointwise({{DType::kF16, Shape{2, 3, 4}}, {DType::kF16, Shape{3, 1}}}, a);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].dtype, DType::kF16);
  EXPECT_EQ((*r)[0].shape, (Shape{2, 3, 4}));
  const Dim batch = Dim::Symbolic("batch");
  r = InferPointwise({{DType::kF32, Shape{batch, 8, 1}}, {DType::kF32, Shape{1, 5}}}, a);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].shape, (Shape{batch, 8, 5}));
  r = InferPointwise({{DType::kF32, Shape::UnknownRank()}, {DType::kF32, Shape{3}}}, a);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)[0].shape.unknown_rank());
}

TEST(InferPointwise, RejectsMismatchedInputsAndBadPrograms) {
  const Attributes a = AttrsOf(WorkedExample());
  ExpectInferError(InferPointwise({{DType::kF32, Shape{2, 3}}, {DType::kF32, Shape{4}}}, a), "");
  ExpectInferError(InferPointwise({{DType::kF32, Shape{3}}, {DType::kF16, Shape{3}}}, a), "input 1 is f16");
  ExpectInferError(InferPointwise({{DType::kI32, Shape{3}}, {DType::kI32, Shape{3}}}, a), "float");
  ExpectInferError(InferPointwise({{DType::kF32, Shape{3}}, {}}, a), "absent");
  ExpectInferError(InferPointwise({{DType::kF32, Shape{3}}}, a), "loads input 1 but there are 1");
}

// ---- reference kernel ----

Expected<Tensor> RunProgram(const PointwiseProgram& p, const std::vector<Tensor>& inputs) {
  MRT_ASSIGN_OR_RETURN(std::vector<Tensor> outs, testing::RunSingleOp(OpKind::kPointwise, inputs, AttrsOf(p)));
  return std::move(outs[0]);
}

// op(x, params...) on a vector x, params as program constants.
Tensor RunActivation(P op, const std::vector<float>& x, std::vector<float> params = {}) {
  PointwiseBuilder b;
  const int32_t in = b.Input(0);
  int32_t regs[2] = {-1, -1};
  for (size_t k = 0; k < params.size(); ++k) regs[k] = b.Constant(params[k]);
  b.Op(op, in, regs[0], regs[1]);
  Expected<Tensor> y = RunProgram(b.Take(), {F32({static_cast<int64_t>(x.size())}, x)});
  EXPECT_TRUE(y.ok()) << y.status().message();
  return y.ok() ? std::move(*y) : Tensor();
}

void ExpectValues(P op, const std::vector<float>& x, const std::vector<float>& expected,
                  std::vector<float> params = {}) {
  const Tensor y = RunActivation(op, x, std::move(params));
  EXPECT_TRUE(AllClose(y, F32({static_cast<int64_t>(expected.size())}, expected), 1e-5, 1e-6)) << PointwiseOpName(op);
}

TEST(PointwiseKernel, UnaryOpcodes) {
  ExpectValues(P::kRelu, {-2, 0, 3}, {0, 0, 3});
  ExpectValues(P::kSigmoid, {0, 2, -1}, {0.5f, 0.880797078f, 0.268941421f});
  ExpectValues(P::kTanh, {0.5f, -2}, {0.462117157f, -0.964027580f});
  ExpectValues(P::kErf, {0.5f, -1}, {0.520499878f, -0.842700793f});
  ExpectValues(P::kSoftplus, {1, -2, 100}, {1.313261688f, 0.126928011f, 100});
  ExpectValues(P::kSoftsign, {1, -3}, {0.5f, -0.75f});
  ExpectValues(P::kMish, {1, -1}, {0.865098388f, -0.303401461f});
  ExpectValues(P::kHardSwish, {1, -4, 4, -1.5f}, {2.f / 3.f, 0, 4, -0.375f});
  ExpectValues(P::kExp, {1, 0}, {2.718281828f, 1});
  ExpectValues(P::kLog, {2, 1}, {0.693147181f, 0});
  ExpectValues(P::kSqrt, {2, 9}, {1.414213562f, 3});
  ExpectValues(P::kNeg, {2, -3}, {-2, 3});
  ExpectValues(P::kAbs, {-2.5f, 3}, {2.5f, 3});
  ExpectValues(P::kReciprocal, {4, -0.5f}, {0.25f, -2});
  ExpectValues(P::kFloor, {-1.5f, 1.5f}, {-2, 1});
  ExpectValues(P::kCeil, {-1.5f, 1.5f}, {-1, 2});
  ExpectValues(P::kRound, {2.5f, 1.5f, -0.6f}, {2, 2, -1});  // half to even
  ExpectValues(P::kSign, {-3, 0, 2}, {-1, 0, 1});
  ExpectValues(P::kSin, {1, 0}, {0.841470985f, 0});
  ExpectValues(P::kCos, {1, 0}, {0.540302306f, 1});
}

TEST(PointwiseKernel, ParametricActivationOpcodes) {
  ExpectValues(P::kLeakyRelu, {-2, 3}, {-0.2f, 3}, {0.1f});
  ExpectValues(P::kElu, {-1, 3}, {-1.264241118f, 3}, {2});
  ExpectValues(P::kCelu, {-1, 3}, {-0.786938681f, 3}, {2});
  ExpectValues(P::kThresholdedRelu, {0.5f, 1, 2}, {0, 0, 2}, {1});
  ExpectValues(P::kHardSigmoid, {1, 5, -5}, {0.7f, 1, 0}, {0.2f, 0.5f});
  ExpectValues(P::kSelu, {-1, 2}, {-3.792723353f, 6}, {2, 3});  // alpha 2, gamma 3
  ExpectValues(P::kClip, {-1, 3, 7}, {0, 3, 6}, {0, 6});
  ExpectValues(P::kClip, {-1, 7}, {-1, 6}, {-std::numeric_limits<float>::infinity(), 6});
}

TEST(PointwiseKernel, BinaryOpcodes) {
  const Tensor a = F32({4}, {2, -2, 4, 1}), b = F32({4}, {3, 0.5f, 0.5f, NAN});
  auto binary = [&](P op) {
    PointwiseBuilder pb;
    const int32_t x = pb.Input(0);
    pb.Op(op, x, pb.Input(1));
    Expected<Tensor> y = RunProgram(pb.Take(), {a, b});
    EXPECT_TRUE(y.ok()) << y.status().message();
    return y.ok() ? std::move(*y) : Tensor();
  };
  EXPECT_TRUE(AllClose(binary(P::kAdd), F32({4}, {5, -1.5f, 4.5f, NAN})));
  EXPECT_TRUE(AllClose(binary(P::kSub), F32({4}, {-1, -2.5f, 3.5f, NAN})));
  EXPECT_TRUE(AllClose(binary(P::kMul), F32({4}, {6, -1, 2, NAN})));
  EXPECT_TRUE(AllClose(binary(P::kDiv), F32({4}, {2.f / 3.f, -4, 8, NAN})));
  EXPECT_TRUE(AllClose(binary(P::kPow), F32({4}, {8, NAN, 2, 1})));     // (-2)^0.5 is NaN, 1^NaN is 1
  EXPECT_TRUE(AllClose(binary(P::kMax), F32({4}, {3, 0.5f, 4, NAN})));  // NaN propagates
  EXPECT_TRUE(AllClose(binary(P::kMin), F32({4}, {2, -2, 0.5f, NAN})));
  EXPECT_TRUE(AllClose(binary(P::kPRelu), F32({4}, {2, -1, 4, 1})));
}

TEST(PointwiseKernel, BroadcastsInputsAgainstEachOther) {
  // y = x * scale + bias: x [2,3], scale [3], bias a scalar; then an outer difference [2,1] - [1,3].
  PointwiseBuilder b;
  const int32_t x = b.Input(0);
  const int32_t xs = b.Op(P::kMul, x, b.Input(1));
  b.Op(P::kAdd, xs, b.Input(2));
  Expected<Tensor> y =
      RunProgram(b.Take(), {F32({2, 3}, {1, 2, 3, 4, 5, 6}), F32({3}, {10, 100, 1000}), F32({}, {0.5f})});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_TRUE(AllClose(*y, F32({2, 3}, {10.5f, 200.5f, 3000.5f, 40.5f, 500.5f, 6000.5f})));

  PointwiseBuilder d;
  const int32_t col = d.Input(0);
  d.Op(P::kSub, col, d.Input(1));
  y = RunProgram(d.Take(), {F32({2, 1}, {10, 20}), F32({1, 3}, {1, 2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_TRUE(AllClose(*y, F32({2, 3}, {9, 8, 7, 19, 18, 17})));
}

TEST(PointwiseKernel, ProgramResultMayBeALoadAndInputsMayGoUnused) {
  PointwiseBuilder b;
  b.Input(0);
  const Expected<Tensor> y = RunProgram(b.Take(), {F32({3}, {1, 2, 3}), F32({3}, {7, 7, 7})});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_TRUE(AllClose(*y, F32({3}, {1, 2, 3})));
}

TEST(PointwiseKernel, LargeTensorOnManyThreadsWithPerRowBias) {
  // [3, 70001] * 2 + bias[3, 1]: long runs, several thread chunks, a partial last block.
  const int64_t cols = 70001;
  const Tensor x = testing::RandomTensor(DType::kF32, {3, cols}, 5);
  const Tensor bias = F32({3, 1}, {1, -2, 3});
  PointwiseBuilder b;
  const int32_t twice = b.Op(P::kMul, b.Input(0), b.Constant(2.f));
  b.Op(P::kAdd, twice, b.Input(1));
  const Expected<Tensor> y = RunProgram(b.Take(), {x, bias});
  ASSERT_TRUE(y.ok()) << y.status().message();
  Tensor expected(DType::kF32, {3, cols});
  for (int64_t i = 0; i < 3 * cols; ++i)
    expected.data<float>()[i] = x.data<float>()[i] * 2.f + bias.data<float>()[i / cols];
  EXPECT_TRUE(AllClose(*y, expected, 0, 0));
}

TEST(PointwiseKernel, HalfAndDoubleData) {
  // y = Relu(x) * 0.5 + x2 in f16, bf16 (computed in f32, rounded once) and f64.
  PointwiseBuilder b;
  const int32_t r = b.Op(P::kRelu, b.Input(0));
  const int32_t h = b.Op(P::kMul, r, b.Constant(0.5f));
  b.Op(P::kAdd, h, b.Input(1));
  const PointwiseProgram p = b.Take();
  const std::vector<double> x = {-1, 3, 1.5}, x2 = {0.25, 1, -4}, expected = {0.25, 2.5, -3.25};
  for (DType dtype : {DType::kF16, DType::kBF16, DType::kF64}) {
    Tensor tx(dtype, {3}), tx2(dtype, {3}), te(dtype, {3});
    for (int64_t i = 0; i < 3; ++i) {
      StoreFromDouble(tx.view(), i, x[i]);
      StoreFromDouble(tx2.view(), i, x2[i]);
      StoreFromDouble(te.view(), i, expected[i]);
    }
    const Expected<Tensor> y = RunProgram(p, {tx, tx2});
    ASSERT_TRUE(y.ok()) << DTypeName(dtype) << ": " << y.status().message();
    EXPECT_EQ(y->dtype(), dtype);
    EXPECT_TRUE(AllClose(*y, te, 0, 0)) << DTypeName(dtype);
  }
}

TEST(PointwiseKernel, RejectsIntegerData) {
  PointwiseBuilder b;
  b.Op(P::kRelu, b.Input(0));
  const Expected<Tensor> y = RunProgram(b.Take(), {Tensor::FromVector<int32_t>(DType::kI32, {2}, {1, -1})});
  ASSERT_FALSE(y.ok());
}

}  // namespace
}  // namespace mrt
