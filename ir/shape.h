// Shapes of values: a list of dims, each static (a size >= 0) or dynamic (size -1, optionally
// named, e.g. "batch"). A value whose rank is unknown has unknown_rank set.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace mrt {

struct Dim {
  int64_t size = -1;   // >= 0 when static
  std::string symbol;  // name of a dynamic dim ("batch"); empty when unnamed or static

  Dim() = default;
  Dim(int64_t s) : size(s) {}  // NOLINT: implicit, so Shape{1, 3, 224, 224} reads naturally
  static Dim Symbolic(std::string name) {
    Dim d;
    d.symbol = std::move(name);
    return d;
  }
  bool is_static() const { return size >= 0; }
  bool operator==(const Dim& o) const { return size == o.size && symbol == o.symbol; }
};

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<Dim> dims) : dims_(dims) {}
  explicit Shape(std::vector<Dim> dims) : dims_(std::move(dims)) {}
  static Shape FromSizes(const std::vector<int64_t>& sizes);
  static Shape UnknownRank();

  bool unknown_rank() const { return unknown_rank_; }
  size_t rank() const { return dims_.size(); }
  const Dim& operator[](size_t i) const { return dims_[i]; }
  Dim& operator[](size_t i) { return dims_[i]; }
  const std::vector<Dim>& dims() const { return dims_; }
  std::vector<Dim>& dims() { return dims_; }

  bool is_static() const;                    // rank known and every dim static
  std::optional<int64_t> numel() const;      // product of sizes when static
  std::vector<int64_t> sizes() const;        // sizes (-1 for dynamic dims)
  std::string ToString() const;              // "[1,3,batch,?]" or "[*]" for unknown rank
  bool operator==(const Shape& o) const { return unknown_rank_ == o.unknown_rank_ && dims_ == o.dims_; }

 private:
  std::vector<Dim> dims_;
  bool unknown_rank_ = false;
};

// Product of sizes; 1 for a scalar. Callers ensure all sizes are >= 0.
int64_t Numel(const std::vector<int64_t>& sizes);
std::string SizesToString(const std::vector<int64_t>& sizes);  // "[1,3,224,224]"

}  // namespace mrt
