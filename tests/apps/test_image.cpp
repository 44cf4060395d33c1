// apps/image: decoding (PNG/JPEG; gray, RGB, RGBA, 16-bit), every kind of bad file getting its
// one-line error, the size limit, resize and normalization against hand-computed values, drawing.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "apps/image/draw.h"
#include "apps/image/image.h"
#include "apps/image/preprocess.h"

namespace mrt::apps {
namespace {

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mrt_image_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& n) const { return (dir_ / n).string(); }
  void WriteBytes(const std::string& path, const std::vector<uint8_t>& b) const {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
  }
  std::filesystem::path dir_;
};

// A w x h image with pixel (x, y, k) = (x * 7 + y * 13 + k * 50) % 256.
Image Pattern(int w, int h, int c) {
  Image img(w, h, c);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) img.at(x, y)[k] = static_cast<uint8_t>((x * 7 + y * 13 + k * 50) % 256);
  return img;
}

std::string ErrorOf(const Expected<Image>& e) { return e.ok() ? "(no error)" : e.status().message(); }

TEST_F(ImageTest, PngRoundTripsGrayRgbRgba) {
  for (int c : {1, 3, 4}) {
    const Image img = Pattern(17, 9, c);
    ASSERT_TRUE(WritePng(Path("a.png"), img).ok());
    Expected<Image> back = ReadImage(Path("a.png"));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->width, 17);
    EXPECT_EQ(back->height, 9);
    EXPECT_EQ(back->channels, c);
    EXPECT_EQ(back->pixels, img.pixels);
  }
}

TEST_F(ImageTest, ConvertsChannelsOnRead) {
  ASSERT_TRUE(WritePng(Path("g.png"), Pattern(5, 4, 1)).ok());
  Expected<Image> rgb = ReadImage(Path("g.png"), 3);
  ASSERT_TRUE(rgb.ok());
  EXPECT_EQ(rgb->channels, 3);
  EXPECT_EQ(rgb->at(3, 2)[0], rgb->at(3, 2)[2]);
  const Image color = Pattern(3, 2, 3);
  const Image gray = ConvertChannels(color, 1);
  const uint8_t* p = color.at(2, 1);
  EXPECT_EQ(gray.at(2, 1)[0], (77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
}

TEST_F(ImageTest, ReadsJpeg) {
  const Image img = Pattern(32, 24, 3);
  ASSERT_TRUE(stbi_write_jpg(Path("a.jpg").c_str(), 32, 24, 3, img.pixels.data(), 95));
  Expected<Image> back = ReadImage(Path("a.jpg"));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->width, 32);
  EXPECT_EQ(back->channels, 3);
}

TEST_F(ImageTest, Reads16BitPngRoundingTo8Bits) {
  const std::string path = Path("s16.png");
  const std::string cmd =
      "/usr/bin/python3 -c \"from PIL import Image; im = Image.new('I;16', (3, 1)); "
      "im.putdata([0, 32896, 65535]); im.save('" +
      path + "')\" 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "/usr/bin/python3 with Pillow is needed to write a 16-bit PNG";
  Expected<Image> img = ReadImage(path);
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->source_bits, 16);
  ASSERT_EQ(img->channels, 1);
  EXPECT_EQ(img->pixels, (std::vector<uint8_t>{0, 128, 255}));  // round(32896 * 255 / 65535) = 128
}

TEST_F(ImageTest, BadFilesGetOneLineErrors) {
  EXPECT_NE(ErrorOf(ReadImage(Path("missing.png"))).find("no such file"), std::string::npos);
  WriteBytes(Path("empty.png"), {});
  EXPECT_NE(ErrorOf(ReadImage(Path("empty.png"))).find("empty (0 bytes)"), std::string::npos);
  WriteBytes(Path("text.png"), {'h', 'e', 'l', 'l', 'o', '\n'});
  EXPECT_NE(ErrorOf(ReadImage(Path("text.png"))).find("not a PNG or JPEG"), std::string::npos);
  EXPECT_NE(ErrorOf(ReadImage(dir_.string())).find("not a regular file"), std::string::npos);

  Expected<std::vector<uint8_t>> png = EncodePng(Pattern(40, 30, 3));
  ASSERT_TRUE(png.ok());
  std::vector<uint8_t> cut(png->begin(), png->begin() + png->size() / 2);
  EXPECT_NE(ErrorOf(DecodeImage(cut, "cut.png")).find("corrupt or truncated PNG"), std::string::npos);

  const Image img = Pattern(64, 48, 3);
  ASSERT_TRUE(stbi_write_jpg(Path("a.jpg").c_str(), 64, 48, 3, img.pixels.data(), 90));
  std::ifstream in(Path("a.jpg"), std::ios::binary);
  std::vector<uint8_t> jpg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  jpg.resize(jpg.size() * 2 / 3);
  const std::string e = ErrorOf(DecodeImage(jpg, "cut.jpg"));
  EXPECT_EQ(e.rfind("cut.jpg: ", 0), 0u) << e;
  EXPECT_NE(e.find("truncated JPEG"), std::string::npos) << e;
  for (const std::string& m : {ErrorOf(ReadImage(Path("missing.png"))), e}) EXPECT_EQ(m.find('\n'), std::string::npos);
}

