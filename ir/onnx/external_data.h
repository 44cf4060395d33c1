// External tensor data (TensorProto.data_location == EXTERNAL): the bytes live in a file beside
// the model, named by the "location" key, at "offset" for "length" bytes. Models come from
// strangers, so the location is treated as hostile: it must be a relative path inside the model's
// folder without ".." and without any symlink on the way, name a regular file, and the requested
// range must lie inside that file.
#pragma once

#include <string>

#include "ir/status.h"
#include "onnx/onnx.pb.h"

namespace mrt::onnx_import {

// Resolves `location` against `model_dir` with the safety rules above; returns the full path.
Expected<std::string> ResolveExternalLocation(const std::string& model_dir, const std::string& location);

// Reads the external bytes of `proto`; `expected_bytes` is what its dims and dtype need (a
// mismatch with the stored length is an error).
Expected<std::string> ReadExternalData(const onnx::TensorProto& proto, const std::string& model_dir,
                                       size_t expected_bytes);

}  // namespace mrt::onnx_import
