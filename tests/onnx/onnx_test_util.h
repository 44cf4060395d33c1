// Helpers shared by the ONNX importer tests: a temporary folder per test, importing a built model
// from bytes or from a file, and finding nodes and values in the result.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "ir/graph.h"
#include "ir/onnx/importer.h"
#include "ir/onnx/onnx_builder.h"
#include "ir/op_table.h"

namespace mrt::testing {

// A fresh folder under the system temp dir, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string test = info ? std::string(info->test_suite_name()) + "_" + info->name() : "test";
    path_ = std::filesystem::temp_directory_path() /
            ("mrt_onnx_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + test);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  // Writes `bytes` to path()/name (creating sub-folders) and returns the full path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

// Imports a built model from memory; errors start with "model.onnx: ". No external data.
inline Expected<Graph> ImportBuilt(const OnnxModelBuilder& b, const ImportOptions& options = {}) {
  return ImportOnnxBytes(b.Serialize(), "", "model.onnx", options);
}

inline ImportOptions NoInference() {
  ImportOptions o;
  o.infer_shapes = false;
  return o;
}

// The error message of a failed import ("" when it succeeded, so EXPECT_EQ shows both sides).
template <typename T>
std::string ErrorOf(const Expected<T>& e) {
  return e.ok() ? std::string() : e.status().message();
}

// The live nodes of `op`, in graph order.
inline std::vector<const Node*> NodesOf(const Graph& g, OpKind op) {
  std::vector<const Node*> out;
  for (const Node& n : g.nodes())
    if (!n.dead && n.op == op) out.push_back(&n);
  return out;
}

inline const Value& ValueNamed(const Graph& g, const std::string& name) {
  auto id = g.FindValue(name);
  EXPECT_TRUE(id.has_value()) << "no value named " << name;
  static const Value kMissing;
  return id ? g.value(*id) : kMissing;
}

// Input `slot` of `node` as a weight's int64 values (empty when not a weight).
inline std::vector<int64_t> WeightInts(const Graph& g, const Node& node, size_t slot) {
  if (!node.has_input(slot) || !g.value(node.inputs[slot]).weight) return {};
  return g.value(node.inputs[slot]).weight->ToInt64Vector();
}

inline Tensor Int64TensorForTest(const std::vector<int64_t>& values) {
  return Tensor::FromVector<int64_t>(DType::kI64, {static_cast<int64_t>(values.size())}, values);
}

inline std::vector<float> WeightFloats(const Graph& g, const Node& node, size_t slot) {
  if (!node.has_input(slot) || !g.value(node.inputs[slot]).weight) return {};
  return g.value(node.inputs[slot]).weight->ToFloatVector();
}

}  // namespace mrt::testing