TEST_F(ImageTest, RefusesImagesOver16kBeforeDecoding) {
  // A valid PNG header claiming 20000 x 8 (the pixel data is never reached).
  Expected<std::vector<uint8_t>> png = EncodePng(Pattern(20000, 1, 1));
  ASSERT_TRUE(png.ok());
  const std::string e = ErrorOf(DecodeImage(*png, "wide.png"));
  EXPECT_NE(e.find("20000x1"), std::string::npos) << e;
  EXPECT_NE(e.find("16384"), std::string::npos) << e;
}

TEST_F(ImageTest, BilinearResizeMatchesHandComputedValues) {
  Image img(2, 1, 1);
  img.pixels = {0, 100};
  // out 4 wide: sx = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1.
  const Image up = ResizeBilinear(img, 4, 1);
  EXPECT_EQ(up.pixels, (std::vector<uint8_t>{0, 25, 75, 100}));
  // Same size is the identity; odd sizes keep every channel.
  const Image p = Pattern(13, 7, 3);
  EXPECT_EQ(ResizeBilinear(p, 13, 7).pixels, p.pixels);
  const Image down = ResizeBilinear(p, 5, 3);
  EXPECT_EQ(down.width, 5);
  EXPECT_EQ(down.channels, 3);
}

TEST_F(ImageTest, NormalizesIntoNchw) {
  Image img(2, 1, 3);
  img.pixels = {255, 0, 51, 0, 255, 102};
  Normalization n;
  n.mean = {0.5f, 0.5f, 0.5f, 0};
  n.stddev = {0.5f, 0.5f, 0.5f, 1};
  n.swap_rb = true;
  const Tensor t = ImageToTensor(img, n);
  ASSERT_EQ(t.sizes(), (std::vector<int64_t>{1, 3, 1, 2}));
  const float* v = t.data<float>();
  // channel 0 = B: (51/255 - 0.5) / 0.5 = -0.6, (102/255 - .5)/.5 = -0.2; channel 2 = R: 1, -1.
  EXPECT_NEAR(v[0], -0.6f, 1e-6);
  EXPECT_NEAR(v[1], -0.2f, 1e-6);
  EXPECT_NEAR(v[4], 1.0f, 1e-6);
  EXPECT_NEAR(v[5], -1.0f, 1e-6);
}

TEST_F(ImageTest, DrawsClippedShapes) {
  Image img(10, 8, 3);
  DrawRect(img, 2, 2, 6, 5, {255, 0, 0}, 1);
  EXPECT_EQ(img.at(2, 2)[0], 255);
  EXPECT_EQ(img.at(6, 5)[0], 255);
  EXPECT_EQ(img.at(4, 3)[0], 0);                                   // inside stays
  DrawPolygon(img, {{-5, -5}, {20, 3}, {3, 20}}, {0, 255, 0}, 3);  // off-image vertices: clipped, no crash
  FillRect(img, 8, 6, 30, 30, {0, 0, 255});
  EXPECT_EQ(img.at(9, 7)[2], 255);
  DrawLine(img, {0, 0}, {9, 7}, {1, 2, 3}, 1);
  EXPECT_EQ(img.at(0, 0)[2], 3);
}

TEST_F(ImageTest, OutputDirIsCheckedAndWritesAreWhole) {
  EXPECT_TRUE(CheckOutputDir(Path("new/sub"), "--output-dir").ok());
  WriteBytes(Path("file"), {'x'});
  const Status s = CheckOutputDir(Path("file"), "--output-dir");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("--output-dir ", 0), 0u) << s.message();
  EXPECT_FALSE(std::filesystem::exists(Path("new")));            // checking creates nothing
  ASSERT_TRUE(WriteOutputFile(Path("made/x.json"), "{}").ok());  // a missing folder is made
  ASSERT_TRUE(WriteOutputFile(Path("x.json"), "{}").ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 3);  // file, made, x.json: no temp left
}

}  // namespace
}  // namespace mrt::apps
