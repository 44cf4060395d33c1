#include "runtime/compiler.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <xxhash.h>

#include "ir/onnx/importer.h"
#include "ir/op_table.h"
#include "ir/verify.h"
#include "passes/pipeline.h"
#include "runtime/reference_backend.h"

namespace mrt {

namespace {

// Rewrites that only simplify (evaluate constants, drop no-ops and unused nodes) rather than
// merge work into fewer, bigger kernels. Everything else counts as a fusion.
bool IsFolding(const RewriteRecord& r) { return r.pass == "fold_constants" || r.pass == "fold_shape_arithmetic"; }
bool IsElimination(const RewriteRecord& r) { return r.pass == "eliminate_identity" || r.pass == "eliminate_dead_code"; }

double MsBetween(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

Expected<std::string> ReadModelBytes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Errorf("{}: no such file", path);
  if (!std::filesystem::is_regular_file(path, ec)) return Status::Errorf("{}: not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Errorf("{}: cannot open the file for reading", path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Errorf("{}: reading the file failed", path);
  return std::move(bytes).str();
}

plan::BuildRecord MakeBuildRecord(const CompileOptions& opt, const std::string& model_bytes, const Graph& imported) {
  plan::BuildRecord b;
  b.model_path = opt.model_path;
  b.model_xxh64 = XXH64(model_bytes.data(), model_bytes.size(), 0);
  b.model_bytes = model_bytes.size();
  b.precisions = {"fp32"};
  b.input_shapes.assign(opt.input_shapes.begin(), opt.input_shapes.end());
  b.command_line = opt.command_line;
  b.passes_disabled.assign(opt.disabled_passes.begin(), opt.disabled_passes.end());
  for (const PassInfo& p : AllPasses())
    if (!opt.disabled_passes.count(p.name)) b.passes_run.emplace_back(p.name);
  b.memory_planning = opt.memory_plan;
  b.created_unix_seconds = static_cast<int64_t>(std::time(nullptr));
  b.nodes_before = static_cast<int64_t>(imported.CountLiveNodes());
  for (const auto& [op, count] : OpCounts(imported)) b.ops_before.emplace_back(op, count);
  return b;
}

Status RunPasses(const CompileOptions& opt, Graph& graph, std::vector<RewriteRecord>& rewrites) {
  PassContext ctx;
  ctx.verbose = opt.verbose;
  ctx.log = opt.log;
  ctx.disabled = opt.disabled_passes;
  ctx.evaluate = MakeReferenceEvaluator();
  ctx.verify_after_each = true;  // a pass that breaks the graph is named at compile time
  MRT_RETURN_IF_ERROR(RunPipeline(graph, ctx));
  graph.Compact();
  MRT_RETURN_IF_ERROR(Verify(graph).WithContext("after the optimization passes: "));
  rewrites = std::move(ctx.rewrites);
  return Status::Ok();
}

// Plans memory when every activation has a static shape. A graph whose shapes depend on
// unknown sizes gets no memory plan (the note says why); it then runs with one tensor per value.
Status PlanGraphMemory(const CompileOptions& opt, plan::Plan& plan, CompileSummary& summary) {
  MemoryPlanOptions options;
  options.enabled = opt.memory_plan;
  Expected<MemoryPlan> memory = PlanMemory(plan.graph, options);
  if (!memory.ok()) {
    summary.memory_note = memory.status().message();
    return Status::Ok();
  }
  MRT_RETURN_IF_ERROR(
      CheckMemoryPlan(plan.graph, *memory).WithContext("internal error: the memory planner made an unsafe plan: "));
  plan.memory = std::move(*memory);
  return Status::Ok();
}

}  // namespace

bool IsFusion(const RewriteRecord& rewrite) { return !IsFolding(rewrite) && !IsElimination(rewrite); }

RewriteCounts CountRewrites(const std::vector<RewriteRecord>& rewrites) {
  RewriteCounts c;
  for (const RewriteRecord& r : rewrites) {
    if (IsFolding(r)) {
      ++c.folded;
    } else if (IsElimination(r)) {
      ++c.eliminated;
    } else {
      ++c.fusions;
      ++c.fusions_by_kind[r.kind];
    }
  }
  return c;
}

std::map<std::string, int64_t> OpCounts(const Graph& graph) {
  std::map<std::string, int64_t> counts;
  for (const Node& n : graph.nodes())
    if (!n.dead) ++counts[std::string(OpName(n.op))];
  return counts;
}

Expected<CompileResult> CompileModel(const CompileOptions& opt) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  MRT_ASSIGN_OR_RETURN(plan::PlanTarget target,
                       opt.resolve_target ? opt.resolve_target(opt.device) : plan::CurrentTarget(opt.device));
  MRT_RETURN_IF_ERROR(CheckPassNames(opt.disabled_passes));

  MRT_ASSIGN_OR_RETURN(const std::string model_bytes, ReadModelBytes(opt.model_path));
  ImportOptions import_options;
  import_options.input_shapes = opt.input_shapes;
  const std::filesystem::path dir = std::filesystem::path(opt.model_path).parent_path();
  MRT_ASSIGN_OR_RETURN(Graph graph,
                       ImportOnnxBytes(model_bytes, dir.empty() ? "." : dir.string(), opt.model_path, import_options));
  for (const auto& [name, sizes] : opt.input_shapes) {
    auto id = graph.FindValue(name);
    if (!id || !graph.value(*id).is_graph_input)
      return Status::Errorf("--shapes names '{}', which is not an input of the model", name);
  }
  const auto imported = Clock::now();

  CompileResult result;
  CompileSummary& s = result.summary;
  plan::Plan& plan = result.plan;
  plan.writer_version = opt.writer_version;
  plan.target = std::move(target);
  plan.build = MakeBuildRecord(opt, model_bytes, graph);
  s.nodes_before = plan.build.nodes_before;
  s.ops_before = OpCounts(graph);

  MRT_RETURN_IF_ERROR(RunPasses(opt, graph, s.rewrites));
  const auto optimized = Clock::now();
  plan.graph = std::move(graph);
  plan.build.rewrites = s.rewrites;
  MRT_RETURN_IF_ERROR(PlanGraphMemory(opt, plan, s));
  const auto planned = Clock::now();

  plan.io = plan::IoTableOf(plan.graph);
  s.nodes_after = static_cast<int64_t>(plan.graph.CountLiveNodes());
  s.ops_after = OpCounts(plan.graph);
  s.counts = CountRewrites(s.rewrites);
  s.passes_run = plan.build.passes_run;
  s.passes_disabled = plan.build.passes_disabled;
  s.import_ms = MsBetween(start, imported);
  s.passes_ms = MsBetween(imported, optimized);
  s.memory_ms = MsBetween(optimized, planned);
  s.total_ms = MsBetween(start, planned);
  return result;
}

}  // namespace mrt
