// `mini-rt inspect`: describes a model without running it: inputs and outputs with their shapes,
// how many weights and how many bytes they take, a count per op, then the whole graph, one line
// per node (ir/dump.h). For a plan file also its header (versions,
// target, build record), fusions, memory plan and section table; no GPU needed.
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "ir/dump.h"
#include "ir/onnx/importer.h"
#include "runtime/compiler.h"
#include "runtime/plan/plan_format.h"
#include "runtime/plan/tactic_section.h"

namespace mrt::cli {

namespace {

constexpr std::string_view kName = "inspect";

struct InspectOptions {
  std::string model;
  std::vector<std::string> shapes;
};

// Distinct weight tensors (values may share one) and their total bytes.
std::pair<size_t, uint64_t> CountWeights(const Graph& graph) {
  std::set<const Tensor*> seen;
  uint64_t bytes = 0;
  for (const Value& v : graph.values())
    if (v.is_weight() && seen.insert(v.weight.get()).second) bytes += v.weight->nbytes();
  return {seen.size(), bytes};
}

void PrintDescription(const InspectOptions& opt, const Graph& graph) {
  fmt::print("model:   {}\n", opt.model);
  fmt::print("graph:   '{}', opset {}, {}\n", graph.name, graph.opset,
             Plural(static_cast<int64_t>(graph.CountLiveNodes()), "node"));
  for (ValueId v : graph.inputs)
    fmt::print("input    {}: {}{}\n", graph.value(v).name, DTypeName(graph.value(v).dtype),
               graph.value(v).shape.ToString());
  for (ValueId v : graph.outputs)
    fmt::print("output   {}: {}{}\n", graph.value(v).name, DTypeName(graph.value(v).dtype),
               graph.value(v).shape.ToString());
  const auto [count, bytes] = CountWeights(graph);
  fmt::print("weights: {}, {} ({})\n", Plural(static_cast<int64_t>(count), "tensor"), HumanBytes(bytes),
             Plural(static_cast<int64_t>(bytes), "byte"));
  fmt::print("ops:     {}\n\n", graph.CountLiveNodes() ? OpHistogram(graph) : "none");
  fmt::print("{}", Dump(graph));
}

// --- plans ---

std::string FormatUtc(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(unix_seconds);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

void PrintPlanHeader(const std::string& path, const plan::Plan& p) {
  const plan::BuildRecord& b = p.build;
  fmt::print("plan:     {} (format {}, {}, written by mini-rt {})\n", path, p.format_version,
             Plural(static_cast<int64_t>(p.file_size), "byte"), p.writer_version);
  fmt::print("target:   {}\n", plan::DescribeTarget(p.target));
  fmt::print("built:    {} from {} ({}, xxh64 {:016x})\n", FormatUtc(b.created_unix_seconds), b.model_path,
             Plural(static_cast<int64_t>(b.model_bytes), "byte"), b.model_xxh64);
  fmt::print("command:  {}\n", b.command_line);
  std::vector<std::string> shapes;
  for (const auto& [name, sizes] : b.input_shapes)
    shapes.push_back(name + ":" + fmt::format("{}", fmt::join(sizes, "x")));
  fmt::print("shapes:   {}\n", shapes.empty() ? "as declared by the model" : fmt::format("{}", fmt::join(shapes, ",")));
  fmt::print("precision: {}\n", fmt::join(b.precisions, ", "));
  fmt::print("passes:   {} run; disabled: {}\n", b.passes_run.size(),
             b.passes_disabled.empty() ? "none" : fmt::format("{}", fmt::join(b.passes_disabled, ", ")));
  for (const plan::IoEntry& e : p.io)
    fmt::print("{}   {}: {}{}\n", e.is_output ? "output" : "input ", e.name, DTypeName(e.dtype), e.shape.ToString());
}

void PrintPlanOptimization(const plan::Plan& p) {
  const Graph& g = p.graph;
  const auto [count, bytes] = CountWeights(g);
  fmt::print("weights:  {}, {}\n", Plural(static_cast<int64_t>(count), "tensor"), HumanBytes(bytes));
  fmt::print("nodes:    {} -> {}\n", p.build.nodes_before, g.CountLiveNodes());
  fmt::print("ops:      {}\n", g.CountLiveNodes() ? OpHistogram(g) : "none");
  const RewriteCounts c = CountRewrites(p.build.rewrites);
  std::vector<std::string> kinds;
  for (const auto& [kind, n] : c.fusions_by_kind) kinds.push_back(fmt::format("{}: {}", kind, n));
  fmt::print("fusions:  {}{}\n", c.fusions, kinds.empty() ? "" : fmt::format(" ({})", fmt::join(kinds, ", ")));
  fmt::print("folded:   {}; eliminated: {}\n", Plural(c.folded, "node"), Plural(c.eliminated, "node"));
  if (!p.memory) {
    fmt::print("memory:   not planned (shapes were not static at compile time)\n");
  } else {
    const MemoryPlan& m = *p.memory;
    fmt::print("memory:   arena {}, naive {}, peak live {} (arena/peak {}), {}, alignment {}{}\n",
               HumanBytes(m.arena_bytes), HumanBytes(m.naive_bytes), HumanBytes(m.peak_live_bytes),
               m.peak_live_bytes > 0 ? fmt::format("{:.2f}x", double(m.arena_bytes) / m.peak_live_bytes) : "n/a",
               Plural(m.num_buffers, "buffer"), m.alignment, p.build.memory_planning ? "" : " (--no-memory-plan)");
  }
}

void PrintPlanSections(const plan::Plan& p) {
  fmt::print("sections:\n");
  for (const plan::SectionEntry& s : p.sections)
    fmt::print("  {:<12} offset {:>10}  size {:>10} ({})  xxh64 {:016x}\n", plan::SectionKindName(s.kind), s.offset,
               s.size, HumanBytes(s.size), s.xxh64);
}

void PrintPlanFusions(const plan::Plan& p) {
  bool any = false;
  for (const RewriteRecord& r : p.build.rewrites) {
    if (!IsFusion(r)) continue;
    if (!any) fmt::print("\nfusions applied:\n");
    any = true;
    fmt::print("  {}: {} -> {}\n", r.kind, fmt::join(r.nodes, " + "), r.result);
  }
}

// A CUDA plan's tactics: the family counts, and each layer's tactic in the dump below.
Status PrintPlanTactics(plan::Plan& p) {
  if (p.tactics.empty()) return Status::Ok();
  MRT_ASSIGN_OR_RETURN(plan::TacticTable table, plan::DecodeTacticTable(p.tactics));
  std::map<std::string, int> families;
  float total_ms = 0;
  for (const plan::LayerTactic& l : table.layers) {
    if (l.node < p.graph.nodes().size()) p.graph.node(static_cast<NodeId>(l.node)).tactic = l.tactic;
    if (l.tactic.empty()) continue;
    ++families[l.family];
    total_ms += l.median_ms;
  }
  std::vector<std::string> parts;
  for (const auto& [family, n] : families) parts.push_back(fmt::format("{} {}", family, n));
  fmt::print("\ntactics:  layout {}, precision {}; {}; {:.3f} ms summed over layers as timed by the builder\n",
             table.layout, table.precision, fmt::join(parts, ", "), total_ms);
  return Status::Ok();
}

// Reads the plan without checking its target, so a plan for any device can be inspected here.
Status InspectPlan(const std::string& path) {
  MRT_ASSIGN_OR_RETURN(plan::Plan p, plan::ReadPlanFile(path));
  PrintPlanHeader(path, p);
  PrintPlanOptimization(p);
  PrintPlanSections(p);
  PrintPlanFusions(p);
  MRT_RETURN_IF_ERROR(PrintPlanTactics(p));
  fmt::print("\nlayers:\n{}", Dump(p.graph));
  return Status::Ok();
}

Status Execute(const InspectOptions& opt) {
  MRT_ASSIGN_OR_RETURN(ShapeMap shapes, ParseShapeOptions(opt.shapes));
  if (plan::IsPlanPath(opt.model)) {
    if (!shapes.empty())
      return Status::Errorf("--shapes does not apply to a plan: its shapes were fixed by 'mini-rt compile'");
    return InspectPlan(opt.model);
  }
  MRT_RETURN_IF_ERROR(CheckModelFile(opt.model));
  ImportOptions import_options;
  import_options.input_shapes = shapes;
  MRT_ASSIGN_OR_RETURN(Graph graph, ImportOnnxFile(opt.model, import_options));
  MRT_RETURN_IF_ERROR(CheckShapesAreInputs(graph, shapes));
  PrintDescription(opt, graph);
  return Status::Ok();
}

}  // namespace

Command MakeInspectCommand() {
  auto opt = std::make_shared<InspectOptions>();
  auto sub = std::make_shared<CLI::App*>(nullptr);
  auto add = [opt, sub](CLI::App& app) {
    CLI::App* s = app.add_subcommand(std::string(kName),
                                     "Describe a model or a plan: inputs, outputs, weights, ops, graph (plans: also "
                                     "build record, fusions, memory plan, sections)");
    s->add_option("model", opt->model, "The model: an .onnx file or a .plan from 'mini-rt compile'")->required();
    s->add_option("--shapes", opt->shapes, "Sizes of dynamic inputs, to see static shapes: NAME:1x3x640x640[,...]")
        ->allow_extra_args(false);
    *sub = s;
  };
  auto run = [opt] {
    Status s = Execute(*opt);
    return s.ok() ? 0 : Fail(kName, s);
  };
  return Command{add, [sub] { return *sub && (*sub)->parsed(); }, run};
}

}  // namespace mrt::cli
