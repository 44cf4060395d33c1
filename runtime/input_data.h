// Input data for running a model from the command line: the trtexec-style `--shapes` syntax,
// seeded random inputs for the graph inputs the user did not supply, tensor statistics for the
// run summary, and the file names outputs are written under.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "runtime/reference_backend.h"

namespace mrt {

using ShapeMap = std::map<std::string, std::vector<int64_t>>;

// Parses "name:1x3x640x640,other:1x10" (trtexec's --shapes). The name ends at the LAST ':', so
// names such as "input:0" work ("input:0:1x3"); a name may be quoted ('x':1x3). Every dim is a
// non-negative integer. Errors quote the bad token. Repeated names are an error.
Expected<ShapeMap> ParseShapes(std::string_view spec);

// Adds the entries of `more` to `shapes`; a name given twice is an error.
Status MergeShapes(ShapeMap& shapes, const ShapeMap& more);

// The sizes a random tensor for graph input `input` gets: `shapes[name]` when given (checked
// against the declared rank and static dims), otherwise the declared shape, which must then be
// static; a dynamic dim tells the user to pass --shapes NAME:...
Expected<std::vector<int64_t>> ResolveInputSizes(const Value& input, const ShapeMap& shapes);

// A seeded random tensor: floats uniform in [-1, 1), integers uniform in [0, 10), bools 50/50.
// The same (dtype, sizes, seed) always gives the same tensor.
Tensor MakeRandomTensor(DType dtype, const std::vector<int64_t>& sizes, uint64_t seed);

// Fills every graph input missing from `inputs` with random data; input number i (in model order)
// uses a seed derived from (seed, i), so supplying one input does not change the others. Returns
// the names that were filled, in model order.
Expected<std::vector<std::string>> AddRandomInputs(const Graph& graph, const ShapeMap& shapes, uint64_t seed,
                                                   TensorMap& inputs);

// What the random data of a dtype looks like, for the notice the CLI prints.
std::string RandomDistributionName(DType dtype);

// min / max / mean over every element (NaNs counted apart, not folded into the others).
struct TensorStats {
  double min = 0, max = 0, mean = 0;
  int64_t count = 0;  // finite or infinite (non-NaN) elements
  int64_t nan_count = 0;
};
TensorStats ComputeStats(const Tensor& t);
// "f32[1,3] min -1 max 0.98 mean 0.01" (plus "nan 2" when there are NaNs; "empty" when numel is 0).
std::string DescribeTensor(const Tensor& t);

// A file name for a tensor name: every character outside [A-Za-z0-9._-] becomes '_' ("y:0" ->
// "y_0"). An empty name becomes "_" and a leading '.' gets a '_' in front, so the result is never
// "", "." or ".." nor a hidden file.
std::string SanitizeFileName(std::string_view name);

}  // namespace mrt
