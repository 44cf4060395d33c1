// ONNX -> IR. Reads a ModelProto (opsets 7 to 21 of the default domain), turns initializers and
// Constant nodes into weights, reads external data safely (only files inside the model's folder,
// with bounds checks), converts each op to the IR's canonical (newest-opset) form with the
// spec's attribute defaults filled in, sorts the graph topologically and infers shapes.
// Every error is one line naming the file and, where there is one, the node, op and attribute.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace mrt {

struct ImportOptions {
  // Sizes for the graph inputs' dynamic dims, by input name ("x" -> {1, 3, 640, 640}); applied
  // before shape inference. Given sizes must agree with the model's static dims.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  bool infer_shapes = true;
};

// Reads and imports a model file. External data is looked up beside `path`.
Expected<Graph> ImportOnnxFile(const std::string& path, const ImportOptions& options = {});

// Imports a serialized ModelProto. `model_dir` is where external data files live (empty: the
// model may not use external data); `display_name` prefixes error messages.
Expected<Graph> ImportOnnxBytes(std::string_view bytes, const std::string& model_dir, const std::string& display_name,
                                const ImportOptions& options = {});

// Reads a serialized TensorProto file (the ONNX test suite's input_0.pb / output_0.pb).
Expected<Tensor> ReadTensorProtoFile(const std::string& path, std::string* name = nullptr);

}  // namespace mrt
