// The plan file: a compiled model (optimized graph, weights, memory plan, tactics) with the
// record of how and for what it was built. Little-endian throughout; every region is
// checksummed with xxHash64 (seed 0) and every offset and count is bounds-checked on load.
//
// Layout (format version 1):
//
//   prefix (48 bytes; the same in every format version, so any mini-rt can say "version N")
//     0   magic            8 bytes  \x89 M R T \r \n \x1a \n
//     8   format_version   u32      1
//     12  reserved         u32      0
//     16  file_size        u64      bytes in the whole file, trailer included
//     24  header_size      u64      bytes of the header block that follows the prefix
//     32  header_xxh64     u64      checksum of the header block
//     40  prefix_xxh64     u64      checksum of bytes [0, 40)
//   header block (at 48)
//     writer version (string), target, build record, I/O table, section table
//   sections, each starting at a 64-byte boundary (zero padding between)
//     graph        nodes (op name, name, inputs, outputs, attributes), values (name, dtype,
//                  shape with symbolic dims, role), graph inputs/outputs, and a table of the
//                  weight tensors {dtype, sizes, offset and size in the weights section}
//     weights      raw tensor bytes, each tensor at a 64-byte boundary of the section
//     memory plan  passes/memory_plan.h MemoryPlan, one entry per value (absent when the graph
//                  has shapes that are not static)
//     tactics      chosen kernel per layer (empty for the CPU backend: the kind is reserved)
//   trailer (8 bytes)
//     file_xxh64   u64      checksum of bytes [0, file_size - 8)
//
// Encodings: strings are u32 length + bytes; lists are u32 count + items; dtypes are written by
// name ("f32") and ops by ONNX name ("Conv"), so reordering an enum does not change the format.
// A shape is u8 unknown_rank, u32 rank, then per dim i64 size (-1: dynamic) + string symbol.
//
// Loading checks, in order: magic, prefix checksum, format version, file size (truncation),
// header checksum, section table bounds, each section's checksum, the whole-file checksum, the
// target against this machine, then decodes the sections (Verify on the graph, CheckMemoryPlan
// on the memory plan). Each failure is one line naming the file, the problem and the fix.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "passes/memory_plan.h"
#include "passes/pass.h"

namespace mrt::plan {

inline constexpr std::string_view kMagic = "\x89MRT\r\n\x1a\n";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kPrefixBytes = 48;
inline constexpr size_t kTrailerBytes = 8;
inline constexpr size_t kSectionAlignment = 64;  // sections and each weight tensor start here
// The CPU reference backend's version: bump it when a reference kernel's numerics or the
// meaning of an op or attribute in the graph section changes, so older plans are rebuilt.
inline constexpr uint32_t kReferenceBackendVersion = 1;
// The CUDA backend's version: bump it when a tactic's kernel, packing or name changes meaning.
inline constexpr uint32_t kCudaBackendVersion = 1;

enum class SectionKind : uint32_t {
  kGraph = 1,
  kWeights = 2,
  kMemoryPlan = 3,
  kTactics = 4,  // reserved: empty until the CUDA builder chooses tactics
};
std::string_view SectionKindName(SectionKind kind);  // "graph", "weights", "memory plan", "tactics"

// What the plan was built for. A plan runs only where its target matches (CheckTarget).
struct PlanTarget {
  std::string device = "cpu";         // "cpu" or "cuda"
  std::string backend = "reference";  // the kernel set: "reference" for the CPU backend
  uint32_t backend_version = kReferenceBackendVersion;
  std::string host_arch;  // informational: "x86_64", "aarch64"
  // CUDA only (empty / 0 for the CPU backend).
  uint32_t sm_arch = 0;  // 90 for sm_90
  std::string device_name, cuda_version, cudnn_version, cublas_version;

  bool operator==(const PlanTarget&) const = default;
};

// The target of this build of mini-rt for `device` ("cpu"); an error for a device it cannot run.
Expected<PlanTarget> CurrentTarget(std::string_view device);

// "cpu (reference kernels v1)", "cuda sm_90 (NVIDIA H100, CUDA 12.4, cuDNN 9.1, cuBLAS 12.4)".
std::string DescribeTarget(const PlanTarget& target);

// An error when a plan built for `built` cannot run on `here`, saying both sides and the fix.
Status CheckTarget(const PlanTarget& built, const PlanTarget& here);

// How the plan was built: enough to rebuild it and to tell two plans apart.
struct BuildRecord {
  std::string model_path;
  uint64_t model_xxh64 = 0;  // of the model file's bytes
  uint64_t model_bytes = 0;
  std::vector<std::string> precisions;                                     // {"fp32"}
  std::vector<std::pair<std::string, std::vector<int64_t>>> input_shapes;  // --shapes
  std::string command_line;
  std::vector<std::string> passes_run, passes_disabled;
  bool memory_planning = true;  // false: --no-memory-plan
  int64_t created_unix_seconds = 0;
  int64_t nodes_before = 0;                                 // live nodes as imported
  std::vector<std::pair<std::string, int64_t>> ops_before;  // op -> count as imported
  std::vector<RewriteRecord> rewrites;                      // every rewrite the passes recorded, in order
};

// One graph input or output as the plan exposes it.
struct IoEntry {
  std::string name;
  bool is_output = false;
  DType dtype = DType::kUndefined;
  Shape shape;

  bool operator==(const IoEntry&) const = default;
};

struct SectionEntry {
  SectionKind kind = SectionKind::kGraph;
  uint64_t offset = 0, size = 0, xxh64 = 0;
};

// A plan in memory: what the writer takes and the reader returns.
struct Plan {
  uint32_t format_version = kFormatVersion;
  std::string writer_version;  // mini-rt's version string
  PlanTarget target;
  BuildRecord build;
  std::vector<IoEntry> io;           // filled from the graph by the writer
  Graph graph;                       // compacted: no dead nodes
  std::optional<MemoryPlan> memory;  // absent when shapes were not static at compile time
  std::vector<uint8_t> tactics;      // opaque; empty for the CPU backend
  // Filled by the reader (and by SerializePlan): where each section lies in the file.
  std::vector<SectionEntry> sections;
  uint64_t file_size = 0;
};

// The I/O table of a graph: its inputs, then its outputs.
std::vector<IoEntry> IoTableOf(const Graph& graph);

// Encodes a plan (its io table is recomputed from the graph); fills plan.sections/file_size.
Expected<std::vector<uint8_t>> SerializePlan(Plan& plan);
// Writes a plan atomically under the output-file rules (ir/output_file.h): a temporary file
// renamed over `path`; a device, FIFO or folder at `path` is refused. `flag` ("-o") starts errors.
Status WritePlanFile(const std::string& path, Plan& plan, std::string_view flag = {});

struct ReadPlanOptions {
  // The machine's target; the plan's must match. Unset: no target check (inspect).
  std::optional<PlanTarget> expected_target;
};

// Decodes and verifies a plan. `display_name` prefixes every error ("model.plan: truncated...").
Expected<Plan> ParsePlan(std::span<const uint8_t> bytes, const std::string& display_name,
                         const ReadPlanOptions& options = {});
Expected<Plan> ReadPlanFile(const std::string& path, const ReadPlanOptions& options = {});

// Whether `bytes` start with the plan magic.
bool HasPlanMagic(std::span<const uint8_t> bytes);
// Whether the CLI should treat `path` as a plan: a name ending in ".plan", or a file that is not
// named ".onnx" and starts with the plan magic.
bool IsPlanPath(const std::string& path);

}  // namespace mrt::plan
