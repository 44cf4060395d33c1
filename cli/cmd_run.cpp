// `mini-rt run`: runs an ONNX model or a plan file (`mini-rt compile`) on inputs from .npy files
// (seeded random data for the inputs not given) and prints a summary; with --output-dir writes
// each output as .npy. --device picks the backend: cpu (the reference kernels; a plan runs out of
// the memory arena its memory plan lays out) or cuda (the plan's tuned tactics on the GPU; for a
// model, compiled in memory first). The default is the plan's device, or for a model cuda when a
// GPU is present.
#include <filesystem>
#include <memory>
#include <set>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/gpu_backend.h"
#include "ir/dump.h"
#include "ir/onnx/importer.h"
#include "ir/output_file.h"
#include "runtime/latency_stats.h"
#include "runtime/npy.h"
#include "runtime/plan/plan_format.h"
#include "runtime/reference_backend.h"

namespace mrt::cli {

namespace {

constexpr std::string_view kName = "run";

struct RunOptions {
  std::string model;
  std::string device;               // "": the plan's device, or DefaultDevice() for a model
  std::vector<std::string> inputs;  // NAME=FILE.npy
  std::vector<std::string> shapes;  // trtexec --shapes syntax
  std::string output_dir;
  uint64_t seed = 1;
  bool verbose = false;
  GpuRunOptions gpu;          // --iterations, --warmup, --cuda-graph, --profile, --json
  GpuCompileOptions compile;  // a model run on cuda is compiled in memory first (--fp16, --no-tf32)
};

struct InputFile {
  std::string name, path;
};

// "x=data/x.npy" -> {x, data/x.npy}; the name ends at the first '='.
Expected<std::vector<InputFile>> ParseInputOptions(const std::vector<std::string>& specs) {
  std::vector<InputFile> files;
  std::set<std::string> seen;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return Status::Errorf("bad --input '{}': expected NAME=FILE.npy", spec);
    InputFile f{spec.substr(0, eq), spec.substr(eq + 1)};
    if (!seen.insert(f.name).second) return Status::Errorf("bad --input: input '{}' is given twice", f.name);
    files.push_back(std::move(f));
  }
  return files;
}

// A user-supplied tensor must have the input's dtype, its rank and static dims, and the sizes
// --shapes gave for it.
Status CheckGivenInput(const Value& input, const Tensor& t, const std::string& path, const ShapeMap& shapes) {
  const std::string got = fmt::format("{}{}", DTypeName(t.dtype()), SizesToString(t.sizes()));
  const std::string want = fmt::format("{}{}", DTypeName(input.dtype), input.shape.ToString());
  if (t.dtype() != input.dtype)
    return Status::Errorf("--input {}={}: the file holds {} but input '{}' is {}", input.name, path, got, input.name,
                          want);
  // --shapes first: the importer has already written those sizes into the input's shape.
  auto given = shapes.find(input.name);
  if (given != shapes.end() && given->second != t.sizes())
    return Status::Errorf("--input {}={}: the file holds {} but --shapes gives {}", input.name, path, got,
                          SizesToString(given->second));
  bool fits = input.shape.unknown_rank() || t.rank() == input.shape.rank();
  for (size_t d = 0; fits && !input.shape.unknown_rank() && d < t.rank(); ++d)
    fits = !input.shape[d].is_static() || input.shape[d].size == t.sizes()[d];
  if (!fits)
    return Status::Errorf("--input {}={}: the file holds {} but input '{}' is {}", input.name, path, got, input.name,
                          want);
  return Status::Ok();
}

Status ReadInputFiles(const Graph& graph, const std::vector<InputFile>& files, const ShapeMap& shapes,
                      TensorMap& inputs) {
  for (const InputFile& f : files) {
    auto id = graph.FindValue(f.name);
    if (!id || !graph.value(*id).is_graph_input)
      return Status::Errorf("--input {}={}: the model has no input named '{}' (inputs: {})", f.name, f.path, f.name,
                            InputNames(graph));
    MRT_ASSIGN_OR_RETURN(Tensor t, ReadNpy(f.path));
    MRT_RETURN_IF_ERROR(CheckGivenInput(graph.value(*id), t, f.path, shapes));
    inputs[f.name] = std::move(t);
  }
  return Status::Ok();
}

// Writes outputs in model order to dir/<sanitised name>.npy; when two names sanitise to the same
// file the later one gets "-1", "-2", ... appended. Returns the path written for each output.
Expected<std::map<std::string, std::string>> WriteOutputs(const Graph& graph, const TensorMap& outputs,
                                                          const std::string& dir) {
  MRT_RETURN_IF_ERROR(CreateOutputDir(dir, "--output-dir"));
  std::map<std::string, std::string> written;
  std::set<std::string> used;
  for (ValueId v : graph.outputs) {
    const std::string& name = graph.value(v).name;
    const std::string base = SanitizeFileName(name);
    std::string file = base + ".npy";
    for (int n = 1; !used.insert(file).second; ++n) file = fmt::format("{}-{}.npy", base, n);
    const std::string path = (std::filesystem::path(dir) / file).string();
    MRT_RETURN_IF_ERROR(WriteNpy(path, outputs.at(name), "--output-dir"));
    written[name] = path;
  }
  return written;
}

struct RunResult {
  TensorMap inputs, outputs;
  std::vector<std::string> random_inputs;
  std::map<std::string, std::string> input_files, output_files;
  double load_ms = 0, run_ms = 0;
  std::string load_what = "import";  // "import" (.onnx) or "load" (plan)
  std::string plan_line;             // what the plan is, for plans
};

void PrintSummary(const RunOptions& opt, const Graph& graph, const RunResult& r) {
  fmt::print("model:   {} (graph '{}', opset {}, {})\n", opt.model, graph.name, graph.opset,
             Plural(static_cast<int64_t>(graph.CountLiveNodes()), "node"));
  if (!r.plan_line.empty()) fmt::print("plan:    {}\n", r.plan_line);
  fmt::print("device:  {}\n", opt.device == "cuda" ? "cuda" : "cpu (reference kernels)");
  for (ValueId v : graph.inputs) {
    const std::string& name = graph.value(v).name;
    auto file = r.input_files.find(name);
    const std::string source =
        file != r.input_files.end() ? "from " + file->second : fmt::format("random, seed {}", opt.seed);
    fmt::print("input    {}: {} ({})\n", name, DescribeTensor(r.inputs.at(name)), source);
  }
  for (ValueId v : graph.outputs) {
    const std::string& name = graph.value(v).name;
    auto file = r.output_files.find(name);
    fmt::print("output   {}: {}{}\n", name, DescribeTensor(r.outputs.at(name)),
               file != r.output_files.end() ? " -> " + file->second : "");
  }
  fmt::print("time:    run {:.3f} ms, {} {:.3f} ms\n", r.run_ms, r.load_what, r.load_ms);
}

// Reads the given input files and fills the others with seeded random data.
Status PrepareInputs(const RunOptions& opt, const Graph& graph, const std::vector<InputFile>& files,
                     const ShapeMap& shapes, RunResult& r) {
  MRT_RETURN_IF_ERROR(CheckShapesAreInputs(graph, shapes));
  MRT_RETURN_IF_ERROR(ReadInputFiles(graph, files, shapes, r.inputs));
  for (const InputFile& f : files) r.input_files[f.name] = f.path;
  MRT_ASSIGN_OR_RETURN(r.random_inputs, AddRandomInputs(graph, shapes, opt.seed, r.inputs));
  for (const std::string& name : r.random_inputs)
    fmt::print("note: input '{}' was not given (--input {}=FILE.npy): using seeded random data ({}, seed {})\n", name,
               name, RandomDistributionName(graph.value(*graph.FindValue(name)).dtype), opt.seed);
  return Status::Ok();
}

Status FinishRun(const RunOptions& opt, const Graph& graph, RunResult& r) {
  if (!opt.output_dir.empty()) {
    MRT_ASSIGN_OR_RETURN(r.output_files, WriteOutputs(graph, r.outputs, opt.output_dir));
  }
  PrintSummary(opt, graph, r);
  return Status::Ok();
}

Status ExecuteOnnx(const RunOptions& opt, const std::vector<InputFile>& files, const ShapeMap& shapes) {
  MRT_RETURN_IF_ERROR(CheckModelFile(opt.model));
  RunResult r;
  const int64_t import_start = NowNs();
  ImportOptions import_options;
  import_options.input_shapes = shapes;
  MRT_ASSIGN_OR_RETURN(Graph graph, ImportOnnxFile(opt.model, import_options));
  r.load_ms = MsSince(import_start);
  if (opt.verbose) fmt::print("{}ops: {}\n", Dump(graph), OpHistogram(graph));
  MRT_RETURN_IF_ERROR(PrepareInputs(opt, graph, files, shapes, r));

  const int64_t run_start = NowNs();
  MRT_ASSIGN_OR_RETURN(r.outputs, RunReference(graph, r.inputs));
  r.run_ms = MsSince(run_start);
  return FinishRun(opt, graph, r);
}

// A model on the GPU: compiled in memory (as 'mini-rt compile --device cuda' would), then run.
Status ExecuteOnnxOnGpu(const RunOptions& opt, const std::vector<InputFile>& files, const ShapeMap& shapes) {
  MRT_RETURN_IF_ERROR(CheckModelFile(opt.model));
  RunResult r;
  r.load_what = "build";
  const int64_t build_start = NowNs();
  CompileOptions options;
  options.model_path = opt.model;
  options.input_shapes = shapes;
  options.device = "cuda";
  options.resolve_target = ResolveTarget;
  options.writer_version = std::string(kVersion);
  MRT_ASSIGN_OR_RETURN(CompileResult compiled, CompileModel(options));
  MRT_ASSIGN_OR_RETURN(nlohmann::json ignored, BuildForGpu(compiled, opt.compile));
  r.load_ms = MsSince(build_start);
  const Graph& graph = compiled.plan.graph;
  MRT_RETURN_IF_ERROR(PrepareInputs(opt, graph, files, shapes, r));
  const int64_t run_start = NowNs();
  MRT_RETURN_IF_ERROR(RunOnGpu(compiled.plan, r.inputs, opt.gpu, r.outputs));
  r.run_ms = MsSince(run_start);
  return FinishRun(opt, graph, r);
}

Status CheckGpuFlags(const RunOptions& opt) {
  if (opt.device != "cpu") return Status::Ok();
  const char* flag = opt.gpu.cuda_graph           ? "--cuda-graph"
                     : opt.gpu.profile            ? "--profile"
                     : !opt.gpu.json_path.empty() ? "--json"
                     : opt.gpu.iterations         ? "--iterations"
                     : opt.compile.fp16           ? "--fp16"
                                                  : nullptr;
  if (flag) return Status::Errorf("{} applies to --device cuda, not --device cpu", flag);
  return Status::Ok();
}

// A plan runs where it was built for (the reader checks the target), with its own memory plan:
// the arena laid out at compile time. A plan without one (shapes that were not static at compile
// time) runs with one tensor per value.
Status ExecutePlan(const RunOptions& opt, const std::vector<InputFile>& files, const ShapeMap& shapes) {
  RunResult r;
  r.load_what = "load";
  const int64_t load_start = NowNs();
  MRT_ASSIGN_OR_RETURN(plan::Plan plan, plan::ReadPlanFile(opt.model));
  const std::string device = opt.device.empty() ? plan.target.device : opt.device;
  RunOptions resolved = opt;
  resolved.device = device;
  MRT_RETURN_IF_ERROR(CheckGpuFlags(resolved));
  MRT_ASSIGN_OR_RETURN(plan::PlanTarget here, ResolveTarget(device));
  MRT_RETURN_IF_ERROR(plan::CheckTarget(plan.target, here).WithContext(opt.model + ": "));
  r.load_ms = MsSince(load_start);
  const Graph& graph = plan.graph;
  r.plan_line = fmt::format("built by mini-rt {} from {}; memory: {}", plan.writer_version, plan.build.model_path,
                            plan.memory ? "arena " + HumanBytes(plan.memory->arena_bytes) + " (planned)"
                                        : std::string("one tensor per value (not planned)"));
  if (opt.verbose) fmt::print("{}ops: {}\n", Dump(graph), OpHistogram(graph));
  MRT_RETURN_IF_ERROR(PrepareInputs(opt, graph, files, shapes, r));

  const int64_t run_start = NowNs();
  if (device == "cuda") {
    MRT_RETURN_IF_ERROR(RunOnGpu(plan, r.inputs, opt.gpu, r.outputs));
  } else if (plan.memory) {
    MRT_ASSIGN_OR_RETURN(r.outputs, RunReferenceInArena(graph, *plan.memory, r.inputs));
  } else {
    MRT_ASSIGN_OR_RETURN(r.outputs, RunReference(graph, r.inputs));
  }
  r.run_ms = MsSince(run_start);
  RunOptions shown = opt;
  shown.device = device;
  return FinishRun(shown, graph, r);
}

// The files run writes are checked before the model is imported or run.
Status CheckOutputPaths(const RunOptions& opt) {
  if (!opt.output_dir.empty()) MRT_RETURN_IF_ERROR(CheckOutputDir(opt.output_dir, "--output-dir"));
  if (!opt.gpu.json_path.empty()) MRT_RETURN_IF_ERROR(CheckOutputPath(opt.gpu.json_path, "--json"));
  return Status::Ok();
}

Status Execute(RunOptions opt) {
  MRT_RETURN_IF_ERROR(CheckGpuFlags(opt));
  MRT_RETURN_IF_ERROR(CheckOutputPaths(opt));
  MRT_ASSIGN_OR_RETURN(std::vector<InputFile> files, ParseInputOptions(opt.inputs));
  MRT_ASSIGN_OR_RETURN(ShapeMap shapes, ParseShapeOptions(opt.shapes));
  if (plan::IsPlanPath(opt.model)) return ExecutePlan(opt, files, shapes);
  if (opt.device.empty()) opt.device = DefaultDevice();
  MRT_RETURN_IF_ERROR(CheckGpuFlags(opt));
  if (opt.device == "cuda") {
    MRT_RETURN_IF_ERROR(ResolveTarget("cuda").status());
    return ExecuteOnnxOnGpu(opt, files, shapes);
  }
  return ExecuteOnnx(opt, files, shapes);
}

}  // namespace

