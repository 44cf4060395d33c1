// Host side of the shape kernels (never included by a .cu file): a data-movement op described
// as a CopyPlan, one entry per output axis saying where along the input that axis reads, and
// the tactics that run a plan. shape_tactics_cuda.cpp turns each op into a plan; this header's
// functions (copy_plan_cuda.cpp) simplify it and pick the kernel:
//
//   out[o_0, ..., o_{n-1}] = in[in_offset + sum_d i_d(o_d) * in_stride_d]
//
// with i_d(o) = o for affine axes (Transpose, Slice, Expand with stride 0, DepthToSpace) and the
// bounded modes of Pad and Tile otherwise (shape_kernels_launch.h, AxisMode).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/gpu/tactic.h"
#include "kernels/shape/shape_kernels_launch.h"

namespace mrt::gpu {

struct CopyAxis {
  int64_t out_size = 1;
  int64_t in_stride = 0;  // elements; 0 repeats (Expand), negative walks backwards (Slice step < 0)
  AxisMode mode = AxisMode::kAffine;
  int64_t in_size = 0, begin = 0;  // bounded axes: i = o - begin against [0, in_size)
};

struct CopyPlan {
  size_t elem_size = 1;
  std::vector<CopyAxis> axes;  // outermost first, as the output's dims
  int64_t in_offset = 0;       // elements
  int64_t in_numel = 0;
  std::array<uint8_t, 8> fill{};  // one element, for kConstant axes
};

// The plan of out = transpose(in, perm) for a row-major input of `sizes`.
CopyPlan PermutationPlan(const std::vector<int64_t>& sizes, const std::vector<int64_t>& perm, size_t elem_size);

// The same copy with fewer axes: affine axes that read in range are made affine, size-1 affine
// axes dropped, and neighbours merged where the outer stride is the inner extent times the inner
// stride (a contiguous run). NCHW -> NHWC becomes [N, C, HW] -> [N, HW, C].
CopyPlan SimplifyCopyPlan(CopyPlan plan);

// The strided-copy tactic for `plan` (any plan of at most kMaxCopyRank axes once simplified, else
// null). At launch it moves the widest unit (up to 16 bytes) that the geometry and both pointers allow.
std::unique_ptr<Tactic> MakeStridedCopyTactic(std::string name, const CopyPlan& plan);

// The tiled-transpose tactic with `tile` 32 or 64 when `plan` is a permutation that moves the
// input's innermost dim away from the output's innermost position, else null.
std::unique_ptr<Tactic> MakeTiledTransposeTactic(std::string name, const CopyPlan& plan, int tile);

// Gather over data [outer, axis_size, inner] (GatherParams in elements; unit_bytes = elem size).
std::unique_ptr<Tactic> MakeGatherTactic(std::string name, const GatherParams& params);

// Concat (split = false: the inputs are the parts, the output is the big tensor) or Split
// (split = true: the input is big, the outputs the parts) along `axis` of the node's tensors.
std::unique_ptr<Tactic> MakeConcatTactic(std::string name, bool split, int64_t axis, const NodeDesc& desc);

// The widest unit factor k among `allowed` (bit k set; powers of two with k * elem_size <= 16)
// such that k * elem_size divides `address_bits` (the OR of every pointer the kernel touches), so
// each unit access is aligned.
int WidestUnitFactor(unsigned allowed, size_t elem_size, uintptr_t address_bits);
inline uintptr_t AddressBits(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace mrt::gpu
