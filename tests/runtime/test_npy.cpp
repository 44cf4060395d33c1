// .npy reading and writing: round trips of every supported dtype, byte-exact agreement with what
// numpy 1.24 writes, the header variants other writers produce, and every kind of bad file.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "runtime/npy.h"

namespace mrt {
namespace {

namespace fs = std::filesystem;

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mrt_test_npy_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string WriteBytes(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
    return Path(name);
  }
  fs::path dir_;
};

// A version 1.0 file with the given header dict, padded like numpy pads it, followed by `data`.
std::string NpyV1(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

std::string Dict(const std::string& descr, const std::string& shape, const std::string& fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

TEST_F(NpyTest, RoundTripsEveryDtypeAndOddShapes) {
  const std::vector<DType> dtypes = {DType::kF32, DType::kF16, DType::kF64, DType::kI64,
                                     DType::kI32, DType::kI8,  DType::kU8,  DType::kBool};
  const std::vector<std::vector<int64_t>> shapes = {{}, {1}, {7}, {3, 5}, {2, 0, 3}, {1, 3, 2, 1, 5}};
  for (DType dtype : dtypes) {
    for (const auto& sizes : shapes) {
      Tensor t(dtype, sizes);
      for (size_t b = 0; b < t.nbytes(); ++b)  // a distinct pattern per byte (bools: 0/1 only)
        t.data<uint8_t>()[b] = dtype == DType::kBool ? b % 3 == 0 : static_cast<uint8_t>(b * 37 + 11);
      const std::string path = Path("t.npy");
      ASSERT_TRUE(WriteNpy(path, t).ok()) << DTypeName(dtype);
      Expected<Tensor> back = ReadNpy(path);
      ASSERT_TRUE(back.ok()) << back.status().message();
      EXPECT_EQ(back->dtype(), dtype);
      EXPECT_EQ(back->sizes(), sizes);
      ASSERT_EQ(back->nbytes(), t.nbytes());
      EXPECT_EQ(std::memcmp(back->raw(), t.raw(), t.nbytes()), 0) << DTypeName(dtype) << SizesToString(sizes);
      EXPECT_FALSE(fs::exists(path + ".tmp"));
      EXPECT_EQ(fs::file_size(path) % 64, t.nbytes() % 64) << "data must start at a multiple of 64";
    }
  }
}

TEST_F(NpyTest, EncodesExactlyAsNumpyDoes) {
  // Bytes of np.save(np.array([1.5, -2], dtype='<f4')) from numpy 1.24: header length 0x76.
  std::string expected = "\x93NUMPY\x01";
  expected += std::string("\0\x76\0", 3);
  expected += "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  expected.append(127 - expected.size(), ' ');
  expected += '\n';
  expected += std::string("\x00\x00\xc0\x3f\x00\x00\x00\xc0", 8);  // 1.5f, -2.0f little-endian
  Expected<std::string> bytes = EncodeNpy(Tensor::FromVector<float>(DType::kF32, {2}, {1.5f, -2.f}));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, expected);

  // np.save(np.zeros((2, 0, 3), dtype='<i8')): no data, multi-dim tuple written "(2, 0, 3)".
  Expected<std::string> empty = EncodeNpy(Tensor(DType::kI64, {2, 0, 3}));
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->size(), 128u);
  EXPECT_NE(empty->find("'shape': (2, 0, 3), }"), std::string::npos);
  EXPECT_EQ(empty->back(), '\n');
}

TEST_F(NpyTest, ReadsNumpyScalarBoolAndNormalizesBools) {
  const std::string path = WriteBytes("b.npy", NpyV1(Dict("|b1", "(3,)"), std::string("\x01\x00\x07", 3)));
  Expected<Tensor> t = ReadNpy(path);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->dtype(), DType::kBool);
  EXPECT_EQ(t->data<uint8_t>()[0], 1);
  EXPECT_EQ(t->data<uint8_t>()[1], 0);
  EXPECT_EQ(t->data<uint8_t>()[2], 1) << "a nonzero byte is true and is stored as 1";

