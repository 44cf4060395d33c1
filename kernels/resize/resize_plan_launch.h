// Host side of the Resize kernels (never included by a .cu file): a Resize node resolved into a
// ResizePlan (resize_plan_cuda.cpp), the per-dim tap tables the kernels read, and the tactics
// built from it (resize_tactics_cuda.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/gpu/tactic.h"
#include "kernels/resize/resize_launch.h"

namespace mrt::gpu {

enum class ResizeMode { kNearest, kLinear, kCubic };

// One dim of the output after merging neighbouring pass-through dims (outermost first).
struct ResizePlanDim {
  int64_t out_size = 1;
  int64_t in_size = 1;
  int64_t in_stride = 0;  // input elements per step of this dim
  int resized = -1;       // index into ResizePlan::tables, -1 for a pass-through dim
};

struct ResizePlan {
  ResizeMode mode = ResizeMode::kNearest;
  DType dtype = DType::kF32;
  int taps = 1;  // per output coordinate of a resized dim: 1 nearest, 2 linear, 4 cubic
  std::vector<ResizePlanDim> dims;
  // tables[r]: out_size * taps entries for the r-th resized dim (numbered innermost first); tap
  // offsets are input coordinates times the dim's stride; offset -1 in tap 0 marks the outside of a crop.
  std::vector<std::vector<ResizeTap>> tables;
  double extrapolation_value = 0.0;
  std::array<uint8_t, 8> fill{};  // the extrapolation value as one element of dtype (nearest)
  int64_t out_numel = 0;
};

// Resolves the node exactly as the reference does (same validation, ComputeResizeGeometry and
// coordinate formulas). An error says why no tactic is offered (not constant, unsupported, too big).
Expected<ResizePlan> PlanResize(const NodeDesc& desc);

}  // namespace mrt::gpu
