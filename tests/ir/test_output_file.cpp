// The output-file rules (ir/output_file.h): a path names a regular file or nothing; devices, FIFOs,
// sockets, folders and symlinks to them are refused and left exactly as they were. The device
// node is a private one made with mknod in a temporary folder: never /dev/null or /dev/full (CI
// runs as root, and a regression would replace the machine's device node).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/output_file.h"

namespace mrt {
namespace {

namespace fs = std::filesystem;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("mrt_output_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Names in the scratch folder: a refused or failed write leaves no temporary behind.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  // Both the check and the write refuse `path`; the message names the flag and the path, holds
  // `reason`, and never mentions a temporary file.
  static void ExpectRefused(const std::string& path, const std::string& reason) {
    for (const Status& s : {CheckOutputPath(path, "-o"), WriteOutputFile(path, "plan bytes", "-o")}) {
      ASSERT_FALSE(s.ok()) << path;
      EXPECT_EQ(s.message().rfind("-o " + path + ": ", 0), 0u) << s.message();
      EXPECT_NE(s.message().find(reason), std::string::npos) << s.message();
      EXPECT_EQ(s.message().find(".tmp"), std::string::npos) << s.message();
      EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
    }
  }

  fs::path dir_;
};

TEST_F(OutputFileTest, ANewFileIsWrittenAndAnOldOneReplacedWhole) {
  const std::string path = Path("out.plan");
  ASSERT_TRUE(CheckOutputPath(path, "-o").ok());
  ASSERT_TRUE(WriteOutputFile(path, "first", "-o").ok());
  EXPECT_EQ(Read(path), "first");
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  ASSERT_TRUE(WriteOutputFile(path, "second, longer", "-o").ok());
  EXPECT_EQ(Read(path), "second, longer");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "the replaced file keeps its permission bits";
  EXPECT_EQ(Entries(), std::vector<std::string>{"out.plan"}) << "no temporary is left behind";
}

TEST_F(OutputFileTest, ACharacterDeviceIsRefusedAndStaysADevice) {
  const std::string dev = Path("null_like");
  // The same device numbers as /dev/null (1,3), but a private node that the test owns.
  if (mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
    GTEST_SKIP() << "mknod is not permitted here (" << std::strerror(errno) << "); needs root or CAP_MKNOD";
  ExpectRefused(dev, "is a character device, not a regular file");
  struct stat st {};
  ASSERT_EQ(lstat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  EXPECT_EQ(st.st_rdev, makedev(1, 3));
  // Through a symlink too.
  fs::create_symlink(dev, Path("link_to_dev"));
  ExpectRefused(Path("link_to_dev"), "is a symlink to a character device");
  ASSERT_EQ(lstat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(OutputFileTest, AFifoIsRefusedWithoutBlocking) {
  const std::string fifo = Path("pipe");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0666), 0) << std::strerror(errno);
  ExpectRefused(fifo, "is a FIFO, not a regular file");
  EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST_F(OutputFileTest, ASocketIsRefused) {
  const std::string path = Path("sock");
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  ASSERT_TRUE(bound) << std::strerror(errno);
  ExpectRefused(path, "is a socket");
  EXPECT_TRUE(fs::is_socket(path));
}

TEST_F(OutputFileTest, AFolderIsRefusedAndKeepsItsContents) {
  fs::create_directories(Path("plans"));
  std::ofstream(Path("plans/keep.txt")) << "keep";
  ExpectRefused(Path("plans"), "is a folder, not a regular file");
  ExpectRefused(Path("plans") + "/", "names a folder");
  EXPECT_EQ(Read(Path("plans/keep.txt")), "keep");
}

TEST_F(OutputFileTest, ADanglingSymlinkIsRefused) {
  fs::create_symlink(Path("missing_target"), Path("dangling"));
  ExpectRefused(Path("dangling"), "is a symlink that leads nowhere");
  EXPECT_TRUE(fs::is_symlink(Path("dangling")));
  EXPECT_FALSE(fs::exists(Path("missing_target")));
}

TEST_F(OutputFileTest, ASymlinkToAFileIsWrittenThroughAndStaysALink) {
  std::ofstream(Path("real.plan")) << "old";
  fs::create_symlink("real.plan", Path("latest.plan"));
  ASSERT_TRUE(CheckOutputPath(Path("latest.plan"), "-o").ok());
  ASSERT_TRUE(WriteOutputFile(Path("latest.plan"), "new", "-o").ok());
  EXPECT_TRUE(fs::is_symlink(Path("latest.plan")));
  EXPECT_EQ(Read(Path("real.plan")), "new");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"latest.plan", "real.plan"}));
}

TEST_F(OutputFileTest, ASymlinkToAFolderIsRefused) {
  fs::create_directories(Path("d"));
  fs::create_symlink(Path("d"), Path("link_to_dir"));
  ExpectRefused(Path("link_to_dir"), "is a symlink to a folder");
}

TEST_F(OutputFileTest, MissingFoldersAreCreatedAndAFileInTheWayIsNamed) {
  const std::string deep = Path("a/b/c/out.plan");
  ASSERT_TRUE(CheckOutputPath(deep, "-o").ok());
  EXPECT_FALSE(fs::exists(Path("a"))) << "the check creates nothing";
  ASSERT_TRUE(WriteOutputFile(deep, "x", "-o").ok());
  EXPECT_EQ(Read(deep), "x");

  std::ofstream(Path("file")) << "not a folder";
  const std::string blocked = Path("file/sub/out.plan");
  for (const Status& s : {CheckOutputPath(blocked, "-o"), WriteOutputFile(blocked, "x", "-o")}) {
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(std::string("'") + Path("file") + "' is a regular file, not a folder"),
              std::string::npos)
        << s.message();
  }
}

TEST_F(OutputFileTest, AnUnwritableFolderGivesTheOsReason) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root: permission bits do not stop root";
  fs::create_directories(Path("ro"));
  ASSERT_EQ(chmod(Path("ro").c_str(), 0555), 0);
  const Status s = WriteOutputFile(Path("ro/out.plan"), "x", "--report");
  chmod(Path("ro").c_str(), 0755);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Permission denied"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().rfind("--report " + Path("ro/out.plan") + ": ", 0), 0u) << s.message();
}

TEST_F(OutputFileTest, OutputFoldersFollowTheSameRules) {
  EXPECT_TRUE(CheckOutputDir(Path("new/outs"), "--output-dir").ok());
  EXPECT_FALSE(fs::exists(Path("new")));
  ASSERT_TRUE(CreateOutputDir(Path("new/outs"), "--output-dir").ok());
  EXPECT_TRUE(fs::is_directory(Path("new/outs")));
  std::ofstream(Path("plain")) << "x";
  const Status s = CheckOutputDir(Path("plain"), "--output-dir");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "--output-dir " + Path("plain") + ": is a regular file, not a folder");
  fs::create_symlink(Path("gone"), Path("dangling"));
  EXPECT_FALSE(CheckOutputDir(Path("dangling"), "--output-dir").ok());
}

}  // namespace
}  // namespace mrt
