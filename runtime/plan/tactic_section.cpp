#include "runtime/plan/tactic_section.h"

#include "runtime/plan/byte_io.h"
#include "runtime/plan/plan_sections.h"

namespace mrt::plan {

namespace {
constexpr uint32_t kTacticTableVersion = 1;
}

std::vector<uint8_t> EncodeTacticTable(const TacticTable& table) {
  ByteWriter w;
  w.U32(kTacticTableVersion);
  w.String(table.layout);
  w.String(table.precision);
  w.U32(static_cast<uint32_t>(table.layers.size()));
  for (const LayerTactic& l : table.layers) {
    w.U32(l.node);
    w.String(l.tactic);
    w.String(l.family);
    w.F32(l.median_ms);
    w.U64(l.workspace_bytes);
    w.U32(static_cast<uint32_t>(l.packed.size()));
    for (const PackedInput& p : l.packed) {
      w.I32(p.input_index);
      EncodeDType(w, p.packed.dtype());
      w.U32(static_cast<uint32_t>(p.packed.rank()));
      for (int64_t s : p.packed.sizes()) w.I64(s);
      w.U64(p.packed.nbytes());
      w.Raw(p.packed.raw(), p.packed.nbytes());
    }
  }
  return std::move(w.bytes());
}

Expected<TacticTable> DecodeTacticTable(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "the tactics section");
  TacticTable t;
  const uint32_t version = r.U32();
  if (r.ok() && version != kTacticTableVersion)
    return Status::Errorf("the tactics section has version {}, this mini-rt reads version {}: rebuild the plan",
                          version, kTacticTableVersion);
  t.layout = r.String();
  t.precision = r.String();
  t.layers.resize(r.Count(40, "layers"));
  for (LayerTactic& l : t.layers) {
    l.node = r.U32();
    l.tactic = r.String();
    l.family = r.String();
    l.median_ms = r.F32();
    l.workspace_bytes = r.U64();
    l.packed.resize(r.Count(24, "packed weights"));
    for (PackedInput& p : l.packed) {
      p.input_index = r.I32();
      const DType dtype = DecodeDType(r);
      std::vector<int64_t> sizes(r.Count(8, "dims"));
      for (int64_t& s : sizes) {
        s = r.I64();
        if (r.ok() && s < 0) r.Fail("negative packed weight size");
      }
      const uint64_t n = r.U64();
      if (!r.ok()) break;
      if (dtype == DType::kUndefined) {
        r.Fail("packed weight without dtype");
        break;
      }
      if (Numel(sizes) * static_cast<uint64_t>(DTypeSize(dtype)) != n) {
        r.Fail("packed weight byte count does not match its shape");
        break;
      }
      std::span<const uint8_t> raw = r.Raw(n);
      if (!r.ok()) break;
      p.packed = Tensor(dtype, sizes);
      std::memcpy(p.packed.raw(), raw.data(), n);
    }
  }
  if (r.ok() && !r.at_end()) r.Fail("trailing bytes");
  if (!r.ok()) return r.status();
  return t;
}

}  // namespace mrt::plan
