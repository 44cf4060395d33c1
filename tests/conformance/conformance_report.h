// The conformance run's report: docs/operators.md, the op support matrix generated from the
// results (see README.md in this folder).
#pragma once

#include <string>
#include <vector>

#include "ir/status.h"
#include "tests/conformance/conformance_case.h"

namespace mrt::conformance {

struct RunSummary {
  int passed = 0, failed = 0, skipped = 0;
  std::string data_dir;
  Tolerance tolerance;
  std::string doc_command;  // how the doc was made: "mrt_conformance --write-doc docs/operators.md"
  std::string appendix;     // markdown appended verbatim (may be empty)
};

// The text of `path` into `text` ("" leaves it empty); an error names the file.
Status ReadAppendix(const std::string& path, std::string& text);

// Markdown: the summary line, one row per OpKind of the op table (passed / failed / skipped,
// the dtypes of its passing tests, notes on skips and failures), ONNX ops the table does not
// know, the failing tests with reasons and the skipped ones grouped by reason.
std::string RenderOperatorsDoc(const std::vector<CaseResult>& results, const RunSummary& summary);

// Writes `text` to `path` (through path.tmp and a rename, so a failure leaves the old file).
Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace mrt::conformance
