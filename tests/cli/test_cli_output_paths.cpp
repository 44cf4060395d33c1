// Output paths end to end (ir/output_file.h): `compile -o`, `--report`, `run --output-dir` refuse
// a device node, FIFO, folder or symlink to one with one line naming the flag and the path,
// before any long work, and leave the node exactly as it was. The device node is a private one
// made with mknod in the test's scratch folder: never /dev/null or /dev/full (CI runs as root).
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

#include "tests/cli/cli_test_util.h"

namespace mrt::testing {
namespace {

const std::string kRelu = kNodeTests + "/test_relu/model.onnx";

class CliOutputPaths : public CliTest {
 protected:
  // A character device with /dev/null's numbers (1,3) in the scratch folder, or "" where mknod
  // is not permitted.
  std::string MakeDevice(const std::string& name) const {
    const std::string dev = Path(name);
    return mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0 ? dev : "";
  }
  static bool IsCharDevice(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
  }
  // Names in the scratch folder besides the captured stdout/stderr: no temporary left behind.
  std::vector<std::string> Leftovers() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name.find(".tmp") != std::string::npos) names.push_back(name);
    }
    return names;
  }
};

TEST_F(CliOutputPaths, CompileOntoADeviceNodeIsRefusedAndLeavesItIntact) {
  const std::string dev = MakeDevice("full_like");
  if (dev.empty()) GTEST_SKIP() << "mknod is not permitted here (" << std::strerror(errno) << ")";
  ExpectOneLineError(Run("compile " + Quote(kRelu) + " -o " + Quote(dev)), "compile",
                     "-o " + dev + ": is a character device, not a regular file");
  EXPECT_TRUE(IsCharDevice(dev)) << "the device node was replaced";
  // Checked before the model is even read: a missing model is not what the error names.
  ExpectOneLineError(Run("compile " + Quote(Path("missing.onnx")) + " -o " + Quote(dev)), "compile", "-o " + dev);
  // --report onto the device: refused before compiling, so no plan is written either.
  ExpectOneLineError(Run("compile " + Quote(kRelu) + " -o " + Quote(Path("m.plan")) + " --report " + Quote(dev)),
                     "compile", "--report " + dev + ": is a character device");
  EXPECT_TRUE(IsCharDevice(dev));
  EXPECT_FALSE(std::filesystem::exists(Path("m.plan")));
  EXPECT_EQ(Leftovers(), std::vector<std::string>{});
}

TEST_F(CliOutputPaths, CompileOntoAFifoOrFolderIsRefusedWithoutBlocking) {
  const std::string fifo = Path("pipe");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0666), 0) << std::strerror(errno);
  ExpectOneLineError(Run("compile " + Quote(kRelu) + " -o " + Quote(fifo)), "compile", "-o " + fifo + ": is a FIFO");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  std::filesystem::create_directories(Path("plans"));
  ExpectOneLineError(Run("compile " + Quote(kRelu) + " -o " + Quote(Path("plans"))), "compile", "is a folder");
  std::filesystem::create_symlink(fifo, Path("link"));
  ExpectOneLineError(Run("compile " + Quote(kRelu) + " -o " + Quote(Path("link"))), "compile",
                     "is a symlink to a FIFO");
  EXPECT_EQ(Leftovers(), std::vector<std::string>{});
}

TEST_F(CliOutputPaths, CompileCreatesAMissingFolderAndNamesAFileInTheWay) {
  const std::string plan = Path("new/sub/m.plan");
  CliResult r = Run("compile " + Quote(kRelu) + " -o " + Quote(plan));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_regular_file(plan));
  std::ofstream(Path("file")) << "x";
  r = Run("compile " + Quote(kRelu) + " -o " + Quote(Path("file/m.plan")));
  ExpectOneLineError(r, "compile", "'" + Path("file") + "' is a regular file, not a folder");
  EXPECT_EQ(r.err.find(".tmp"), std::string::npos) << r.err;
}

TEST_F(CliOutputPaths, RunRefusesADeviceOrFifoAsAnOutputFile) {
  std::filesystem::create_directories(Path("outs"));
  const std::string fifo = Path("outs/y.npy");  // test_relu's output is y
  ASSERT_EQ(mkfifo(fifo.c_str(), 0666), 0) << std::strerror(errno);
  ExpectOneLineError(Run("run " + Quote(kRelu) + " --output-dir " + Quote(Path("outs"))), "run",
                     "--output-dir " + fifo + ": is a FIFO");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  const std::string dev = MakeDevice("dev_dir");
  if (dev.empty()) GTEST_SKIP() << "mknod is not permitted here";
  ExpectOneLineError(Run("run " + Quote(kRelu) + " --output-dir " + Quote(dev)), "run",
                     "--output-dir " + dev + ": is a character device, not a folder");
  EXPECT_TRUE(IsCharDevice(dev));
}

}  // namespace
}  // namespace mrt::testing
