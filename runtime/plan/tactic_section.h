// The tactics section of a CUDA plan: per layer (node, in graph order) the tactic the builder
// chose, its family, its measured time, and the weights it reads already packed into its own
// layout and precision (so loading a plan repacks nothing). Plain data, no CUDA: `inspect`
// reads it on any machine.
//
// Encoding (inside the section, little-endian, strings/lists as in plan_format.h):
//   u32 version (1) · string layout ("nchw" / "nhwc": the layout decision) · string precision
//   u32 layer count · per layer: u32 node index · string tactic · string family · f32 median ms
//     · u64 workspace bytes · u32 packed count · per packed: i32 input index · dtype · u32 rank
//     · i64 sizes... · u64 byte count · bytes
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ir/status.h"
#include "ir/tensor.h"

namespace mrt::plan {

struct PackedInput {
  int32_t input_index = 0;
  Tensor packed;
};

struct LayerTactic {
  uint32_t node = 0;      // index into the plan graph's nodes
  std::string tactic;     // "" for a layer that launches nothing (a view, an in-place Concat)
  std::string family;     // "hand-written", "cudnn", "cublas", "cpu-fallback", "" (none)
  float median_ms = 0;    // as timed by the builder (0 when not timed)
  uint64_t workspace_bytes = 0;
  std::vector<PackedInput> packed;
};

struct TacticTable {
  std::string layout;     // "nchw" or "nhwc"
  std::string precision;  // "fp32", "tf32", "fp16"
  std::vector<LayerTactic> layers;
};

std::vector<uint8_t> EncodeTacticTable(const TacticTable& table);
Expected<TacticTable> DecodeTacticTable(std::span<const uint8_t> bytes);

}  // namespace mrt::plan
