#include "kernels/gpu/conv_problem.h"

#include "ir/shape_inference/infer_nn_window.h"

namespace mrt::gpu {

Expected<ConvProblem> ConvProblemOf(const NodeDesc& desc) {
  if (desc.op() != OpKind::kConv && desc.op() != OpKind::kFusedConv) return Status::Error("not a Conv");
  const TensorDesc& x = desc.inputs[0];
  const TensorDesc& wt = desc.inputs[1];
  const TensorDesc& y = desc.outputs[0];
  if (x.sizes.size() != 4 || wt.sizes.size() != 4) return Status::Error("only 2-D convolutions");
  if (x.dtype != DType::kF32 && x.dtype != DType::kF16) return Status::Error("only f32/f16");
  if (wt.dtype != x.dtype || y.dtype != x.dtype) return Status::Error("mixed dtypes");
  if (wt.constant == nullptr) return Status::Error("W is not a constant");
  if (desc.has_input(2) && desc.inputs[2].constant == nullptr) return Status::Error("B is not a constant");
  ConvProblem p;
  p.channels_last = desc.attrs().GetInt("channels_last", 0) != 0;
  p.dtype = x.dtype;
  p.n = x.sizes[0];
  p.c = p.channels_last ? x.sizes[3] : x.sizes[1];
  p.h = p.channels_last ? x.sizes[1] : x.sizes[2];
  p.w = p.channels_last ? x.sizes[2] : x.sizes[3];
  p.k = wt.sizes[0];
  p.r = wt.sizes[2];
  p.s = wt.sizes[3];
  p.group = desc.attrs().GetInt("group", 1);
  MRT_ASSIGN_OR_RETURN(WindowGeometry g, ResolveWindow(WindowKind::kConv, desc.attrs(), {p.h, p.w}, {p.r, p.s}));
  p.oh = g.output[0];
  p.ow = g.output[1];
  p.stride_h = g.strides[0];
  p.stride_w = g.strides[1];
  p.dil_h = g.dilations[0];
  p.dil_w = g.dilations[1];
  p.pad_h = g.pads_begin[0];
  p.pad_w = g.pads_begin[1];
  p.pad_h_end = g.pads_end[0];
  p.pad_w_end = g.pads_end[1];
  p.has_bias = desc.has_input(2);
  p.has_residual = desc.has_input(3);
  if (desc.op() == OpKind::kFusedConv) {
    p.act = ReadActivation(desc.attrs(), "activation");
    p.post = ReadActivation(desc.attrs(), "post_activation");
  }
  if (p.group <= 0 || p.c % p.group != 0 || p.k % p.group != 0 || wt.sizes[1] != p.c / p.group)
    return Status::Error("bad group");
  return p;
}

}  // namespace mrt::gpu
