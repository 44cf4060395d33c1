// Element types of tensors. The set is what ONNX models for inference use; ONNX's own
// TensorProto.DataType codes map to these in ir/onnx (DTypeFromOnnx / DTypeToOnnx).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mrt {

enum class DType : uint8_t { kUndefined, kF32, kF16, kBF16, kF64, kI8, kU8, kI32, kI64, kBool };

size_t DTypeSize(DType t);                                  // bytes per element; 0 for kUndefined
std::string_view DTypeName(DType t);                        // "f32", "f16", ..., "bool"
std::optional<DType> DTypeFromName(std::string_view name);  // inverse of DTypeName
bool IsFloat(DType t);                                      // f32, f16, bf16, f64
bool IsInteger(DType t);                                    // i8, u8, i32, i64 (not bool)

// ONNX TensorProto.DataType codes (FLOAT=1, UINT8=2, ...): kUndefined when unsupported.
DType DTypeFromOnnx(int32_t onnx_type);
int32_t DTypeToOnnx(DType t);

}  // namespace mrt
