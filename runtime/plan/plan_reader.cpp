// Reads and verifies a plan (layout and check order in plan_format.h). Every refusal is one
// line: "<file>: <what is wrong>; <what to do>". Integrity comes before meaning: nothing in a
// region is interpreted before its checksum has matched, and every offset, size and count is
// checked against the bytes that are really there.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <xxhash.h>

#include "runtime/plan/plan_sections.h"

namespace mrt::plan {

namespace {

constexpr std::string_view kRebuild = "rebuild it with 'mini-rt compile'";
constexpr std::string_view kBuildOne = "build one with 'mini-rt compile model.onnx -o model.plan'";

uint64_t Hash(std::span<const uint8_t> bytes) { return XXH64(bytes.data(), bytes.size(), 0); }

uint64_t LoadU64(std::span<const uint8_t> bytes, size_t at) {
  uint64_t v;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}

uint32_t LoadU32(std::span<const uint8_t> bytes, size_t at) {
  uint32_t v;
  std::memcpy(&v, bytes.data() + at, 4);
  return v;
}

Status Truncated(uint64_t expected, size_t actual, bool at_least = false) {
  return Status::Errorf("truncated: expected {}{} bytes, file has {}; the file is incomplete, {}",
                        at_least ? "at least " : "", expected, actual, kRebuild);
}

// Magic, prefix checksum, format version and file size: the part every format version shares.
// Returns the header block's size.
Expected<uint64_t> CheckPrefix(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return Status::Errorf("empty file, not a mini-rt plan; {}", kBuildOne);
  const size_t sniff = std::min(bytes.size(), kMagic.size());
  if (std::memcmp(bytes.data(), kMagic.data(), sniff) != 0)
    return Status::Errorf("not a mini-rt plan (it does not start with the plan magic bytes); {}", kBuildOne);
  if (bytes.size() < kPrefixBytes) {
    // The declared size (bytes 16..24) is shown when it is there to read.
    if (bytes.size() >= 24) return Truncated(LoadU64(bytes, 16), bytes.size());
    return Truncated(kPrefixBytes, bytes.size(), /*at_least=*/true);
  }
  if (Hash(bytes.first(40)) != LoadU64(bytes, 40))
    return Status::Errorf("the file header is corrupted (checksum mismatch in its first 48 bytes); {}", kRebuild);
  const uint32_t version = LoadU32(bytes, 8);
  if (version != kFormatVersion)
    return Status::Errorf("plan format version {} but this mini-rt reads version {}: {}", version, kFormatVersion,
                          kRebuild);
  const uint64_t file_size = LoadU64(bytes, 16), header_size = LoadU64(bytes, 24);
  if (bytes.size() < file_size) return Truncated(file_size, bytes.size());
  if (bytes.size() > file_size)
    return Status::Errorf("the file has {} bytes but the plan ends at byte {}: something was appended; {}",
                          bytes.size(), file_size, kRebuild);
  if (file_size < kPrefixBytes + kTrailerBytes || header_size > file_size - kPrefixBytes - kTrailerBytes)
    return Status::Errorf("the header claims {} bytes, more than the file holds; {}", header_size, kRebuild);
  if (Hash(bytes.subspan(kPrefixBytes, header_size)) != LoadU64(bytes, 32))
    return Status::Errorf(
        "the header (versions, target, build record, I/O and section tables) is corrupted (checksum mismatch); {}",
        kRebuild);
  return header_size;
}

// Every section lies between the header and the trailer, none overlaps another, each kind
// appears once, and graph and weights are there.
Status CheckSectionTable(const std::vector<SectionEntry>& sections, uint64_t data_begin, uint64_t data_end) {
  std::vector<bool> seen(static_cast<size_t>(SectionKind::kTactics) + 1, false);
  std::vector<SectionEntry> sorted = sections;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  uint64_t prev_end = data_begin;
  for (const SectionEntry& s : sorted) {
    const std::string_view name = SectionKindName(s.kind);
    if (s.offset < prev_end || s.offset > data_end || s.size > data_end - s.offset)
      return Status::Errorf("section '{}' at bytes [{}, {}) lies outside the file's data or overlaps another; {}", name,
                            s.offset, s.offset + s.size, kRebuild);
    prev_end = s.offset + s.size;
    if (seen[static_cast<size_t>(s.kind)]) return Status::Errorf("section '{}' appears twice; {}", name, kRebuild);
    seen[static_cast<size_t>(s.kind)] = true;
  }
  for (SectionKind required : {SectionKind::kGraph, SectionKind::kWeights})
    if (!seen[static_cast<size_t>(required)])
      return Status::Errorf("the plan has no '{}' section; {}", SectionKindName(required), kRebuild);
  return Status::Ok();
}

std::span<const uint8_t> SectionBytes(std::span<const uint8_t> file, const Plan& plan, SectionKind kind) {
  for (const SectionEntry& s : plan.sections)
    if (s.kind == kind) return file.subspan(s.offset, s.size);
  return {};
}

bool HasSection(const Plan& plan, SectionKind kind) {
  return std::any_of(plan.sections.begin(), plan.sections.end(), [kind](const auto& s) { return s.kind == kind; });
}

// Checksums of each section, then of the whole file (which also covers padding and the trailer).
Status CheckChecksums(std::span<const uint8_t> bytes, const Plan& plan) {
  for (const SectionEntry& s : plan.sections)
    if (Hash(bytes.subspan(s.offset, s.size)) != s.xxh64)
      return Status::Errorf("section '{}' is corrupted (checksum mismatch); {}", SectionKindName(s.kind), kRebuild);
  const size_t body = bytes.size() - kTrailerBytes;
  if (Hash(bytes.first(body)) != LoadU64(bytes, body))
    return Status::Errorf("the file is corrupted outside its sections (whole-file checksum mismatch); {}", kRebuild);
  return Status::Ok();
}

Status DecodeSections(std::span<const uint8_t> bytes, Plan& plan) {
  MRT_ASSIGN_OR_RETURN(plan.graph, DecodeGraph(SectionBytes(bytes, plan, SectionKind::kGraph),
                                               SectionBytes(bytes, plan, SectionKind::kWeights)));
  if (HasSection(plan, SectionKind::kMemoryPlan)) {
    MRT_ASSIGN_OR_RETURN(MemoryPlan memory,
                         DecodeMemoryPlan(SectionBytes(bytes, plan, SectionKind::kMemoryPlan), plan.graph));
    plan.memory = std::move(memory);
  }
  const std::span<const uint8_t> tactics = SectionBytes(bytes, plan, SectionKind::kTactics);
  plan.tactics.assign(tactics.begin(), tactics.end());
  if (!(plan.io == IoTableOf(plan.graph)))
    return Status::Error("the I/O table does not match the graph's inputs and outputs");
  return Status::Ok();
}

Status ParseInto(std::span<const uint8_t> bytes, const ReadPlanOptions& options, Plan& plan) {
  MRT_ASSIGN_OR_RETURN(const uint64_t header_size, CheckPrefix(bytes));
  plan.file_size = bytes.size();
  MRT_RETURN_IF_ERROR(DecodeHeader(bytes.subspan(kPrefixBytes, header_size), plan));
  MRT_RETURN_IF_ERROR(CheckSectionTable(plan.sections, kPrefixBytes + header_size, bytes.size() - kTrailerBytes));
  MRT_RETURN_IF_ERROR(CheckChecksums(bytes, plan));
  if (options.expected_target) MRT_RETURN_IF_ERROR(CheckTarget(plan.target, *options.expected_target));
  return DecodeSections(bytes, plan);
}

}  // namespace

Expected<Plan> ParsePlan(std::span<const uint8_t> bytes, const std::string& display_name,
                         const ReadPlanOptions& options) {
  Plan plan;
  Status s = ParseInto(bytes, options, plan);
  // Names in the messages come from the file: a damaged one could hold control bytes or huge
  // strings; the error stays one bounded printable line (ir/printable.h).
  if (!s.ok()) return Status::Error(OneLineMessage(display_name + ": " + s.message()));
  return plan;
}

Expected<Plan> ReadPlanFile(const std::string& path, const ReadPlanOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Errorf("{}: no such file", path);
  if (!fs::is_regular_file(path, ec)) return Status::Errorf("{}: not a regular file", path);
  const uintmax_t size = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in)
    return Status::Errorf("{}: cannot open the file for reading: {}", path, ec ? ec.message() : std::strerror(errno));
  // Sniff the magic before reading a possibly huge file that is not a plan at all.
  std::vector<uint8_t> bytes(std::min<uintmax_t>(size, kMagic.size()));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (HasPlanMagic(bytes)) {
    bytes.resize(size);
    in.read(reinterpret_cast<char*>(bytes.data() + kMagic.size()), static_cast<std::streamsize>(size - kMagic.size()));
  }
  if (!in) return Status::Errorf("{}: reading the file failed: {}", path, std::strerror(errno));
  return ParsePlan(bytes, path, options);
}

}  // namespace mrt::plan
