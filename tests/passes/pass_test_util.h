// Shared by the pass tests: every pass must leave the graph's outputs unchanged. RunAndCompare
// runs the graph on the reference backend before and after a transformation, on seeded random
// inputs, and checks the largest absolute error is at most 1e-4 of the largest reference
// magnitude (FP32), and that Verify passes after the transformation.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "ir/infer_shapes.h"
#include "ir/verify.h"
#include "passes/pipeline.h"
#include "runtime/reference_backend.h"
#include "tests/support/test_support.h"

namespace mrt::testing {

inline TensorMap RandomInputsFor(const Graph& g, uint64_t seed) {
  TensorMap inputs;
  for (ValueId v : g.inputs) {
    const Value& val = g.value(v);
    inputs[val.name] = RandomTensor(val.dtype, val.shape.sizes(), seed++);
  }
  return inputs;
}

// A PassContext with the reference evaluator (for folding) and Verify after each pass.
inline PassContext TestPassContext() {
  PassContext ctx;
  ctx.evaluate = MakeReferenceEvaluator();
  ctx.verify_after_each = true;
  return ctx;
}

// Runs `transform` on a copy of `graph` and checks outputs before/after agree. Returns the
// transformed graph for further structural checks.
inline Graph ExpectPreservesOutputs(const Graph& graph, const std::function<void(Graph&)>& transform,
                                    uint64_t seed = 7, double relative_tolerance = 1e-4) {
  Graph after = graph;
  transform(after);
  Status verified = Verify(after);
  EXPECT_TRUE(verified.ok()) << verified.message();
  const TensorMap inputs = RandomInputsFor(graph, seed);
  auto expected = RunReference(graph, inputs);
  auto actual = RunReference(after, inputs);
  EXPECT_TRUE(expected.ok()) << expected.status().message();
  EXPECT_TRUE(actual.ok()) << actual.status().message();
  if (!expected.ok() || !actual.ok()) return after;
  for (const auto& [name, tensor] : *expected) {
    auto it = actual->find(name);
    EXPECT_NE(it, actual->end()) << "output " << name << " disappeared";
    if (it == actual->end()) continue;
    EXPECT_EQ(it->second.sizes(), tensor.sizes()) << name;
    const Closeness c = Compare(it->second, tensor);
    EXPECT_LE(c.max_abs_error, relative_tolerance * std::max(c.max_ref_magnitude, 1e-30))
        << name << ": max abs error " << c.max_abs_error << " vs max |ref| " << c.max_ref_magnitude;
  }
  return after;
}

// Runs one pass (and Compact + InferShapes, as the pipeline does) and returns whether it changed.
inline bool RunOnePass(Graph& g, bool (*pass)(Graph&, PassContext&), PassContext& ctx) {
  const bool changed = pass(g, ctx);
  g.Compact();
  Status s = InferShapes(g);
  EXPECT_TRUE(s.ok()) << s.message();
  return changed;
}

inline int CountOps(const Graph& g, OpKind op) {
  int n = 0;
  for (const Node& node : g.nodes()) n += (!node.dead && node.op == op) ? 1 : 0;
  return n;
}

}  // namespace mrt::testing
