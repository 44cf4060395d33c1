#include "tests/conformance/conformance_case.h"

#include <onnx/onnx.pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "ir/onnx/importer.h"
#include "runtime/reference_backend.h"

namespace mrt::conformance {

namespace fs = std::filesystem;

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPassed:
      return "PASSED";
    case Outcome::kFailed:
      return "FAILED";
    case Outcome::kSkipped:
      return "SKIPPED";
  }
  return "?";
}

std::string SkipReason(const std::string& message) {
  static const std::regex kOps(R"(\d+ unsupported ops?: (.*))");
  static const std::regex kOpName(R"((?:^|, )([A-Za-z0-9_.:]+)(?: x\d+)? \(nodes? )");
  static const std::regex kDType(R"(dtype ([A-Za-z0-9_]+|code \d+) is not supported)");
  static const std::regex kType(R"(is an? (sequence|map|optional|sparse tensor); only)");
  std::smatch m;
  if (std::regex_search(message, m, kOps)) {
    const std::string list = m[1];
    std::vector<std::string> ops;
    for (auto it = std::sregex_iterator(list.begin(), list.end(), kOpName); it != std::sregex_iterator(); ++it)
      ops.push_back((*it)[1]);
    return ops.empty() ? "unsupported op: " + list : fmt::format("unsupported op: {}", fmt::join(ops, ", "));
  }
  if (std::regex_search(message, m, kDType)) return "unsupported dtype: " + m[1].str();
  if (std::regex_search(message, m, kType)) return "unsupported type: " + m[1].str();
  return "";
}

std::vector<std::string> ModelOpTypes(const std::string& model_path) {
  std::ifstream in(model_path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  onnx::ModelProto model;
  std::vector<std::string> ops;
  if (!in || !model.ParseFromString(bytes.str())) return ops;
  for (const auto& node : model.graph().node()) {
    const std::string op =
        node.domain().empty() || node.domain() == "ai.onnx" ? node.op_type() : node.domain() + "." + node.op_type();
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
  }
  return ops;
}

std::vector<std::string> OpsOfTest(const std::string& data_dir, const std::string& test_name) {
  constexpr std::string_view kExpanded = "_expanded";
  if (test_name.size() > kExpanded.size() && test_name.ends_with(kExpanded)) {
    const fs::path original = fs::path(data_dir) / test_name.substr(0, test_name.size() - kExpanded.size());
    if (fs::exists(original / "model.onnx")) return ModelOpTypes((original / "model.onnx").string());
  }
  return ModelOpTypes((fs::path(data_dir) / test_name / "model.onnx").string());
}

namespace {

// Files named <prefix><N>.pb in `dir`, ordered by N.
std::vector<std::string> NumberedFiles(const fs::path& dir, const std::string& prefix) {
  std::map<int, std::string> by_number;
  const std::regex pattern(prefix + R"((\d+)\.pb)");
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, m, pattern)) by_number[std::stoi(m[1])] = entry.path().string();
  }
  std::vector<std::string> files;
  for (auto& [n, path] : by_number) files.push_back(path);
  return files;
}

std::string IndexString(const std::vector<int64_t>& sizes, int64_t flat) {
  std::vector<int64_t> index(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    index[d] = sizes[d] ? flat % sizes[d] : 0;
    flat = sizes[d] ? flat / sizes[d] : 0;
  }
  return fmt::format("[{}]", fmt::join(index, ","));
}

// Empty when `actual` matches `expected`; else what differs first.
std::string Mismatch(const Tensor& actual, const Tensor& expected, const Tolerance& tol) {
  if (actual.dtype() != expected.dtype())
    return fmt::format("dtype {} but expected {}", DTypeName(actual.dtype()), DTypeName(expected.dtype()));
  if (actual.sizes() != expected.sizes())
    return fmt::format("shape {} but expected {}", SizesToString(actual.sizes()), SizesToString(expected.sizes()));
  int64_t bad = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < actual.numel(); ++i) {
    const double a = actual.ElementAsDouble(i), e = expected.ElementAsDouble(i);
    if (std::isnan(a) && std::isnan(e)) continue;
    if (a == e) continue;  // also equal infinities
    const double diff = std::abs(a - e);
    if (diff <= tol.atol + tol.rtol * std::abs(e)) continue;
    if (first < 0) first = i;
    if (!(diff <= worst)) worst = diff;  // NaN vs number counts as the worst
    ++bad;
  }
  if (bad == 0) return "";
  return fmt::format("{} of {} elements differ; first at {}: {:.7g} but expected {:.7g} (max |diff| {:.3g})", bad,
                     actual.numel(), IndexString(actual.sizes(), first), actual.ElementAsDouble(first),
                     expected.ElementAsDouble(first), worst);
}

