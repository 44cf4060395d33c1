// One ONNX node test (a folder holding model.onnx and test_data_set_*/{input,output}_N.pb): run
// it on the reference backend and judge the result.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ir/dtype.h"

namespace mrt::conformance {

enum class Outcome { kPassed, kFailed, kSkipped };
std::string_view OutcomeName(Outcome o);  // "PASSED", "FAILED", "SKIPPED"

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-5;
};

struct CaseResult {
  std::string name;  // the folder name, e.g. "test_relu"
  Outcome outcome = Outcome::kFailed;
  std::string reason;      // one line; for a skip, a groupable "unsupported op: GRU" / "unsupported dtype: STRING"
  std::set<DType> dtypes;  // dtypes of the graph's inputs and outputs (when it imported)
  std::vector<std::string> ops;  // ONNX op types the test is about (see OpsOfTest)
  double seconds = 0;
};

// Imports dir/model.onnx, runs every test_data_set_* and compares each output with output_N.pb:
// same dtype and shape, |actual - expected| <= atol + rtol * |expected| elementwise, NaN equal to
// NaN. SKIPPED when the importer (or a test-data file) reports an unsupported op or dtype,
// FAILED on any other error or a mismatch. Fills outcome, reason and dtypes.
void RunCase(const std::string& dir, const Tolerance& tol, CaseResult& result);

// The distinct op types of a model's nodes, in order of first use; empty when it cannot be read.
std::vector<std::string> ModelOpTypes(const std::string& model_path);

// The op types a test is about: those of its own model, or for an "_expanded" test (the op's
// function body spelled out in primitive ops) those of the test it expands when that exists.
std::vector<std::string> OpsOfTest(const std::string& data_dir, const std::string& test_name);

// If `message` says an op or a dtype is unsupported, the skip reason to group by ("unsupported
// op: GRU, LSTM", "unsupported dtype: STRING", "unsupported type: sequence"); else empty.
std::string SkipReason(const std::string& message);

}  // namespace mrt::conformance
