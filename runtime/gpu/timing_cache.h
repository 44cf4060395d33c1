// The timing cache (--timing-cache FILE): measured tactic times keyed by everything that decides
// them, so a rebuild times nothing it has timed before. A JSON file:
//   {"format": "mini-rt timing cache", "version": 2,
//    "layers": {"<key>": {"<tactic>": 0.0123, "<refused tactic>": -1, ...}, ...}}
// The key (LayerKey) spells out the mini-rt version, the device (name and SM), the op, its
// attributes, every input's dtype and sizes (and whether it is a constant), every output's, the
// math mode and a hash of the set of tactic names offered for the layer, so two layers share an
// entry only when any tactic would run them identically, and entries die when the kernels change
// (a new version, or a tactic added, removed or renamed). Failed tactics are never stored.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

inline constexpr float kRefusedTactic = -1.f;

// The names of `tactics` hashed together (xxh64, hex): the tactic-set part of LayerKey.
std::string TacticSetOf(const TacticList& tactics);
std::string LayerKey(const NodeDesc& desc, const cudaDeviceProp& props, const std::string& tactic_set);

class TimingCache {
 public:
  // An absent file is an empty cache; a file that is not a timing cache is an error naming it.
  static Expected<TimingCache> Load(const std::string& path);
  // Writes atomically under the output-file rules (ir/output_file.h).
  Status Save(const std::string& path) const;

  std::optional<float> Find(const std::string& key, const std::string& tactic) const;
  void Put(const std::string& key, const std::string& tactic, float ms) { layers_[key][tactic] = ms; }
  size_t size() const { return layers_.size(); }

 private:
  std::map<std::string, std::map<std::string, float>> layers_;
};

}  // namespace mrt::gpu
