// Writes a plan (layout in plan_format.h): encodes the sections, lays them out at 64-byte
// boundaries after the header, fills in sizes and checksums, and writes the file atomically.
#include <xxhash.h>

#include "ir/output_file.h"
#include "runtime/plan/plan_sections.h"

namespace mrt::plan {

namespace {

struct Payload {
  SectionKind kind;
  std::vector<uint8_t> bytes;
};

uint64_t AlignUp(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

uint64_t Hash(const void* data, size_t n) { return XXH64(data, n, 0); }

Expected<std::vector<Payload>> EncodeSections(const Plan& plan) {
  ByteWriter graph, weights;
  MRT_RETURN_IF_ERROR(EncodeGraph(plan.graph, graph, weights));
  std::vector<Payload> payloads;
  payloads.push_back({SectionKind::kGraph, std::move(graph.bytes())});
  payloads.push_back({SectionKind::kWeights, std::move(weights.bytes())});
  if (plan.memory) {
    if (plan.memory->offsets.size() != plan.graph.num_values())
      return Status::Errorf("the memory plan has {} entries for a graph of {} values (planned for another graph?)",
                            plan.memory->offsets.size(), plan.graph.num_values());
    ByteWriter memory;
    EncodeMemoryPlan(memory, *plan.memory);
    payloads.push_back({SectionKind::kMemoryPlan, std::move(memory.bytes())});
  }
  payloads.push_back({SectionKind::kTactics, plan.tactics});
  return payloads;
}

}  // namespace

Expected<std::vector<uint8_t>> SerializePlan(Plan& plan) {
  plan.format_version = kFormatVersion;
  plan.io = IoTableOf(plan.graph);
  MRT_ASSIGN_OR_RETURN(std::vector<Payload> payloads, EncodeSections(plan));

  // The header's size is known before the section offsets are: its body plus a fixed-size table.
  ByteWriter header;
  EncodeHeaderBody(header, plan);
  const uint64_t header_size = header.size() + 4 + payloads.size() * kSectionEntryBytes;
  uint64_t offset = AlignUp(kPrefixBytes + header_size, kSectionAlignment);
  plan.sections.clear();
  for (const Payload& p : payloads) {
    plan.sections.push_back({p.kind, offset, p.bytes.size(), Hash(p.bytes.data(), p.bytes.size())});
    offset = AlignUp(offset + p.bytes.size(), kSectionAlignment);
  }
  const SectionEntry& last = plan.sections.back();
  plan.file_size = last.offset + last.size + kTrailerBytes;
  EncodeSectionTable(header, plan.sections);

  ByteWriter out;
  out.bytes().reserve(plan.file_size);
  out.Raw(kMagic.data(), kMagic.size());
  out.U32(kFormatVersion);
  out.U32(0);  // reserved
  out.U64(plan.file_size);
  out.U64(header_size);
  out.U64(Hash(header.bytes().data(), header.size()));
  out.U64(Hash(out.bytes().data(), out.size()));  // the prefix so far: bytes [0, 40)
  out.Raw(header.bytes().data(), header.size());
  for (size_t i = 0; i < payloads.size(); ++i) {
    out.PadTo(kSectionAlignment);
    out.Raw(payloads[i].bytes.data(), payloads[i].bytes.size());
  }
  out.U64(Hash(out.bytes().data(), out.size()));
  if (out.size() != plan.file_size)
    return Status::Errorf("internal error: the plan is {} bytes but its header says {}", out.size(), plan.file_size);
  return std::move(out.bytes());
}

Status WritePlanFile(const std::string& path, Plan& plan, std::string_view flag) {
  MRT_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, SerializePlan(plan));
  // Temporary file, fsync, rename (ir/output_file.h): a reader sees the old plan or the new one,
  // never half of one, and a device node or folder at `path` is refused, not replaced.
  return WriteOutputFile(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), flag);
}

}  // namespace mrt::plan
