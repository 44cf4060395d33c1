#include "tests/support/test_support.h"

#include <cstdlib>

#include <cmath>
#include <random>

#include "ir/infer_shapes.h"

namespace mrt::testing {

Tensor RandomTensor(DType dtype, std::vector<int64_t> sizes, uint64_t seed, double lo, double hi) {
  Tensor t(dtype, std::move(sizes));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  const TensorView v = t.view();
  for (int64_t i = 0; i < t.numel(); ++i) {
    double x = dist(rng);
    if (IsInteger(dtype)) x = std::floor(x);
    if (dtype == DType::kBool) x = x > (lo + hi) / 2 ? 1 : 0;
    StoreFromDouble(v, i, x);
  }
  return t;
}

Closeness Compare(const Tensor& actual, const Tensor& expected) {
  Closeness c;
  const int64_t n = std::min(actual.numel(), expected.numel());
  for (int64_t i = 0; i < n; ++i) {
    const double a = actual.ElementAsDouble(i), e = expected.ElementAsDouble(i);
    c.max_abs_error = std::max(c.max_abs_error, std::abs(a - e));
    c.max_ref_magnitude = std::max(c.max_ref_magnitude, std::abs(e));
  }
  return c;
}

::testing::AssertionResult AllClose(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (actual.dtype() != expected.dtype())
    return ::testing::AssertionFailure() << "dtype " << DTypeName(actual.dtype()) << " != expected "
                                         << DTypeName(expected.dtype());
  if (actual.sizes() != expected.sizes())
    return ::testing::AssertionFailure() << "shape " << SizesToString(actual.sizes()) << " != expected "
                                         << SizesToString(expected.sizes());
  for (int64_t i = 0; i < actual.numel(); ++i) {
    const double a = actual.ElementAsDouble(i), e = expected.ElementAsDouble(i);
    if (std::isnan(e) && std::isnan(a)) continue;
    if (std::isinf(e) && a == e) continue;
    if (!(std::abs(a - e) <= atol + rtol * std::abs(e)))
      return ::testing::AssertionFailure() << "element " << i << ": " << a << " vs expected " << e
                                           << " (|diff| " << std::abs(a - e) << ")";
  }
  return ::testing::AssertionSuccess();
}

Expected<std::vector<Tensor>> RunSingleOp(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs,
                                          int num_outputs) {
  Graph g;
  TensorMap feeds;
  std::vector<ValueId> ins, outs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].dtype() == DType::kUndefined) {
      ins.push_back(kNoValue);
      continue;
    }
    const std::string name = "in" + std::to_string(i);
    const ValueId v = g.AddValue(name, inputs[i].dtype(), inputs[i].shape());
    g.AddGraphInput(v);
    ins.push_back(v);
    feeds[name] = inputs[i];
  }
  for (int i = 0; i < num_outputs; ++i) outs.push_back(g.AddValue("out" + std::to_string(i)));
  g.AddNode(op, "node", ins, outs, attrs);
  for (ValueId v : outs) g.AddGraphOutput(v);
  MRT_ASSIGN_OR_RETURN(TensorMap results, RunReference(g, feeds));
  std::vector<Tensor> out;
  for (int i = 0; i < num_outputs; ++i) out.push_back(results.at("out" + std::to_string(i)));
  return out;
}

Tensor F32(std::vector<int64_t> sizes, const std::vector<float>& values) {
  return Tensor::FromVector<float>(DType::kF32, std::move(sizes), values);
}
Tensor I64(std::vector<int64_t> sizes, const std::vector<int64_t>& values) {
  return Tensor::FromVector<int64_t>(DType::kI64, std::move(sizes), values);
}
Tensor I64s(const std::vector<int64_t>& values) { return I64({static_cast<int64_t>(values.size())}, values); }

Tensor MakeTensor(DType dtype, std::vector<int64_t> sizes, const std::vector<double>& values) {
  Tensor t(dtype, std::move(sizes));
  EXPECT_EQ(static_cast<int64_t>(values.size()), t.numel());
  for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.numel(); ++i)
    StoreFromDouble(t.view(), static_cast<int64_t>(i), values[i]);
  return t;
}

Tensor Iota(DType dtype, std::vector<int64_t> sizes) {
  Tensor t(dtype, std::move(sizes));
  for (int64_t i = 0; i < t.numel(); ++i) StoreFromDouble(t.view(), i, static_cast<double>(i));
  return t;
}

Tensor Convert(const Tensor& t, DType dtype) {
  Tensor out(dtype, t.sizes());
  for (int64_t i = 0; i < t.numel(); ++i) StoreFromDouble(out.view(), i, t.ElementAsDouble(i));
  return out;
}

Attributes Attr(const std::string& name, AttrValue value) {
  Attributes a;
  a.set(name, std::move(value));
  return a;
}

Tensor RunOne(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs) {
  auto r = RunSingleOp(op, inputs, attrs);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? (*r)[0] : Tensor();
}

std::vector<Tensor> RunAll(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs, int num_outputs) {
  auto r = RunSingleOp(op, inputs, attrs, num_outputs);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : std::vector<Tensor>(static_cast<size_t>(num_outputs));
}

std::string RunError(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs) {
  auto r = RunSingleOp(op, inputs, attrs);
  return r.ok() ? std::string("(no error)") : r.status().message();
}

void ExpectError(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs, const std::string& text,
                 int num_outputs) {
  auto r = RunSingleOp(op, inputs, attrs, num_outputs);
  ASSERT_FALSE(r.ok()) << "expected an error containing '" << text << "'";
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
}

Expected<std::vector<ValueInfo>> InferOneNode(OpKind op, std::vector<ValueInfo> inputs, const Attributes& attrs,
                                              int num_outputs) {
  Node node;
  node.op = op;
  node.name = "n";
  for (size_t i = 0; i < inputs.size(); ++i)
    node.inputs.push_back(inputs[i].dtype == DType::kUndefined ? kNoValue : static_cast<ValueId>(i));
  for (int i = 0; i < num_outputs; ++i) node.outputs.push_back(static_cast<ValueId>(inputs.size()) + i);
  node.attrs = attrs;
  return InferNode(node, std::move(inputs));
}

std::string TestDataPath(const std::string& relative) { return std::string(MRT_TEST_DATA_DIR) + "/" + relative; }
// $MRT_MODELS_DIR overrides the build-time folder (the GPU machine runs binaries built here on
// a copy of the tree at another path).
std::string ModelsPath(const std::string& relative) {
  const char* env = std::getenv("MRT_MODELS_DIR");
  return std::string(env && *env ? env : MRT_MODELS_DIR) + "/" + relative;
}

}  // namespace mrt::testing
