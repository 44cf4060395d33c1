// External tensor data: read from files inside the model's folder, with the range checked, and
// refused for absolute paths, "..", symlinks, missing files and malformed offsets/lengths.
#include <gtest/gtest.h>

#include <cstring>

#include "onnx_test_util.h"

namespace mrt::testing {
namespace {

// 8 bytes of padding, then the f32 values 1.5, -2, 4 (12 bytes): 20 bytes in all.
std::string WeightBytes() {
  const float values[] = {1.5f, -2.f, 4.f};
  std::string bytes(8, '\x7f');
  bytes.append(reinterpret_cast<const char*>(values), sizeof(values));
  return bytes;
}

// x[3] + w[3] -> y, with w stored externally under the given keys.
OnnxModelBuilder AddModel(const std::vector<std::pair<std::string, std::string>>& entries) {
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{3});
  b.AddExternalInitializerEntries("w", DType::kF32, {3}, entries);
  b.AddNode("Add", {"x", "w"}, {"y"});
  b.AddOutput("y", DType::kF32);
  return b;
}

class ExternalData : public ::testing::Test {
 protected:
  void SetUp() override { dir_.Write("weights.bin", WeightBytes()); }

  // Writes the model into the temp folder and imports it from there.
  Expected<Graph> Import(const std::vector<std::pair<std::string, std::string>>& entries) {
    model_path_ = dir_.File("model.onnx");
    EXPECT_TRUE(AddModel(entries).WriteToFile(model_path_).ok());
    return ImportOnnxFile(model_path_);
  }
  // The error with the "<model path>: initializer 'w': " prefix checked and removed.
  std::string ErrorFor(const std::vector<std::pair<std::string, std::string>>& entries) {
    auto g = Import(entries);
    EXPECT_FALSE(g.ok());
    const std::string prefix = model_path_ + ": initializer 'w': ";
    const std::string message = ErrorOf(g);
    EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    return message.substr(std::min(prefix.size(), message.size()));
  }

  TempDir dir_;
  std::string model_path_;
};

TEST_F(ExternalData, ReadsTheRangeInsideTheModelFolder) {
  auto g = Import({{"location", "weights.bin"}, {"offset", "8"}, {"length", "12"}, {"checksum", "ignored"}});
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  const Value& w = ValueNamed(*g, "w");
  ASSERT_TRUE(w.is_weight());
  EXPECT_EQ(w.weight->ToFloatVector(), (std::vector<float>{1.5f, -2.f, 4.f}));
}

TEST_F(ExternalData, WithoutLengthReadsToTheEndOfTheFile) {
  dir_.Write("sub/dir/w.bin", WeightBytes());
  auto g = Import({{"location", "./sub/dir/w.bin"}, {"offset", "8"}});
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(ValueNamed(*g, "w").weight->ToFloatVector(), (std::vector<float>{1.5f, -2.f, 4.f}));
}

TEST_F(ExternalData, AbsoluteLocationIsRefused) {
  const std::string abs = dir_.File("weights.bin");
  EXPECT_EQ(ErrorFor({{"location", abs}, {"offset", "8"}}),
            "external data location '" + abs + "' is absolute; it must be relative to the model's folder");
}

TEST_F(ExternalData, DotDotIsRefused) {
  EXPECT_EQ(ErrorFor({{"location", "../weights.bin"}}),
            "external data location '../weights.bin' holds '..'; it must stay inside the model's folder");
  dir_.Write("sub/x", "");
  EXPECT_EQ(ErrorFor({{"location", "sub/../weights.bin"}}),
            "external data location 'sub/../weights.bin' holds '..'; it must stay inside the model's folder");
}

TEST_F(ExternalData, SymlinkedFileIsRefused) {
  std::filesystem::create_symlink(dir_.File("weights.bin"), dir_.path() / "link.bin");
  EXPECT_EQ(ErrorFor({{"location", "link.bin"}, {"offset", "8"}}),
            "external data location 'link.bin' is or passes through a symlink ('" + dir_.File("link.bin") + "')");
}

TEST_F(ExternalData, SymlinkedFolderIsRefused) {
  TempDir elsewhere;
  elsewhere.Write("w.bin", WeightBytes());
  std::filesystem::create_directory_symlink(elsewhere.path(), dir_.path() / "data");
  EXPECT_EQ(ErrorFor({{"location", "data/w.bin"}, {"offset", "8"}}),
            "external data location 'data/w.bin' is or passes through a symlink ('" + dir_.File("data") + "')");
}

TEST_F(ExternalData, MissingFileIsRefused) {
  EXPECT_EQ(ErrorFor({{"location", "nope.bin"}}), "external data file 'nope.bin' does not exist in the model's folder");
}

TEST_F(ExternalData, FolderIsNotAFile) {
  dir_.Write("sub/x", "");
  EXPECT_EQ(ErrorFor({{"location", "sub"}}), "external data location 'sub' is not a regular file");
}

TEST_F(ExternalData, MissingLocationIsRefused) {
  EXPECT_EQ(ErrorFor({{"offset", "0"}}), "external data has no location");
}

TEST_F(ExternalData, OffsetBeyondTheEndIsRefused) {
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"offset", "100"}}),
            "external data offset 100 lies beyond the end of 'weights.bin' (20 bytes)");
}

