// The header block (layout in plan_format.h), in this order:
//   string writer_version
//   target: string device, backend; u32 backend_version; string host_arch; u32 sm_arch;
//           string device_name, cuda_version, cudnn_version, cublas_version
//   build record: string model_path; u64 model_xxh64, model_bytes; strings precisions;
//           u32 count + (string name, u32 rank + i64 sizes) input shapes; string command_line;
//           strings passes_run, passes_disabled; u8 memory_planning; i64 created_unix_seconds;
//           i64 nodes_before; u32 count + (string op, i64 count) ops_before;
//           u32 count + (string pass, kind; strings nodes; string result) rewrites
//   I/O table: u32 count + (string name, u8 is_output, dtype, shape)
//   section table: u32 count + (u32 kind, u64 offset, u64 size, u64 xxh64)
// Also the shape and dtype codecs the graph section shares.
#include "runtime/plan/plan_sections.h"

namespace mrt::plan {

// --- shapes and dtypes ---

void EncodeDType(ByteWriter& w, DType dtype) { w.String(DTypeName(dtype)); }

DType DecodeDType(ByteReader& r) {
  const std::string name = r.String();
  if (!r.ok() || name == DTypeName(DType::kUndefined)) return DType::kUndefined;
  const std::optional<DType> dtype = DTypeFromName(name);
  if (!dtype) r.Fail(fmt::format("unknown dtype '{}'", Printable(name)));
  return dtype.value_or(DType::kUndefined);
}

void EncodeShape(ByteWriter& w, const Shape& shape) {
  w.U8(shape.unknown_rank() ? 1 : 0);
  w.U32(static_cast<uint32_t>(shape.rank()));
  for (const Dim& d : shape.dims()) {
    w.I64(d.size);
    w.String(d.symbol);
  }
}

Shape DecodeShape(ByteReader& r) {
  const bool unknown_rank = r.Bool();
  const uint32_t rank = r.Count(12, "dims");
  if (unknown_rank) {
    if (rank != 0 && r.ok()) r.Fail("a shape of unknown rank lists dims");
    return Shape::UnknownRank();
  }
  std::vector<Dim> dims(rank);
  for (Dim& d : dims) {
    d.size = r.I64();
    d.symbol = r.String();
    if (r.ok() && d.size < -1) r.Fail(fmt::format("dim size {} is negative", d.size));
  }
  return Shape(std::move(dims));
}

namespace {

void EncodeStrings(ByteWriter& w, const std::vector<std::string>& xs) {
  w.U32(static_cast<uint32_t>(xs.size()));
  for (const std::string& x : xs) w.String(x);
}

std::vector<std::string> DecodeStrings(ByteReader& r) {
  std::vector<std::string> xs(r.Count(4, "strings"));
  for (std::string& x : xs) x = r.String();
  return xs;
}

void EncodeTarget(ByteWriter& w, const PlanTarget& t) {
  w.String(t.device);
  w.String(t.backend);
  w.U32(t.backend_version);
  w.String(t.host_arch);
  w.U32(t.sm_arch);
  w.String(t.device_name);
  w.String(t.cuda_version);
  w.String(t.cudnn_version);
  w.String(t.cublas_version);
}

PlanTarget DecodeTarget(ByteReader& r) {
  PlanTarget t;
  t.device = r.String();
  t.backend = r.String();
  t.backend_version = r.U32();
  t.host_arch = r.String();
  t.sm_arch = r.U32();
  t.device_name = r.String();
  t.cuda_version = r.String();
  t.cudnn_version = r.String();
  t.cublas_version = r.String();
  return t;
}

void EncodeBuildRecord(ByteWriter& w, const BuildRecord& b) {
  w.String(b.model_path);
  w.U64(b.model_xxh64);
  w.U64(b.model_bytes);
  EncodeStrings(w, b.precisions);
  w.U32(static_cast<uint32_t>(b.input_shapes.size()));
  for (const auto& [name, sizes] : b.input_shapes) {
    w.String(name);
    w.U32(static_cast<uint32_t>(sizes.size()));
    for (int64_t d : sizes) w.I64(d);
  }
  w.String(b.command_line);
  EncodeStrings(w, b.passes_run);
  EncodeStrings(w, b.passes_disabled);
  w.U8(b.memory_planning ? 1 : 0);
  w.I64(b.created_unix_seconds);
  w.I64(b.nodes_before);
  w.U32(static_cast<uint32_t>(b.ops_before.size()));
  for (const auto& [op, count] : b.ops_before) {
    w.String(op);
    w.I64(count);
  }
  w.U32(static_cast<uint32_t>(b.rewrites.size()));
  for (const RewriteRecord& rw : b.rewrites) {
    w.String(rw.pass);
    w.String(rw.kind);
    EncodeStrings(w, rw.nodes);
    w.String(rw.result);
  }
}

BuildRecord DecodeBuildRecord(ByteReader& r) {
  BuildRecord b;
  b.model_path = r.String();
  b.model_xxh64 = r.U64();
  b.model_bytes = r.U64();
  b.precisions = DecodeStrings(r);
  b.input_shapes.resize(r.Count(8, "input shapes"));
  for (auto& [name, sizes] : b.input_shapes) {
    name = r.String();
    sizes.resize(r.Count(8, "dims"));
    for (int64_t& d : sizes) d = r.I64();
  }
  b.command_line = r.String();
  b.passes_run = DecodeStrings(r);
  b.passes_disabled = DecodeStrings(r);
  b.memory_planning = r.Bool();
  b.created_unix_seconds = r.I64();
  b.nodes_before = r.I64();
  b.ops_before.resize(r.Count(12, "op counts"));
  for (auto& [op, count] : b.ops_before) {
    op = r.String();
    count = r.I64();
  }
  b.rewrites.resize(r.Count(16, "rewrites"));
  for (RewriteRecord& rw : b.rewrites) {
    rw.pass = r.String();
    rw.kind = r.String();
    rw.nodes = DecodeStrings(r);
    rw.result = r.String();
  }
  return b;
}

void EncodeIoTable(ByteWriter& w, const std::vector<IoEntry>& io) {
  w.U32(static_cast<uint32_t>(io.size()));
  for (const IoEntry& e : io) {
    w.String(e.name);
    w.U8(e.is_output ? 1 : 0);
    EncodeDType(w, e.dtype);
    EncodeShape(w, e.shape);
  }
}

std::vector<IoEntry> DecodeIoTable(ByteReader& r) {
  std::vector<IoEntry> io(r.Count(14, "I/O entries"));
  for (IoEntry& e : io) {
    e.name = r.String();
    e.is_output = r.Bool();
    e.dtype = DecodeDType(r);
    e.shape = DecodeShape(r);
  }
  return io;
}

std::vector<SectionEntry> DecodeSectionTable(ByteReader& r) {
  std::vector<SectionEntry> sections(r.Count(kSectionEntryBytes, "sections"));
  for (SectionEntry& s : sections) {
    const uint32_t kind = r.U32();
    s.offset = r.U64();
    s.size = r.U64();
    s.xxh64 = r.U64();
    if (r.ok() &&
        (kind < static_cast<uint32_t>(SectionKind::kGraph) || kind > static_cast<uint32_t>(SectionKind::kTactics)))
      r.Fail(fmt::format("unknown section kind {}", kind));
    s.kind = static_cast<SectionKind>(kind);
  }
  return sections;
}

}  // namespace

void EncodeHeaderBody(ByteWriter& w, const Plan& plan) {
  w.String(plan.writer_version);
  EncodeTarget(w, plan.target);
  EncodeBuildRecord(w, plan.build);
  EncodeIoTable(w, plan.io);
}

void EncodeSectionTable(ByteWriter& w, const std::vector<SectionEntry>& sections) {
  w.U32(static_cast<uint32_t>(sections.size()));
  for (const SectionEntry& s : sections) {
    w.U32(static_cast<uint32_t>(s.kind));
    w.U64(s.offset);
    w.U64(s.size);
    w.U64(s.xxh64);
  }
}

Status DecodeHeader(std::span<const uint8_t> header, Plan& plan) {
  ByteReader r(header, "the header");
  plan.writer_version = r.String();
  plan.target = DecodeTarget(r);
  plan.build = DecodeBuildRecord(r);
  plan.io = DecodeIoTable(r);
  plan.sections = DecodeSectionTable(r);
  if (r.ok() && !r.at_end()) r.Fail(fmt::format("{} bytes follow the section table", r.remaining()));
  return r.status();
}

}  // namespace mrt::plan
