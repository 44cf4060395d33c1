// Bytes -> ModelProto with sanity checks. protobuf-lite happily "parses" many byte strings that are
// not ONNX models (any run of bytes that happens to be valid wire format), so a parse is trusted
// only when the result looks like a model: an ir_version, a graph, and an opset for the default
// domain between 7 and 21.
#pragma once

#include <string>
#include <string_view>

#include "ir/status.h"
#include "onnx/onnx.pb.h"

namespace mrt::onnx_import {

inline constexpr int64_t kMinOpset = 7;
inline constexpr int64_t kMaxOpset = 21;

// The whole file; errors for a missing, unreadable or empty file (the message has no file prefix).
Expected<std::string> ReadFileBytes(const std::string& path);

// Parses and sanity-checks a serialized model (not the opset range: see DefaultDomainOpset).
Expected<onnx::ModelProto> ParseModelProto(std::string_view bytes);

// The opset imported for the default ONNX domain ("" or "ai.onnx"), or an error when the model
// imports none or imports it twice with different versions.
Expected<int64_t> DefaultDomainOpset(const onnx::ModelProto& model);

// Whether a node's domain is the default ONNX domain.
inline bool IsDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

}  // namespace mrt::onnx_import
