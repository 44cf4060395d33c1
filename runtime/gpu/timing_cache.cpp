#include "runtime/gpu/timing_cache.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <xxhash.h>

#include "ir/op_table.h"
#include "ir/output_file.h"
#include "ir/version.h"

namespace mrt::gpu {

namespace {
constexpr const char* kFormat = "mini-rt timing cache";
constexpr int kVersion = 2;  // 2: keys carry the mini-rt version and the tactic set

std::string DescribeTensor(const TensorDesc& t) {
  if (!t.present()) return "-";
  return fmt::format("{}{}{}", DTypeName(t.dtype), SizesToString(t.sizes), t.constant ? "c" : "");
}
}  // namespace

std::string TacticSetOf(const TacticList& tactics) {
  XXH64_state_t* state = XXH64_createState();
  XXH64_reset(state, 0);
  for (const auto& t : tactics) {
    const std::string name = t->name();
    XXH64_update(state, name.data(), name.size() + 1);  // with the NUL: "ab"+"c" != "a"+"bc"
  }
  const XXH64_hash_t h = XXH64_digest(state);
  XXH64_freeState(state);
  return fmt::format("{:016x}", h);
}

std::string LayerKey(const NodeDesc& desc, const cudaDeviceProp& props, const std::string& tactic_set) {
  std::string key =
      fmt::format("mini-rt {}|{} sm_{}{}|{}|", kMiniRtVersion, props.name, props.major, props.minor, OpName(desc.op()));
  for (const auto& [name, value] : desc.attrs().all()) key += fmt::format("{}={};", name, AttrValueToString(value));
  key += "|in:";
  for (const TensorDesc& t : desc.inputs) key += DescribeTensor(t) + ",";
  key += "|out:";
  for (const TensorDesc& t : desc.outputs) key += DescribeTensor(t) + ",";
  key += desc.math.allow_tf32 ? "|tf32" : "|strict";
  key += "|tactics:" + tactic_set;
  return key;
}

Expected<TimingCache> TimingCache::Load(const std::string& path) {
  TimingCache cache;
  std::ifstream in(path);
  if (!in) return cache;  // no cache yet
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kFormat)
    return Status::Errorf("--timing-cache {}: not a mini-rt timing cache (delete it or pass another file)", path);
  // An older format's entries are stale by definition (keys without version or tactic set): they
  // die, and the next Save writes the current format. A newer format is another mini-rt's file.
  if (j.value("version", 0) < kVersion) return cache;
  if (j.value("version", 0) != kVersion)
    return Status::Errorf("--timing-cache {}: version {} but this mini-rt writes version {} (delete the file)", path,
                          j.value("version", 0), kVersion);
  if (!j.contains("layers") || !j["layers"].is_object())
    return Status::Errorf("--timing-cache {}: has no \"layers\" object", path);
  for (auto& [key, tactics] : j["layers"].items()) {
    if (!tactics.is_object()) return Status::Errorf("--timing-cache {}: entry '{}' is not an object", path, key);
    for (auto& [tactic, ms] : tactics.items()) {
      if (!ms.is_number()) return Status::Errorf("--timing-cache {}: time of '{}' is not a number", path, tactic);
      cache.layers_[key][tactic] = ms.get<float>();
    }
  }
  return cache;
}

Status TimingCache::Save(const std::string& path) const {
  nlohmann::json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["layers"] = nlohmann::json::object();
  for (const auto& [key, tactics] : layers_)
    for (const auto& [tactic, ms] : tactics) j["layers"][key][tactic] = ms;
  return WriteOutputFile(path, j.dump(1), "--timing-cache");
}

std::optional<float> TimingCache::Find(const std::string& key, const std::string& tactic) const {
  auto it = layers_.find(key);
  if (it == layers_.end()) return std::nullopt;
  auto t = it->second.find(tactic);
  if (t == it->second.end()) return std::nullopt;
  return t->second;
}

}  // namespace mrt::gpu
