// `mini-rt run` end to end: the built binary on ONNX node-test models, outputs checked against
// the stored output_0.pb, the random-input notice, output file names, and every error path.
#include "tests/cli/cli_test_util.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

using CliRunTest = CliTest;

std::string NodeTest(const std::string& test, const std::string& file) { return kNodeTests + "/" + test + "/" + file; }

TEST_F(CliRunTest, ReluMatchesTheStoredOutput) {
  const std::string x = PbToNpy(NodeTest("test_relu", "test_data_set_0/input_0.pb"), "x.npy");
  CliResult r = Run("run " + Quote(NodeTest("test_relu", "model.onnx")) + " --input x=" + Quote(x) + " --output-dir " +
                    Quote(Path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.find("note:"), std::string::npos) << "every input was given: " << r.out;
  EXPECT_NE(r.out.find("device:  cpu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("input    x: f32[3,4,5] min "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(from " + x + ")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output   y: f32[3,4,5] min 0 max "), std::string::npos) << r.out;  // Relu: min is 0
  EXPECT_NE(r.out.find("-> " + Path("out/y.npy")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("time:    run "), std::string::npos) << r.out;

  Expected<Tensor> y = ReadNpy(Path("out/y.npy"));
  Expected<Tensor> expected = ReadTensorProtoFile(NodeTest("test_relu", "test_data_set_0/output_0.pb"));
  ASSERT_TRUE(y.ok() && expected.ok());
  EXPECT_TRUE(AllClose(*y, *expected, 0, 0));
}

TEST_F(CliRunTest, BroadcastAddWithTwoInputFilesMatchesTheStoredOutput) {
  const std::string x = PbToNpy(NodeTest("test_add_bcast", "test_data_set_0/input_0.pb"), "x.npy");
  const std::string y = PbToNpy(NodeTest("test_add_bcast", "test_data_set_0/input_1.pb"), "y.npy");
  CliResult r = Run("run " + Quote(NodeTest("test_add_bcast", "model.onnx")) + " --input x=" + Quote(x) +
                    " --input=y=" + Quote(y) + " --output-dir " + Quote(Path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Expected<Tensor> sum = ReadNpy(Path("out/sum.npy"));
  Expected<Tensor> expected = ReadTensorProtoFile(NodeTest("test_add_bcast", "test_data_set_0/output_0.pb"));
  ASSERT_TRUE(sum.ok() && expected.ok());
  EXPECT_TRUE(AllClose(*sum, *expected, 1e-6, 0));
}

TEST_F(CliRunTest, MissingInputsGetSeededRandomDataWithANotice) {
  const std::string x = PbToNpy(NodeTest("test_add_bcast", "test_data_set_0/input_0.pb"), "x.npy");
  const std::string model = Quote(NodeTest("test_add_bcast", "model.onnx"));
  CliResult r = Run("run " + model + " --input x=" + Quote(x) + " --seed 7 --output-dir " + Quote(Path("a")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("note: input 'y' was not given"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed 7"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("note: input 'x'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("input    y: f32[5] min "), std::string::npos) << r.out;

  // The same seed gives the same data; another seed other data.
  ASSERT_EQ(Run("run " + model + " --input x=" + Quote(x) + " --seed 7 --output-dir " + Quote(Path("b"))).exit_code, 0);
  ASSERT_EQ(Run("run " + model + " --input x=" + Quote(x) + " --seed 8 --output-dir " + Quote(Path("c"))).exit_code, 0);
  EXPECT_EQ(ReadWholeFile(Path("a/sum.npy")), ReadWholeFile(Path("b/sum.npy")));
  EXPECT_NE(ReadWholeFile(Path("a/sum.npy")), ReadWholeFile(Path("c/sum.npy")));

  // The random y lies in [-1, 1): sum - x is y.
  Expected<Tensor> sum = ReadNpy(Path("a/sum.npy"));
  Expected<Tensor> xt = ReadNpy(x);
  ASSERT_TRUE(sum.ok() && xt.ok());
  for (int64_t i = 0; i < sum->numel(); ++i) {
    const double yv = sum->ElementAsDouble(i) - xt->ElementAsDouble(i);
    EXPECT_TRUE(yv >= -1.0 - 1e-6 && yv < 1.0 + 1e-6) << yv;
  }
}

// Outputs "y:0" and "y_0" both sanitise to y_0.npy: the second gets "-1".
TEST_F(CliRunTest, OutputNamesAreSanitisedAndKeptApart) {
  onnx::ModelProto m = NewModel();
  SetTensorType(m.mutable_graph()->add_input(), "x/in", onnx::TensorProto_DataType_FLOAT, {int64_t{2}});
  SetTensorType(m.mutable_graph()->add_output(), "y:0", onnx::TensorProto_DataType_FLOAT, {int64_t{2}});
  SetTensorType(m.mutable_graph()->add_output(), "y_0", onnx::TensorProto_DataType_FLOAT, {int64_t{2}});
  AddNode(m, "Relu", {"x/in"}, {"y:0"});
  AddNode(m, "Neg", {"x/in"}, {"y_0"});
  const std::string model = SaveModel(m, Path("m.onnx"));
  ASSERT_TRUE(WriteNpy(Path("x.npy"), Tensor::FromVector<float>(DType::kF32, {2}, {-1.f, 2.f})).ok());
  CliResult r =
      Run("run " + Quote(model) + " --input " + Quote("x/in=" + Path("x.npy")) + " --output-dir " + Quote(Path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Expected<Tensor> relu = ReadNpy(Path("out/y_0.npy"));
  Expected<Tensor> neg = ReadNpy(Path("out/y_0-1.npy"));
  ASSERT_TRUE(relu.ok()) << relu.status().message();
  ASSERT_TRUE(neg.ok()) << neg.status().message();
  EXPECT_TRUE(AllClose(*relu, Tensor::FromVector<float>(DType::kF32, {2}, {0.f, 2.f}), 0, 0));
  EXPECT_TRUE(AllClose(*neg, Tensor::FromVector<float>(DType::kF32, {2}, {1.f, -2.f}), 0, 0));
  EXPECT_NE(r.out.find("output   y:0: f32[2]"), std::string::npos) << r.out;
}

class CliRunDynamicTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    onnx::ModelProto m = NewModel();
    SetTensorType(m.mutable_graph()->add_input(), "x", onnx::TensorProto_DataType_FLOAT,
                  {std::string("batch"), int64_t{3}});
    SetTensorType(m.mutable_graph()->add_output(), "y", onnx::TensorProto_DataType_FLOAT,
                  {std::string("batch"), int64_t{3}});
    AddNode(m, "Relu", {"x"}, {"y"});
    model_ = Quote(SaveModel(m, Path("dyn.onnx")));
  }
  std::string model_;
};

TEST_F(CliRunDynamicTest, ShapesSizeTheRandomInputs) {
  ExpectOneLineError(Run("run " + model_), "run", "--shapes x:Nx3");
  CliResult r = Run("run " + model_ + " --shapes x:2x3 --output-dir " + Quote(Path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Expected<Tensor> y = ReadNpy(Path("out/y.npy"));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->sizes(), (std::vector<int64_t>{2, 3}));
}

TEST_F(CliRunDynamicTest, AnInputFileFixesTheDynamicDims) {
  ASSERT_TRUE(WriteNpy(Path("x.npy"), Tensor(DType::kF32, {4, 3})).ok());
  CliResult r = Run("run " + model_ + " --input x=" + Quote(Path("x.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("output   y: f32[4,3]"), std::string::npos) << r.out;
  // ... and must then agree with --shapes.
  ExpectOneLineError(Run("run " + model_ + " --shapes x:2x3 --input x=" + Quote(Path("x.npy"))), "run",
                     "--shapes gives [2,3]");
  ExpectOneLineError(Run("run " + model_ + " --shapes x:2x4"), "run", "x");
}

TEST_F(CliRunTest, EveryFailureIsOneLineOnStderr) {
  const std::string relu = Quote(NodeTest("test_relu", "model.onnx"));
  ASSERT_TRUE(WriteNpy(Path("f64.npy"), Tensor(DType::kF64, {3, 4, 5})).ok());
  ASSERT_TRUE(WriteNpy(Path("small.npy"), Tensor(DType::kF32, {2, 2})).ok());
  std::ofstream(Path("junk.npy")) << "not numpy";
  std::ofstream(Path("junk.onnx")) << "this is not a protobuf";
  std::ofstream(Path("model.plan"), std::ios::binary) << std::string("\x89MRT\r\n\x1a\n", 8) << "rest";
  std::ofstream(Path("a_file")) << "x";

  ExpectOneLineError(Run("run " + Quote(Path("missing.onnx"))), "run", "no such file");
  ExpectOneLineError(Run("run " + Quote(Path("junk.onnx"))), "run", "junk.onnx");
  ExpectOneLineError(Run("run " + Quote(Path("model.plan"))), "run", "truncated");
  ExpectOneLineError(Run("run " + relu + " --input x"), "run", "bad --input 'x'");
  ExpectOneLineError(Run("run " + relu + " --input =x.npy"), "run", "bad --input");
  ExpectOneLineError(Run("run " + relu + " --input zz=" + Quote(Path("f64.npy"))), "run", "no input named 'zz'");
  ExpectOneLineError(Run("run " + relu + " --input x=" + Quote(Path("f64.npy"))), "run", "holds f64[3,4,5]");
  ExpectOneLineError(Run("run " + relu + " --input x=" + Quote(Path("small.npy"))), "run", "holds f32[2,2]");
  ExpectOneLineError(Run("run " + relu + " --input x=" + Quote(Path("nope.npy"))), "run", "no such file");
  ExpectOneLineError(Run("run " + relu + " --input x=" + Quote(Path("junk.npy"))), "run", "not an npy file");
  ExpectOneLineError(
      Run("run " + relu + " --input x=" + Quote(Path("f64.npy")) + " --input x=" + Quote(Path("f64.npy"))), "run",
      "given twice");
  ExpectOneLineError(Run("run " + relu + " --shapes x:3x4xq"), "run", "'q'");
  ExpectOneLineError(Run("run " + relu + " --shapes x"), "run", "'x'");
  ExpectOneLineError(Run("run " + relu + " --shapes zz:1x2"), "run", "'zz'");
  ExpectOneLineError(Run("run " + relu + " --output-dir " + Quote(Path("a_file"))), "run", "a_file");
  ExpectOneLineError(Run("run " + relu + " --device cuda"), "run", "--device cuda: ");
  ExpectOneLineError(Run("run " + relu + " --device cuda"), "run", "; use --device cpu");
  ExpectOneLineError(Run("run " + relu + " --device tpu"), "run", "tpu");
  ExpectOneLineError(Run("run " + relu + " --seed -3"), "run", "--seed");
  ExpectOneLineError(Run("run"), "run", "model is required");
  ExpectOneLineError(Run("run " + relu + " --no-such-flag"), "run", "--no-such-flag");
  ExpectOneLineError(Run("frobnicate x"), "", "unknown command 'frobnicate'");
  EXPECT_FALSE(std::filesystem::exists(Path("a_file.tmp")));
}

TEST_F(CliRunTest, HelpListsTheOptions) {
  CliResult r = Run("run --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--device", "--input", "--output-dir", "--shapes", "--seed", "--verbose"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option << " missing from:\n" << r.out;
  EXPECT_EQ(Run("--help").exit_code, 0);
}

}  // namespace
}  // namespace mrt::testing
