#include "runtime/gpu/tactic_table.h"

#include "ir/op_table.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

// Families whose tactics compete for a node; order does not matter (the builder times them all).
constexpr TacticProvider kGpuProviders[] = {
    AppendConvHandWrittenTactics, AppendConvImplicitGemmTactics, AppendConvCudnnTactics,
    AppendGemmCublasTactics,      AppendGemmHandWrittenTactics,  AppendElementwiseTactics,
    AppendPointwiseTactics,       AppendShapeTactics,            AppendResizeTactics,
    AppendPoolTactics,            AppendSoftmaxTactics,          AppendReduceTactics,
    AppendNormTactics,
};

}  // namespace

TacticList EnumerateTactics(const NodeDesc& desc) {
  TacticList out;
  for (TacticProvider provider : kGpuProviders) provider(desc, out);
  if (out.empty()) AppendCpuFallbackTactics(desc, out);
  return out;
}

Expected<std::unique_ptr<Tactic>> FindTactic(const NodeDesc& desc, const std::string& name) {
  for (auto& t : EnumerateTactics(desc))
    if (t->name() == name) return std::move(t);
  return Status::Errorf("node '{}' ({}): this mini-rt has no tactic '{}' for it; rebuild the plan with 'mini-rt compile'",
                        desc.name(), OpName(desc.op()), name);
}

}  // namespace mrt::gpu
