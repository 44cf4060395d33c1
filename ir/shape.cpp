#include "ir/shape.h"

#include <fmt/format.h>

namespace mrt {

Shape Shape::FromSizes(const std::vector<int64_t>& sizes) {
  Shape s;
  for (int64_t v : sizes) s.dims_.emplace_back(v);
  return s;
}

Shape Shape::UnknownRank() {
  Shape s;
  s.unknown_rank_ = true;
  return s;
}

bool Shape::is_static() const {
  if (unknown_rank_) return false;
  for (const auto& d : dims_)
    if (!d.is_static()) return false;
  return true;
}

std::optional<int64_t> Shape::numel() const {
  if (!is_static()) return std::nullopt;
  int64_t n = 1;
  for (const auto& d : dims_) n *= d.size;
  return n;
}

std::vector<int64_t> Shape::sizes() const {
  std::vector<int64_t> out;
  out.reserve(dims_.size());
  for (const auto& d : dims_) out.push_back(d.size);
  return out;
}

std::string Shape::ToString() const {
  if (unknown_rank_) return "[*]";
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ',';
    if (dims_[i].is_static())
      s += std::to_string(dims_[i].size);
    else
      s += dims_[i].symbol.empty() ? "?" : dims_[i].symbol;
  }
  return s + "]";
}

int64_t Numel(const std::vector<int64_t>& sizes) {
  int64_t n = 1;
  for (int64_t v : sizes) n *= v;
  return n;
}

std::string SizesToString(const std::vector<int64_t>& sizes) { return fmt::format("[{}]", fmt::join(sizes, ",")); }

}  // namespace mrt
