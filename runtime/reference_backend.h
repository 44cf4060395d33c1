// The CPU reference backend: executes a graph node by node with the reference kernels. Shapes
// are inferred at run time from the actual inputs, so every op (even one whose output shape
// depends on data) runs with exact shapes. This is the oracle for passes and GPU kernels.
//
// Memory: when every activation has a static shape (after specializing the graph to the actual
// input shapes), RunReference plans the activation memory (passes/memory_plan.h) and runs out of
// ONE arena laid out by the plan, like the GPU runtime: graph inputs are copied into their slots,
// views and Concat slices really share bytes (a view whose output sits on its input and a Concat
// input already in its slice are not copied), elementwise nodes may write over a dying input,
// and the outputs are copied out at the end. Weights stay where they are. Otherwise (a shape
// that depends on data) every value gets its own tensor, freed after its last use.
#pragma once

#include <map>
#include <string>

#include "ir/graph.h"
#include "passes/memory_plan.h"
#include "passes/pass.h"

namespace mrt {

using TensorMap = std::map<std::string, Tensor>;

// Checks that `inputs` holds every graph input with its dtype and a shape compatible with the
// declared one; extra names are an error too. Messages name the input.
Status CheckGraphInputs(const Graph& graph, const TensorMap& inputs);

// Runs one node on the reference kernels: infers its output shapes from the actual inputs
// (absent optional inputs have dtype kUndefined), allocates and computes them.
Expected<std::vector<Tensor>> RunNodeReference(const Node& node, const std::vector<TensorView>& inputs);

// A PassContext::evaluate that computes nodes with the reference kernels (constant folding).
NodeEvaluator MakeReferenceEvaluator();

// How the arena's bytes look before a node writes its outputs.
enum class ArenaFill : uint8_t {
  kZero,    // zero-filled, as a fresh Tensor: the kernels' contract (except in-place outputs)
  kPoison,  // filled with 0xFF bytes (NaN for floats): tests that kernels write every output element
};

struct ReferenceRunOptions {
  bool use_memory_plan = true;  // false: always one tensor per value (the fallback path)
  MemoryPlanOptions memory;     // memory.enabled = false (--no-memory-plan): one slot per value, no sharing
  ArenaFill fill = ArenaFill::kZero;
};

// What a run did, for tests and --verbose.
struct ReferenceRunStats {
  bool used_arena = false;
  std::string fallback_reason;     // why the per-value path ran ("" when the arena did)
  MemoryPlan plan;                 // the plan the arena followed
  int views_shared = 0;            // view nodes that copied nothing
  int concat_inputs_in_place = 0;  // Concat inputs already in their slice (not copied)
  int nodes_in_place = 0;          // nodes whose output overwrote one of their inputs
};

// Runs the graph on the reference kernels and returns the graph outputs by name.
Expected<TensorMap> RunReference(const Graph& graph, const TensorMap& inputs);
Expected<TensorMap> RunReference(const Graph& graph, const TensorMap& inputs, const ReferenceRunOptions& options,
                                 ReferenceRunStats* stats = nullptr);

// Runs the graph out of an arena laid out by `plan` (from PlanMemory on this very graph, or read
// from a plan file; the graph's shapes must all be static and match the inputs). The plan is
// checked with CheckMemoryPlan first; a node whose run-time shape differs from the planned one
// is an error.
Expected<TensorMap> RunReferenceInArena(const Graph& graph, const MemoryPlan& plan, const TensorMap& inputs,
                                        ArenaFill fill = ArenaFill::kZero, ReferenceRunStats* stats = nullptr);

}  // namespace mrt
