// The pass interface. A pass is one graph transformation in one file:
//   bool Run<Name>(Graph&, PassContext&)   returns whether it changed the graph.
// Passes know nothing of kernels: where one needs to evaluate an op (constant folding) it calls
// PassContext::evaluate, which the caller (runtime/) wires to the reference kernels.
#pragma once

#include <functional>
#include <iosfwd>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace mrt {

// One rewrite that merged or removed nodes, for `--verbose` logs and the compile report.
struct RewriteRecord {
  std::string pass;                // "fold_batchnorm"
  std::string kind;                // "Conv+BatchNormalization", "Conv+Relu", "constant", ...
  std::vector<std::string> nodes;  // names of the nodes it consumed
  std::string result;              // name of the node (or value) it produced
};

// Computes a node's outputs from known input tensors (absent optional inputs are nullptr).
using NodeEvaluator =
    std::function<Expected<std::vector<Tensor>>(const Node& node, const std::vector<const Tensor*>& inputs)>;

class PassContext {
 public:
  bool verbose = false;
  std::ostream* log = nullptr;            // where --verbose lines go (stderr in the CLI)
  std::set<std::string> disabled;         // pass names switched off with --disable-pass
  bool verify_after_each = false;         // run Verify after every pass (tests, debug builds)
  NodeEvaluator evaluate;                 // for constant folding; folding is skipped when unset
  int64_t max_folded_bytes = 64ll << 20;  // never materialize a folded constant larger than this

  std::vector<RewriteRecord> rewrites;

  // Records a rewrite and logs it under --verbose as
  //   "fuse: Conv_3 + BatchNormalization_4 + Relu_5 -> ConvAct_3".
  void Record(std::string pass, std::string kind, std::vector<std::string> nodes, std::string result);
  void Logf(const std::string& line) const;  // a --verbose line
};

using PassFn = bool (*)(Graph&, PassContext&);

struct PassInfo {
  const char* name;     // what --disable-pass takes
  PassFn run;
  const char* summary;  // one line for --help and docs
};

}  // namespace mrt
