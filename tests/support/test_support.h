// Helpers shared by the test suites: random tensors, comparison with tolerances, and building
// small graphs by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ir/graph.h"
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

std::string TestDataPath(const std::string& relative);  // tests/data/<relative>
std::string ModelsPath(const std::string& relative);    // models/<relative>

}  // namespace mrt::testing