Command MakeRunCommand() {
  auto opt = std::make_shared<RunOptions>();
  auto sub = std::make_shared<CLI::App*>(nullptr);
  auto add = [opt, sub](CLI::App& app) {
    CLI::App* s =
        app.add_subcommand(std::string(kName), "Run a model on inputs from .npy files (or seeded random data)");
    s->add_option("model", opt->model, "The model: an .onnx file or a .plan from 'mini-rt compile'")->required();
    s->add_option("--device", opt->device,
                  "Where to run: cpu (reference kernels) or cuda (default: the plan's device; for a model, cuda when a "
                  "GPU is present)")
        ->check(CLI::IsMember({"cpu", "cuda"}));
    s->add_option("--iterations", opt->gpu.iterations, "cuda: timed iterations (with a trtexec-style summary)")
        ->check(CLI::Range(0, 1000000));
    s->add_option("--warmup", opt->gpu.warmup, "cuda: untimed iterations first")->check(CLI::Range(0, 1000000));
    s->add_flag("--cuda-graph", opt->gpu.cuda_graph, "cuda: capture the enqueue once into a CUDA graph and replay it");
    s->add_flag("--profile", opt->gpu.profile, "cuda: per-layer times (like trtexec --dumpProfile)");
    s->add_option("--json", opt->gpu.json_path, "cuda: write the timings (and --profile layers) as JSON to FILE");
    s->add_flag("--fp16", opt->compile.fp16, "cuda, .onnx models: build in FP16 before running");
    s->add_flag("--no-tf32", opt->compile.no_tf32, "cuda, .onnx models: strict FP32");
    s->add_option("--input", opt->inputs, "An input tensor: NAME=FILE.npy (repeatable)")->allow_extra_args(false);
    s->add_option("--shapes", opt->shapes, "Sizes of dynamic inputs: NAME:1x3x640x640[,NAME:DIMS...]")
        ->allow_extra_args(false);
    s->add_option("--output-dir", opt->output_dir, "Write each output to DIR/<name>.npy (name sanitised)");
    s->add_option("--seed", opt->seed, "Seed of the random data for inputs not given (>= 0)")
        ->check(CLI::Validator(
            [](std::string& in) { return in.empty() || in[0] == '-' ? std::string("must be >= 0") : std::string(); },
            "SEED"))
        ->capture_default_str();
    s->add_flag("--verbose,-v", opt->verbose, "Print the imported graph");
    *sub = s;
  };
  auto run = [opt] {
    Status s = Execute(*opt);
    return s.ok() ? 0 : Fail(kName, s);
  };
  return Command{add, [sub] { return *sub && (*sub)->parsed(); }, run};
}

}  // namespace mrt::cli
