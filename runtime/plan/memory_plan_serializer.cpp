// The memory plan section: passes/memory_plan.h's MemoryPlan, field by field.
//   i64 alignment, arena_bytes, naive_bytes, peak_live_bytes; i32 num_buffers
//   u32 value count; per value: i64 offset, i32 live_from, i32 live_until, i32 alias_of, u8 alias_kind
// The executor writes into the arena at these offsets, so a decoded plan is checked with
// CheckMemoryPlan (every value inside the arena, no write over a live value) before it is used.
#include "runtime/plan/plan_sections.h"

namespace mrt::plan {

namespace {
constexpr size_t kEntryBytes = 8 + 4 + 4 + 4 + 1;
constexpr uint8_t kLastAliasKind = static_cast<uint8_t>(AliasKind::kInPlace);
}  // namespace

void EncodeMemoryPlan(ByteWriter& w, const MemoryPlan& plan) {
  w.I64(plan.alignment);
  w.I64(plan.arena_bytes);
  w.I64(plan.naive_bytes);
  w.I64(plan.peak_live_bytes);
  w.I32(plan.num_buffers);
  const size_t n = plan.offsets.size();
  w.U32(static_cast<uint32_t>(n));
  for (size_t v = 0; v < n; ++v) {
    // The per-value vectors have one entry per value; a shorter one (a hand-made plan) reads as
    // "not planned".
    auto at = [v]<typename T>(const std::vector<T>& xs, T dflt) { return v < xs.size() ? xs[v] : dflt; };
    w.I64(plan.offsets[v]);
    w.I32(at(plan.live_from, int32_t{-1}));
    w.I32(at(plan.live_until, int32_t{-1}));
    w.I32(at(plan.alias_of, kNoValue));
    w.U8(static_cast<uint8_t>(at(plan.alias_kind, AliasKind::kNone)));
  }
}

Expected<MemoryPlan> DecodeMemoryPlan(std::span<const uint8_t> section, const Graph& graph) {
  ByteReader r(section, "the memory plan section");
  MemoryPlan plan;
  plan.alignment = r.I64();
  plan.arena_bytes = r.I64();
  plan.naive_bytes = r.I64();
  plan.peak_live_bytes = r.I64();
  plan.num_buffers = r.I32();
  const uint32_t n = r.Count(kEntryBytes, "value entries");
  if (r.ok() && n != graph.num_values())
    r.Fail(fmt::format("it has {} value entries but the graph has {} values", n, graph.num_values()));
  if (r.ok() && (plan.alignment < 1 || plan.arena_bytes < 0 || plan.naive_bytes < 0 || plan.peak_live_bytes < 0))
    r.Fail("a size is negative");
  const auto num_values = static_cast<int32_t>(n);
  for (uint32_t v = 0; v < n && r.ok(); ++v) {
    plan.offsets.push_back(r.I64());
    plan.live_from.push_back(r.I32());
    plan.live_until.push_back(r.I32());
    plan.alias_of.push_back(r.I32());
    const uint8_t kind = r.U8();
    plan.alias_kind.push_back(static_cast<AliasKind>(std::min(kind, kLastAliasKind)));
    if (!r.ok()) break;
    if (kind > kLastAliasKind) r.Fail(fmt::format("value {} has alias kind {}", v, kind));
    if (plan.offsets.back() < -1) r.Fail(fmt::format("value {} has offset {}", v, plan.offsets.back()));
    if (plan.alias_of.back() < kNoValue || plan.alias_of.back() >= num_values)
      r.Fail(fmt::format("value {} aliases value {}, which does not exist", v, plan.alias_of.back()));
  }
  if (r.ok() && !r.at_end()) r.Fail(fmt::format("{} bytes follow the last entry", r.remaining()));
  if (!r.ok()) return r.status();
  MRT_RETURN_IF_ERROR(CheckMemoryPlan(graph, plan).WithContext("the memory plan section is not safe to run: "));
  return plan;
}

}  // namespace mrt::plan
