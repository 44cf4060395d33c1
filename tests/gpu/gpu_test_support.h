// Helpers for the GPU tests: skip without a GPU (saying why), and check every tactic a provider
// offers for a single-op graph against the CPU reference on the same inputs.
//
//   TEST(ConvCuda, Depthwise3x3OddSizes) {
//     MRT_SKIP_WITHOUT_GPU();
//     OpUnderTest t{OpKind::kConv, Attrs{{"group", 17}, ...}, {x, w, b}, {false, true, true}};
//     EXPECT_GE(ExpectTacticsMatchReference(t, AppendConvHandWrittenTactics, 1e-4), 1);
//   }
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/gpu/tactic.h"
#include "tests/support/test_support.h"

namespace mrt::testing {

// Skips the current test when no CUDA device is usable, with the reason in the skip message.
#define MRT_SKIP_WITHOUT_GPU()                                                   \
  do {                                                                           \
    std::string mrt_why_;                                                        \
    if (!::mrt::gpu::CudaDeviceAvailable(&mrt_why_)) GTEST_SKIP() << mrt_why_;   \
  } while (0)

// One op on given inputs. is_weight[i] makes input i a graph weight (a constant the tactic may
// pack); absent optional inputs are empty Tensors. Output shapes come from shape inference.
struct OpUnderTest {
  OpKind op = OpKind::kIdentity;
  Attributes attrs;
  std::vector<Tensor> inputs;
  std::vector<bool> is_weight;  // shorter than inputs: the rest are activations
  int num_outputs = 1;
};

struct TacticRun {
  std::string name;
  gpu::TacticFamily family = gpu::TacticFamily::kHandWritten;
  Status status;                 // a failed PackWeights/Setup/Launch/download
  bool refused = false;          // Setup() refused the node (e.g. a cuDNN algo that does not support it)
  std::vector<Tensor> outputs;   // downloaded
};

// Every tactic `provider` offers for the op, run on the GPU (outputs poisoned with 0xFF first, so
// an unwritten element shows as NaN), one after another on one stream.
std::vector<TacticRun> RunProviderTactics(const OpUnderTest& t, gpu::TacticProvider provider,
                                          gpu::MathOptions math = {});

// The reference outputs of the op on the same inputs.
std::vector<Tensor> ReferenceOutputs(const OpUnderTest& t);

// Runs every tactic the provider offers whose name contains `name_filter` (except those whose
// Setup() refuses the node, which the builder would drop too) and EXPECTs each output
// within `rel_tol` of the reference (largest absolute error over the largest reference
// magnitude; NaN fails). Returns how many tactics were checked (EXPECT it is >= 1 in the test so
// a provider that silently offers nothing fails).
int ExpectTacticsMatchReference(const OpUnderTest& t, gpu::TacticProvider provider, double rel_tol,
                                gpu::MathOptions math = {}, const std::string& name_filter = "");

}  // namespace mrt::testing
