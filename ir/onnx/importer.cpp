// The import pipeline: parse and sanity-check the ModelProto, list unsupported ops all at once,
// check the opset, check value names (one producer each, nothing dangling), make weights and
// inputs, import every node into the IR's canonical form, sort, apply the caller's input shapes,
// and infer shapes. Every error leaves here as one line starting with the file's name.
#include "ir/onnx/importer.h"

#include <filesystem>

#include "ir/infer_shapes.h"
#include "ir/onnx/import_graph.h"
#include "ir/onnx/model_reader.h"
#include "ir/onnx/tensor_proto.h"
#include "ir/printable.h"

namespace mrt {

namespace {

using namespace onnx_import;

// Names in a corrupt (or hostile) model may hold newlines and terminal escapes: the importer
// quotes them through Printable(), and every error leaves as one bounded printable line.
Status OneLine(const Status& s, const std::string& prefix) {
  return Status::Error(OneLineMessage(prefix + s.message()));
}

void ReserveModelNames(ImportContext& ctx, const onnx::GraphProto& g) {
  for (const auto& t : g.initializer()) ctx.ReserveName(t.name());
  for (const auto& v : g.input()) ctx.ReserveName(v.name());
  for (const auto& v : g.output()) ctx.ReserveName(v.name());
  for (const auto& v : g.value_info()) ctx.ReserveName(v.name());
  for (const auto& n : g.node())
    for (const std::string& out : n.output()) ctx.ReserveName(out);
}

Expected<Graph> ImportModel(const onnx::ModelProto& model, const std::string& model_dir, const ImportOptions& options) {
  const onnx::GraphProto& g = model.graph();
  MRT_RETURN_IF_ERROR(CheckSupportedOps(g));
  MRT_ASSIGN_OR_RETURN(const int64_t opset, DefaultDomainOpset(model));
  MRT_RETURN_IF_ERROR(CheckOpsetRange(g, opset));
  MRT_RETURN_IF_ERROR(CheckValueNames(g));

  Graph graph;
  graph.name = g.name();
  graph.opset = opset;
  ImportContext ctx(graph, opset, model_dir);
  ctx.set_eager_inference(options.infer_shapes);
  ReserveModelNames(ctx, g);
  MRT_RETURN_IF_ERROR(AddWeightsAndInputs(ctx, g));
  MRT_RETURN_IF_ERROR(DeclareValueShapes(ctx, g));
  MRT_RETURN_IF_ERROR(ImportNodes(ctx, g));
  MRT_RETURN_IF_ERROR(graph.TopologicalSort());
  MRT_RETURN_IF_ERROR(ApplyInputShapes(graph, options.input_shapes));
  if (options.infer_shapes) MRT_RETURN_IF_ERROR(InferShapes(graph));
  return graph;
}

}  // namespace

Expected<Graph> ImportOnnxFile(const std::string& path, const ImportOptions& options) {
  auto bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status().WithContext(path + ": ");
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return ImportOnnxBytes(*bytes, dir.empty() ? std::string(".") : dir.string(), path, options);
}

Expected<Graph> ImportOnnxBytes(std::string_view bytes, const std::string& model_dir, const std::string& display_name,
                                const ImportOptions& options) {
  auto model = ParseModelProto(bytes);
  if (!model.ok()) return OneLine(model.status(), display_name + ": ");
  auto graph = ImportModel(*model, model_dir, options);
  if (!graph.ok()) return OneLine(graph.status(), display_name + ": ");
  return graph;
}

Expected<Tensor> ReadTensorProtoFile(const std::string& path, std::string* name) {
  auto bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status().WithContext(path + ": ");
  onnx::TensorProto proto;
  if (bytes->size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !proto.ParseFromArray(bytes->data(), static_cast<int>(bytes->size())))
    return Status::Errorf("{}: not a serialized TensorProto", path);
  if (!proto.has_data_type()) return Status::Errorf("{}: not a TensorProto: it has no data_type", path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  auto t = TensorFromProto(proto, dir.empty() ? "." : dir);
  if (!t.ok()) return t.status().WithContext(path + ": ");
  if (name) *name = proto.name();
  return t;
}

}  // namespace mrt
