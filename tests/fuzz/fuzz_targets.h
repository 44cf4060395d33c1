// The fuzz entry points, shared by the libFuzzer binaries (fuzz_<target>.cpp, built with
// -DMRT_FUZZ=ON by scripts/fuzz.sh) and by the regression test (test_fuzz_regressions.cpp), which
// replays the seed corpus and every input that once broke a loader in the ordinary test build.
//
// Each entry feeds bytes to one loader and returns "" or the broken promise it saw besides a
// crash (the sanitizers catch those): a refusal must be one line, start with the file's name,
// stay within kMaxMessageChars and hold no raw control byte; a model that imports must verify.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <xxhash.h>

#include "ir/dump.h"
#include "ir/onnx/importer.h"
#include "ir/printable.h"
#include "ir/verify.h"
#include "runtime/npy.h"
#include "runtime/plan/plan_format.h"

namespace mrt::fuzz {

// What is wrong with a refusal's message, or "".
inline std::string CheckErrorLine(const Status& s, std::string_view prefix) {
  const std::string& m = s.message();
  if (m.rfind(prefix, 0) != 0) return "the error does not start with '" + std::string(prefix) + "': " + Printable(m);
  if (m.size() > kMaxMessageChars) return "the error is " + std::to_string(m.size()) + " bytes long";
  for (const char c : m) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "the error holds the raw control byte " + std::to_string(u) + ": " + Printable(m);
  }
  return "";
}

inline std::string FuzzOnnxImport(std::string_view bytes) {
  ImportOptions options;
  options.infer_shapes = true;
  Expected<Graph> graph = ImportOnnxBytes(bytes, "", "fuzz.onnx", options);
  if (!graph.ok()) return CheckErrorLine(graph.status(), "fuzz.onnx: ");
  if (Status v = Verify(*graph); !v.ok()) return "an imported model does not verify: " + Printable(v.message());
  (void)Dump(*graph);
  return "";
}

inline std::string FuzzNpy(std::string_view bytes) {
  Expected<Tensor> t = ParseNpy(bytes, "fuzz.npy");
  if (!t.ok()) return CheckErrorLine(t.status(), "fuzz.npy: ");
  Expected<std::string> again = EncodeNpy(*t);  // what was read can be written back
  if (!again.ok()) return "a tensor read from .npy cannot be encoded: " + Printable(again.status().message());
  return "";
}

// Rewrites the checksums (and the file size) of a plan-like byte string, so a mutated plan gets
// past the integrity checks to the decoders. The section table is the last part of the header
// block: a u32 count, then per section {u32 kind, u64 offset, u64 size, u64 xxh64}.
inline std::vector<uint8_t> ResealPlan(std::string_view in) {
  std::vector<uint8_t> b(in.begin(), in.end());
  constexpr size_t kEntry = 28;
  const auto get = [&](size_t at) {
    uint64_t v = 0;
    std::memcpy(&v, b.data() + at, 8);
    return v;
  };
  const auto put = [&](size_t at, uint64_t v) { std::memcpy(b.data() + at, &v, 8); };
  const auto hash = [&](size_t at, size_t n) { return XXH64(b.data() + at, n, 0); };
  if (b.size() < plan::kPrefixBytes + plan::kTrailerBytes) return b;
  put(16, b.size());
  const uint64_t header_size = get(24);
  if (header_size <= b.size() - plan::kPrefixBytes - plan::kTrailerBytes) {
    const size_t table_end = plan::kPrefixBytes + header_size;
    for (uint32_t count = 0; count <= 8; ++count) {  // find the table: its count matches its length
      if (4 + count * kEntry > header_size) break;
      uint32_t stored = 0;
      std::memcpy(&stored, b.data() + table_end - count * kEntry - 4, 4);
      if (stored != count) continue;
      for (uint32_t i = 0; i < count; ++i) {
        const size_t entry = table_end - (count - i) * kEntry;
        const uint64_t offset = get(entry + 4), size = get(entry + 12);
        if (offset <= b.size() && size <= b.size() - offset) put(entry + 20, hash(offset, size));
      }
      break;
    }
    put(32, hash(plan::kPrefixBytes, header_size));
  }
  put(40, hash(0, 40));
  put(b.size() - 8, hash(0, b.size() - 8));
  return b;
}

inline std::string FuzzPlanLoader(std::string_view bytes) {
  const std::vector<uint8_t> sealed = ResealPlan(bytes);
  Expected<plan::Plan> p = plan::ParsePlan(sealed, "fuzz.plan");
  if (!p.ok()) return CheckErrorLine(p.status(), "fuzz.plan: ");
  // The target line of a plan from elsewhere: quoted plan strings, one bounded line.
  const Status mismatch = plan::CheckTarget(p->target, plan::PlanTarget{.device = "elsewhere"});
  if (!mismatch.ok())
    if (std::string bad = CheckErrorLine(mismatch, "plan built for "); !bad.empty()) return bad;
  (void)Dump(p->graph);
  return "";
}

}  // namespace mrt::fuzz
