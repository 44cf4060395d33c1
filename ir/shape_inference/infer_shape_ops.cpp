// Shape inference of the ops that only rearrange elements: Dropout, Flatten, Reshape, Squeeze,
// Unsqueeze, Transpose, Concat, Split. Slice, Expand, Tile, Gather, Shape, ConstantOfShape,
// Range and Pad live in infer_shape_select.cpp. With every input value known the shapes come
// out static; with values unknown they keep the rank and every dim that can still be known.
#include <algorithm>
#include <set>

#include "ir/shape_inference/infer_fns.h"
#include "ir/shape_inference/infer_shape_util.h"

namespace mrt::infer {

namespace {

// Resolves Reshape's -1 (or checks the element count) when dims are partly symbolic: symbols
// that appear on both sides cancel (a 0 that copies `batch` keeps it), then the static products
// must divide. `out[infer_at]` is left unknown when that is all that can be said.
Status ResolveReshape(const Shape& in, std::vector<Dim>& out, int infer_at) {
  int64_t in_static = 1, out_static = 1;
  std::multiset<std::string> in_symbols, out_symbols;
  int in_unnamed = 0, out_unnamed = 0;
  std::vector<const Dim*> in_dynamic;
  for (const Dim& d : in.dims()) {
    if (d.is_static()) {
      in_static *= d.size;
    } else {
      if (d.symbol.empty())
        ++in_unnamed;
      else
        in_symbols.insert(d.symbol);
      in_dynamic.push_back(&d);
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (static_cast<int>(i) == infer_at) continue;
    if (out[i].is_static()) {
      out_static *= out[i].size;
    } else if (out[i].symbol.empty()) {
      ++out_unnamed;
    } else if (auto it = in_symbols.find(out[i].symbol); it != in_symbols.end()) {
      in_symbols.erase(it);  // the same symbol on both sides cancels
    } else {
      out_symbols.insert(out[i].symbol);
    }
  }
  const bool in_known = in_unnamed == 0 && in_symbols.empty();
  const bool out_known = out_unnamed == 0 && out_symbols.empty();
  if (in_known && out_known) {
    if (infer_at < 0) {
      if (in_static != out_static)
        return Status::Errorf("cannot reshape {} ({} elements) to {} ({} elements)", in.ToString(), in_static,
                              Shape(out).ToString(), out_static);
      return Status::Ok();
    }
    if (out_static == 0 || in_static % out_static != 0)
      return Status::Errorf("cannot reshape {} to {}: {} elements do not divide into dims of product {}", in.ToString(),
                            Shape(out).ToString(), in_static, out_static);
    out[infer_at] = Dim(in_static / out_static);
  } else if (infer_at >= 0 && out_known && in_unnamed + in_symbols.size() == 1 && in_static == out_static) {
    // Exactly one dynamic input dim is left over and the static parts match: -1 is that dim.
    for (const Dim* d : in_dynamic)
      if (d->symbol.empty() || in_symbols.count(d->symbol)) out[infer_at] = *d;
  }
  return Status::Ok();
}

// Reshape's target as dims: 0 copies the input dim (unless allowzero), -1 is inferred.
Expected<Shape> ReshapeTarget(const Shape& in, const std::vector<int64_t>& target, bool allowzero) {
  std::vector<Dim> out;
  int infer_at = -1;
  bool has_zero = false;
  for (size_t i = 0; i < target.size(); ++i) {
    const int64_t t = target[i];
    if (t == -1) {
      if (infer_at >= 0) return Status::Errorf("shape {} has more than one -1", SizesToString(target));
      infer_at = static_cast<int>(i);
      out.emplace_back();
    } else if (t < -1) {
      return Status::Errorf("shape {} has the invalid dim {}", SizesToString(target), t);
    } else if (t == 0 && !allowzero) {
      if (in.unknown_rank()) {
        out.emplace_back();
      } else if (i >= in.rank()) {
        return Status::Errorf("shape {} copies dim {} (a 0) but the input {} has rank {}", SizesToString(target), i,
                              in.ToString(), in.rank());
      } else {
        out.push_back(in[i]);
      }
    } else {
      has_zero |= t == 0;
      out.emplace_back(t);
    }
  }
  if (allowzero && has_zero && infer_at >= 0)
    return Status::Errorf("shape {} has both 0 and -1 with allowzero=1, which is ambiguous", SizesToString(target));
  if (!in.unknown_rank()) MRT_RETURN_IF_ERROR(ResolveReshape(in, out, infer_at));
  return Shape(std::move(out));
}

// Merges two dims that must be equal (Concat's non-axis dims): static wins, static conflict is
// an error, a symbol wins over an unnamed dynamic dim; two different symbols give an unknown dim.
Expected<Dim> MergeEqualDims(const Dim& a, const Dim& b, size_t axis) {
  if (a.is_static() && b.is_static() && a.size != b.size)
    return Status::Errorf("dim {} is {} in one input and {} in another", axis, a.size, b.size);
  if (a.is_static()) return a;
  if (b.is_static()) return b;
  if (a.symbol.empty()) return b;  // an unnamed dynamic dim takes the other's name
  if (b.symbol.empty()) return a;
  return a == b ? a : Dim();
}

}  // namespace

Status Dropout(InferContext& c) {
  c.SetOutput(0, c.dtype(0), c.shape(0));
  if (c.num_outputs() > 1) c.SetOutput(1, DType::kBool, c.shape(0));  // the mask
  return Status::Ok();
}

Status Flatten(InferContext& c) {
  const Shape& in = c.shape(0);
  const int64_t axis = c.attrs().GetInt("axis", 1);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), UnknownDims(2));
    return Status::Ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  if (axis < -rank || axis > rank) return c.Error("axis {} is out of range [{}, {}]", axis, -rank, rank);
  const auto a = static_cast<size_t>(axis < 0 ? axis + rank : axis);
  c.SetOutput(0, c.dtype(0), Shape{DimProduct(in, 0, a), DimProduct(in, a, in.rank())});
  return Status::Ok();
}

