// AppendShapeTactics: the CUDA tactics of the data-movement ops. Each op is resolved on the host
// exactly as its reference (layout_ref.cpp, pad_ref.cpp) resolves it, with the same helpers
// (NormalizeAxes, MakeSliceSpec/ClampSlice, PadAmounts), into:
//
//   Transpose, DepthToSpace, SpaceToDepth  a permutation CopyPlan: "<op>_strided" always, and
//                                          "<op>_tiled32"/"<op>_tiled64" when it moves the innermost dim
//   Slice, Expand, Tile, Pad               a CopyPlan: "<op>_strided"
//   Gather                                 "gather_rows" (indices read on the device)
//   Concat, Split                          "concat_parts" / "split_parts" (one launch for all parts)
//
// Inputs that carry geometry (Slice's starts..steps, Pad's pads/constant_value/axes) must be
// constants; otherwise nothing is offered and the CPU fallback runs the node. Expand's shape,
// Tile's repeats and Split's sizes are not read: the static output shape says it all.
#include <cctype>
#include <cstring>

#include "ir/infer_context.h"
#include "ir/op_table.h"
#include "ir/shape_inference/infer_shape_util.h"
#include "kernels/gpu/providers.h"
#include "kernels/shape/index_copy.h"
#include "kernels/shape/shape_plan_launch.h"

