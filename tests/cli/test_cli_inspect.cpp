// `mini-rt inspect` end to end on small models.
#include "tests/cli/cli_test_util.h"

namespace mrt::testing {
namespace {

using CliInspectTest = CliTest;

TEST_F(CliInspectTest, DescribesANodeTestModel) {
  CliResult r = Run("inspect " + Quote(kNodeTests + "/test_add_bcast/model.onnx"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* line :
       {"graph:   'test_add_bcast', opset ", ", 1 node\n", "input    x: f32[3,4,5]\n", "input    y: f32[5]\n",
        "output   sum: f32[3,4,5]\n", "weights: 0 tensors, 0 B (0 bytes)\n", "ops:     Add: 1\n", " = Add(%"})
    EXPECT_NE(r.out.find(line), std::string::npos) << "missing '" << line << "' in:\n" << r.out;
}

// Two Add nodes and a Relu over one 2x3 f32 weight (24 bytes) and one 3-element weight (12).
TEST_F(CliInspectTest, CountsOpsAndWeights) {
  onnx::ModelProto m = NewModel();
  SetTensorType(m.mutable_graph()->add_input(), "x", onnx::TensorProto_DataType_FLOAT,
                {std::string("n"), int64_t{2}, int64_t{3}});
  SetTensorType(m.mutable_graph()->add_output(), "z", onnx::TensorProto_DataType_FLOAT,
                {std::string("n"), int64_t{2}, int64_t{3}});
  AddFloatInitializer(m, "w", {2, 3}, {1, 2, 3, 4, 5, 6});
  AddFloatInitializer(m, "b", {3}, {1, 1, 1});
  AddNode(m, "Add", {"x", "w"}, {"t"});
  AddNode(m, "Relu", {"t"}, {"u"});
  AddNode(m, "Add", {"u", "b"}, {"z"});
  const std::string model = Quote(SaveModel(m, Path("m.onnx")));

  CliResult r = Run("inspect " + model);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* line : {", 3 nodes\n", "input    x: f32[n,2,3]\n", "weights: 2 tensors, 36 B (36 bytes)\n",
                           "ops:     Add: 2, Relu: 1\n", "'w': f32[2,3]", "'b': f32[3]"})
    EXPECT_NE(r.out.find(line), std::string::npos) << "missing '" << line << "' in:\n" << r.out;

  // --shapes makes the shapes static.
  r = Run("inspect " + model + " --shapes x:5x2x3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("input    x: f32[5,2,3]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output   z: f32[5,2,3]\n"), std::string::npos) << r.out;
}

TEST_F(CliInspectTest, ErrorsAreOneLine) {
  std::ofstream(Path("model.plan"), std::ios::binary) << std::string("\x89MRT\r\n\x1a\n", 8);
  ExpectOneLineError(Run("inspect " + Quote(Path("none.onnx"))), "inspect", "no such file");
  ExpectOneLineError(Run("inspect " + Quote(Path("model.plan"))), "inspect", "truncated");
  ExpectOneLineError(Run("inspect " + Quote(kNodeTests + "/test_relu/model.onnx") + " --shapes x:1xz"), "inspect",
                     "'z'");
  ExpectOneLineError(Run("inspect"), "inspect", "model is required");
  CliResult help = Run("inspect --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--shapes"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace mrt::testing
