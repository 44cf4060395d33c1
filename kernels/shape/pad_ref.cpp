// Pad's reference kernel. Along each axis an output coordinate o reads input coordinate
// i = o - pad_begin; when i falls outside [0, n) the mode decides:
//   constant: the constant_value (input 2; 0 when absent)
//   edge:     clamp(i, 0, n - 1)
//   reflect:  mirror without repeating the edge, period 2(n - 1): [1 2 3] -> 3 2 | 1 2 3 | 2 1
//   wrap:     i mod n
// Negative pads crop (the same formula, with i starting inside the input).
#include <cstring>

#include "ir/shape_inference/infer_shape_util.h"
#include "kernels/reference/ref_kernels.h"
#include "kernels/shape/index_copy.h"

namespace mrt::ref {

namespace {

enum class PadMode { kConstant, kEdge, kReflect, kWrap };

Expected<PadMode> ParsePadMode(const std::string& mode) {
  if (mode == "constant") return PadMode::kConstant;
  if (mode == "edge") return PadMode::kEdge;
  if (mode == "reflect") return PadMode::kReflect;
  if (mode == "wrap") return PadMode::kWrap;
  return Status::Errorf("mode '{}' is not one of constant, reflect, edge, wrap", mode);
}

// Input coordinate for output coordinate o of an axis of n input elements, or kFill.
int64_t SourceIndex(PadMode mode, int64_t o, int64_t begin, int64_t n) {
  const int64_t i = o - begin;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case PadMode::kConstant:
      return kFill;
    case PadMode::kEdge:
      return i < 0 ? 0 : n - 1;
    case PadMode::kWrap:
      return ((i % n) + n) % n;
    case PadMode::kReflect: {
      if (n == 1) return 0;
      const int64_t period = 2 * (n - 1);
      const int64_t m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
  }
  return kFill;
}

}  // namespace

Status Pad(RefContext& c) {
  const TensorView& in = c.inputs[0];
  const TensorView& out = c.outputs[0];
  const auto rank = static_cast<int64_t>(in.rank());
  MRT_ASSIGN_OR_RETURN(const PadMode mode, ParsePadMode(c.attrs().GetString("mode", "constant")));
  std::optional<std::vector<int64_t>> axes;
  if (c.has_input(3)) axes = ReadInt64s(c.inputs[3]);
  MRT_ASSIGN_OR_RETURN(const std::vector<int64_t> pads, PadAmounts(rank, ReadInt64s(c.inputs[1]), axes));

  // The fill element in the data's dtype, copied bytewise so an i64 constant stays exact.
  uint8_t fill[16] = {};
  if (c.has_input(2) && c.inputs[2].numel() > 0) {
    if (c.inputs[2].dtype != in.dtype)
      return Status::Errorf("constant_value is {} but the data is {}", DTypeName(c.inputs[2].dtype),
                            DTypeName(in.dtype));
    std::memcpy(fill, c.inputs[2].data, DTypeSize(in.dtype));
  }

  const std::vector<int64_t> strides = RowMajorStrides(in.sizes);
  std::vector<AxisTable> tables(in.rank());
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t n = in.sizes[d], begin = pads[d], count = n + pads[d] + pads[rank + d];
    if (count < 0) return Status::Errorf("pads crop axis {} of size {} below zero", d, n);
    if (mode != PadMode::kConstant && n == 0 && count > 0)
      return Status::Errorf("cannot pad an empty axis {} in a mode other than constant", d);
    for (int64_t o = 0; o < count; ++o) {
      const int64_t i = SourceIndex(mode, o, begin, n);
      tables[d].push_back(i == kFill ? kFill : i * strides[d]);
    }
  }
  if (out.dtype != in.dtype)
    return Status::Errorf("output is {} but the input is {}", DTypeName(out.dtype), DTypeName(in.dtype));
  int64_t total = 1;
  for (const AxisTable& t : tables) total *= static_cast<int64_t>(t.size());
  if (total != out.numel()) return Status::Errorf("output {} does not match the padded size", SizesToString(out.sizes));
  if (total > 0) IndexCopy(in.data, out.data, DTypeSize(in.dtype), tables, fill);
  return Status::Ok();
}

}  // namespace mrt::ref
