#include "ir/onnx/import_graph.h"

#include <limits>
#include <unordered_map>

#include "ir/onnx/model_reader.h"
#include "ir/onnx/op_importers.h"
#include "ir/onnx/tensor_proto.h"
#include "ir/printable.h"

namespace mrt::onnx_import {

namespace {

std::string QualifiedOpType(const onnx::NodeProto& node) {
  return IsDefaultDomain(node.domain()) ? node.op_type() : node.domain() + "." + node.op_type();
}

bool IsSupported(const onnx::NodeProto& node) {
  return IsDefaultDomain(node.domain()) && FindOpImporter(node.op_type()) != nullptr;
}

// "NonZero (node 'nz_1')" or, for several nodes of one op, "NonZero x5 (nodes 'a', 'b', 'c', ...)".
std::string DescribeGroup(const std::string& op, const std::vector<std::string>& nodes) {
  if (nodes.size() == 1) return fmt::format("{} (node '{}')", Printable(op), Printable(nodes[0]));
  constexpr size_t kNamesShown = 3;
  std::string names;
  for (size_t i = 0; i < nodes.size() && i < kNamesShown; ++i)
    names += fmt::format("{}'{}'", i ? ", " : "", Printable(nodes[i]));
  if (nodes.size() > kNamesShown) names += ", ...";
  return fmt::format("{} x{} (nodes {})", Printable(op), nodes.size(), names);
}

// The dtype and shape a ValueInfoProto declares; kUndefined/unknown rank when it has no type.
struct Declared {
  DType dtype = DType::kUndefined;
  Shape shape = Shape::UnknownRank();
  bool has_type = false;
};

Expected<Shape> ShapeFromProto(const onnx::TensorShapeProto& proto) {
  std::vector<Dim> dims;
  int64_t static_product = 1;
  for (int i = 0; i < proto.dim_size(); ++i) {
    const auto& d = proto.dim(i);
    if (d.has_dim_value()) {
      const int64_t v = d.dim_value();
      if (v < 0) return Status::Errorf("dim {} is {}; sizes must be >= 0", i, v);
      if (v != 0 && static_product > std::numeric_limits<int64_t>::max() / v)
        return Status::Errorf("dims overflow int64 elements at dim {} ({})", i, v);
      static_product *= v;
      dims.emplace_back(v);
    } else if (d.has_dim_param() && !d.dim_param().empty()) {
      dims.push_back(Dim::Symbolic(d.dim_param()));
    } else {
      dims.emplace_back();  // dynamic, unnamed
    }
  }
  return Shape(std::move(dims));
}

Expected<Declared> ReadDeclared(const onnx::ValueInfoProto& info) {
  Declared out;
  if (!info.has_type()) return out;
  const onnx::TypeProto& type = info.type();
  if (type.has_sequence_type()) return Status::Error("is a sequence; only tensors are supported");
  if (type.has_map_type()) return Status::Error("is a map; only tensors are supported");
  if (type.has_optional_type()) return Status::Error("is an optional; only tensors are supported");
  if (type.has_sparse_tensor_type()) return Status::Error("is a sparse tensor; only dense tensors are supported");
  if (!type.has_tensor_type()) return out;
  out.has_type = true;
  MRT_ASSIGN_OR_RETURN(out.dtype, DTypeFromOnnxChecked(type.tensor_type().elem_type()));
  if (type.tensor_type().has_shape()) {
    MRT_ASSIGN_OR_RETURN(out.shape, ShapeFromProto(type.tensor_type().shape()));
  }
  return out;
}

}  // namespace

std::string NodeDisplayName(const onnx::NodeProto& node, int index) {
  return node.name().empty() ? fmt::format("{}_{}", node.op_type(), index) : node.name();
}

std::string DescribeNode(const onnx::NodeProto& node, int index) {
  return fmt::format("node '{}' ({})", Printable(NodeDisplayName(node, index)), Printable(node.op_type()));
}

Status CheckSupportedOps(const onnx::GraphProto& graph) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // in order of first use
  int count = 0;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    if (IsSupported(node)) continue;
    ++count;
    const std::string op = QualifiedOpType(node);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == op; });
    if (it == groups.end()) it = groups.insert(groups.end(), {op, {}});
    it->second.push_back(NodeDisplayName(node, i));
  }
  if (count == 0) return Status::Ok();
  std::string list;
  for (const auto& [op, nodes] : groups) list += (list.empty() ? "" : ", ") + DescribeGroup(op, nodes);
  return Status::Errorf("{} unsupported op{}: {}", count, count == 1 ? "" : "s", list);
}

Status CheckOpsetRange(const onnx::GraphProto& graph, int64_t opset) {
  if (opset > kMaxOpset || opset < 1)
    return Status::Errorf("opset {} is not supported: mini-rt reads opsets {} to {}", opset, kMinOpset, kMaxOpset);
  if (opset >= kMinOpset) return Status::Ok();
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    const int64_t since = UnchangedSinceOpset(node.op_type());
    if (since == 0 || opset < since)
      return Status::Errorf(
          "opset {} is not supported: mini-rt reads opsets {} to {} (older models only when every op is unchanged "
          "since, and {} in node '{}' changed later)",
          opset, kMinOpset, kMaxOpset, Printable(node.op_type()), Printable(NodeDisplayName(node, i)));
  }
  return Status::Ok();
}

