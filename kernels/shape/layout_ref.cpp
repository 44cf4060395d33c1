// Reference kernels of the ops that move elements without computing on them: Transpose, Concat,
// Split, Slice, Expand, Tile, Gather, DepthToSpace, SpaceToDepth (Pad is in pad_ref.cpp). Each
// builds one input-offset table per output axis and hands them to IndexCopy (index_copy.h), or
// copies contiguous blocks (Concat, Split); every dtype moves by its byte size.
#include <cstring>

#include "ir/shape_inference/infer_shape_util.h"
#include "kernels/reference/ref_kernels.h"
#include "kernels/shape/index_copy.h"

namespace mrt::ref {

namespace {

int64_t TableNumel(const std::vector<AxisTable>& tables) {
  int64_t n = 1;
  for (const AxisTable& t : tables) n *= static_cast<int64_t>(t.size());
  return n;
}

// Checks that the pre-allocated output holds what the tables produce, then copies.
Status RunIndexCopy(const TensorView& in, const TensorView& out, const std::vector<AxisTable>& tables,
                    const void* fill = nullptr) {
  if (out.dtype != in.dtype)
    return Status::Errorf("output is {} but the input is {}", DTypeName(out.dtype), DTypeName(in.dtype));
  if (out.numel() != TableNumel(tables))
    return Status::Errorf("output {} does not have the {} elements the op produces", SizesToString(out.sizes),
                          TableNumel(tables));
  if (out.numel() > 0) IndexCopy(in.data, out.data, DTypeSize(in.dtype), tables, fill);
  return Status::Ok();
}

// Tables reading a row-major tensor of `sizes` with its axes in the order `perm`:
// out[o_0, ..., o_n-1] = in[..., o_d at axis perm[d], ...].
std::vector<AxisTable> PermutedTables(const std::vector<int64_t>& sizes, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> strides = RowMajorStrides(sizes);
  std::vector<AxisTable> tables;
  for (int64_t p : perm) tables.push_back(AffineTable(sizes[p], 0, 1, strides[p]));
  return tables;
}

// Product of sizes[begin, end).
int64_t SizeProduct(const std::vector<int64_t>& sizes, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n *= sizes[i];
  return n;
}

}  // namespace

Status Transpose(RefContext& c) {
  const TensorView& in = c.inputs[0];
  const auto rank = static_cast<int64_t>(in.rank());
  std::vector<int64_t> perm;
  if (const auto attr = c.attrs().Get<std::vector<int64_t>>("perm")) {
    if (static_cast<int64_t>(attr->size()) != rank)
      return Status::Errorf("perm {} does not fit an input of rank {}", SizesToString(*attr), rank);
    MRT_ASSIGN_OR_RETURN(perm, NormalizeAxes(*attr, rank, "perm"));
  } else {
    for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  return RunIndexCopy(in, c.outputs[0], PermutedTables(in.sizes, perm));
}

// dst = src permuted by `perm` (dst.dim[i] = src.dim[perm[i]]), through the reference Transpose.
Status PermuteInto(const TensorView& src, const TensorView& dst, const std::vector<int64_t>& perm) {
  Node transpose;
  transpose.op = OpKind::kTranspose;
  transpose.attrs.set("perm", perm);
  RefContext t{transpose, {src}, {dst}};
  return Transpose(t);
}

// Concat along `axis`: out = [in_0 | in_1 | ...]. Seen as [outer, axis * inner] matrices, each
// output row is the inputs' rows one after another.
Status Concat(RefContext& c) {
  const TensorView& out = c.outputs[0];
  const auto rank = static_cast<int64_t>(out.rank());
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", 0), rank));
  const int64_t outer = SizeProduct(out.sizes, 0, axis);
  const int64_t inner = SizeProduct(out.sizes, axis + 1, out.rank());
  const size_t es = DTypeSize(out.dtype);
  int64_t axis_total = 0;
  for (const TensorView& in : c.inputs) {
    if (in.dtype != out.dtype || static_cast<int64_t>(in.rank()) != rank)
      return Status::Errorf("input {}{} does not fit output {}{}", DTypeName(in.dtype), SizesToString(in.sizes),
                            DTypeName(out.dtype), SizesToString(out.sizes));
    axis_total += in.sizes[axis];
  }
  if (axis_total != out.sizes[axis])
    return Status::Errorf("inputs add up to {} along axis {} but the output has {}", axis_total, axis, out.sizes[axis]);
  auto* dst = static_cast<uint8_t*>(out.data);
  for (int64_t o = 0; o < outer; ++o) {
    for (const TensorView& in : c.inputs) {
      const size_t row_bytes = static_cast<size_t>(in.sizes[axis] * inner) * es;
      if (row_bytes == 0) continue;
      std::memcpy(dst, static_cast<const uint8_t*>(in.data) + o * row_bytes, row_bytes);
      dst += row_bytes;
    }
  }
  return Status::Ok();
}

// Split is Concat backwards: each input row [outer, axis * inner] is cut into the outputs' rows.
Status Split(RefContext& c) {
  const TensorView& in = c.inputs[0];
  const auto rank = static_cast<int64_t>(in.rank());
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", 0), rank));
  const int64_t outer = SizeProduct(in.sizes, 0, axis);
  const int64_t inner = SizeProduct(in.sizes, axis + 1, in.rank());
  const size_t es = DTypeSize(in.dtype);
  int64_t axis_total = 0;
  for (const TensorView& out : c.outputs) {
    if (out.dtype != in.dtype || static_cast<int64_t>(out.rank()) != rank)
      return Status::Errorf("output {}{} does not fit input {}{}", DTypeName(out.dtype), SizesToString(out.sizes),
                            DTypeName(in.dtype), SizesToString(in.sizes));
    axis_total += out.sizes[axis];
  }
  if (axis_total != in.sizes[axis])
    return Status::Errorf("outputs add up to {} along axis {} but the input has {}", axis_total, axis, in.sizes[axis]);
  const auto* src = static_cast<const uint8_t*>(in.data);
  for (int64_t o = 0; o < outer; ++o) {
    for (const TensorView& out : c.outputs) {
      const size_t row_bytes = static_cast<size_t>(out.sizes[axis] * inner) * es;
      if (row_bytes == 0) continue;
      std::memcpy(static_cast<uint8_t*>(out.data) + o * row_bytes, src, row_bytes);
      src += row_bytes;
    }
  }
  return Status::Ok();
}

Status Slice(RefContext& c) {
  const TensorView& in = c.inputs[0];
  const auto rank = static_cast<int64_t>(in.rank());
  std::optional<std::vector<int64_t>> axes, steps;
  if (c.has_input(3)) axes = ReadInt64s(c.inputs[3]);
  if (c.has_input(4)) steps = ReadInt64s(c.inputs[4]);
  MRT_ASSIGN_OR_RETURN(const SliceSpec spec,
                       MakeSliceSpec(rank, ReadInt64s(c.inputs[1]), ReadInt64s(c.inputs[2]), axes, steps));
  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  std::vector<AxisTable> tables;
  for (int64_t d = 0; d < rank; ++d) tables.push_back(AffineTable(in.sizes[d], 0, 1, strides[d]));
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    const int64_t a = spec.axes[i];
    const SliceRange r = ClampSlice(in.sizes[a], spec.starts[i], spec.ends[i], spec.steps[i]);
    tables[a] = AffineTable(r.count, r.start, r.step, strides[a]);
  }
  return RunIndexCopy(in, c.outputs[0], tables);
}

// Expand: numpy broadcasting of the input to the output's shape (dims aligned at the right; an
// input dim of 1, or a missing leading dim, repeats by reading offset 0).
Status Expand(RefContext& c) {
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  if (out.rank() < in.rank()) return Status::Errorf("output rank {} is below the input rank {}", out.rank(), in.rank());
  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  const size_t lead = out.rank() - in.rank();
  std::vector<AxisTable> tables;
  for (size_t d = 0; d < out.rank(); ++d) {
    const int64_t n = out.sizes[d];
    if (d < lead || in.sizes[d - lead] == 1) {
      tables.emplace_back(static_cast<size_t>(n), 0);
    } else if (in.sizes[d - lead] == n) {
      tables.push_back(AffineTable(n, 0, 1, strides[d - lead]));
    } else {
      return Status::Errorf("input {} cannot broadcast to {}", SizesToString(in.sizes), SizesToString(out.sizes));
    }
  }
  return RunIndexCopy(in, out, tables);
}

// Tile: out[o] = in[o mod in_size] along every axis.
Status Tile(RefContext& c) {
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  if (out.rank() != in.rank())
    return Status::Errorf("output rank {} differs from the input's {}", out.rank(), in.rank());
  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  std::vector<AxisTable> tables(in.rank());
  for (size_t d = 0; d < in.rank(); ++d) {
    if (in.sizes[d] == 0 ? out.sizes[d] != 0 : out.sizes[d] % in.sizes[d] != 0)
      return Status::Errorf("output {} is not a tiling of input {}", SizesToString(out.sizes), SizesToString(in.sizes));
    for (int64_t o = 0; o < out.sizes[d]; ++o) tables[d].push_back((o % in.sizes[d]) * strides[d]);
  }
  return RunIndexCopy(in, out, tables);
}

// Gather along `axis`: out[a..., j..., b...] = data[a..., indices[j...], b...]; the indices'
// dims act as one flattened axis of the output. A negative index counts from the end.
Status Gather(RefContext& c) {
  const TensorView& data = c.inputs[0];
  const auto rank = static_cast<int64_t>(data.rank());
  MRT_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(c.attrs().GetInt("axis", 0), rank));
  const std::vector<int64_t> strides = RowMajorStrides(data.sizes);
  std::vector<AxisTable> tables;
  for (int64_t d = 0; d < axis; ++d) tables.push_back(AffineTable(data.sizes[d], 0, 1, strides[d]));
  AxisTable gathered;
  const int64_t n = data.sizes[axis];
  for (int64_t i : ReadInt64s(c.inputs[1])) {
    if (i < -n || i >= n) return Status::Errorf("index {} is out of range for axis {} of size {}", i, axis, n);
    gathered.push_back((i < 0 ? i + n : i) * strides[axis]);
  }
  tables.push_back(std::move(gathered));
  for (int64_t d = axis + 1; d < rank; ++d) tables.push_back(AffineTable(data.sizes[d], 0, 1, strides[d]));
  return RunIndexCopy(data, c.outputs[0], tables);
}

