// Helpers for the GPU tests: skip without a GPU (saying why), and check every tactic a provider
// offers for a single-op graph against the CPU reference on the same inputs, in fresh outputs or
// with the output written over an input. (Timing them: gpu_timing_support.h.)
//
//   TEST(ConvCuda, Depthwise3x3OddSizes) {
//     MRT_SKIP_WITHOUT_GPU();
//     OpUnderTest t{OpKind::kConv, Attrs{{"group", 17}, ...}, {x, w, b}, {false, true, true}};
//     EXPECT_GE(ExpectTacticsMatchReference(t, AppendConvHandWrittenTactics, 1e-4), 1);
//   }
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/tactic.h"
#include "tests/support/test_support.h"

namespace mrt::testing {

// Skips the current test when no CUDA device is usable, with the reason in the skip message.
#define MRT_SKIP_WITHOUT_GPU()                                                 \
  do {                                                                         \
    std::string mrt_why_;                                                      \
    if (!::mrt::gpu::CudaDeviceAvailable(&mrt_why_)) GTEST_SKIP() << mrt_why_; \
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

// Ops named for a report ("f16 nhwc 3x3", "layernorm bert 4096x768").
using LabelledOps = std::vector<std::pair<std::string, OpUnderTest>>;

struct TacticRun {
  std::string name;
  gpu::TacticFamily family = gpu::TacticFamily::kHandWritten;
  Status status;                // a failed PackWeights/Setup/Launch/download
  bool refused = false;         // Setup() or Launch() refused the node (Status::refused(): e.g. a cuDNN
                                // algo that does not support it); any other error is a failure
  std::vector<Tensor> outputs;  // downloaded
};

// Every tactic `provider` offers for the op, run on the GPU (outputs poisoned with 0xFF first, so
// an unwritten element shows as NaN), one after another on one stream.
std::vector<TacticRun> RunProviderTactics(const OpUnderTest& t, gpu::TacticProvider provider,
                                          gpu::MathOptions math = {});

// Like RunProviderTactics, but each tactic writes its output over input `alias` (which must have
// the output's shape and dtype), as the memory planner allows for elementwise nodes; the inputs
// are uploaded afresh for each tactic.
std::vector<TacticRun> RunProviderTacticsInPlace(const OpUnderTest& t, gpu::TacticProvider provider, int alias,
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

// Runs every offered tactic in place (RunProviderTacticsInPlace) and EXPECTs it to succeed (a
// refused Setup fails too) with output 0 within `rel_tol` of the reference. Returns how many
// tactics ran (EXPECT it is >= 1).
int ExpectInPlaceMatchesReference(const OpUnderTest& t, gpu::TacticProvider provider, int alias, double rel_tol,
                                  gpu::MathOptions math = {});

// Not a check: prints, for each labelled op, whether each tactic the provider offers ran ("ok"),
// was refused by Setup() ("refused: why") or failed ("FAILED: why"), one line per tactic:
// "[label] tactic: outcome".
void PrintTacticOutcomes(const LabelledOps& labelled_ops, gpu::TacticProvider provider);

// The names of the tactics `provider` offers for the op, in the order offered. Host-only (providers
// never touch the GPU), so tests of what is offered run without a GPU too.
Expected<std::vector<std::string>> OfferedTacticNames(const OpUnderTest& t, gpu::TacticProvider provider,
                                                      gpu::MathOptions math = {});

// ---- Building blocks of the helpers above and of gpu_timing_support.h ----

// The single-node graph of `t`, with inferred static output shapes.
Expected<Graph> BuildOpGraph(const OpUnderTest& t);

// The op's node, the tactics a provider offers for it, and the GPU context to run them in.
// Held by pointer: `desc` points into `graph`.
struct TacticSession {
  Graph graph;
  gpu::NodeDesc desc;
  gpu::TacticList tactics;
  std::unique_ptr<gpu::GpuResources> resources;
  cudaStream_t stream = nullptr;

  TacticSession() = default;
  TacticSession(const TacticSession&) = delete;
  TacticSession& operator=(const TacticSession&) = delete;
  ~TacticSession();
};
Expected<std::unique_ptr<TacticSession>> OpenTacticSession(const OpUnderTest& t, gpu::TacticProvider provider,
                                                           gpu::MathOptions math);

// One tactic set up on the device buffers of its inputs and outputs, ready to launch again and
// again with Args().
struct PreparedLaunch {
  std::vector<gpu::DeviceBuffer> buffers;
  std::vector<TensorView> inputs, outputs;
  gpu::DeviceBuffer workspace;
  gpu::LaunchArgs Args(const TacticSession& session) const {
    return {inputs, outputs, workspace.get(), session.stream, session.resources.get()};
  }
};

// Uploads `host_inputs` (each weight the tactic packs replaced by its packed form), allocates the
// outputs poisoned with 0xFF (so an unwritten element reads as NaN) or, when `alias` >= 0, points
// output 0 at input `alias`; then runs Setup() (its refusal or failure is returned as is, with
// "setup: " before the message), allocates the workspace and binds the stream.
Expected<PreparedLaunch> PrepareLaunch(gpu::Tactic& tactic, const TacticSession& session,
                                       const std::vector<Tensor>& host_inputs, int alias = -1);

}  // namespace mrt::testing
