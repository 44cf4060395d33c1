#include "ir/onnx/attribute_spec.h"
#include "ir/printable.h"

#include <set>

#include "ir/onnx/tensor_proto.h"

namespace mrt::onnx_import {

namespace {

using AP = onnx::AttributeProto;

int OnnxCode(AttrType t) {
  switch (t) {
    case AttrType::kInt:
      return AP::INT;
    case AttrType::kFloat:
      return AP::FLOAT;
    case AttrType::kString:
      return AP::STRING;
    case AttrType::kInts:
      return AP::INTS;
    case AttrType::kFloats:
      return AP::FLOATS;
    case AttrType::kStrings:
      return AP::STRINGS;
    case AttrType::kTensor:
      return AP::TENSOR;
  }
  return AP::UNDEFINED;
}

// Models written before IR version 2 may leave `type` unset; the populated field tells it then.
int EffectiveType(const AP& a) {
  if (a.type() != AP::UNDEFINED) return a.type();
  if (a.has_f()) return AP::FLOAT;
  if (a.has_i()) return AP::INT;
  if (a.has_s()) return AP::STRING;
  if (a.has_t()) return AP::TENSOR;
  if (a.has_g()) return AP::GRAPH;
  if (a.floats_size()) return AP::FLOATS;
  if (a.ints_size()) return AP::INTS;
  if (a.strings_size()) return AP::STRINGS;
  return AP::UNDEFINED;
}

Expected<AttrValue> ConvertValue(const AP& a, AttrType type) {
  switch (type) {
    case AttrType::kInt:
      return AttrValue(a.i());
    case AttrType::kFloat:
      return AttrValue(a.f());
    case AttrType::kString:
      return AttrValue(a.s());
    case AttrType::kInts:
      return AttrValue(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case AttrType::kFloats:
      return AttrValue(std::vector<float>(a.floats().begin(), a.floats().end()));
    case AttrType::kStrings:
      return AttrValue(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case AttrType::kTensor: {
      // Attribute tensors are small constants; external data is not allowed here.
      auto t = TensorFromProto(a.t(), /*model_dir=*/"");
      if (!t.ok()) return t.status().WithContext(fmt::format("attribute '{}': ", Printable(a.name())));
      return AttrValue(std::make_shared<const Tensor>(std::move(t).value()));
    }
  }
  return Status::Errorf("attribute '{}': unhandled type", Printable(a.name()));
}

AttrValue DefaultValue(const AttrSpec& s) {
  switch (s.type) {
    case AttrType::kInt:
      return s.int_default;
    case AttrType::kFloat:
      return s.float_default;
    case AttrType::kString:
      return std::string(s.string_default);
    default:
      return std::vector<int64_t>{};  // list and tensor defaults are filled by the importers
  }
}

const AttrSpec* FindSpec(std::span<const AttrSpec> spec, const std::string& name) {
  for (const AttrSpec& s : spec)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

std::string_view AttrTypeName(AttrType t) { return OnnxAttrTypeName(OnnxCode(t)); }

std::string_view OnnxAttrTypeName(int onnx_attribute_type) {
  switch (onnx_attribute_type) {
    case AP::FLOAT:
      return "FLOAT";
    case AP::INT:
      return "INT";
    case AP::STRING:
      return "STRING";
    case AP::TENSOR:
      return "TENSOR";
    case AP::GRAPH:
      return "GRAPH";
    case AP::FLOATS:
      return "FLOATS";
    case AP::INTS:
      return "INTS";
    case AP::STRINGS:
      return "STRINGS";
    case AP::TENSORS:
      return "TENSORS";
    case AP::GRAPHS:
      return "GRAPHS";
    case AP::SPARSE_TENSOR:
      return "SPARSE_TENSOR";
    case AP::SPARSE_TENSORS:
      return "SPARSE_TENSORS";
    case AP::TYPE_PROTO:
      return "TYPE_PROTO";
    case AP::TYPE_PROTOS:
      return "TYPE_PROTOS";
    default:
      return "UNDEFINED";
  }
}

Expected<Attributes> ReadAttributes(const onnx::NodeProto& node, std::span<const AttrSpec> spec) {
  Attributes attrs;
  std::set<std::string> seen;
  for (const AP& a : node.attribute()) {
    if (!seen.insert(a.name()).second) return Status::Errorf("attribute '{}' is given twice", Printable(a.name()));
    if (!a.ref_attr_name().empty())
      return Status::Errorf("attribute '{}' refers to a function attribute outside a function", Printable(a.name()));
    const AttrSpec* s = FindSpec(spec, a.name());
    if (!s) return Status::Errorf("unknown attribute '{}'", Printable(a.name()));
    if (s->presence == AttrSpec::kIgnored) continue;
    const int type = EffectiveType(a);
    if (type != OnnxCode(s->type))
      return Status::Errorf("attribute '{}' is {} but must be {}", Printable(a.name()), OnnxAttrTypeName(type),
                            AttrTypeName(s->type));
    MRT_ASSIGN_OR_RETURN(AttrValue v, ConvertValue(a, s->type));
    attrs.set(a.name(), std::move(v));
  }
  for (const AttrSpec& s : spec) {
    const std::string name(s.name);
    if (attrs.has(name)) continue;
    if (s.presence == AttrSpec::kRequired) return Status::Errorf("required attribute '{}' is missing", name);
    if (s.presence == AttrSpec::kDefault) attrs.set(name, DefaultValue(s));
  }
  return attrs;
}

std::optional<std::vector<int64_t>> TakeInts(Attributes& attrs, const std::string& name) {
  auto v = attrs.Get<std::vector<int64_t>>(name);
  attrs.erase(name);
  return v;
}

std::optional<std::vector<float>> TakeFloats(Attributes& attrs, const std::string& name) {
  auto v = attrs.Get<std::vector<float>>(name);
  attrs.erase(name);
  return v;
}

std::optional<float> TakeFloat(Attributes& attrs, const std::string& name) {
  auto v = attrs.Get<float>(name);
  attrs.erase(name);
  return v;
}

std::optional<int64_t> TakeInt(Attributes& attrs, const std::string& name) {
  auto v = attrs.Get<int64_t>(name);
  attrs.erase(name);
  return v;
}

}  // namespace mrt::onnx_import