Status Reshape(InferContext& c) {
  const Shape& target_shape = c.shape(1);
  if (!target_shape.unknown_rank() && target_shape.rank() != 1)
    return c.Error("the shape input must be 1-D, not {}", target_shape.ToString());
  const auto target = c.ints(1);
  if (!target) {
    const auto k = StaticLength(c, 1);
    c.SetOutput(0, c.dtype(0), k ? UnknownDims(static_cast<size_t>(*k)) : Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(Shape out, ReshapeTarget(c.shape(0), *target, c.attrs().GetInt("allowzero", 0) != 0));
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

Status Squeeze(InferContext& c) {
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  std::vector<Dim> out;
  if (!c.has_input(1)) {  // no axes: drop every dim of size 1, which needs every dim known
    for (const Dim& d : in.dims()) {
      if (!d.is_static()) {
        c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
        return Status::Ok();
      }
      if (d.size != 1) out.push_back(d);
    }
    c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
    return Status::Ok();
  }
  const auto axes_values = c.ints(1);
  if (!axes_values) {
    const auto k = StaticLength(c, 1);
    c.SetOutput(0, c.dtype(0), k && *k <= rank ? UnknownDims(rank - *k) : Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, NormalizeAxes(*axes_values, rank, "axes"));
  for (int64_t a : axes)
    if (in[a].is_static() && in[a].size != 1) return c.Error("cannot squeeze axis {} of size {}", a, in[a].size);
  for (int64_t i = 0; i < rank; ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) out.push_back(in[i]);
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

Status Unsqueeze(InferContext& c) {
  const Shape& in = c.shape(0);
  const auto axes_values = c.ints(1);
  if (in.unknown_rank() || !axes_values) {
    const auto k = StaticLength(c, 1);
    c.SetOutput(0, c.dtype(0), k && !in.unknown_rank() ? UnknownDims(in.rank() + *k) : Shape::UnknownRank());
    return Status::Ok();
  }
  const auto out_rank = static_cast<int64_t>(in.rank() + axes_values->size());
  MRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, NormalizeAxes(*axes_values, out_rank, "axes"));
  std::vector<Dim> out;
  size_t next_input_dim = 0;
  for (int64_t i = 0; i < out_rank; ++i) {
    if (std::find(axes.begin(), axes.end(), i) != axes.end())
      out.emplace_back(1);
    else
      out.push_back(in[next_input_dim++]);
  }
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

Status Transpose(InferContext& c) {
  const Shape& in = c.shape(0);
  const auto perm_attr = c.attrs().Get<std::vector<int64_t>>("perm");
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), perm_attr ? UnknownDims(perm_attr->size()) : Shape::UnknownRank());
    return Status::Ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  std::vector<int64_t> perm;
  if (perm_attr) {
    if (static_cast<int64_t>(perm_attr->size()) != rank)
      return c.Error("perm {} has {} entries for an input of rank {}", SizesToString(*perm_attr), perm_attr->size(),
                     rank);
    for (int64_t p : *perm_attr)
      if (p < 0) return c.Error("perm {} has a negative entry", SizesToString(*perm_attr));
    MRT_ASSIGN_OR_RETURN(perm, NormalizeAxes(*perm_attr, rank, "perm"));
  } else {
    for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);  // default: reverse the dims
  }
  std::vector<Dim> out;
  for (int64_t p : perm) out.push_back(in[p]);
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

Status Concat(InferContext& c) {
  const auto axis_attr = c.attrs().Get<int64_t>("axis");
  if (!axis_attr) return c.Error("the axis attribute is required");
  const Shape* first = nullptr;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    if (c.dtype(i) != c.dtype(0))
      return c.Error("input {} is {} but input 0 is {}", i, DTypeName(c.dtype(i)), DTypeName(c.dtype(0)));
    if (c.shape(i).unknown_rank()) continue;
    if (first && first->rank() != c.shape(i).rank())
      return c.Error("input {} has rank {} but others have rank {}", i, c.shape(i).rank(), first->rank());
    if (!first) first = &c.shape(i);
  }
  if (!first) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(*axis_attr, static_cast<int64_t>(first->rank())));
  std::vector<Dim> out = first->dims();
  int64_t axis_sum = 0;
  bool axis_known = true;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    const Shape& s = c.shape(i);
    if (s.unknown_rank()) {
      axis_known = false;
      continue;
    }
    for (size_t d = 0; d < s.rank(); ++d) {
      if (static_cast<int64_t>(d) == axis) continue;
      MRT_ASSIGN_OR_RETURN(out[d], MergeEqualDims(out[d], s[d], d));
    }
    axis_known &= s[axis].is_static();
    if (s[axis].is_static()) axis_sum += s[axis].size;
  }
  out[axis] = axis_known ? Dim(axis_sum) : (c.num_inputs() == 1 ? first->dims()[axis] : Dim());
  c.SetOutput(0, c.dtype(0), Shape(std::move(out)));
  return Status::Ok();
}

