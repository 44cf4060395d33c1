// The importer table: one row per ONNX op_type mini-rt reads. A row either names a custom import
// function (ops whose attributes need checks beyond their types, or that older opsets spelled
// differently) or an OpKind plus an attribute spec for the generic import. Each family file
// (import_conv.cpp, import_elementwise.cpp, ...) returns its rows; FindOpImporter searches them.
#pragma once

#include <span>
#include <string_view>

#include "ir/onnx/import_context.h"

namespace mrt::onnx_import {

using ImportFn = Status (*)(ImportContext&, const onnx::NodeProto&);

struct OpImporter {
  std::string_view op_type;
  ImportFn custom = nullptr;  // null: ImportWithSpec(kind, spec)
  OpKind kind = OpKind::kIdentity;
  std::span<const AttrSpec> spec;
};

std::span<const OpImporter> ConvImporters();         // import_conv.cpp: Conv, Gemm, norms, pools
std::span<const OpImporter> ElementwiseImporters();  // import_elementwise.cpp
std::span<const OpImporter> ReduceImporters();       // import_reduce.cpp: Reduce*, Arg*, TopK, Softmax
std::span<const OpImporter> ShapeImporters();        // import_shape.cpp: data movement
std::span<const OpImporter> ConstantImporters();     // import_constant.cpp: Constant, ConstantOfShape, ...
std::span<const OpImporter> ResizeImporters();       // import_resize.cpp: Resize, Upsample

// The row for a default-domain op_type, or nullptr when mini-rt does not read it.
const OpImporter* FindOpImporter(std::string_view op_type);

// Runs the row's import for `node`.
Status RunOpImporter(const OpImporter& row, ImportContext& ctx, const onnx::NodeProto& node);

// Models with an opset older than 7 are read only when every op they use has kept its
// definition since then (Softplus-1, Selu-6, ...): the version the op has had since, else 0.
int64_t UnchangedSinceOpset(std::string_view op_type);

// Small helpers shared by the family files.
Tensor Int64Tensor(const std::vector<int64_t>& values);  // 1-D i64
Tensor FloatTensor(const std::vector<float>& values);    // 1-D f32
// Checks a string attribute against its allowed values: "mode is 'foo'; expected one of ...".
Status CheckOneOf(const Attributes& attrs, const std::string& name, std::initializer_list<std::string_view> allowed);

}  // namespace mrt::onnx_import
