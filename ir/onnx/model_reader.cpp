#include "ir/onnx/model_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

namespace mrt::onnx_import {

Expected<std::string> ReadFileBytes(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return Status::Error("no such file");
  if (!std::filesystem::is_regular_file(status)) return Status::Error("not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Errorf("cannot open the file for reading: {}", std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::Errorf("read error: {}", std::strerror(errno));
  if (bytes.empty()) return Status::Error("the file is empty");
  return bytes;
}

Expected<onnx::ModelProto> ParseModelProto(std::string_view bytes) {
  if (bytes.empty()) return Status::Error("the model is empty (0 bytes)");
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return Status::Errorf("the model is {} bytes; protobuf reads at most 2 GiB (store weights as external data)",
                          bytes.size());
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Status::Error("not an ONNX model: the bytes are not a valid protobuf ModelProto (truncated or corrupt?)");
  if (!model.has_ir_version() || model.ir_version() <= 0)
    return Status::Error("not an ONNX model: it has no ir_version (truncated, or another kind of file?)");
  if (!model.has_graph()) return Status::Error("not an ONNX model: it has no graph");
  if (model.ir_version() < 3)
    return Status::Errorf("ir_version {} predates opset imports (IR 3); re-export the model with opset 7 or newer",
                          model.ir_version());
  return model;
}

Expected<int64_t> DefaultDomainOpset(const onnx::ModelProto& model) {
  std::optional<int64_t> opset;
  for (const auto& entry : model.opset_import()) {
    if (!IsDefaultDomain(entry.domain())) continue;
    if (opset && *opset != entry.version())
      return Status::Errorf("the model imports the default ONNX domain twice (opsets {} and {})", *opset,
                            entry.version());
    opset = entry.version();
  }
  if (!opset) return Status::Error("the model imports no opset of the default ONNX domain");
  return *opset;
}

}  // namespace mrt::onnx_import