namespace {

// Split's chunk sizes along a dim: from the `split` input, else the opset-18 even split into
// num_outputs (attribute) = the node's output count. nullopt when they cannot be known yet.
Expected<std::optional<std::vector<int64_t>>> SplitChunkSizes(const InferContext& c, const Dim& dim) {
  const auto n = static_cast<int64_t>(c.num_outputs());
  const auto split = c.ints(1);
  const bool split_given = c.has_input(1) && !(split && split->empty()) && StaticLength(c, 1) != 0;
  if (split_given) {
    if (!split) return std::optional<std::vector<int64_t>>();
    if (static_cast<int64_t>(split->size()) != n)
      return Status::Errorf("split {} has {} entries for {} outputs", SizesToString(*split), split->size(), n);
    int64_t sum = 0;
    for (int64_t s : *split) {
      if (s < 0) return Status::Errorf("split {} has a negative size", SizesToString(*split));
      sum += s;
    }
    if (dim.is_static() && sum != dim.size)
      return Status::Errorf("split {} sums to {} but the dim is {}", SizesToString(*split), sum, dim.size);
    return std::optional(*split);
  }
  if (const auto num = c.attrs().Get<int64_t>("num_outputs"); num && *num != n)
    return Status::Errorf("num_outputs is {} but the node has {} outputs", *num, n);
  if (!dim.is_static()) return std::optional<std::vector<int64_t>>();
  MRT_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, EvenSplitSizes(dim.size, n));
  return std::optional(std::move(sizes));
}

}  // namespace

Status Split(InferContext& c) {
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    for (size_t i = 0; i < c.num_outputs(); ++i) c.SetOutput(i, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", 0), static_cast<int64_t>(in.rank())));
  MRT_ASSIGN_OR_RETURN(const auto sizes, SplitChunkSizes(c, in[axis]));
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    Shape out = in;
    out[axis] = sizes ? Dim((*sizes)[i]) : Dim();
    c.SetOutput(i, c.dtype(0), std::move(out));
  }
  return Status::Ok();
}

}  // namespace mrt::infer
