// `mini-rt compile`: imports an ONNX model, optimizes it (passes/pipeline), plans its memory and
// writes a plan file (runtime/plan); prints what the optimizer did and, with --report, writes
// the same numbers as JSON.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/gpu_backend.h"
#include "ir/output_file.h"
#include "passes/pipeline.h"
#include "runtime/compiler.h"

namespace mrt::cli {

namespace {

constexpr std::string_view kName = "compile";

struct CompileCliOptions {
  std::string model, output, device, report;  // device "": DefaultDevice()
  std::vector<std::string> shapes, disabled_passes;
  bool verbose = false, no_memory_plan = false;
  GpuCompileOptions gpu;
};

// The command line as the user typed it (Linux: /proc/self/cmdline), else rebuilt from options.
std::string CommandLine(const CompileCliOptions& opt) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  if (!args.empty()) {
    args[0] = "mini-rt";
    return fmt::format("{}", fmt::join(args, " "));
  }
  std::string line = fmt::format("mini-rt compile {} -o {} --device {}", opt.model, opt.output, opt.device);
  for (const std::string& s : opt.shapes) line += " --shapes " + s;
  for (const std::string& p : opt.disabled_passes) line += " --disable-pass " + p;
  if (opt.no_memory_plan) line += " --no-memory-plan";
  return line;
}

std::string Ratio(int64_t num, int64_t den) { return den > 0 ? fmt::format("{:.2f}x", double(num) / den) : "n/a"; }

std::string FusionLine(const RewriteCounts& c) {
  if (c.fusions_by_kind.empty()) return "none";
  std::vector<std::pair<std::string, int64_t>> rows(c.fusions_by_kind.begin(), c.fusions_by_kind.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (const auto& [kind, n] : rows) parts.push_back(fmt::format("{}: {}", kind, n));
  return fmt::format("{} ({})", c.fusions, fmt::join(parts, ", "));
}

std::string MemoryLine(const plan::Plan& plan, const CompileSummary& s) {
  if (!plan.memory) return "not planned: " + s.memory_note;
  const MemoryPlan& m = *plan.memory;
  return fmt::format("arena {}, naive {}, peak live {} (arena/peak {}), {}{}", HumanBytes(m.arena_bytes),
                     HumanBytes(m.naive_bytes), HumanBytes(m.peak_live_bytes), Ratio(m.arena_bytes, m.peak_live_bytes),
                     Plural(m.num_buffers, "buffer"),
                     plan.build.memory_planning ? "" : " (--no-memory-plan: no reuse)");
}

void PrintSummary(const CompileCliOptions& opt, const CompileResult& r, double write_ms) {
  const CompileSummary& s = r.summary;
  fmt::print("model:    {} (graph '{}', opset {})\n", opt.model, r.plan.graph.name, r.plan.graph.opset);
  fmt::print("plan:     {} ({}) for {}\n", opt.output, HumanBytes(r.plan.file_size),
             plan::DescribeTarget(r.plan.target));
  fmt::print("nodes:    {} -> {}\n", s.nodes_before, s.nodes_after);
  fmt::print("fusions:  {}\n", FusionLine(s.counts));
  fmt::print("folded:   {}; eliminated: {}\n", Plural(s.counts.folded, "node"), Plural(s.counts.eliminated, "node"));
  fmt::print("memory:   {}\n", MemoryLine(r.plan, s));
  if (!s.passes_disabled.empty()) fmt::print("disabled: {}\n", fmt::join(s.passes_disabled, ", "));
  fmt::print("time:     {:.1f} ms (import {:.1f}, passes {:.1f}, memory {:.1f}, write {:.1f})\n", s.total_ms + write_ms,
             s.import_ms, s.passes_ms, s.memory_ms, write_ms);
}

nlohmann::json ReportJson(const CompileCliOptions& opt, const CompileResult& r, double write_ms) {
  const CompileSummary& s = r.summary;
  nlohmann::json j;
  j["model"] = opt.model;
  j["plan"] = opt.output;
  j["plan_bytes"] = r.plan.file_size;
  j["target"] = plan::DescribeTarget(r.plan.target);
  j["nodes_before"] = s.nodes_before;
  j["nodes_after"] = s.nodes_after;
  j["ops_before"] = s.ops_before;
  j["ops_after"] = s.ops_after;
  j["fusions"] = nlohmann::json::array();
  for (const RewriteRecord& rw : s.rewrites)
    if (IsFusion(rw))
      j["fusions"].push_back({{"kind", rw.kind}, {"pass", rw.pass}, {"nodes", rw.nodes}, {"result", rw.result}});
  j["fusion_counts"] = s.counts.fusions_by_kind;
  j["folded"] = s.counts.folded;
  j["eliminated"] = s.counts.eliminated;
  nlohmann::json memory = {{"planned", r.plan.memory.has_value()}, {"reuse", r.plan.build.memory_planning}};
  if (r.plan.memory) {
    const MemoryPlan& m = *r.plan.memory;
    memory.update({{"arena_bytes", m.arena_bytes},
                   {"naive_bytes", m.naive_bytes},
                   {"peak_live_bytes", m.peak_live_bytes},
                   {"num_buffers", m.num_buffers},
                   {"alignment", m.alignment}});
  } else {
    memory["note"] = s.memory_note;
  }
  j["memory"] = memory;
  j["passes_run"] = s.passes_run;
  j["passes_disabled"] = s.passes_disabled;
  j["timing_ms"] = {{"import", s.import_ms},
                    {"passes", s.passes_ms},
                    {"memory", s.memory_ms},
                    {"write", write_ms},
                    {"total", s.total_ms + write_ms}};
  return j;
}

Status WriteReport(const std::string& path, const nlohmann::json& report) {
  return WriteOutputFile(path, report.dump(2) + "\n", "--report");
}

// Every file compile writes is checked before the long work starts (import, passes, tuning).
Status CheckOutputPaths(const CompileCliOptions& opt) {
  std::error_code ec;
  if (std::filesystem::exists(opt.output, ec) && std::filesystem::equivalent(opt.model, opt.output, ec))
    return Status::Errorf("-o {}: that is the model itself; choose another output file", opt.output);
  MRT_RETURN_IF_ERROR(CheckOutputPath(opt.output, "-o"));
  if (!opt.report.empty()) {
    if (opt.report == opt.output)
      return Status::Errorf("--report {}: is also the -o plan file; choose another", opt.report);
    MRT_RETURN_IF_ERROR(CheckOutputPath(opt.report, "--report"));
  }
  if (opt.device == "cuda" && !opt.gpu.timing_cache.empty())
    MRT_RETURN_IF_ERROR(CheckOutputPath(opt.gpu.timing_cache, "--timing-cache"));
  return Status::Ok();
}

Status CheckGpuFlags(const CompileCliOptions& opt) {
  if (opt.device == "cuda") return Status::Ok();
  const char* flag = opt.gpu.fp16                    ? "--fp16"
                     : opt.gpu.no_tf32               ? "--no-tf32"
                     : !opt.gpu.timing_cache.empty() ? "--timing-cache"
                                                     : nullptr;
  if (flag) return Status::Errorf("{} applies to --device cuda, but this plan is for --device {}", flag, opt.device);
  return Status::Ok();
}

Status Execute(CompileCliOptions opt) {
  if (opt.device.empty()) opt.device = DefaultDevice();
  MRT_RETURN_IF_ERROR(CheckGpuFlags(opt));
  MRT_RETURN_IF_ERROR(CheckOutputPaths(opt));
  CompileOptions options;
  options.model_path = opt.model;
  MRT_ASSIGN_OR_RETURN(options.input_shapes, ParseShapeOptions(opt.shapes));
  options.device = opt.device;
  options.disabled_passes.insert(opt.disabled_passes.begin(), opt.disabled_passes.end());
  if (options.disabled_passes.count(kLayoutNhwcPass)) opt.gpu.layout = "nchw";
  if (opt.gpu.fp16 && options.disabled_passes.count(kPrecisionFp16Pass))
    return Status::Errorf("--disable-pass {} contradicts --fp16 (drop one of them)", kPrecisionFp16Pass);
  options.memory_plan = !opt.no_memory_plan;
  options.verbose = opt.verbose;
  opt.gpu.verbose = opt.verbose;
  options.log = &std::cerr;
  options.command_line = CommandLine(opt);
  options.writer_version = std::string(kVersion);
  options.resolve_target = ResolveTarget;
  MRT_RETURN_IF_ERROR(CheckModelFile(opt.model));
  MRT_ASSIGN_OR_RETURN(CompileResult result, CompileModel(options));
  nlohmann::json gpu_report;
  if (opt.device == "cuda") {
    MRT_ASSIGN_OR_RETURN(gpu_report, BuildForGpu(result, opt.gpu));
  }

  const int64_t write_start = NowNs();
  MRT_RETURN_IF_ERROR(plan::WritePlanFile(opt.output, result.plan, "-o"));
  const double write_ms = MsSince(write_start);
  if (!opt.report.empty()) {
    nlohmann::json report = ReportJson(opt, result, write_ms);
    if (!gpu_report.is_null()) {
      report["gpu"] = gpu_report;
      for (const char* key : {"build_seconds", "timing_cache", "families", "layout", "precision"})
        report[key] = gpu_report[key];
    }
    MRT_RETURN_IF_ERROR(WriteReport(opt.report, report));
  }
  PrintSummary(opt, result, write_ms);
  return Status::Ok();
}

}  // namespace

Command MakeCompileCommand() {
  auto opt = std::make_shared<CompileCliOptions>();
  auto sub = std::make_shared<CLI::App*>(nullptr);
  auto add = [opt, sub](CLI::App& app) {
    CLI::App* s = app.add_subcommand(std::string(kName), "Optimize an ONNX model and write a plan file");
    s->add_option("model", opt->model, "The model: an .onnx file")->required();
    s->add_option("-o,--output", opt->output, "The plan file to write")->required();
    s->add_option("--device", opt->device,
                  "What the plan runs on: cpu (reference kernels) or cuda (default when a GPU is present)")
        ->check(CLI::IsMember({"cpu", "cuda"}));
    s->add_flag("--fp16", opt->gpu.fp16, "cuda: compute in FP16 (FP32 accumulation; I/O stays FP32)");
    s->add_flag("--no-tf32", opt->gpu.no_tf32, "cuda: strict FP32 (no TF32 tensor-core math)");
    s->add_option("--timing-cache", opt->gpu.timing_cache, "cuda: read and update measured tactic times in FILE");
    s->add_option("--layout", opt->gpu.layout, "cuda: activation layout: auto (timed), nchw or nhwc")
        ->check(CLI::IsMember({"auto", "nchw", "nhwc"}))
        ->capture_default_str();
    s->add_option("--shapes", opt->shapes, "Sizes of dynamic inputs: NAME:1x3x640x640[,NAME:DIMS...]")
        ->allow_extra_args(false);
    s->add_option("--disable-pass", opt->disabled_passes, "Switch an optimization pass off (repeatable)")
        ->allow_extra_args(false);
    s->add_flag("--no-memory-plan", opt->no_memory_plan, "Give every tensor its own memory (no reuse)");
    s->add_option("--report", opt->report, "Write what the optimizer did as JSON to FILE");
    s->add_flag("--verbose,-v", opt->verbose, "Log every rewrite (and, for cuda, every tactic timing) on stderr");
    *sub = s;
  };
  auto run = [opt] {
    Status s = Execute(*opt);
    return s.ok() ? 0 : Fail(kName, s);
  };
  return Command{add, [sub] { return *sub && (*sub)->parsed(); }, run};
}

}  // namespace mrt::cli