  Expected<Tensor> scalar =
      ReadNpy(WriteBytes("s.npy", NpyV1(Dict("<f8", "()"), std::string("\0\0\0\0\0\0\xf8\x3f", 8))));
  ASSERT_TRUE(scalar.ok()) << scalar.status().message();
  EXPECT_EQ(scalar->rank(), 0u);
  EXPECT_EQ(scalar->data<double>()[0], 1.5);
}

TEST_F(NpyTest, AcceptsHeaderVariantsOfOtherWriters) {
  const std::string data(12, '\0');
  // Double quotes, another key order, no trailing comma, Python 2 longs, native byte order.
  for (const std::string dict : {"{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (3,)}",
                                 "{'shape': (3L,), 'fortran_order': False, 'descr': '<i4'}",
                                 "{'descr':'=i4','fortran_order':False,'shape':(3 ,),}"}) {
    Expected<Tensor> t = ParseNpy(NpyV1(dict, data), "x.npy");
    ASSERT_TRUE(t.ok()) << dict << ": " << t.status().message();
    EXPECT_EQ(t->dtype(), DType::kI32);
    EXPECT_EQ(t->sizes(), std::vector<int64_t>{3});
  }
  // One-byte types carry no byte order: '|', '<' and '>' all mean the same.
  for (const std::string descr : {"|i1", "<i1", ">i1"}) {
    Expected<Tensor> t = ParseNpy(NpyV1(Dict(descr, "(2,)"), "\x05\xff"), "x.npy");
    ASSERT_TRUE(t.ok()) << descr << ": " << t.status().message();
    EXPECT_EQ(t->data<int8_t>()[1], -1);
  }
}

