// Output files (rules in output_file.h). POSIX calls rather than std::filesystem where the kind of
// file matters (lstat sees a symlink itself; stat sees what it points to) and where the OS reason
// (errno) must reach the message.
#include "ir/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mrt {

namespace {

namespace fs = std::filesystem;

std::string Who(const std::string& path, std::string_view flag) {
  return flag.empty() ? path : fmt::format("{} {}", flag, path);
}

std::string Reason(int err) { return std::strerror(err); }

const char* KindOf(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

// Where the bytes finally go: `path` itself, or the regular file a symlink at `path` names.
struct Target {
  std::string file;
  bool exists = false;
  mode_t mode = 0;
};

Expected<Target> ResolveTarget(const std::string& path, std::string_view flag) {
  const std::string who = Who(path, flag);
  if (path.empty()) return Status::Errorf("{}: the output path is empty", flag.empty() ? "output" : flag);
  if (path.back() == '/') return Status::Errorf("{}: names a folder; give a file path", who);
  struct stat link {};
  if (lstat(path.c_str(), &link) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Target{path, false, 0};  // the folder check speaks
    return Status::Errorf("{}: cannot examine the path: {}", who, Reason(errno));
  }
  if (S_ISREG(link.st_mode)) return Target{path, true, link.st_mode};
  if (!S_ISLNK(link.st_mode))
    return Status::Errorf("{}: is {}, not a regular file; refusing to replace it (give a file path)", who,
                          KindOf(link.st_mode));
  struct stat pointed {};
  if (stat(path.c_str(), &pointed) != 0)
    return Status::Errorf("{}: is a symlink that leads nowhere ({}); refusing to write through it", who, Reason(errno));
  if (!S_ISREG(pointed.st_mode))
    return Status::Errorf("{}: is a symlink to {}, not to a regular file; refusing to replace it", who,
                          KindOf(pointed.st_mode));
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  if (ec) return Status::Errorf("{}: cannot resolve the symlink: {}", who, ec.message());
  return Target{real.string(), true, pointed.st_mode};
}

fs::path FolderOf(const std::string& file) {
  const fs::path parent = fs::path(file).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// `dir` exists as a writable folder, or its nearest existing ancestor is one (so mkdir -p works).
Status CheckCreatableFolder(const fs::path& dir, const std::string& who) {
  fs::path p = dir;
  struct stat st {};
  while (lstat(p.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) break;  // EACCES and friends: stat below gives the reason
    const fs::path up = p.parent_path();
    p = up.empty() ? fs::path(".") : up;
  }
  if (stat(p.c_str(), &st) != 0)
    return Status::Errorf("{}: cannot use the folder '{}': {}", who, p.string(), Reason(errno));
  if (!S_ISDIR(st.st_mode)) return Status::Errorf("{}: '{}' is {}, not a folder", who, p.string(), KindOf(st.st_mode));
  if (access(p.c_str(), W_OK | X_OK) != 0)
    return Status::Errorf("{}: cannot create files in the folder '{}': {}", who, p.string(), Reason(errno));
  return Status::Ok();
}

// Creates a temporary file beside `target` (a hidden name that never reaches a message).
Expected<std::pair<int, std::string>> CreateTemporary(const fs::path& dir, const std::string& target,
                                                      const std::string& who) {
  const std::string stem = fs::path(target).filename().string().substr(0, 200);
  for (int n = 0; n < 100; ++n) {
    const std::string tmp = (dir / fmt::format(".{}.tmp.{}.{}", stem, getpid(), n)).string();
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return std::make_pair(fd, tmp);
    if (errno != EEXIST)
      return Status::Errorf("{}: cannot create a file in the folder '{}': {}", who, dir.string(), Reason(errno));
  }
  return Status::Errorf("{}: cannot create a temporary file in the folder '{}'", who, dir.string());
}

// Writes all of `bytes` to `fd` and flushes them to disk; 0 or the errno of the failure.
int WriteAllAndSync(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += static_cast<size_t>(n);
  }
  return fsync(fd) == 0 ? 0 : errno;
}

}  // namespace

Status CheckOutputPath(const std::string& path, std::string_view flag) {
  MRT_ASSIGN_OR_RETURN(Target target, ResolveTarget(path, flag));
  return CheckCreatableFolder(FolderOf(target.file), Who(path, flag));
}

Status CheckOutputDir(const std::string& dir, std::string_view flag) {
  const std::string who = Who(dir, flag);
  if (dir.empty()) return Status::Errorf("{}: the output folder is empty", flag.empty() ? "output" : flag);
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Status::Errorf("{}: is {}, not a folder", who, KindOf(st.st_mode));
    if (access(dir.c_str(), W_OK | X_OK) != 0)
      return Status::Errorf("{}: cannot create files in the folder: {}", who, Reason(errno));
    return Status::Ok();
  }
  if (errno != ENOENT && errno != ENOTDIR) return Status::Errorf("{}: cannot examine the path: {}", who, Reason(errno));
  struct stat link {};
  if (lstat(dir.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
    return Status::Errorf("{}: is a symlink that leads nowhere; refusing to write through it", who);
  return CheckCreatableFolder(fs::path(dir), who);
}

Status CreateOutputDir(const std::string& dir, std::string_view flag) {
  MRT_RETURN_IF_ERROR(CheckOutputDir(dir, flag));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Errorf("{}: cannot create the folder: {}", Who(dir, flag), ec.message());
  return Status::Ok();
}

Status WriteOutputFile(const std::string& path, std::string_view bytes, std::string_view flag) {
  const std::string who = Who(path, flag);
  MRT_ASSIGN_OR_RETURN(Target target, ResolveTarget(path, flag));
  const fs::path dir = FolderOf(target.file);
  MRT_RETURN_IF_ERROR(CheckCreatableFolder(dir, who));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Errorf("{}: cannot create the folder '{}': {}", who, dir.string(), ec.message());
  MRT_ASSIGN_OR_RETURN(auto created, CreateTemporary(dir, target.file, who));
  const auto& [fd, tmp] = created;
  if (target.exists) (void)fchmod(fd, target.mode & 07777);  // keep the replaced file's permission bits
  const int write_errno = WriteAllAndSync(fd, bytes);
  const int close_errno = close(fd) == 0 ? 0 : errno;
  if (write_errno || close_errno) {
    unlink(tmp.c_str());
    return Status::Errorf("{}: writing failed: {}", who, Reason(write_errno ? write_errno : close_errno));
  }
  // The path may have changed while we wrote (another process): the rules hold at the rename too.
  Expected<Target> again = ResolveTarget(path, flag);
  if (!again.ok() || again->file != target.file) {
    unlink(tmp.c_str());
    return again.ok() ? Status::Errorf("{}: the path changed while it was written; not replaced", who) : again.status();
  }
  if (rename(tmp.c_str(), target.file.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Status::Errorf("{}: cannot move the written file into place: {}", who, Reason(err));
  }
  return Status::Ok();
}

}  // namespace mrt
