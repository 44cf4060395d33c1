// Resize and the older Upsample, all imported as the opset-18 Resize(X, roi, scales, sizes):
// - Upsample-7 (scales attribute), Upsample-9 (scales input) and Resize-10 (X, scales) compute
//   x_in = x_out / scale ("asymmetric" coordinates) and, for nearest, take floor(x_in): they
//   become Resize with roi absent, coordinate_transformation_mode "asymmetric" and nearest_mode
//   "floor" (what ONNX's own Resize 10->11 version converter writes).
// - Resize-11..21 pass through with the spec's defaults; an empty-name input or an empty (0-element)
//   roi/scales/sizes initializer counts as absent (kNoValue), as exporters use both spellings.
//   Resize-18 added antialias, axes and keep_aspect_ratio_policy, Resize-19 the coordinate mode
//   half_pixel_symmetric; opsets 20 and 21 left Resize alone.
#include "ir/onnx/op_importers.h"
#include "ir/printable.h"

namespace mrt::onnx_import {

namespace {

using A = AttrType;

constexpr AttrSpec kResizeSpec[] = {
    Int("antialias", 0),
    Optional("axes", A::kInts),
    Str("coordinate_transformation_mode", "half_pixel"),
    Float("cubic_coeff_a", -0.75f),
    Int("exclude_outside", 0),
    Float("extrapolation_value", 0.f),
    Str("keep_aspect_ratio_policy", "stretch"),
    Str("mode", "nearest"),
    Str("nearest_mode", "round_prefer_floor"),
};

// The opset-18 attributes with their defaults, for the converted older forms.
Attributes DefaultResizeAttributes() {
  Attributes a;
  for (const AttrSpec& s : kResizeSpec) {
    if (s.presence != AttrSpec::kDefault) continue;
    if (s.type == A::kInt) a.set(std::string(s.name), s.int_default);
    if (s.type == A::kFloat) a.set(std::string(s.name), s.float_default);
    if (s.type == A::kString) a.set(std::string(s.name), std::string(s.string_default));
  }
  return a;
}

// Upsample / Resize-10 semantics on top of the opset-18 defaults.
Expected<Attributes> AsymmetricFloorAttributes(const std::string& mode) {
  Attributes a = DefaultResizeAttributes();
  const std::string m = mode == "bilinear" ? "linear" : mode;  // Upsample-1's spelling
  if (m != "nearest" && m != "linear")
    return Status::Errorf("attribute 'mode' is '{}'; expected one of 'nearest', 'linear'", Printable(mode));
  a.set("mode", m);
  a.set("coordinate_transformation_mode", std::string("asymmetric"));
  a.set("nearest_mode", std::string("floor"));
  return a;
}

Status ImportUpsampleOrResize10(ImportContext& ctx, const onnx::NodeProto& node, bool scales_is_attribute) {
  static constexpr AttrSpec kAttrScales[] = {Str("mode", "nearest"), Required("scales", A::kFloats)};
  static constexpr AttrSpec kInputScales[] = {Str("mode", "nearest")};
  MRT_ASSIGN_OR_RETURN(Attributes read,
                       ReadAttributes(node, scales_is_attribute ? std::span<const AttrSpec>(kAttrScales)
                                                                : std::span<const AttrSpec>(kInputScales)));
  MRT_ASSIGN_OR_RETURN(Attributes a, AsymmetricFloorAttributes(read.GetString("mode")));
  std::vector<ValueId> ins = ctx.Inputs(node);
  const size_t expected = scales_is_attribute ? 1 : 2;
  if (ins.size() != expected)
    return Status::Errorf("has {} inputs but {} at opset {} takes {}", ins.size(), node.op_type(), ctx.opset(),
                          expected);
  const ValueId scales =
      scales_is_attribute ? ctx.AddConstant("scales", FloatTensor(*read.Get<std::vector<float>>("scales"))) : ins[1];
  return ctx.AddNode(OpKind::kResize, ctx.node_name(), {ins[0], kNoValue, scales}, ctx.Outputs(node), std::move(a))
      .status();
}

Status ImportUpsample(ImportContext& ctx, const onnx::NodeProto& node) {
  return ImportUpsampleOrResize10(ctx, node, /*scales_is_attribute=*/ctx.opset() < 9);
}

bool IsEmptyWeight(ImportContext& ctx, ValueId v) {
  const Tensor* w = ctx.WeightOf(v);
  return w && w->numel() == 0;
}

// Resize-19 added coordinate_transformation_mode 'half_pixel_symmetric'.
Status CheckResizeStrings(const Attributes& a, int64_t opset) {
  MRT_RETURN_IF_ERROR(CheckOneOf(a, "mode", {"nearest", "linear", "cubic"}));
  if (opset >= 19) {
    MRT_RETURN_IF_ERROR(CheckOneOf(a, "coordinate_transformation_mode",
                                   {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                    "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"}));
  } else {
    MRT_RETURN_IF_ERROR(CheckOneOf(a, "coordinate_transformation_mode",
                                   {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                    "tf_half_pixel_for_nn", "tf_crop_and_resize"}));
  }
  MRT_RETURN_IF_ERROR(CheckOneOf(a, "nearest_mode", {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}));
  return CheckOneOf(a, "keep_aspect_ratio_policy", {"stretch", "not_larger", "not_smaller"});
}

Status ImportResize(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.opset() < 11) return ImportUpsampleOrResize10(ctx, node, /*scales_is_attribute=*/false);
  MRT_ASSIGN_OR_RETURN(Attributes a, ReadAttributes(node, kResizeSpec));
  MRT_RETURN_IF_ERROR(CheckResizeStrings(a, ctx.opset()));
  std::vector<ValueId> ins = ctx.Inputs(node);
  for (size_t i = 1; i < ins.size(); ++i)
    if (IsEmptyWeight(ctx, ins[i])) ins[i] = kNoValue;
  const bool has_scales = ins.size() > 2 && ins[2] != kNoValue;
  const bool has_sizes = ins.size() > 3 && ins[3] != kNoValue;
  if (!has_scales && !has_sizes) return Status::Error("needs scales (input 2) or sizes (input 3); both are absent");
  if (has_scales && has_sizes && ctx.WeightOf(ins[2]) && ctx.WeightOf(ins[3]))
    return Status::Error("gives both scales (input 2) and sizes (input 3); give only one");
  return ctx.AddNode(OpKind::kResize, ctx.node_name(), std::move(ins), ctx.Outputs(node), std::move(a)).status();
}

constexpr OpImporter kRows[] = {
    {"Resize", ImportResize},
    {"Upsample", ImportUpsample},
};

}  // namespace

std::span<const OpImporter> ResizeImporters() { return kRows; }

}  // namespace mrt::onnx_import
