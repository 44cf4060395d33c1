// What a shape-inference function sees of one node: its attributes, its inputs' dtypes and shapes
// and, when known, their values (weights, folded constants, or every input at run time). It sets
// each output's dtype and shape. The same functions serve static inference over a graph
// (InferShapes) and the reference executor, which knows every value and so gets static shapes.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.h"

namespace mrt {

struct ValueInfo {
  DType dtype = DType::kUndefined;
  Shape shape = Shape::UnknownRank();
  const TensorView* data = nullptr;  // the value when known, else nullptr
};

class InferContext {
 public:
  InferContext(const Node& node, std::vector<ValueInfo> inputs, size_t num_outputs)
      : node_(node), inputs_(std::move(inputs)), outputs_(num_outputs) {}

  const Node& node() const { return node_; }
  const Attributes& attrs() const { return node_.attrs; }

  size_t num_inputs() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i].dtype != DType::kUndefined; }
  DType dtype(size_t i) const { return inputs_[i].dtype; }
  const Shape& shape(size_t i) const { return inputs_[i].shape; }
  const TensorView* value(size_t i) const { return has_input(i) ? inputs_[i].data : nullptr; }
  // The integer values of input i (shapes, axes, pads...) when known.
  std::optional<std::vector<int64_t>> ints(size_t i) const;

  size_t num_outputs() const { return outputs_.size(); }
  void SetOutput(size_t i, DType dtype, Shape shape) { outputs_[i] = ValueInfo{dtype, std::move(shape), nullptr}; }
  const std::vector<ValueInfo>& outputs() const { return outputs_; }

  // An error about this node; the caller prefixes "node 'NAME' (Op): ".
  template <typename... Args>
  Status Error(fmt::format_string<Args...> f, Args&&... args) const {
    return Status::Errorf(f, std::forward<Args>(args)...);
  }

 private:
  const Node& node_;
  std::vector<ValueInfo> inputs_;
  std::vector<ValueInfo> outputs_;
};

using InferShapeFn = Status (*)(InferContext&);

// Normalizes a possibly negative axis against a rank; error when out of [-rank, rank).
Expected<int64_t> NormalizeAxis(int64_t axis, int64_t rank);
// Numpy-style broadcast of two shapes; symbolic dims broadcast when equal or against 1.
Expected<Shape> BroadcastShapes(const Shape& a, const Shape& b);

}  // namespace mrt
