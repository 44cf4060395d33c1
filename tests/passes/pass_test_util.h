// Shared by the pass tests: every pass must leave the graph's outputs unchanged. RunAndCompare
// runs the graph on the reference backend before and after a transformation, on seeded random
// inputs, and checks the largest absolute error is at most 1e-4 of the largest reference
// magnitude (FP32), and that Verify passes after the transformation.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

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
inline Graph ExpectPreservesOutputs(const Graph& graph, const std::function<void(Graph&)>& transform, uint64_t seed = 7,
                                    double relative_tolerance = 1e-4) {
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

// IEEE special values and a few ordinary ones, for the fused-vs-unfused special-value tests:
// NaN, +-Inf, +-0, and values on both sides of every activation's kinks.
inline std::vector<float> SpecialValues() {
  const float inf = std::numeric_limits<float>::infinity();
  return {std::numeric_limits<float>::quiet_NaN(),
          inf,
          -inf,
          0.f,
          -0.f,
          1.f,
          -1.f,
          3.f,
          -3.f,
          0.25f,
          20.f,
          -20.f,
          100.f,
          -100.f};
}

// Runs `before` and `after` on the reference backend with input x = `values` ([1, 1, 1, n] f32)
// and checks every output element agrees: NaN where the other is NaN, the same infinity, the
// same sign of zero, and finite values within 1e-5 relative (fused formulas may be written
// differently from the ops they replace, e.g. x * Clip(x + 3, 0, 6) / 6 for HardSwish).
inline void ExpectSameOnSpecialValues(const Graph& before, const Graph& after, const std::vector<float>& values) {
  TensorMap inputs;
  inputs[before.value(before.inputs.at(0)).name] =
      Tensor::FromVector<float>(DType::kF32, {1, 1, 1, static_cast<int64_t>(values.size())}, values);
  auto expected = RunReference(before, inputs);
  auto actual = RunReference(after, inputs);
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  ASSERT_TRUE(actual.ok()) << actual.status().message();
  for (const auto& [name, want] : *expected) {
    const auto it = actual->find(name);
    ASSERT_NE(it, actual->end()) << "output " << name << " disappeared";
    ASSERT_EQ(it->second.numel(), want.numel()) << name;
    for (int64_t i = 0; i < want.numel(); ++i) {
      const float w = want.data<float>()[i], g = it->second.data<float>()[i];
      const std::string where = name + " at x = " + std::to_string(values[i]) + ": unfused " + std::to_string(w) +
                                ", fused " + std::to_string(g);
      EXPECT_EQ(std::isnan(w), std::isnan(g)) << where;
      if (std::isnan(w) || std::isnan(g)) continue;
      if (std::isinf(w) || w == 0.f) {
        EXPECT_EQ(w, g) << where;
        EXPECT_EQ(std::signbit(w), std::signbit(g)) << where;
      } else {
        EXPECT_LE(std::abs(w - g), 1e-5f * std::abs(w)) << where;
      }
    }
  }
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
