// Output files: every file mini-rt writes (plans, .npy outputs, --report/--json files, timing and
// calibration caches, ONNX files) goes through here, so one set of rules holds for all of them:
//
// - An output path names a regular file or nothing. A device node, FIFO, socket or folder, or a
//   symlink to one (or a dangling symlink), is refused with one line naming the flag and the path:
//   `compile -o /dev/full` must never replace the device node with a plan.
// - A symlink to a regular file is written through: its target is replaced, the link stays.
// - Regular files are written to a temporary file beside the target, flushed, and renamed over it:
//   a reader sees the old file or the new one, never half of one. The temporary's name never
//   appears in a message.
// - A missing parent folder is created (mkdir -p); when that fails the error names the folder.
// - Every I/O error carries the OS reason (strerror: "Permission denied", ...).
//
// Callers check every output path with CheckOutputPath/CheckOutputDir before any long work
// (import, compile, run), then write with WriteOutputFile. `flag` ("-o", "--report", "" for
// none) starts each message: "-o out/m.plan: is a character device, not a regular file; ...".
#pragma once

#include <string>
#include <string_view>

#include "ir/status.h"

namespace mrt {

// Whether `path` may be written: it is a regular file (or a symlink to one) or does not exist,
// and its folder exists and is writable, or can be created (its nearest existing ancestor is a
// writable folder). Creates nothing.
Status CheckOutputPath(const std::string& path, std::string_view flag = {});

// Whether `dir` may receive output files: a folder (or a symlink to one) that is writable, or a
// path that can be created as above. Creates nothing.
Status CheckOutputDir(const std::string& dir, std::string_view flag = {});

// Creates `dir` and its missing parents (after CheckOutputDir's checks).
Status CreateOutputDir(const std::string& dir, std::string_view flag = {});

// Writes `bytes` to `path` under the rules above: checks the path again, creates missing
// folders, writes a temporary file beside the target, fsyncs it and renames it into place
// (keeping an existing file's permission bits). On failure nothing is left behind.
Status WriteOutputFile(const std::string& path, std::string_view bytes, std::string_view flag = {});

}  // namespace mrt
