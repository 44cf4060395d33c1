// Helpers shared by the test suites: random tensors, comparison with tolerances, and building
// small graphs by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ir/graph.h"
#include "ir/infer_shapes.h"
#include "runtime/reference_backend.h"

namespace mrt::testing {

// Uniform random values in [lo, hi) for float dtypes, integers in [lo, hi) for integer dtypes.
Tensor RandomTensor(DType dtype, std::vector<int64_t> sizes, uint64_t seed, double lo = -1.0, double hi = 1.0);

// Largest absolute difference over the largest magnitude of `expected` (0 when both are zero).
struct Closeness {
  double max_abs_error = 0;
  double max_ref_magnitude = 0;
  double relative() const { return max_ref_magnitude > 0 ? max_abs_error / max_ref_magnitude : max_abs_error; }
};
Closeness Compare(const Tensor& actual, const Tensor& expected);

// gtest assertion: same dtype and sizes and |a - e| <= atol + rtol * |e| elementwise (NaNs must
// match). The message names the first mismatch.
::testing::AssertionResult AllClose(const Tensor& actual, const Tensor& expected, double rtol = 1e-5,
                                    double atol = 1e-6);

// Runs a single node of `op` on the reference backend: inputs are named in0, in1, ... (an empty
// Tensor marks an absent optional input), outputs out0, out1, ...
Expected<std::vector<Tensor>> RunSingleOp(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs,
                                          int num_outputs = 1);

// ---- Building small tensors by hand ----

// f32 / i64 tensor of `sizes` from `values` (bytes copied; no check that the count matches numel).
Tensor F32(std::vector<int64_t> sizes, const std::vector<float>& values);
Tensor I64(std::vector<int64_t> sizes, const std::vector<int64_t>& values);
// 1-D i64 tensor holding `values` (axes, shapes, indices...).
Tensor I64s(const std::vector<int64_t>& values);
// Tensor of `dtype` and `sizes` with element i = values[i] (converted from double); EXPECTs that
// the number of values equals numel.
Tensor MakeTensor(DType dtype, std::vector<int64_t> sizes, const std::vector<double>& values);
// 0, 1, 2, ... in any dtype.
Tensor Iota(DType dtype, std::vector<int64_t> sizes);
// `t` converted elementwise to `dtype` (through double).
Tensor Convert(const Tensor& t, DType dtype);
// One attribute. (For several, see Attrs in graph_builder.h.)
Attributes Attr(const std::string& name, AttrValue value);

// ---- Running one op (on RunSingleOp) ----

// Runs the op, EXPECTs success and returns the first output (an empty Tensor on failure).
Tensor RunOne(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs = {});
// Runs the op, EXPECTs success and returns all `num_outputs` outputs (empty Tensors on failure).
std::vector<Tensor> RunAll(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs = {},
                           int num_outputs = 1);
// Runs the op and returns its error message, or "(no error)" when it succeeds.
std::string RunError(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs = {});
// Runs the op expecting an error whose message contains `text` (ASSERTs that it fails).
void ExpectError(OpKind op, const std::vector<Tensor>& inputs, const Attributes& attrs, const std::string& text,
                 int num_outputs = 1);

// Runs RunSingleOp(...) into `const std::vector<Tensor>& var`, ASSERTing success (with the error).
#define MRT_RUN_OK(var, ...)                                         \
  auto var##_result = ::mrt::testing::RunSingleOp(__VA_ARGS__);      \
  ASSERT_TRUE(var##_result.ok()) << var##_result.status().message(); \
  const std::vector<Tensor>& var = *var##_result

// Runs static shape inference of one `op` node: input i is value i (kNoValue where inputs[i] has
// dtype kUndefined, i.e. absent), outputs are the values after the inputs.
Expected<std::vector<ValueInfo>> InferOneNode(OpKind op, std::vector<ValueInfo> inputs, const Attributes& attrs = {},
                                              int num_outputs = 1);

std::string TestDataPath(const std::string& relative);  // tests/data/<relative>
std::string ModelsPath(const std::string& relative);    // models/<relative>

}  // namespace mrt::testing
