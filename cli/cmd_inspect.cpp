// `mini-rt inspect`: describes a model without running it: inputs and outputs with their shapes,
// how many weights and how many bytes they take, a count per op, then the whole graph, one line
// per node (ir/dump.h). Plans (layers, tactics, memory plan) come with the plan format.
#include <memory>
#include <set>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "ir/dump.h"
#include "ir/onnx/importer.h"

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

Status Execute(const InspectOptions& opt) {
  MRT_ASSIGN_OR_RETURN(ShapeMap shapes, ParseShapeOptions(opt.shapes));
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
    CLI::App* s = app.add_subcommand(std::string(kName), "Describe a model: inputs, outputs, weights, ops, graph");
    s->add_option("model", opt->model, "The model: an .onnx file")->required();
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
