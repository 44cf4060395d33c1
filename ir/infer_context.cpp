#include "ir/infer_context.h"

namespace mrt {

std::optional<std::vector<int64_t>> InferContext::ints(size_t i) const {
  const TensorView* v = value(i);
  if (v == nullptr) return std::nullopt;
  return ReadInt64s(*v);
}

Expected<int64_t> NormalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return Status::Errorf("axis {} is out of range for rank {}", axis, rank);
  return axis < 0 ? axis + rank : axis;
}

Expected<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  if (a.unknown_rank() || b.unknown_rank()) return Shape::UnknownRank();
  const size_t rank = std::max(a.rank(), b.rank());
  std::vector<Dim> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const Dim one(1);
    const Dim& da = i + a.rank() >= rank ? a[i + a.rank() - rank] : one;
    const Dim& db = i + b.rank() >= rank ? b[i + b.rank() - rank] : one;
    if (da == db) {
      out[i] = da;
    } else if (da.size == 1) {
      out[i] = db;
    } else if (db.size == 1) {
      out[i] = da;
    } else if (da.is_static() && db.is_static()) {
      return Status::Errorf("shapes {} and {} cannot be broadcast (dim {}: {} vs {})", a.ToString(), b.ToString(), i,
                            da.size, db.size);
    } else {
      out[i] = da.is_static() ? da : (db.is_static() ? db : Dim());  // a dynamic dim must match the static one
    }
  }
  return Shape(std::move(out));
}

}  // namespace mrt
