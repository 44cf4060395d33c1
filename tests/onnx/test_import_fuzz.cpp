// Random byte flips, truncations and insertions into a valid serialized model: every variant either
// imports or returns a one-line error starting with the file name; none may crash or hang.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include "ir/verify.h"
#include "onnx_test_util.h"

namespace mrt::testing {
namespace {

// A model touching most of the importer: initializers in raw and typed form, a Constant, value_info,
// attributes of several types, an opset conversion (Squeeze-11 axes) and symbolic dims.
std::string SeedModel() {
  OnnxModelBuilder b(11, "fuzz_seed");
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{"n", 2, 4, 4});
  std::vector<float> w(3 * 2 * 3 * 3, 0.25f);
  b.AddInitializer("w", Tensor::FromVector(DType::kF32, {3, 2, 3, 3}, w));
  b.AddTypedInitializer("bias", Tensor::FromVector<float>(DType::kF32, {3}, {1.f, 2.f, 3.f}));
  b.AddNode("Conv", {"x", "w", "bias"}, {"c"}, "conv").AttrInts("pads", {1, 1, 1, 1}).AttrInts("strides", {1, 1});
  b.AddNode("LeakyRelu", {"c"}, {"r"}, "act").AttrFloat("alpha", 0.2f);
  b.AddNode("Constant", {}, {"k"}, "const").AttrTensor("value", Tensor::Scalar(0.5f));
  b.AddNode("Mul", {"r", "k"}, {"m"}, "mul");
  b.AddNode("ReduceMean", {"m"}, {"mean"}, "mean").AttrInts("axes", {2, 3}).AttrInt("keepdims", 1);
  b.AddNode("Squeeze", {"mean"}, {"y"}, "sq").AttrInts("axes", {2, 3});
  b.AddValueInfo("c", DType::kF32, std::vector<OnnxDim>{"n", 3, 4, 4});
  b.AddOutput("y", DType::kF32, std::vector<OnnxDim>{"n", 3});
  return b.Serialize();
}

std::string Mutate(const std::string& seed, std::mt19937& rng) {
  std::string bytes = seed;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  switch (pick(4)) {
    case 0:  // flip 1..4 bytes
      for (size_t i = 0, n = 1 + pick(4); i < n; ++i) bytes[pick(bytes.size())] ^= static_cast<char>(1 + pick(255));
      break;
    case 1:  // truncate
      bytes.resize(pick(bytes.size()));
      break;
    case 2:  // insert random bytes
      bytes.insert(pick(bytes.size()), std::string(1 + pick(8), static_cast<char>(pick(256))));
      break;
    default:  // set a byte to an extreme value (varint continuation, huge lengths)
      bytes[pick(bytes.size())] = static_cast<char>(pick(2) ? 0xff : 0x00);
      break;
  }
  return bytes;
}

TEST(ImportFuzz, SeedModelImports) {
  auto g = ImportOnnxBytes(SeedModel(), "", "model.onnx");
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(ValueNamed(*g, "y").shape, (Shape{Dim::Symbolic("n"), 3}));
}

TEST(ImportFuzz, MutatedModelsImportOrFailCleanly) {
  const std::string seed = SeedModel();
  std::mt19937 rng(20240611);
  int imported = 0, refused = 0;
  // MRT_FUZZ_ITERATIONS=100000 runs a longer campaign by hand; the default keeps the suite fast.
  const char* env = std::getenv("MRT_FUZZ_ITERATIONS");
  const int iterations = env ? std::max(1, std::atoi(env)) : 250;
  for (int i = 0; i < iterations; ++i) {
    const std::string bytes = Mutate(seed, rng);
    ImportOptions options;
    options.infer_shapes = (i % 2 == 0);
    auto g = ImportOnnxBytes(bytes, "", "model.onnx", options);
    if (g.ok()) {
      ++imported;
      if (options.infer_shapes) {
        EXPECT_TRUE(Verify(*g).ok()) << "variant " << i << ": " << Verify(*g).message();
      }
      continue;
    }
    ++refused;
    const std::string& message = g.status().message();
    EXPECT_EQ(message.rfind("model.onnx: ", 0), 0u) << "variant " << i << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "variant " << i << ": " << message;
    EXPECT_GT(message.size(), std::string("model.onnx: ").size()) << "variant " << i;
  }
  std::cout << imported << " variants imported, " << refused << " refused\n";
  // Both outcomes must occur, or the mutations are not exercising anything.
  EXPECT_GT(imported, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace mrt::testing
