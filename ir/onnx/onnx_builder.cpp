#include "ir/onnx/onnx_builder.h"

#include "ir/onnx/tensor_proto.h"
#include "ir/output_file.h"

namespace mrt {

using onnx::AttributeProto;

// --- OnnxNodeRef ---

AttributeProto* OnnxNodeRef::Add(const std::string& name, int type) {
  AttributeProto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(static_cast<AttributeProto::AttributeType>(type));
  return a;
}

OnnxNodeRef& OnnxNodeRef::AttrInt(const std::string& name, int64_t v) {
  Add(name, AttributeProto::INT)->set_i(v);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrFloat(const std::string& name, float v) {
  Add(name, AttributeProto::FLOAT)->set_f(v);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrString(const std::string& name, const std::string& v) {
  Add(name, AttributeProto::STRING)->set_s(v);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrInts(const std::string& name, const std::vector<int64_t>& v) {
  AttributeProto* a = Add(name, AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrFloats(const std::string& name, const std::vector<float>& v) {
  AttributeProto* a = Add(name, AttributeProto::FLOATS);
  for (float x : v) a->add_floats(x);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrStrings(const std::string& name, const std::vector<std::string>& v) {
  AttributeProto* a = Add(name, AttributeProto::STRINGS);
  for (const std::string& x : v) a->add_strings(x);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrTensor(const std::string& name, const Tensor& v) {
  onnx_import::TensorToProto(v, Add(name, AttributeProto::TENSOR)->mutable_t());
  return *this;
}

OnnxNodeRef& OnnxNodeRef::AttrOfType(const std::string& name, int onnx_attribute_type) {
  Add(name, onnx_attribute_type);
  return *this;
}

OnnxNodeRef& OnnxNodeRef::Domain(const std::string& domain) {
  node_->set_domain(domain);
  return *this;
}

// --- OnnxModelBuilder ---

OnnxModelBuilder::OnnxModelBuilder(int64_t opset, std::string graph_name) {
  model_.set_ir_version(8);
  model_.set_producer_name("mini-rt OnnxModelBuilder");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name(std::move(graph_name));
}

OnnxModelBuilder& OnnxModelBuilder::SetIrVersion(int64_t v) {
  model_.set_ir_version(v);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::SetOpset(int64_t v) {
  for (auto& op : *model_.mutable_opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") op.set_version(v);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::AddOpsetImport(const std::string& domain, int64_t version) {
  auto* op = model_.add_opset_import();
  op->set_domain(domain);
  op->set_version(version);
  return *this;
}

onnx::ValueInfoProto* OnnxModelBuilder::AddValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list,
                                                 const std::string& name, int32_t elem_type,
                                                 const std::optional<std::vector<OnnxDim>>& dims) {
  onnx::ValueInfoProto* info = list->Add();
  info->set_name(name);
  auto* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(elem_type);
  if (dims) {
    auto* shape = tensor_type->mutable_shape();
    for (const OnnxDim& d : *dims) {
      auto* dim = shape->add_dim();
      if (d.value)
        dim->set_dim_value(*d.value);
      else if (!d.param.empty())
        dim->set_dim_param(d.param);
    }
  }
  return info;
}

OnnxModelBuilder& OnnxModelBuilder::AddInput(const std::string& name, DType dtype,
                                             std::optional<std::vector<OnnxDim>> dims) {
  return AddInputWithElemType(name, DTypeToOnnx(dtype), std::move(dims));
}

OnnxModelBuilder& OnnxModelBuilder::AddOutput(const std::string& name, DType dtype,
                                              std::optional<std::vector<OnnxDim>> dims) {
  return AddOutputWithElemType(name, DTypeToOnnx(dtype), std::move(dims));
}

OnnxModelBuilder& OnnxModelBuilder::AddValueInfo(const std::string& name, DType dtype,
                                                 std::optional<std::vector<OnnxDim>> dims) {
  AddValue(model_.mutable_graph()->mutable_value_info(), name, DTypeToOnnx(dtype), dims);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::AddInputWithElemType(const std::string& name, int32_t onnx_elem_type,
                                                         std::optional<std::vector<OnnxDim>> dims) {
  AddValue(model_.mutable_graph()->mutable_input(), name, onnx_elem_type, dims);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::AddOutputWithElemType(const std::string& name, int32_t onnx_elem_type,
                                                          std::optional<std::vector<OnnxDim>> dims) {
  AddValue(model_.mutable_graph()->mutable_output(), name, onnx_elem_type, dims);
  return *this;
}

onnx::TensorProto& OnnxModelBuilder::AddInitializerProto(const std::string& name) {
  onnx::TensorProto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  return *t;
}

OnnxModelBuilder& OnnxModelBuilder::AddInitializer(const std::string& name, const Tensor& value) {
  onnx_import::TensorToProto(value, &AddInitializerProto(name));
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::AddTypedInitializer(const std::string& name, const Tensor& value) {
  onnx_import::TensorToTypedProto(value, &AddInitializerProto(name));
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::AddRawInitializer(const std::string& name, int32_t onnx_type,
                                                      const std::vector<int64_t>& dims, const std::string& raw_bytes) {
  onnx::TensorProto& t = AddInitializerProto(name);
  for (int64_t d : dims) t.add_dims(d);
  t.set_data_type(onnx_type);
  t.set_raw_data(raw_bytes);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::AddExternalInitializer(const std::string& name, DType dtype,
                                                           const std::vector<int64_t>& dims,
                                                           const std::string& location, std::optional<int64_t> offset,
                                                           std::optional<int64_t> length) {
  std::vector<std::pair<std::string, std::string>> entries = {{"location", location}};
  if (offset) entries.emplace_back("offset", std::to_string(*offset));
  if (length) entries.emplace_back("length", std::to_string(*length));
  return AddExternalInitializerEntries(name, dtype, dims, entries);
}

OnnxModelBuilder& OnnxModelBuilder::AddExternalInitializerEntries(
    const std::string& name, DType dtype, const std::vector<int64_t>& dims,
    const std::vector<std::pair<std::string, std::string>>& entries) {
  onnx::TensorProto& t = AddInitializerProto(name);
  for (int64_t d : dims) t.add_dims(d);
  t.set_data_type(DTypeToOnnx(dtype));
  t.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  for (const auto& [key, value] : entries) {
    auto* e = t.add_external_data();
    e->set_key(key);
    e->set_value(value);
  }
  return *this;
}

OnnxNodeRef OnnxModelBuilder::AddNode(const std::string& op_type, const std::vector<std::string>& inputs,
                                      const std::vector<std::string>& outputs, const std::string& name) {
  onnx::NodeProto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op_type);
  if (!name.empty()) n->set_name(name);
  for (const std::string& in : inputs) n->add_input(in);
  for (const std::string& out : outputs) n->add_output(out);
  return OnnxNodeRef(n);
}

std::string OnnxModelBuilder::Serialize() const {
  std::string bytes;
  model_.SerializeToString(&bytes);
  return bytes;
}

Status OnnxModelBuilder::WriteToFile(const std::string& path, std::string_view flag) const {
  return WriteOutputFile(path, Serialize(), flag);
}

}  // namespace mrt
