// Constant nodes become weights (no node is left in the graph): `value` (a tensor, which may use
// external data like an initializer), value_float / value_int (scalars), value_floats /
// value_ints (1-D). String and sparse constants are refused. ConstantOfShape stays a node; its
// `value` defaults to a one-element f32 zero.
#include "ir/onnx/op_importers.h"
#include "ir/onnx/tensor_proto.h"
#include "ir/printable.h"

namespace mrt::onnx_import {

namespace {

using A = AttrType;

// Checks the attribute's type with the generic reader (one-entry spec) and returns its value.
Expected<Attributes> ReadSingle(const onnx::NodeProto& node, AttrSpec spec) {
  const AttrSpec specs[] = {spec};
  return ReadAttributes(node, specs);
}

Expected<Tensor> ConstantTensor(ImportContext& ctx, const onnx::NodeProto& node) {
  const onnx::AttributeProto& a = node.attribute(0);
  const std::string& name = a.name();
  if (name == "value") {
    if (a.type() != onnx::AttributeProto::TENSOR && a.type() != onnx::AttributeProto::UNDEFINED)
      return Status::Errorf("attribute 'value' is {} but must be TENSOR", OnnxAttrTypeName(a.type()));
    auto t = TensorFromProto(a.t(), ctx.model_dir());
    if (!t.ok()) return t.status().WithContext("attribute 'value': ");
    return t;
  }
  if (name == "value_float") {
    MRT_ASSIGN_OR_RETURN(Attributes v, ReadSingle(node, Required("value_float", A::kFloat)));
    return Tensor::Scalar(v.GetFloat(name));
  }
  if (name == "value_floats") {
    MRT_ASSIGN_OR_RETURN(Attributes v, ReadSingle(node, Required("value_floats", A::kFloats)));
    return FloatTensor(v.GetFloats(name));
  }
  if (name == "value_int") {
    MRT_ASSIGN_OR_RETURN(Attributes v, ReadSingle(node, Required("value_int", A::kInt)));
    return Tensor::FromVector<int64_t>(DType::kI64, {}, {v.GetInt(name)});
  }
  if (name == "value_ints") {
    MRT_ASSIGN_OR_RETURN(Attributes v, ReadSingle(node, Required("value_ints", A::kInts)));
    return Int64Tensor(v.GetInts(name));
  }
  if (name == "value_string" || name == "value_strings")
    return Status::Errorf("attribute '{}': string constants are not supported", Printable(name));
  if (name == "sparse_value") return Status::Error("attribute 'sparse_value': sparse constants are not supported");
  return Status::Errorf("unknown attribute '{}'", Printable(name));
}

Status ImportConstant(ImportContext& ctx, const onnx::NodeProto& node) {
  if (node.input_size() != 0) return Status::Errorf("has {} inputs but Constant takes none", node.input_size());
  if (node.output_size() != 1 || node.output(0).empty())
    return Status::Errorf("has {} outputs but Constant gives 1", node.output_size());
  if (node.attribute_size() != 1)
    return Status::Errorf("has {} attributes; Constant needs exactly one of value, value_float(s), value_int(s)",
                          node.attribute_size());
  MRT_ASSIGN_OR_RETURN(Tensor t, ConstantTensor(ctx, node));
  ctx.BindWeight(node.output(0), std::move(t));
  return Status::Ok();
}

Status ImportConstantOfShape(ImportContext& ctx, const onnx::NodeProto& node) {
  static constexpr AttrSpec kSpec[] = {Optional("value", A::kTensor)};
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kSpec));
  if (auto value = a.GetTensor("value")) {
    if (value->numel() != 1)
      return Status::Errorf("attribute 'value' has {} elements; it must have exactly 1", value->numel());
  } else {
    a.set("value", std::make_shared<const Tensor>(FloatTensor({0.f})));
  }
  return ctx.AddNode(OpKind::kConstantOfShape, ctx.node_name(), ctx.Inputs(node), ctx.Outputs(node), std::move(a))
      .status();
}

constexpr OpImporter kRows[] = {
    {"Constant", ImportConstant},
    {"ConstantOfShape", ImportConstantOfShape},
};

}  // namespace

std::span<const OpImporter> ConstantImporters() { return kRows; }

}  // namespace mrt::onnx_import