TEST_F(NpyTest, ReadsFormatVersions2And3) {
  for (char major : {'\x02', '\x03'}) {
    std::string header = Dict("<f2", "(1, 2)");
    while ((12 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string bytes = std::string("\x93NUMPY", 6) + major + '\0';
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
    bytes += header + std::string("\x00\x3c\x00\xc0", 4);  // f16 1.0 and -2.0
    Expected<Tensor> t = ParseNpy(bytes, "v.npy");
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t->dtype(), DType::kF16);
    EXPECT_EQ(t->sizes(), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(t->ElementAsDouble(0), 1.0);
    EXPECT_EQ(t->ElementAsDouble(1), -2.0);
  }
}

// Each bad file gives a one-line error that names the file and says what is wrong.
void ExpectError(const Expected<Tensor>& t, const std::string& path, const std::string& needle) {
  ASSERT_FALSE(t.ok()) << "expected an error containing '" << needle << "'";
  const std::string& m = t.status().message();
  EXPECT_EQ(m.rfind(path, 0), 0u) << m;
  EXPECT_NE(m.find(needle), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST_F(NpyTest, RejectsEveryKindOfBadFile) {
  const std::string f4x3 = std::string(12, '\0');
  struct Case {
    std::string name, bytes, needle;
  };
  const std::string good = NpyV1(Dict("<f4", "(3,)"), f4x3);
  const std::vector<Case> cases = {
      {"text.npy", "hello, world\n", "not an npy file"},
      {"empty.npy", "", "not an npy file"},
      {"magic_only.npy", "\x93NUMPY", "truncated npy header"},
      {"no_len.npy", std::string("\x93NUMPY\x01\x00\x76", 9), "truncated npy header"},
      {"short_header.npy", good.substr(0, 40), "truncated npy header"},
      {"short_data.npy", good.substr(0, good.size() - 1), "truncated npy data"},
      {"extra_data.npy", good + "x", "shape/data size mismatch"},
      {"fortran.npy", NpyV1(Dict("<f4", "(3,)", "True"), f4x3), "fortran_order"},
      {"u16.npy", NpyV1(Dict("<u2", "(3,)"), std::string(6, '\0')), "unsupported dtype '<u2'"},
      {"c64.npy", NpyV1(Dict("<c8", "(3,)"), std::string(24, '\0')), "unsupported dtype '<c8'"},
      {"str.npy", NpyV1(Dict("<U3", "(3,)"), std::string(36, '\0')), "unsupported dtype '<U3'"},
      {"obj.npy", NpyV1(Dict("|O", "(3,)"), std::string(24, '\0')), "unsupported dtype '|O'"},
      {"big.npy", NpyV1(Dict(">f4", "(3,)"), f4x3), "big-endian"},
      {"v4.npy", std::string("\x93NUMPY\x04\x00", 8) + good.substr(8), "version 4.0"},
      {"no_shape.npy", NpyV1("{'descr': '<f4', 'fortran_order': False}", f4x3), "no 'shape'"},
      {"bad_tuple.npy", NpyV1(Dict("<f4", "(3, -1)"), f4x3), "malformed npy header"},
      {"bad_dict.npy", NpyV1("['descr']", f4x3), "malformed npy header"},
      {"huge.npy", NpyV1(Dict("<f4", "(4611686018427387904, 4)"), f4x3), "too large"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = WriteBytes(c.name, c.bytes);
    ExpectError(ReadNpy(path), path, c.needle);
  }
  ExpectError(ReadNpy(Path("missing.npy")), Path("missing.npy"), "no such file");
  ExpectError(ReadNpy(dir_.string()), dir_.string(), "is a directory");
}

TEST_F(NpyTest, WriteIsAtomicAndReportsFailures) {
  const Tensor t = Tensor::FromVector<int32_t>(DType::kI32, {2}, {4, 5});
  // Overwriting an existing file replaces it whole and leaves no temporary behind.
  const std::string path = WriteBytes("out.npy", "old contents");
  ASSERT_TRUE(WriteNpy(path, t).ok());
  Expected<Tensor> back = ReadNpy(path);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->data<int32_t>()[1], 5);
  EXPECT_FALSE(fs::exists(path + ".tmp"));

  // A folder that does not exist is created (ir/output_file.h); a regular file in the way of
  // one is an error naming the path and the file.
  ASSERT_TRUE(WriteNpy(Path("new/dir/out.npy"), t).ok());
  EXPECT_TRUE(ReadNpy(Path("new/dir/out.npy")).ok());
  const std::string blocked = Path("out.npy/sub/x.npy");
  Status s = WriteNpy(blocked, t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(blocked, 0), 0u) << s.message();
  EXPECT_NE(s.message().find("is a regular file, not a folder"), std::string::npos) << s.message();

  // The rename fails (the target is a folder): the folder is untouched and the temporary removed.
  fs::create_directories(Path("taken.npy"));
  s = WriteNpy(Path("taken.npy"), t);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(fs::is_directory(Path("taken.npy")));
  EXPECT_FALSE(fs::exists(Path("taken.npy.tmp")));

  // bf16 has no .npy descr: refused before anything is written.
  s = WriteNpy(Path("bf16.npy"), Tensor(DType::kBF16, {2}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bf16"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(Path("bf16.npy")));
  EXPECT_FALSE(fs::exists(Path("bf16.npy.tmp")));
}

TEST(NpyDescrTest, NamesEveryDtype) {
  EXPECT_EQ(NpyDescr(DType::kF32), "<f4");
  EXPECT_EQ(NpyDescr(DType::kF16), "<f2");
  EXPECT_EQ(NpyDescr(DType::kF64), "<f8");
  EXPECT_EQ(NpyDescr(DType::kI64), "<i8");
  EXPECT_EQ(NpyDescr(DType::kI32), "<i4");
  EXPECT_EQ(NpyDescr(DType::kI8), "|i1");
  EXPECT_EQ(NpyDescr(DType::kU8), "|u1");
  EXPECT_EQ(NpyDescr(DType::kBool), "|b1");
  EXPECT_EQ(NpyDescr(DType::kBF16), "");
}

}  // namespace
}  // namespace mrt
