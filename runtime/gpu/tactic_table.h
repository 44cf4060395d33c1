// The tactic table: every provider of every family, asked in turn for a node's tactics.
#pragma once

#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

// Every tactic that supports the node, from every family. The CPU fallback is offered only when
// no GPU family offers anything (it is a last resort, not a competitor).
TacticList EnumerateTactics(const NodeDesc& desc);

// The tactic called `name` for the node (a plan being loaded); an error when no provider offers
// it any more (the plan was built by another mini-rt: rebuild it).
Expected<std::unique_ptr<Tactic>> FindTactic(const NodeDesc& desc, const std::string& name);

}  // namespace mrt::gpu
