#include "ir/onnx/tensor_proto.h"
#include "ir/printable.h"

#include <bit>
#include <cstring>
#include <iterator>
#include <limits>
#include <string_view>

#include "ir/onnx/external_data.h"

namespace mrt::onnx_import {

static_assert(std::endian::native == std::endian::little,
              "raw_data is little-endian; a big-endian host would need byte swaps");

namespace {

// Checks that a typed data field holds exactly `numel` values.
Status CheckCount(const char* field, int64_t count, int64_t numel, int32_t onnx_type) {
  if (count == numel) return Status::Ok();
  return Status::Errorf("{} holds {} values but the dims of this {} tensor need {}", field, count,
                        OnnxTypeName(onnx_type), numel);
}

// int32_data carries every type narrower than 32 bits: f16/bf16 as their 16 bits, i8, u8, bool.
Status CopyFromInt32Data(const onnx::TensorProto& proto, Tensor& t) {
  MRT_RETURN_IF_ERROR(CheckCount("int32_data", proto.int32_data_size(), t.numel(), proto.data_type()));
  const auto& src = proto.int32_data();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const int32_t v = src[static_cast<int>(i)];
    switch (t.dtype()) {
      case DType::kI32:
        t.data<int32_t>()[i] = v;
        break;
      case DType::kF16:
      case DType::kBF16:
        t.data<uint16_t>()[i] = static_cast<uint16_t>(v);
        break;
      case DType::kI8:
        t.data<int8_t>()[i] = static_cast<int8_t>(v);
        break;
      case DType::kU8:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(v);
        break;
      case DType::kBool:
        t.data<uint8_t>()[i] = v != 0 ? 1 : 0;
        break;
      default:
        return Status::Errorf("int32_data cannot hold a {} tensor", OnnxTypeName(proto.data_type()));
    }
  }
  return Status::Ok();
}

// Fills `t` (already sized) from the proto's typed fields.
Status CopyFromTypedFields(const onnx::TensorProto& proto, Tensor& t) {
  const int64_t n = t.numel();
  switch (t.dtype()) {
    case DType::kF32:
      MRT_RETURN_IF_ERROR(CheckCount("float_data", proto.float_data_size(), n, proto.data_type()));
      if (n) std::memcpy(t.raw(), proto.float_data().data(), t.nbytes());
      return Status::Ok();
    case DType::kF64:
      MRT_RETURN_IF_ERROR(CheckCount("double_data", proto.double_data_size(), n, proto.data_type()));
      if (n) std::memcpy(t.raw(), proto.double_data().data(), t.nbytes());
      return Status::Ok();
    case DType::kI64:
      MRT_RETURN_IF_ERROR(CheckCount("int64_data", proto.int64_data_size(), n, proto.data_type()));
      if (n) std::memcpy(t.raw(), proto.int64_data().data(), t.nbytes());
      return Status::Ok();
    default:
      return CopyFromInt32Data(proto, t);
  }
}

// Whether any typed data field is populated (used to tell "no data at all" from "empty tensor").
bool HasTypedData(const onnx::TensorProto& p) {
  return p.float_data_size() || p.int32_data_size() || p.int64_data_size() || p.double_data_size() ||
         p.uint64_data_size() || p.string_data_size();
}

}  // namespace

std::string OnnxTypeName(int32_t onnx_type) {
  if (onnx::TensorProto_DataType_IsValid(onnx_type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(onnx_type));
  // Codes newer than the onnx.proto mini-rt compiles (ONNX 1.12): float8 (opset 19), 4-bit
  // integers (opset 21), float4 (opset 23); named so that their refusal says what they are.
  static constexpr std::string_view kNewer[] = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
                                                "UINT4",        "INT4",           "FLOAT4E2M1"};
  constexpr int32_t kFirstNewer = 17;
  if (onnx_type >= kFirstNewer && onnx_type < kFirstNewer + static_cast<int32_t>(std::size(kNewer)))
    return std::string(kNewer[onnx_type - kFirstNewer]);
  return fmt::format("code {}", onnx_type);
}

Expected<DType> DTypeFromOnnxChecked(int32_t onnx_type) {
  if (onnx_type == onnx::TensorProto_DataType_UNDEFINED) return Status::Error("dtype is undefined (elem_type 0)");
  const DType t = DTypeFromOnnx(onnx_type);
  if (t == DType::kUndefined) return Status::Errorf("dtype {} is not supported", OnnxTypeName(onnx_type));
  return t;
}

