// Builds small IR graphs by hand for tests:
//   GraphBuilder b;
//   ValueId x = b.Input("x", DType::kF32, {1, 3, 8, 8});
//   ValueId w = b.Weight("w", RandomTensor(DType::kF32, {4, 3, 3, 3}, 1));
//   ValueId y = b.Op(OpKind::kConv, {x, w}, attrs);
//   b.Output(y);
//   Graph g = b.Build();  // shapes inferred; EXPECTs that inference succeeds
#pragma once

#include <gtest/gtest.h>

#include "ir/infer_shapes.h"

namespace mrt::testing {

class GraphBuilder {
 public:
  ValueId Input(const std::string& name, DType dtype, std::vector<int64_t> sizes) {
    const ValueId v = g_.AddValue(name, dtype, Shape::FromSizes(sizes));
    g_.AddGraphInput(v);
    return v;
  }
  ValueId Weight(const std::string& name, Tensor t) { return g_.AddWeight(name, std::move(t)); }
  ValueId ScalarF32(const std::string& name, float v) { return Weight(name, Tensor::Scalar(v)); }
  ValueId Ints(const std::string& name, std::vector<int64_t> v) {
    const auto n = static_cast<int64_t>(v.size());
    return Weight(name, Tensor::FromVector<int64_t>(DType::kI64, {n}, v));
  }
  // Adds a node with `num_outputs` fresh outputs; returns the first.
  ValueId Op(OpKind op, std::vector<ValueId> inputs, Attributes attrs = {}, int num_outputs = 1,
             std::string name = {}) {
    std::vector<ValueId> outs;
    for (int i = 0; i < num_outputs; ++i) outs.push_back(g_.AddValue("v" + std::to_string(g_.num_values())));
    g_.AddNode(op, std::move(name), std::move(inputs), outs, std::move(attrs));
    return outs[0];
  }
  void Output(ValueId v) { g_.AddGraphOutput(v); }
  Graph& graph() { return g_; }
  Graph Build() {
    Status s = InferShapes(g_);
    EXPECT_TRUE(s.ok()) << s.message();
    return g_;
  }

 private:
  Graph g_;
};

inline Attributes Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> kv) {
  Attributes a;
  for (const auto& [k, v] : kv) a.set(k, v);
  return a;
}

}  // namespace mrt::testing