namespace mrt::gpu {

namespace {

// Input i as integers when it is a constant (absent: nullopt in `value`, ok = true).
struct ConstInts {
  bool ok = false;
  std::optional<std::vector<int64_t>> value;
};
ConstInts ReadConstInts(const NodeDesc& desc, size_t i) {
  if (!desc.has_input(i)) return {true, std::nullopt};
  const TensorDesc& t = desc.inputs[i];
  if (t.constant == nullptr || (t.dtype != DType::kI64 && t.dtype != DType::kI32)) return {};
  return {true, ReadInt64s(t.constant->view())};
}

bool SameDtypeInOut(const NodeDesc& desc) {
  return desc.has_input(0) && !desc.outputs.empty() && desc.inputs[0].dtype == desc.outputs[0].dtype &&
         DTypeSize(desc.inputs[0].dtype) <= 8;
}

std::string LowerOpName(OpKind op) {
  std::string s(OpName(op));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A plan whose output disagrees with the graph's (a bug on one side) is not offered. DepthToSpace
// and SpaceToDepth plans are 6-D views of the 4-D output: only the element count can match.
bool PlanMatchesOutput(const CopyPlan& plan, const NodeDesc& desc) {
  std::vector<int64_t> sizes;
  for (const CopyAxis& a : plan.axes) sizes.push_back(a.out_size);
  if (desc.op() == OpKind::kDepthToSpace || desc.op() == OpKind::kSpaceToDepth)
    return Numel(sizes) == desc.outputs[0].numel();
  return sizes == desc.outputs[0].sizes;
}

void AppendPlan(const NodeDesc& desc, const CopyPlan& plan, bool permutation, TacticList& out) {
  if (!PlanMatchesOutput(plan, desc)) return;
  const std::string op = LowerOpName(desc.op());
  if (auto t = MakeStridedCopyTactic(op + "_strided", plan)) out.push_back(std::move(t));
  if (!permutation) return;
  for (int tile : {32, 64})
    if (auto t = MakeTiledTransposeTactic(op + "_tiled" + std::to_string(tile), plan, tile)) out.push_back(std::move(t));
}

std::optional<CopyPlan> TransposePlan(const NodeDesc& desc) {
  const std::vector<int64_t>& sizes = desc.inputs[0].sizes;
  const auto rank = static_cast<int64_t>(sizes.size());
  std::vector<int64_t> perm;
  if (const auto attr = desc.attrs().Get<std::vector<int64_t>>("perm")) {
    if (static_cast<int64_t>(attr->size()) != rank) return std::nullopt;
    auto normalized = NormalizeAxes(*attr, rank, "perm");
    if (!normalized.ok()) return std::nullopt;
    perm = *normalized;
  } else {
    for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  return PermutationPlan(sizes, perm, DTypeSize(desc.inputs[0].dtype));
}

// DepthToSpace / SpaceToDepth as the 6-D transposes of layout_ref.cpp.
std::optional<CopyPlan> BlockPlan(const NodeDesc& desc) {
  const std::vector<int64_t>& s = desc.inputs[0].sizes;
  const int64_t b = desc.attrs().GetInt("blocksize", 0);
  if (b <= 0 || s.size() != 4) return std::nullopt;
  const size_t es = DTypeSize(desc.inputs[0].dtype);
  if (desc.op() == OpKind::kSpaceToDepth) {
    if (s[2] % b != 0 || s[3] % b != 0) return std::nullopt;
    return PermutationPlan({s[0], s[1], s[2] / b, b, s[3] / b, b}, {0, 3, 5, 1, 2, 4}, es);
  }
  if (s[1] % (b * b) != 0) return std::nullopt;
  const int64_t depth = s[1] / (b * b);
  const std::string mode = desc.attrs().GetString("mode", "DCR");
  if (mode == "DCR") return PermutationPlan({s[0], b, b, depth, s[2], s[3]}, {0, 3, 4, 1, 5, 2}, es);
  if (mode == "CRD") return PermutationPlan({s[0], depth, b, b, s[2], s[3]}, {0, 1, 4, 2, 5, 3}, es);
  return std::nullopt;
}

// out = in: one affine axis per dim (the starting point of Slice, Tile and Pad).
CopyPlan IdentityPlan(const std::vector<int64_t>& sizes, size_t elem_size) {
  CopyPlan plan;
  plan.elem_size = elem_size;
  plan.in_numel = Numel(sizes);
  const std::vector<int64_t> strides = RowMajorStrides(sizes);
  for (size_t d = 0; d < sizes.size(); ++d) plan.axes.push_back(CopyAxis{sizes[d], strides[d]});
  return plan;
}

std::optional<CopyPlan> SlicePlan(const NodeDesc& desc) {
  const std::vector<int64_t>& sizes = desc.inputs[0].sizes;
  const ConstInts starts = ReadConstInts(desc, 1), ends = ReadConstInts(desc, 2);
  const ConstInts axes = ReadConstInts(desc, 3), steps = ReadConstInts(desc, 4);
  if (!starts.ok || !ends.ok || !axes.ok || !steps.ok || !starts.value || !ends.value) return std::nullopt;
  const auto spec = MakeSliceSpec(static_cast<int64_t>(sizes.size()), *starts.value, *ends.value, axes.value,
                                  steps.value);
  if (!spec.ok()) return std::nullopt;
  CopyPlan plan = IdentityPlan(sizes, DTypeSize(desc.inputs[0].dtype));
  for (size_t i = 0; i < spec->axes.size(); ++i) {
    CopyAxis& axis = plan.axes[spec->axes[i]];
    const int64_t stride = axis.in_stride;
    const SliceRange r = ClampSlice(sizes[spec->axes[i]], spec->starts[i], spec->ends[i], spec->steps[i]);
    axis = CopyAxis{r.count, r.step * stride};
    if (r.count > 0) plan.in_offset += r.start * stride;
  }
  return plan;
}

// Expand: numpy broadcasting (dims aligned at the right; 1 or missing -> stride 0).
std::optional<CopyPlan> ExpandPlan(const NodeDesc& desc) {
  const std::vector<int64_t>& in = desc.inputs[0].sizes;
  const std::vector<int64_t>& out = desc.outputs[0].sizes;
  if (out.size() < in.size()) return std::nullopt;
  const std::vector<int64_t> strides = RowMajorStrides(in);
  const size_t lead = out.size() - in.size();
  CopyPlan plan;
  plan.elem_size = DTypeSize(desc.inputs[0].dtype);
  plan.in_numel = Numel(in);
  for (size_t d = 0; d < out.size(); ++d) {
    if (d < lead || in[d - lead] == 1)
      plan.axes.push_back(CopyAxis{out[d], 0});
    else if (in[d - lead] == out[d])
      plan.axes.push_back(CopyAxis{out[d], strides[d - lead]});
    else
      return std::nullopt;
  }
  return plan;
}

// Tile: out[o] = in[o mod in_size] per axis (kWrap with begin 0).
std::optional<CopyPlan> TilePlan(const NodeDesc& desc) {
  const std::vector<int64_t>& in = desc.inputs[0].sizes;
  const std::vector<int64_t>& out = desc.outputs[0].sizes;
  if (out.size() != in.size()) return std::nullopt;
  CopyPlan plan = IdentityPlan(in, DTypeSize(desc.inputs[0].dtype));
  for (size_t d = 0; d < in.size(); ++d) {
    if (in[d] == 0 ? out[d] != 0 : out[d] % in[d] != 0) return std::nullopt;
    plan.axes[d] = CopyAxis{out[d], plan.axes[d].in_stride, AxisMode::kWrap, in[d], 0};
  }
  return plan;
}

std::optional<CopyPlan> PadPlan(const NodeDesc& desc) {
  const std::vector<int64_t>& sizes = desc.inputs[0].sizes;
  const auto rank = static_cast<int64_t>(sizes.size());
  const std::string mode_name = desc.attrs().GetString("mode", "constant");
  AxisMode mode;
  if (mode_name == "constant") mode = AxisMode::kConstant;
  else if (mode_name == "edge") mode = AxisMode::kEdge;
  else if (mode_name == "reflect") mode = AxisMode::kReflect;
  else if (mode_name == "wrap") mode = AxisMode::kWrap;
  else return std::nullopt;
  const ConstInts pads_in = ReadConstInts(desc, 1), axes = ReadConstInts(desc, 3);
  if (!pads_in.ok || !pads_in.value || !axes.ok) return std::nullopt;
  const auto pads = PadAmounts(rank, *pads_in.value, axes.value);
  if (!pads.ok()) return std::nullopt;
  CopyPlan plan = IdentityPlan(sizes, DTypeSize(desc.inputs[0].dtype));
  if (desc.has_input(2)) {  // constant_value: a constant of the data's dtype (empty: 0)
    const TensorDesc& value = desc.inputs[2];
    if (value.constant == nullptr || value.dtype != desc.inputs[0].dtype) return std::nullopt;
    if (value.constant->numel() > 0) std::memcpy(plan.fill.data(), value.constant->raw(), plan.elem_size);
  }
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t n = sizes[d], begin = (*pads)[d], count = n + (*pads)[d] + (*pads)[rank + d];
    if (count < 0 || (mode != AxisMode::kConstant && n == 0 && count > 0)) return std::nullopt;
    plan.axes[d] = CopyAxis{count, plan.axes[d].in_stride, mode, n, begin};
  }
  return plan;
}

void AppendGather(const NodeDesc& desc, TacticList& out) {
  const TensorDesc& data = desc.inputs[0];
  const TensorDesc& indices = desc.inputs[1];
  if (indices.dtype != DType::kI64 && indices.dtype != DType::kI32) return;
  const auto rank = static_cast<int64_t>(data.sizes.size());
  const auto axis = NormalizeAxis(desc.attrs().GetInt("axis", 0), rank);
  if (!axis.ok()) return;
  GatherParams p;
  p.unit_bytes = static_cast<int>(DTypeSize(data.dtype));
  p.indices_i64 = indices.dtype == DType::kI64;
  p.axis_size = data.sizes[*axis];
  p.num_indices = indices.numel();
  for (int64_t d = 0; d < *axis; ++d) p.outer *= data.sizes[d];
  for (int64_t d = *axis + 1; d < rank; ++d) p.inner *= data.sizes[d];
  if (p.outer * p.num_indices * p.inner != desc.outputs[0].numel()) return;
  out.push_back(MakeGatherTactic("gather_rows", p));
}

}  // namespace

void AppendShapeTactics(const NodeDesc& desc, TacticList& out) {
  const OpKind op = desc.op();
  if (!SameDtypeInOut(desc)) return;
  std::optional<CopyPlan> plan;
  bool permutation = false;
  switch (op) {
    case OpKind::kTranspose:
      plan = TransposePlan(desc);
      permutation = true;
      break;
    case OpKind::kDepthToSpace:
    case OpKind::kSpaceToDepth:
      plan = BlockPlan(desc);
      permutation = true;
      break;
    case OpKind::kSlice:
      plan = SlicePlan(desc);
      break;
    case OpKind::kExpand:
      plan = ExpandPlan(desc);
      break;
    case OpKind::kTile:
      plan = TilePlan(desc);
      break;
    case OpKind::kPad:
      plan = PadPlan(desc);
      break;
    case OpKind::kGather:
      return AppendGather(desc, out);
    case OpKind::kConcat:
    case OpKind::kSplit: {
      const auto rank = static_cast<int64_t>(desc.inputs[0].sizes.size());
      const auto axis = NormalizeAxis(desc.attrs().GetInt("axis", 0), rank);
      const bool split = op == OpKind::kSplit;
      if (axis.ok())
        if (auto t = MakeConcatTactic(split ? "split_parts" : "concat_parts", split, *axis, desc)) out.push_back(std::move(t));
      return;
    }
    default:
      return;
  }
  if (plan) AppendPlan(desc, *plan, permutation, out);
}

}  // namespace mrt::gpu