namespace {

// DepthToSpace / SpaceToDepth are a reshape to 6-D, a transpose and a reshape back; the
// reshapes are free, so only the 6-D transpose moves data.
Status BlockTranspose(RefContext& c, const std::vector<int64_t>& sizes6, const std::vector<int64_t>& perm) {
  return RunIndexCopy(c.inputs[0], c.outputs[0], PermutedTables(sizes6, perm));
}

Expected<int64_t> CheckedBlockSize(const RefContext& c) {
  const int64_t b = c.attrs().GetInt("blocksize", 0);
  if (b <= 0) return Status::Errorf("blocksize must be positive, not {}", b);
  if (c.inputs[0].rank() != 4)
    return Status::Errorf("the input must be 4-D (N, C, H, W), not {}", SizesToString(c.inputs[0].sizes));
  return b;
}

}  // namespace

// DCR: x[N, C, H, W] as [N, b, b, C/b², H, W] -> transpose (0, 3, 4, 1, 5, 2) -> [N, C/b², H*b, W*b].
// CRD: x as [N, C/b², b, b, H, W] -> transpose (0, 1, 4, 2, 5, 3).
Status DepthToSpace(RefContext& c) {
  MRT_ASSIGN_OR_RETURN(const int64_t b, CheckedBlockSize(c));
  const std::vector<int64_t>& s = c.inputs[0].sizes;
  if (s[1] % (b * b) != 0) return Status::Errorf("channels {} are not a multiple of blocksize² = {}", s[1], b * b);
  const int64_t depth = s[1] / (b * b);
  const std::string mode = c.attrs().GetString("mode", "DCR");
  if (mode == "DCR") return BlockTranspose(c, {s[0], b, b, depth, s[2], s[3]}, {0, 3, 4, 1, 5, 2});
  if (mode == "CRD") return BlockTranspose(c, {s[0], depth, b, b, s[2], s[3]}, {0, 1, 4, 2, 5, 3});
  return Status::Errorf("mode '{}' is not DCR or CRD", mode);
}

// x[N, C, H, W] as [N, C, H/b, b, W/b, b] -> transpose (0, 3, 5, 1, 2, 4) -> [N, C*b², H/b, W/b].
Status SpaceToDepth(RefContext& c) {
  MRT_ASSIGN_OR_RETURN(const int64_t b, CheckedBlockSize(c));
  const std::vector<int64_t>& s = c.inputs[0].sizes;
  if (s[2] % b != 0 || s[3] % b != 0)
    return Status::Errorf("height {} and width {} must be multiples of blocksize {}", s[2], s[3], b);
  return BlockTranspose(c, {s[0], s[1], s[2] / b, b, s[3] / b, b}, {0, 3, 5, 1, 2, 4});
}

}  // namespace mrt::ref
