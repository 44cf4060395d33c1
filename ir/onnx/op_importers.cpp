#include "ir/onnx/op_importers.h"
#include "ir/printable.h"

#include <array>

namespace mrt::onnx_import {

const OpImporter* FindOpImporter(std::string_view op_type) {
  using Family = std::span<const OpImporter> (*)();
  static constexpr std::array<Family, 6> kFamilies = {ConvImporters,  ElementwiseImporters, ReduceImporters,
                                                      ShapeImporters, ConstantImporters,    ResizeImporters};
  for (Family family : kFamilies)
    for (const OpImporter& row : family())
      if (row.op_type == op_type) return &row;
  return nullptr;
}

Status RunOpImporter(const OpImporter& row, ImportContext& ctx, const onnx::NodeProto& node) {
  if (row.custom) return row.custom(ctx, node);
  return ImportWithSpec(ctx, node, row.kind, row.spec);
}

int64_t UnchangedSinceOpset(std::string_view op_type) {
  // Ops whose newest definition (through opset 18) dates from opset 6 or earlier.
  struct Row {
    std::string_view op;
    int64_t since;
  };
  static constexpr Row kRows[] = {
      {"Constant", 1},      {"GlobalAveragePool", 1},
      {"GlobalMaxPool", 1}, {"Not", 1},
      {"Softplus", 1},      {"Softsign", 1},
      {"Elu", 6},           {"Selu", 6},
      {"HardSigmoid", 6},   {"InstanceNormalization", 6},
  };
  for (const Row& r : kRows)
    if (r.op == op_type) return r.since;
  return 0;
}

Tensor Int64Tensor(const std::vector<int64_t>& values) {
  return Tensor::FromVector<int64_t>(DType::kI64, {static_cast<int64_t>(values.size())}, values);
}

Tensor FloatTensor(const std::vector<float>& values) {
  return Tensor::FromVector<float>(DType::kF32, {static_cast<int64_t>(values.size())}, values);
}

Status CheckOneOf(const Attributes& attrs, const std::string& name, std::initializer_list<std::string_view> allowed) {
  const std::string value = attrs.GetString(name);
  for (std::string_view a : allowed)
    if (value == a) return Status::Ok();
  std::string list;
  for (std::string_view a : allowed) list += fmt::format("{}'{}'", list.empty() ? "" : ", ", a);
  return Status::Errorf("attribute '{}' is '{}'; expected one of {}", name, Printable(value), list);
}

}  // namespace mrt::onnx_import