// ONNX 1.12's bfloat16 tests (test_cast_*BFLOAT16*) store their bf16 tensors as UINT16 holding
// the bits, which ReadTensorProtoFile rightly refuses. For a graph with bf16 values, read such a
// file as bf16.
Expected<Tensor> ReadUint16AsBFloat16(const std::string& path, std::string* name) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  onnx::TensorProto proto;
  if (!in || !proto.ParseFromString(bytes.str()) || proto.data_type() != onnx::TensorProto_DataType_UINT16)
    return Status::Errorf("{}: not a UINT16 TensorProto", path);
  Tensor t(DType::kBF16, std::vector<int64_t>(proto.dims().begin(), proto.dims().end()));
  auto* bits = t.data<uint16_t>();
  if (!proto.raw_data().empty()) {
    if (proto.raw_data().size() != t.nbytes()) return Status::Errorf("{}: raw_data has the wrong size", path);
    std::memcpy(bits, proto.raw_data().data(), t.nbytes());  // little-endian, like the host
  } else {
    if (proto.int32_data_size() != t.numel()) return Status::Errorf("{}: int32_data has the wrong size", path);
    for (int64_t i = 0; i < t.numel(); ++i) bits[i] = static_cast<uint16_t>(proto.int32_data(static_cast<int>(i)));
  }
  if (name) *name = proto.name();
  return t;
}

Expected<Tensor> ReadTestTensor(const std::string& path, bool graph_has_bf16, std::string* name) {
  Expected<Tensor> t = ReadTensorProtoFile(path, name);
  if (t.ok() || !graph_has_bf16) return t;
  Expected<Tensor> bf16 = ReadUint16AsBFloat16(path, name);
  return bf16.ok() ? bf16 : t;
}

// Classifies an error: a skip when the importer or the test-data reader says an op or dtype is
// unsupported, a failure otherwise (errors at run time always fail: the model was accepted).
void SetError(CaseResult& result, const std::string& stage, const std::string& message) {
  const std::string skip = stage == "run" ? "" : SkipReason(message);
  result.outcome = skip.empty() ? Outcome::kFailed : Outcome::kSkipped;
  result.reason = skip.empty() ? stage + ": " + message : skip;
}

// Reads the data set's inputs, binding each to a graph input by the name stored in the file
// (the position when the name is missing or unknown).
bool ReadInputs(const Graph& graph, const fs::path& set_dir, TensorMap& inputs, CaseResult& result) {
  const std::vector<std::string> files = NumberedFiles(set_dir, "input_");
  for (size_t i = 0; i < files.size(); ++i) {
    std::string name;
    Expected<Tensor> t = ReadTestTensor(files[i], result.dtypes.count(DType::kBF16) != 0, &name);
    if (!t.ok()) {
      SetError(result, "reading test data", t.status().message());
      return false;
    }
    auto id = graph.FindValue(name);
    if (name.empty() || !id || !graph.value(*id).is_graph_input) {
      if (i >= graph.inputs.size()) {
        SetError(result, "test data",
                 fmt::format("{} has no matching graph input", fs::path(files[i]).filename().string()));
        return false;
      }
      name = graph.value(graph.inputs[i]).name;
    }
    inputs[name] = std::move(*t);
  }
  return true;
}

// Compares the outputs with output_N.pb, bound by name like the inputs.
bool CheckOutputs(const Graph& graph, const fs::path& set_dir, const TensorMap& outputs, const Tolerance& tol,
                  CaseResult& result) {
  const std::vector<std::string> files = NumberedFiles(set_dir, "output_");
  for (size_t i = 0; i < files.size(); ++i) {
    std::string name;
    Expected<Tensor> expected = ReadTestTensor(files[i], result.dtypes.count(DType::kBF16) != 0, &name);
    if (!expected.ok()) {
      SetError(result, "reading test data", expected.status().message());
      return false;
    }
    if (!outputs.count(name)) {
      if (i >= graph.outputs.size()) {
        SetError(result, "test data",
                 fmt::format("{} has no matching graph output", fs::path(files[i]).filename().string()));
        return false;
      }
      name = graph.value(graph.outputs[i]).name;
    }
    const std::string mismatch = Mismatch(outputs.at(name), *expected, tol);
    if (!mismatch.empty()) {
      result.outcome = Outcome::kFailed;
      result.reason = fmt::format("{}: output '{}': {}", set_dir.filename().string(), name, mismatch);
      return false;
    }
  }
  return true;
}

}  // namespace

void RunCase(const std::string& dir, const Tolerance& tol, CaseResult& result) {
  const std::string model_path = (fs::path(dir) / "model.onnx").string();
  Expected<Graph> graph = ImportOnnxFile(model_path);
  if (!graph.ok()) {
    std::string message = graph.status().message();  // "<dir>/model.onnx: ..." -> "model.onnx: ..."
    if (message.starts_with(model_path)) message.replace(0, model_path.size(), "model.onnx");
    return SetError(result, "import", message);
  }
  for (ValueId v : graph->inputs) result.dtypes.insert(graph->value(v).dtype);
  for (ValueId v : graph->outputs) result.dtypes.insert(graph->value(v).dtype);

  std::vector<fs::path> sets;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && entry.path().filename().string().starts_with("test_data_set_"))
      sets.push_back(entry.path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return SetError(result, "test data", "no test_data_set_* folder");
  for (const fs::path& set_dir : sets) {
    TensorMap inputs;
    if (!ReadInputs(*graph, set_dir, inputs, result)) return;
    Expected<TensorMap> outputs = RunReference(*graph, inputs);
    if (!outputs.ok()) return SetError(result, "run", outputs.status().message());
    if (!CheckOutputs(*graph, set_dir, *outputs, tol, result)) return;
  }
  result.outcome = Outcome::kPassed;
  result.reason.clear();
}

}  // namespace mrt::conformance
