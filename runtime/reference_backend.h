// The CPU reference backend: executes a graph node by node with the reference kernels. Shapes
// are inferred at run time from the actual inputs, so every op (even one whose output shape
// depends on data) runs with exact shapes. This is the oracle for passes and GPU kernels.
#pragma once

#include <map>
#include <string>

#include "ir/graph.h"

namespace mrt {

using TensorMap = std::map<std::string, Tensor>;

// Checks that `inputs` holds every graph input with its dtype and a shape compatible with the
// declared one; extra names are an error too. Messages name the input.
Status CheckGraphInputs(const Graph& graph, const TensorMap& inputs);

// Runs the graph on the reference kernels and returns the graph outputs by name.
Expected<TensorMap> RunReference(const Graph& graph, const TensorMap& inputs);

}  // namespace mrt
