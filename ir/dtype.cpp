#include "ir/dtype.h"

namespace mrt {

namespace {
struct DTypeRow {
  DType type;
  std::string_view name;
  size_t size;
  int32_t onnx;
};
// ONNX codes: FLOAT=1 UINT8=2 INT8=3 INT32=6 INT64=7 BOOL=9 FLOAT16=10 DOUBLE=11 BFLOAT16=16.
constexpr DTypeRow kRows[] = {
    {DType::kUndefined, "undefined", 0, 0}, {DType::kF32, "f32", 4, 1},  {DType::kF16, "f16", 2, 10},
    {DType::kBF16, "bf16", 2, 16},          {DType::kF64, "f64", 8, 11}, {DType::kI8, "i8", 1, 3},
    {DType::kU8, "u8", 1, 2},               {DType::kI32, "i32", 4, 6},  {DType::kI64, "i64", 8, 7},
    {DType::kBool, "bool", 1, 9},
};
const DTypeRow& Row(DType t) { return kRows[static_cast<size_t>(t)]; }
}  // namespace

size_t DTypeSize(DType t) { return Row(t).size; }
std::string_view DTypeName(DType t) { return Row(t).name; }

std::optional<DType> DTypeFromName(std::string_view name) {
  for (const auto& r : kRows)
    if (r.name == name && r.type != DType::kUndefined) return r.type;
  return std::nullopt;
}

bool IsFloat(DType t) { return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16 || t == DType::kF64; }
bool IsInteger(DType t) { return t == DType::kI8 || t == DType::kU8 || t == DType::kI32 || t == DType::kI64; }

DType DTypeFromOnnx(int32_t onnx_type) {
  for (const auto& r : kRows)
    if (r.onnx == onnx_type && r.type != DType::kUndefined) return r.type;
  return DType::kUndefined;
}
int32_t DTypeToOnnx(DType t) { return Row(t).onnx; }

}  // namespace mrt
