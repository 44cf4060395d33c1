// --shapes parsing, random input generation, tensor statistics and output file names.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/input_data.h"

namespace mrt {
namespace {

TEST(ParseShapesTest, ParsesTrtexecSyntax) {
  Expected<ShapeMap> m = ParseShapes("x:1x3x640x640,other:1x10");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->size(), 2u);
  EXPECT_EQ(m->at("x"), (std::vector<int64_t>{1, 3, 640, 640}));
  EXPECT_EQ(m->at("other"), (std::vector<int64_t>{1, 10}));
}

TEST(ParseShapesTest, NameEndsAtTheLastColonAndMayBeQuoted) {
  Expected<ShapeMap> m = ParseShapes("input:0:2x3, 'y':7 ,\"z w\":0x1");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->at("input:0"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(m->at("y"), (std::vector<int64_t>{7}));
  EXPECT_EQ(m->at("z w"), (std::vector<int64_t>{0, 1}));
}

TEST(ParseShapesTest, ErrorsQuoteTheBadToken) {
  struct Case {
    std::string spec, needle;
  };
  for (const Case& c : std::vector<Case>{{"x", "'x'"},
                                         {"x:1x3,y", "'y'"},
                                         {"x:1xax3", "'a'"},
                                         {"x:1x-3", "'-3'"},
                                         {"x:1x", "''"},
                                         {"x:", "'x:'"},
                                         {":1x3", "':1x3'"},
                                         {"x:1,,y:2", "empty entry"},
                                         {"x:1,", "empty entry"},
                                         {"", "empty --shapes"},
                                         {"x:1,x:2", "'x' is given twice"},
                                         {"x:99999999999999999999", "'99999999999999999999' is too large"}}) {
    Expected<ShapeMap> m = ParseShapes(c.spec);
    ASSERT_FALSE(m.ok()) << c.spec;
    EXPECT_NE(m.status().message().find(c.needle), std::string::npos) << c.spec << " -> " << m.status().message();
  }
}

TEST(ParseShapesTest, MergeRefusesDuplicates) {
  ShapeMap a = {{"x", {1}}};
  EXPECT_TRUE(MergeShapes(a, {{"y", {2}}}).ok());
  EXPECT_EQ(a.size(), 2u);
  Status s = MergeShapes(a, {{"x", {3}}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'x'"), std::string::npos);
}

Value InputValue(const std::string& name, DType dtype, Shape shape) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = std::move(shape);
  v.is_graph_input = true;
  return v;
}

TEST(ResolveInputSizesTest, StaticSymbolicAndGivenShapes) {
  const Value fixed = InputValue("x", DType::kF32, Shape{2, 3});
  EXPECT_EQ(*ResolveInputSizes(fixed, {}), (std::vector<int64_t>{2, 3}));

  const Value dynamic = InputValue("img", DType::kF32, Shape{Dim::Symbolic("batch"), 3, Dim(), Dim()});
  Expected<std::vector<int64_t>> missing = ResolveInputSizes(dynamic, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--shapes img:Nx3xNxN"), std::string::npos) << missing.status().message();
  EXPECT_EQ(*ResolveInputSizes(dynamic, {{"img", {4, 3, 5, 7}}}), (std::vector<int64_t>{4, 3, 5, 7}));

  Expected<std::vector<int64_t>> wrong_rank = ResolveInputSizes(dynamic, {{"img", {4, 3}}});
  ASSERT_FALSE(wrong_rank.ok());
  EXPECT_NE(wrong_rank.status().message().find("rank 2"), std::string::npos) << wrong_rank.status().message();
  Expected<std::vector<int64_t>> wrong_dim = ResolveInputSizes(dynamic, {{"img", {4, 1, 5, 7}}});
  ASSERT_FALSE(wrong_dim.ok());
  EXPECT_NE(wrong_dim.status().message().find("fixes it at 3"), std::string::npos) << wrong_dim.status().message();

  const Value unranked = InputValue("u", DType::kI64, Shape::UnknownRank());
  EXPECT_FALSE(ResolveInputSizes(unranked, {}).ok());
  EXPECT_EQ(*ResolveInputSizes(unranked, {{"u", {5}}}), std::vector<int64_t>{5});
}

TEST(RandomInputsTest, RangesPerDtype) {
  for (DType dtype : {DType::kF32, DType::kF16, DType::kBF16, DType::kF64}) {
    const Tensor t = MakeRandomTensor(dtype, {4001}, 7);
    const TensorStats s = ComputeStats(t);
    EXPECT_GE(s.min, -1.0) << DTypeName(dtype);
    EXPECT_LT(s.max, 1.0) << DTypeName(dtype);
    EXPECT_LT(s.min, -0.9) << DTypeName(dtype);  // actually spread over the range
    EXPECT_GT(s.max, 0.9) << DTypeName(dtype);
    EXPECT_NEAR(s.mean, 0.0, 0.1) << DTypeName(dtype);
  }
  for (DType dtype : {DType::kI8, DType::kU8, DType::kI32, DType::kI64}) {
    const Tensor t = MakeRandomTensor(dtype, {1000}, 3);
    std::vector<int> seen(10, 0);
    for (int64_t i = 0; i < t.numel(); ++i) {
      const double x = t.ElementAsDouble(i);
      ASSERT_TRUE(x >= 0 && x <= 9 && x == std::floor(x)) << DTypeName(dtype) << " " << x;
      ++seen[static_cast<int>(x)];
    }
    for (int v = 0; v < 10; ++v) EXPECT_GT(seen[v], 0) << DTypeName(dtype) << " never drew " << v;
  }
  const Tensor b = MakeRandomTensor(DType::kBool, {1000}, 3);
  const TensorStats s = ComputeStats(b);
  EXPECT_EQ(s.min, 0.0);
  EXPECT_EQ(s.max, 1.0);
  EXPECT_NEAR(s.mean, 0.5, 0.1);
}

TEST(RandomInputsTest, SeededAndPerInput) {
  const Tensor a = MakeRandomTensor(DType::kF32, {16}, 42);
  const Tensor b = MakeRandomTensor(DType::kF32, {16}, 42);
  const Tensor c = MakeRandomTensor(DType::kF32, {16}, 43);
  EXPECT_EQ(std::memcmp(a.raw(), b.raw(), a.nbytes()), 0);
  EXPECT_NE(std::memcmp(a.raw(), c.raw(), a.nbytes()), 0);

  Graph g;
  for (const char* name : {"p", "q"}) g.AddGraphInput(g.AddValue(name, DType::kF32, Shape{8}));
  TensorMap all;
  Expected<std::vector<std::string>> filled = AddRandomInputs(g, {}, 5, all);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(*filled, (std::vector<std::string>{"p", "q"}));
  EXPECT_NE(std::memcmp(all["p"].raw(), all["q"].raw(), 32), 0) << "each input gets its own stream";

  // Supplying p leaves q's random data as it was, and p is not touched.
  TensorMap some = {{"p", Tensor(DType::kF32, {8})}};
  filled = AddRandomInputs(g, {}, 5, some);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(*filled, std::vector<std::string>{"q"});
  EXPECT_EQ(std::memcmp(some["q"].raw(), all["q"].raw(), 32), 0);
  EXPECT_EQ(some["p"].ElementAsDouble(0), 0.0);
}

TEST(RandomInputsTest, DynamicInputNeedsShapes) {
  Graph g;
  g.AddGraphInput(g.AddValue("x", DType::kI64, Shape{Dim::Symbolic("n"), 2}));
  TensorMap inputs;
  Expected<std::vector<std::string>> r = AddRandomInputs(g, {}, 1, inputs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--shapes x:Nx2"), std::string::npos) << r.status().message();
  r = AddRandomInputs(g, {{"x", {3, 2}}}, 1, inputs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(inputs["x"].sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(inputs["x"].dtype(), DType::kI64);
  inputs.clear();
  r = AddRandomInputs(g, {{"x", {int64_t{1} << 62, 2}}}, 1, inputs);  // 2^63 elements of 8 bytes
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too large"), std::string::npos) << r.status().message();
}

TEST(StatsTest, MinMaxMeanAndNaNs) {
  const Tensor t = Tensor::FromVector<float>(DType::kF32, {5}, {2.f, NAN, -4.f, 8.f, NAN});
  const TensorStats s = ComputeStats(t);
  EXPECT_EQ(s.min, -4.0);
  EXPECT_EQ(s.max, 8.0);
  EXPECT_EQ(s.mean, 2.0);  // (2 - 4 + 8) / 3
  EXPECT_EQ(s.nan_count, 2);
  EXPECT_EQ(DescribeTensor(t), "f32[5] min -4 max 8 mean 2 nan 2");
  EXPECT_EQ(DescribeTensor(Tensor(DType::kI64, {0, 3})), "i64[0,3] empty");
  EXPECT_EQ(DescribeTensor(Tensor::FromVector<int32_t>(DType::kI32, {}, {7})), "i32[] min 7 max 7 mean 7");
}

TEST(SanitizeFileNameTest, ReplacesEverythingOutsideTheSafeSet) {
  EXPECT_EQ(SanitizeFileName("y:0"), "y_0");
  EXPECT_EQ(SanitizeFileName("Conv_1.out-2"), "Conv_1.out-2");
  EXPECT_EQ(SanitizeFileName("a/b\\c d"), "a_b_c_d");
  EXPECT_EQ(SanitizeFileName("../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(SanitizeFileName(".."), "_..");
  EXPECT_EQ(SanitizeFileName(""), "_");
  EXPECT_EQ(SanitizeFileName("\xc3\xa9t\xc3\xa9"), "__t__");  // UTF-8 bytes each become '_'
}

}  // namespace
}  // namespace mrt
