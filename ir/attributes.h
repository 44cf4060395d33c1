// Typed node attributes, keyed by their ONNX names. The importer validates each attribute's type
// and fills the spec's defaults, so passes and kernels read them without guessing.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ir/tensor.h"

namespace mrt {

using AttrValue = std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>,
                               std::vector<std::string>, std::shared_ptr<const Tensor>>;

std::string AttrValueToString(const AttrValue& v);  // compact form for Dump: 3, 0.5, "nearest", [1,1]

class Attributes {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  void set(const std::string& name, AttrValue v) { values_[name] = std::move(v); }
  void erase(const std::string& name) { values_.erase(name); }
  const std::map<std::string, AttrValue>& all() const { return values_; }

  // Typed getters: the default when absent. A present attribute of another type is a bug in the
  // importer (it checks types), so these return the default then too.
  int64_t GetInt(const std::string& name, int64_t dflt = 0) const { return Get<int64_t>(name).value_or(dflt); }
  float GetFloat(const std::string& name, float dflt = 0.f) const { return Get<float>(name).value_or(dflt); }
  std::string GetString(const std::string& name, std::string dflt = {}) const {
    return Get<std::string>(name).value_or(std::move(dflt));
  }
  std::vector<int64_t> GetInts(const std::string& name, std::vector<int64_t> dflt = {}) const {
    return Get<std::vector<int64_t>>(name).value_or(std::move(dflt));
  }
  std::vector<float> GetFloats(const std::string& name, std::vector<float> dflt = {}) const {
    return Get<std::vector<float>>(name).value_or(std::move(dflt));
  }
  std::shared_ptr<const Tensor> GetTensor(const std::string& name) const {
    return Get<std::shared_ptr<const Tensor>>(name).value_or(nullptr);
  }

  template <typename T>
  std::optional<T> Get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    if (const T* p = std::get_if<T>(&it->second)) return *p;
    return std::nullopt;
  }

  bool operator==(const Attributes& o) const { return values_ == o.values_; }

 private:
  std::map<std::string, AttrValue> values_;  // ordered: Dump and hashing see a stable order
};

}  // namespace mrt