TEST_F(ExternalData, RangeBeyondTheEndIsRefused) {
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"offset", "8"}, {"length", "16"}}),
            "external data range [8, 8+16) lies beyond the end of 'weights.bin' (20 bytes)");
  // A length so large that offset + length wraps around uint64 is still caught.
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"offset", "8"}, {"length", "18446744073709551615"}}),
            "external data range [8, 8+18446744073709551615) lies beyond the end of 'weights.bin' (20 bytes)");
}

TEST_F(ExternalData, NonNumericOffsetOrLengthIsRefused) {
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"offset", "8bytes"}}),
            "external data offset '8bytes' is not a non-negative integer");
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"offset", "-8"}}),
            "external data offset '-8' is not a non-negative integer");
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"length", ""}}),
            "external data length '' is not a non-negative integer");
}

TEST_F(ExternalData, LengthThatDisagreesWithTheDimsIsRefused) {
  EXPECT_EQ(ErrorFor({{"location", "weights.bin"}, {"offset", "8"}, {"length", "8"}}),
            "external data in 'weights.bin' holds 8 bytes but the tensor's dims and dtype need 12");
}

TEST(ExternalDataFromBytes, NeedsAModelFolder) {
  auto g = ImportOnnxBytes(AddModel({{"location", "weights.bin"}}).Serialize(), "", "model.onnx");
  EXPECT_EQ(ErrorOf(g),
            "model.onnx: initializer 'w': external data 'weights.bin' but the model was not read from a folder");
}

TEST(ExternalDataFromBytes, ReadsFromTheGivenFolder) {
  TempDir dir;
  dir.Write("weights.bin", WeightBytes());
  auto g = ImportOnnxBytes(AddModel({{"location", "weights.bin"}, {"offset", "8"}}).Serialize(), dir.path().string(),
                           "model.onnx");
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(ValueNamed(*g, "w").weight->ToFloatVector(), (std::vector<float>{1.5f, -2.f, 4.f}));
}

// A Constant node's tensor may use external data like an initializer.
TEST(ExternalDataFromBytes, ConstantValueMayBeExternal) {
  TempDir dir;
  dir.Write("weights.bin", WeightBytes());
  OnnxModelBuilder b(13);
  b.AddInput("x", DType::kF32, std::vector<OnnxDim>{3});
  onnx::NodeProto& c = b.AddNode("Constant", {}, {"w"}).proto();
  onnx::AttributeProto* a = c.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  onnx::TensorProto* t = a->mutable_t();
  t->set_data_type(1);
  t->add_dims(3);
  t->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  for (auto [k, v] : {std::pair{"location", "weights.bin"}, std::pair{"offset", "8"}}) {
    auto* e = t->add_external_data();
    e->set_key(k);
    e->set_value(v);
  }
  b.AddNode("Add", {"x", "w"}, {"y"});
  b.AddOutput("y", DType::kF32);
  auto g = ImportOnnxBytes(b.Serialize(), dir.path().string(), "model.onnx");
  ASSERT_TRUE(g.ok()) << ErrorOf(g);
  EXPECT_EQ(ValueNamed(*g, "w").weight->ToFloatVector(), (std::vector<float>{1.5f, -2.f, 4.f}));
}

}  // namespace
}  // namespace mrt::testing
