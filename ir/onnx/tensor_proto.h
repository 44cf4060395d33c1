// TensorProto <-> Tensor. Reading accepts every way ONNX stores tensor data: raw_data (little-
// endian bytes), the typed fields (float_data, int32_data — which also carries f16/bf16 bits, i8,
// u8 and bool —, int64_data, double_data) and external data, which is read only from regular
// files inside the model's folder (no absolute paths, no "..", no symlinks) and bounds-checked.
// Every size is checked before anything is allocated, so a corrupt file cannot ask for terabytes.
#pragma once

#include <string>

#include "ir/status.h"
#include "ir/tensor.h"
#include "onnx/onnx.pb.h"

namespace mrt::onnx_import {

// "FLOAT", "STRING", ... for a TensorProto.DataType code ("code 42" when unknown).
std::string OnnxTypeName(int32_t onnx_type);

// The mini-rt dtype of an ONNX element type, or an error naming the unsupported/undefined type.
Expected<DType> DTypeFromOnnxChecked(int32_t onnx_type);

// Number of elements of `dims`, with an error for a negative dim or an int64 overflow.
Expected<int64_t> CheckedNumel(const std::vector<int64_t>& dims);

// Converts a TensorProto. `model_dir` is the folder external data is read from (empty: external
// data is an error). Errors do not name the tensor; callers add "initializer 'w': " etc.
Expected<Tensor> TensorFromProto(const onnx::TensorProto& proto, const std::string& model_dir);

// Writes `tensor` into `proto` as raw_data (dims, data_type, raw_data); the name is left alone.
void TensorToProto(const Tensor& tensor, onnx::TensorProto* proto);

// Writes `tensor` into `proto` using the typed data fields (float_data, int32_data, ...) the way
// older exporters do; the name is left alone.
void TensorToTypedProto(const Tensor& tensor, onnx::TensorProto* proto);

}  // namespace mrt::onnx_import
