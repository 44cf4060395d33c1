// A small ONNX writer for tests and tools: builds a ModelProto field by field. It writes what it
// is told, including things a valid model must not hold (wrong attribute types, raw_data of the
// wrong size, external data pointing anywhere), so tests can feed the importer broken models.
//
//   OnnxModelBuilder b(/*opset=*/13);
//   b.AddInput("x", DType::kF32, {"batch", 3, 8, 8});
//   b.AddInitializer("w", weights);
//   b.AddNode("Conv", {"x", "w"}, {"y"}).AttrInts("pads", {1, 1, 1, 1});
//   b.AddOutput("y", DType::kF32);
//   std::string bytes = b.Serialize();
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/status.h"
#include "ir/tensor.h"
#include "onnx/onnx.pb.h"

namespace mrt {

// A dim of a declared shape: a size (dim_value), a name (dim_param), or unknown (neither).
struct OnnxDim {
  OnnxDim(int64_t v) : value(v) {}                 // NOLINT: implicit, so {1, "batch", 3} reads naturally
  OnnxDim(int v) : value(v) {}                     // NOLINT
  OnnxDim(const char* p) : param(p) {}             // NOLINT
  OnnxDim(std::string p) : param(std::move(p)) {}  // NOLINT
  static OnnxDim Unknown() { return OnnxDim(std::string()); }

  std::optional<int64_t> value;
  std::string param;  // empty and no value: unknown
};

// Adds attributes to one node of the model being built (the node stays owned by the model).
class OnnxNodeRef {
 public:
  explicit OnnxNodeRef(onnx::NodeProto* node) : node_(node) {}
  OnnxNodeRef& AttrInt(const std::string& name, int64_t v);
  OnnxNodeRef& AttrFloat(const std::string& name, float v);
  OnnxNodeRef& AttrString(const std::string& name, const std::string& v);
  OnnxNodeRef& AttrInts(const std::string& name, const std::vector<int64_t>& v);
  OnnxNodeRef& AttrFloats(const std::string& name, const std::vector<float>& v);
  OnnxNodeRef& AttrStrings(const std::string& name, const std::vector<std::string>& v);
  OnnxNodeRef& AttrTensor(const std::string& name, const Tensor& v);
  // An attribute with only a name and an AttributeProto type code (GRAPH, SPARSE_TENSOR, ...).
  OnnxNodeRef& AttrOfType(const std::string& name, int onnx_attribute_type);
  OnnxNodeRef& Domain(const std::string& domain);
  onnx::NodeProto& proto() { return *node_; }

 private:
  onnx::AttributeProto* Add(const std::string& name, int type);
  onnx::NodeProto* node_;
};

class OnnxModelBuilder {
 public:
  explicit OnnxModelBuilder(int64_t opset = 17, std::string graph_name = "graph");

  OnnxModelBuilder& SetIrVersion(int64_t v);
  OnnxModelBuilder& SetOpset(int64_t v);  // the default domain's opset
  OnnxModelBuilder& AddOpsetImport(const std::string& domain, int64_t version);

  // Graph inputs / outputs / value_info. dims nullopt: no shape at all (rank unknown).
  OnnxModelBuilder& AddInput(const std::string& name, DType dtype, std::optional<std::vector<OnnxDim>> dims = {});
  OnnxModelBuilder& AddOutput(const std::string& name, DType dtype, std::optional<std::vector<OnnxDim>> dims = {});
  OnnxModelBuilder& AddValueInfo(const std::string& name, DType dtype, std::optional<std::vector<OnnxDim>> dims = {});
  // The same with an ONNX elem_type code (0 = UNDEFINED, 8 = STRING, ...) for tests of bad types.
  OnnxModelBuilder& AddInputWithElemType(const std::string& name, int32_t onnx_elem_type,
                                         std::optional<std::vector<OnnxDim>> dims = {});
  OnnxModelBuilder& AddOutputWithElemType(const std::string& name, int32_t onnx_elem_type,
                                          std::optional<std::vector<OnnxDim>> dims = {});

  // Initializers: raw_data (the usual form), typed fields (float_data, int32_data, ...), raw bytes
  // of any size with any ONNX type code, or external data with the given keys.
  OnnxModelBuilder& AddInitializer(const std::string& name, const Tensor& value);
  OnnxModelBuilder& AddTypedInitializer(const std::string& name, const Tensor& value);
  OnnxModelBuilder& AddRawInitializer(const std::string& name, int32_t onnx_type, const std::vector<int64_t>& dims,
                                      const std::string& raw_bytes);
  OnnxModelBuilder& AddExternalInitializer(const std::string& name, DType dtype, const std::vector<int64_t>& dims,
                                           const std::string& location, std::optional<int64_t> offset = {},
                                           std::optional<int64_t> length = {});
  // External data with arbitrary key/value entries (non-numeric offsets, missing location, ...).
  OnnxModelBuilder& AddExternalInitializerEntries(const std::string& name, DType dtype,
                                                  const std::vector<int64_t>& dims,
                                                  const std::vector<std::pair<std::string, std::string>>& entries);
  // The initializer's proto, for anything the helpers above cannot say.
  onnx::TensorProto& AddInitializerProto(const std::string& name);

  OnnxNodeRef AddNode(const std::string& op_type, const std::vector<std::string>& inputs,
                      const std::vector<std::string>& outputs, const std::string& name = "");

  onnx::ModelProto& proto() { return model_; }
  const onnx::ModelProto& proto() const { return model_; }
  std::string Serialize() const;
  Status WriteToFile(const std::string& path, std::string_view flag = {}) const;

 private:
  onnx::ValueInfoProto* AddValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list,
                                 const std::string& name, int32_t elem_type,
                                 const std::optional<std::vector<OnnxDim>>& dims);
  onnx::ModelProto model_;
};

}  // namespace mrt
