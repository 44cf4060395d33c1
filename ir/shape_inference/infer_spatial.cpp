// Shape inference of the spatial rearrangements: Resize, DepthToSpace, SpaceToDepth.
#include <type_traits>

#include "ir/shape_inference/infer_fns.h"
#include "ir/shape_inference/infer_shape_resize.h"
#include "ir/shape_inference/infer_shape_util.h"

namespace mrt::infer {

namespace {

// An optional float/int input of Resize: absent or empty counts as not given; `known` is false
// when it is given but its value is not known yet.
template <typename T>
struct ResizeInput {
  bool known = true;
  std::optional<std::vector<T>> values;
};

template <typename T>
ResizeInput<T> ReadResizeInput(const InferContext& c, size_t i) {
  if (!c.has_input(i) || StaticLength(c, i) == 0) return {};
  const TensorView* v = c.value(i);
  if (v == nullptr) return ResizeInput<T>{false, std::nullopt};
  if (v->numel() == 0) return {};
  std::vector<T> out;
  if constexpr (std::is_same_v<T, int64_t>) {
    out = ReadInt64s(*v);
  } else {
    for (int64_t k = 0; k < v->numel(); ++k) out.push_back(static_cast<T>(LoadAsDouble(*v, k)));
  }
  return ResizeInput<T>{true, std::move(out)};
}

}  // namespace

Status Resize(InferContext& c) {
  MRT_RETURN_IF_ERROR(ValidateResizeAttributes(c.attrs()));
  if (c.has_input(1) && !IsFloat(c.dtype(1)))
    return c.Error("roi must be a float tensor, not {}", DTypeName(c.dtype(1)));
  if (c.has_input(2) && c.dtype(2) != DType::kF32) return c.Error("scales must be f32, not {}", DTypeName(c.dtype(2)));
  if (c.has_input(3) && c.dtype(3) != DType::kI64) return c.Error("sizes must be i64, not {}", DTypeName(c.dtype(3)));
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), Shape::UnknownRank());
    return Status::Ok();
  }
  ResizeInput<double> roi = ReadResizeInput<double>(c, 1), scales = ReadResizeInput<double>(c, 2);
  ResizeInput<int64_t> sizes = ReadResizeInput<int64_t>(c, 3);
  if (!scales.known || !sizes.known) {
    c.SetOutput(0, c.dtype(0), UnknownDims(in.rank()));
    return Status::Ok();
  }
  if (!roi.known) {  // roi moves samples, not the output size: any roi of the right length will do
    const auto axes = c.attrs().Get<std::vector<int64_t>>("axes");
    roi.values = std::vector<double>(2 * (axes ? axes->size() : in.rank()), 0.0);
  }
  MRT_ASSIGN_OR_RETURN(
      const ResizeGeometry g,
      ComputeResizeGeometry(in.sizes(), c.attrs(), ResizeInputs{roi.values, scales.values, sizes.values}));
  Shape out = in;
  for (size_t d = 0; d < in.rank(); ++d) {
    if (g.out_sizes[d] >= 0)
      out[d] = Dim(g.out_sizes[d]);
    else if (g.scales[d] != 1.0)
      out[d] = Dim();  // a dynamic dim resized by 1 keeps its symbol
  }
  c.SetOutput(0, c.dtype(0), std::move(out));
  return Status::Ok();
}

namespace {

// Shared checks of DepthToSpace / SpaceToDepth: rank-4 NCHW input and a positive blocksize.
Expected<int64_t> BlockSize(const InferContext& c) {
  const auto b = c.attrs().Get<int64_t>("blocksize");
  if (!b) return Status::Error("the blocksize attribute is required");
  if (*b <= 0) return Status::Errorf("blocksize must be positive, not {}", *b);
  if (!c.shape(0).unknown_rank() && c.shape(0).rank() != 4)
    return Status::Errorf("the input must be 4-D (N, C, H, W), not {}", c.shape(0).ToString());
  return *b;
}

// d * factor, or d / divisor (which must divide d); unknown when d is.
Expected<Dim> ScaleDim(const Dim& d, int64_t factor, int64_t divisor, const char* what) {
  if (!d.is_static()) return Dim();
  if (d.size % divisor != 0) return Status::Errorf("{} {} is not a multiple of {}", what, d.size, divisor);
  return Dim(d.size / divisor * factor);
}

}  // namespace

Status DepthToSpace(InferContext& c) {
  MRT_ASSIGN_OR_RETURN(const int64_t b, BlockSize(c));
  const std::string mode = c.attrs().GetString("mode", "DCR");
  if (mode != "DCR" && mode != "CRD") return c.Error("mode '{}' is not DCR or CRD", mode);
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), UnknownDims(4));
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const Dim channels, ScaleDim(in[1], 1, b * b, "channels"));
  MRT_ASSIGN_OR_RETURN(const Dim height, ScaleDim(in[2], b, 1, "height"));
  MRT_ASSIGN_OR_RETURN(const Dim width, ScaleDim(in[3], b, 1, "width"));
  c.SetOutput(0, c.dtype(0), Shape{in[0], channels, height, width});
  return Status::Ok();
}

Status SpaceToDepth(InferContext& c) {
  MRT_ASSIGN_OR_RETURN(const int64_t b, BlockSize(c));
  const Shape& in = c.shape(0);
  if (in.unknown_rank()) {
    c.SetOutput(0, c.dtype(0), UnknownDims(4));
    return Status::Ok();
  }
  MRT_ASSIGN_OR_RETURN(const Dim channels, ScaleDim(in[1], b * b, 1, "channels"));
  MRT_ASSIGN_OR_RETURN(const Dim height, ScaleDim(in[2], 1, b, "height"));
  MRT_ASSIGN_OR_RETURN(const Dim width, ScaleDim(in[3], 1, b, "width"));
  c.SetOutput(0, c.dtype(0), Shape{in[0], channels, height, width});
  return Status::Ok();
}

}  // namespace mrt::infer
