// Attribute specs: for each op, the attributes it accepts with their ONNX type, and whether each
// is required, has a default the importer fills in, is optional without a default, or is an old
// attribute that is accepted and dropped. ReadAttributes checks a node against its spec in one
// place, so every importer gets the same type checks and error messages.
#pragma once

#include <span>
#include <string_view>

#include "ir/attributes.h"
#include "ir/status.h"
#include "onnx/onnx.pb.h"

namespace mrt::onnx_import {

enum class AttrType { kInt, kFloat, kString, kInts, kFloats, kStrings, kTensor };

struct AttrSpec {
  enum Presence { kOptional, kDefault, kRequired, kIgnored };
  std::string_view name;
  AttrType type = AttrType::kInt;
  Presence presence = kOptional;
  int64_t int_default = 0;
  float float_default = 0.f;
  std::string_view string_default;
};

// Spec builders, so tables read like the ONNX docs: Int("group", 1), RequiredInts("kernel_shape").
constexpr AttrSpec Int(std::string_view n, int64_t d) { return {n, AttrType::kInt, AttrSpec::kDefault, d}; }
constexpr AttrSpec Float(std::string_view n, float d) { return {n, AttrType::kFloat, AttrSpec::kDefault, 0, d}; }
constexpr AttrSpec Str(std::string_view n, std::string_view d) {
  return {n, AttrType::kString, AttrSpec::kDefault, 0, 0.f, d};
}
constexpr AttrSpec Optional(std::string_view n, AttrType t) { return {n, t, AttrSpec::kOptional}; }
constexpr AttrSpec Required(std::string_view n, AttrType t) { return {n, t, AttrSpec::kRequired}; }
constexpr AttrSpec Ignored(std::string_view n) { return {n, AttrType::kInt, AttrSpec::kIgnored}; }

std::string_view AttrTypeName(AttrType t);                   // "INT", "FLOATS", ...
std::string_view OnnxAttrTypeName(int onnx_attribute_type);  // from AttributeProto.type

// Checks `node`'s attributes against `spec` and converts them: an attribute not in the spec, one
// of the wrong type, a missing required one, a repeated one, or a tensor of an unsupported dtype
// is an error naming the attribute. Defaults of kDefault entries are filled in; kIgnored entries
// are dropped. Tensor attributes never use external data.
Expected<Attributes> ReadAttributes(const onnx::NodeProto& node, std::span<const AttrSpec> spec);

// Helpers for importers that turn attributes into inputs: takes (removes) an attribute.
std::optional<std::vector<int64_t>> TakeInts(Attributes& attrs, const std::string& name);
std::optional<std::vector<float>> TakeFloats(Attributes& attrs, const std::string& name);
std::optional<float> TakeFloat(Attributes& attrs, const std::string& name);
std::optional<int64_t> TakeInt(Attributes& attrs, const std::string& name);

}  // namespace mrt::onnx_import