Expected<int64_t> CheckedNumel(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return Status::Errorf("dims {} hold a negative size", SizesForMessage(dims));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return Status::Errorf("dims {} overflow int64 elements", SizesForMessage(dims));
    n *= d;
  }
  return n;
}

Expected<Tensor> TensorFromProto(const onnx::TensorProto& proto, const std::string& model_dir) {
  MRT_ASSIGN_OR_RETURN(const DType dtype, DTypeFromOnnxChecked(proto.data_type()));
  const std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  MRT_ASSIGN_OR_RETURN(const int64_t numel, CheckedNumel(dims));
  // Refuse sizes whose byte count overflows size_t before anything is allocated.
  if (static_cast<uint64_t>(numel) > std::numeric_limits<uint64_t>::max() / 8)
    return Status::Errorf("dims {} are too large", SizesForMessage(dims));
  const uint64_t nbytes = static_cast<uint64_t>(numel) * DTypeSize(dtype);

  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    MRT_ASSIGN_OR_RETURN(const std::string bytes, ReadExternalData(proto, model_dir, nbytes));
    Tensor t(dtype, dims);
    if (nbytes) std::memcpy(t.raw(), bytes.data(), nbytes);
    return t;
  }
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != nbytes)
      return Status::Errorf("raw_data has {} bytes but dims {} of {} need {}", proto.raw_data().size(),
                            SizesForMessage(dims), OnnxTypeName(proto.data_type()), nbytes);
    Tensor t(dtype, dims);
    if (nbytes) std::memcpy(t.raw(), proto.raw_data().data(), nbytes);
    if (dtype == DType::kBool)  // normalize booleans to 0/1
      for (int64_t i = 0; i < numel; ++i) t.data<uint8_t>()[i] = t.data<uint8_t>()[i] != 0;
    return t;
  }
  if (numel > 0 && !HasTypedData(proto)) return Status::Errorf("has dims {} but no data", SizesForMessage(dims));
  // Typed fields are already in memory, so a wrong count is caught before the allocation matters;
  // still compare first so absurd dims never allocate.
  const int64_t stored =
      std::max({proto.float_data_size(), proto.int32_data_size(), proto.int64_data_size(), proto.double_data_size()});
  if (stored != numel)
    return Status::Errorf("typed data holds {} values but dims {} of {} need {}", stored, SizesForMessage(dims),
                          OnnxTypeName(proto.data_type()), numel);
  Tensor t(dtype, dims);
  MRT_RETURN_IF_ERROR(CopyFromTypedFields(proto, t));
  return t;
}

void TensorToProto(const Tensor& tensor, onnx::TensorProto* proto) {
  proto->clear_dims();
  for (int64_t d : tensor.sizes()) proto->add_dims(d);
  proto->set_data_type(DTypeToOnnx(tensor.dtype()));
  proto->set_raw_data(tensor.raw(), tensor.nbytes());
}

void TensorToTypedProto(const Tensor& tensor, onnx::TensorProto* proto) {
  proto->clear_dims();
  for (int64_t d : tensor.sizes()) proto->add_dims(d);
  proto->set_data_type(DTypeToOnnx(tensor.dtype()));
  const int64_t n = tensor.numel();
  for (int64_t i = 0; i < n; ++i) {
    switch (tensor.dtype()) {
      case DType::kF32:
        proto->add_float_data(tensor.data<float>()[i]);
        break;
      case DType::kF64:
        proto->add_double_data(tensor.data<double>()[i]);
        break;
      case DType::kI64:
        proto->add_int64_data(tensor.data<int64_t>()[i]);
        break;
      case DType::kI32:
        proto->add_int32_data(tensor.data<int32_t>()[i]);
        break;
      case DType::kF16:
      case DType::kBF16:
        proto->add_int32_data(tensor.data<uint16_t>()[i]);
        break;
      case DType::kI8:
        proto->add_int32_data(tensor.data<int8_t>()[i]);
        break;
      case DType::kU8:
      case DType::kBool:
        proto->add_int32_data(tensor.data<uint8_t>()[i]);
        break;
      case DType::kUndefined:
        break;
    }
  }
}

}  // namespace mrt::onnx_import
