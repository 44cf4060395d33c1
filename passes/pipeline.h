// The optimization pipeline: every pass, in the order they run (pipeline.cpp lists them).
#pragma once

#include <span>

#include "passes/pass.h"

namespace mrt {

std::span<const PassInfo> AllPasses();

// Runs the enabled passes in order. Folding passes are repeated until nothing changes (bounded).
// With ctx.verify_after_each, Verify runs after every pass and a failure names the pass.
Status RunPipeline(Graph& graph, PassContext& ctx);

// An error naming the unknown pass and listing the valid names (for --disable-pass).
Status CheckPassNames(const std::set<std::string>& names);

// The passes the GPU builder runs after the pipeline (runtime/gpu/builder.cpp); --disable-pass
// accepts them too: "layout_nhwc" keeps every convolution NCHW, "precision_fp16" cannot be
// combined with --fp16.
inline constexpr const char* kLayoutNhwcPass = "layout_nhwc";
inline constexpr const char* kPrecisionFp16Pass = "precision_fp16";

}  // namespace mrt
