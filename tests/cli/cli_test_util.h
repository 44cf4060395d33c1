// Helpers for the tests that run the built `mini-rt` binary: running it with captured stdout and
// stderr, a scratch folder per test, and tiny ONNX models written with the ONNX proto.
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx.pb.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "ir/onnx/importer.h"
#include "runtime/npy.h"

namespace mrt::testing {

inline const std::string kMiniRt = MRT_BINARY_DIR "/bin/mini-rt";
inline const std::string kNodeTests = MRT_ONNX_TESTDATA_DIR "/node";

struct CliResult {
  int exit_code = -1;
  std::string out, err;
  std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch folder removed at the end of the test.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("mrt_cli_") + info->test_suite_name() + "_" + info->name() + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(std::filesystem::exists(kMiniRt)) << kMiniRt << " is not built (ninja mini-rt)";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `mini-rt <args>` (args already shell-quoted where needed).
  CliResult Run(const std::string& args) const {
    const std::string out = Path("stdout.txt"), err = Path("stderr.txt");
    const std::string cmd = Quote(kMiniRt) + " " + args + " >" + Quote(out) + " 2>" + Quote(err);
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadWholeFile(out);
    r.err = ReadWholeFile(err);
    return r;
  }

  // Writes a stored ONNX test tensor (input_0.pb ...) as .npy and returns the path.
  std::string PbToNpy(const std::string& pb, const std::string& npy_name) const {
    Expected<Tensor> t = ReadTensorProtoFile(pb);
    EXPECT_TRUE(t.ok()) << t.status().message();
    EXPECT_TRUE(t.ok() && WriteNpy(Path(npy_name), *t).ok());
    return Path(npy_name);
  }

  std::filesystem::path dir_;
};

// Asserts the CLI failed with exactly one stderr line "mini-rt <command>: error: ..." holding `needle`.
inline void ExpectOneLineError(const CliResult& r, const std::string& command, const std::string& needle) {
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  const std::string prefix = command.empty() ? "mini-rt: error: " : "mini-rt " + command + ": error: ";
  EXPECT_EQ(lines[0].rfind(prefix, 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(needle), std::string::npos) << "missing '" << needle << "' in: " << lines[0];
}

// --- tiny ONNX models ---

using DimSpec = std::variant<int64_t, std::string>;  // a size or a symbolic name

inline void SetTensorType(onnx::ValueInfoProto* v, const std::string& name, int elem_type,
                          const std::vector<DimSpec>& dims) {
  v->set_name(name);
  auto* tensor = v->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  auto* shape = tensor->mutable_shape();
  for (const DimSpec& d : dims) {
    auto* dim = shape->add_dim();
    if (std::holds_alternative<int64_t>(d))
      dim->set_dim_value(std::get<int64_t>(d));
    else
      dim->set_dim_param(std::get<std::string>(d));
  }
}

inline onnx::ModelProto NewModel(int opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(opset);
  m.mutable_graph()->set_name("cli_test");
  return m;
}

inline onnx::NodeProto* AddNode(onnx::ModelProto& m, const std::string& op, const std::vector<std::string>& inputs,
                                const std::vector<std::string>& outputs) {
  onnx::NodeProto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + std::to_string(m.graph().node_size()));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

inline void AddFloatInitializer(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& dims,
                                const std::vector<float>& values) {
  onnx::TensorProto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
}

inline std::string SaveModel(const onnx::ModelProto& m, const std::string& path) {
  std::ofstream(path, std::ios::binary) << m.SerializeAsString();
  return path;
}

}  // namespace mrt::testing