Status CheckValueNames(const onnx::GraphProto& graph) {
  std::unordered_map<std::string, std::string> producer;  // value name -> who produces it
  for (const auto& init : graph.initializer()) {
    if (init.name().empty()) return Status::Error("an initializer has no name");
    if (!producer.emplace(init.name(), "an initializer").second)
      return Status::Errorf("initializer '{}' is given twice", Printable(init.name()));
  }
  for (const auto& input : graph.input()) {
    if (input.name().empty()) return Status::Error("a graph input has no name");
    auto [it, inserted] = producer.emplace(input.name(), "a graph input");
    if (!inserted && it->second != "an initializer")  // old models list initializers as inputs too
      return Status::Errorf("graph input '{}' is listed twice", Printable(input.name()));
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    const std::string who = DescribeNode(node, i);
    for (const std::string& out : node.output()) {
      if (out.empty()) continue;
      auto [it, inserted] = producer.emplace(out, who);
      if (!inserted) return Status::Errorf("value '{}' has two producers: {} and {}", Printable(out), it->second, who);
    }
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    for (const std::string& in : node.input())
      if (!in.empty() && !producer.count(in))
        return Status::Errorf("{}: input '{}' is never produced (not a graph input, an initializer or a node output)",
                              DescribeNode(node, i), Printable(in));
  }
  for (const auto& output : graph.output()) {
    if (output.name().empty()) return Status::Error("a graph output has no name");
    if (!producer.count(output.name()))
      return Status::Errorf("graph output '{}' is never produced", Printable(output.name()));
  }
  return Status::Ok();
}

Status AddWeightsAndInputs(ImportContext& ctx, const onnx::GraphProto& graph) {
  for (const auto& init : graph.initializer()) {
    auto t = TensorFromProto(init, ctx.model_dir());
    if (!t.ok()) return t.status().WithContext(fmt::format("initializer '{}': ", Printable(init.name())));
    ctx.BindWeight(init.name(), std::move(t).value());
  }
  Graph& g = ctx.graph();
  for (const auto& input : graph.input()) {
    if (auto v = g.FindValue(input.name()); v && g.value(*v).is_weight()) continue;  // an initializer
    auto declared = ReadDeclared(input);
    if (!declared.ok())
      return declared.status().WithContext(fmt::format("graph input '{}': ", Printable(input.name())));
    if (!declared->has_type) return Status::Errorf("graph input '{}' has no tensor type", Printable(input.name()));
    const ValueId v = ctx.ValueNamed(input.name());
    g.value(v).dtype = declared->dtype;
    g.value(v).shape = declared->shape;
    g.AddGraphInput(v);
  }
  return Status::Ok();
}

Status DeclareValueShapes(ImportContext& ctx, const onnx::GraphProto& graph) {
  Graph& g = ctx.graph();
  auto declare = [&](const onnx::ValueInfoProto& info, const char* what) -> Status {
    auto declared = ReadDeclared(info);
    if (!declared.ok()) return declared.status().WithContext(fmt::format("{} '{}': ", what, Printable(info.name())));
    const ValueId v = ctx.ValueNamed(info.name());
    Value& val = g.value(v);
    if (val.is_weight() || val.is_graph_input) return Status::Ok();  // their own types win
    val.dtype = declared->dtype;
    val.shape = declared->shape;
    return Status::Ok();
  };
  for (const auto& out : graph.output()) MRT_RETURN_IF_ERROR(declare(out, "graph output"));
  // value_info may describe names no node produces (stale exporter output): those are skipped.
  std::unordered_set<std::string> produced;
  for (const auto& node : graph.node())
    for (const std::string& out : node.output()) produced.insert(out);
  for (const auto& info : graph.value_info())
    if (produced.count(info.name())) MRT_RETURN_IF_ERROR(declare(info, "value_info"));
  return Status::Ok();
}

Status ImportNodes(ImportContext& ctx, const onnx::GraphProto& graph) {
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    const std::string name = NodeDisplayName(node, i);
    ctx.BeginNode(name);
    const OpImporter* row = FindOpImporter(node.op_type());
    Status s = row ? RunOpImporter(*row, ctx, node) : Status::Error("unsupported op");
    if (!s.ok()) return s.WithContext(DescribeNode(node, i) + ": ");
  }
  for (const auto& out : graph.output()) ctx.graph().AddGraphOutput(ctx.ValueNamed(out.name()));
  return Status::Ok();
}

Status ApplyInputShapes(Graph& graph, const std::map<std::string, std::vector<int64_t>>& input_shapes) {
  for (const auto& [name, sizes] : input_shapes) {
    ValueId id = kNoValue;
    std::string names;
    for (ValueId in : graph.inputs) {
      names += (names.empty() ? "'" : ", '") + Printable(graph.value(in).name) + "'";
      if (graph.value(in).name == name) id = in;
    }
    if (id == kNoValue)
      return Status::Errorf("a shape is given for '{}' but the model has no input of that name (inputs: {})", name,
                            names.empty() ? "none" : names);
    Value& v = graph.value(id);
    for (int64_t s : sizes)
      if (s < 0)
        return Status::Errorf("input '{}': the given shape {} holds a negative size", name, SizesForMessage(sizes));
    if (!v.shape.unknown_rank() && v.shape.rank() != sizes.size())
      return Status::Errorf("input '{}' has rank {} {} but the given shape {} has {} dims", name, v.shape.rank(),
                            v.shape.ToString(), SizesForMessage(sizes), sizes.size());
    for (size_t d = 0; !v.shape.unknown_rank() && d < sizes.size(); ++d)
      if (v.shape[d].is_static() && v.shape[d].size != sizes[d])
        return Status::Errorf("input '{}' dim {} is {} in the model but the given shape {} says {}", name, d,
                              v.shape[d].size, SizesForMessage(sizes), sizes[d]);
    v.shape = Shape::FromSizes(sizes);
  }
  return Status::Ok();
}

}  // namespace mrt::onnx_import
