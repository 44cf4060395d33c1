// The compile driver behind `mini-rt compile`: import the model (specialized to the given input
// shapes) -> run the optimization pipeline -> plan activation memory -> a Plan ready to write,
// plus the numbers the summary and the --report JSON show.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/input_data.h"
#include "runtime/plan/plan_format.h"

namespace mrt {

struct CompileOptions {
  std::string model_path;
  ShapeMap input_shapes;                  // --shapes
  std::string device = "cpu";             // --device; only "cpu" in a build without CUDA
  std::set<std::string> disabled_passes;  // --disable-pass (checked against the pipeline's names)
  bool memory_plan = true;                // false: --no-memory-plan (one slot per value, no sharing)
  bool verbose = false;
  std::ostream* log = nullptr;  // where --verbose lines go
  std::string command_line;     // recorded in the plan's build record
  std::string writer_version;   // mini-rt's version string
  // How to find the target for `device` (the CUDA CLI passes the GPU runtime's); unset:
  // plan::CurrentTarget, which knows only the CPU.
  std::function<Expected<plan::PlanTarget>(std::string_view device)> resolve_target;
};

// Rewrites split by what they did: fusions (by kind), and the folding and elimination counts.
struct RewriteCounts {
  std::map<std::string, int64_t> fusions_by_kind;  // "Conv+Relu" -> 16
  int64_t fusions = 0;
  int64_t folded = 0;      // constant and shape folding (fold_constants, fold_shape_arithmetic)
  int64_t eliminated = 0;  // identity and dead-code elimination
};
bool IsFusion(const RewriteRecord& rewrite);
RewriteCounts CountRewrites(const std::vector<RewriteRecord>& rewrites);

// "op -> count" of the live nodes.
std::map<std::string, int64_t> OpCounts(const Graph& graph);

struct CompileSummary {
  int64_t nodes_before = 0, nodes_after = 0;
  std::map<std::string, int64_t> ops_before, ops_after;
  std::vector<RewriteRecord> rewrites;  // every rewrite, in order
  RewriteCounts counts;
  std::vector<std::string> passes_run, passes_disabled;
  std::string memory_note;  // why the plan has no memory plan ("" when it has one)
  double import_ms = 0, passes_ms = 0, memory_ms = 0, total_ms = 0;
};

struct CompileResult {
  plan::Plan plan;
  CompileSummary summary;
};

// Compiles a model file into a Plan (not yet written: plan::WritePlanFile). Errors are one line:
// a bad model, an unknown pass, a device this build cannot target, a pass that broke the graph.
Expected<CompileResult> CompileModel(const CompileOptions& options);

}  // namespace mrt
