#include "ir/onnx/importer.h"

namespace mrt {

Expected<Graph> ImportOnnxFile(const std::string& path, const ImportOptions& options) {
  return Status::Errorf("{}: the ONNX importer is not implemented yet", path);
}

Expected<Graph> ImportOnnxBytes(std::string_view bytes, const std::string& model_dir, const std::string& display_name,
                                const ImportOptions& options) {
  return Status::Errorf("{}: the ONNX importer is not implemented yet", display_name);
}

Expected<Tensor> ReadTensorProtoFile(const std::string& path, std::string* name) {
  return Status::Errorf("{}: not implemented yet", path);
}

}  // namespace mrt
