#include "runtime/gpu/builder.h"

#include <chrono>
#include <ostream>

#include "ir/op_table.h"
#include "ir/verify.h"
#include "kernels/gpu/cuda_check.h"
#include "passes/memory_plan.h"
#include "passes/passes.h"
#include "runtime/gpu/cuda_target.h"
#include "runtime/gpu/layer_tuner.h"
#include "runtime/plan/tactic_section.h"
#include "runtime/reference_backend.h"

namespace mrt::gpu {

namespace {

PassContext MakePassContext(const GpuBuildOptions& opt) {
  PassContext ctx;
  ctx.verbose = opt.verbose;
  ctx.log = opt.log;
  ctx.evaluate = MakeReferenceEvaluator();
  return ctx;
}

// Constant folding, transpose cancelling and dead code after a layout/precision rewrite.
void CleanUp(Graph& g, PassContext& ctx) {
  for (int round = 0; round < 4; ++round) {
    bool changed = RunFoldConstants(g, ctx);
    changed |= RunCancelTransposes(g, ctx);
    changed |= RunEliminateIdentity(g, ctx);
    changed |= RunEliminateDeadCode(g, ctx);
    if (!changed) break;
  }
  g.Compact();
}

bool HasConv2d(const Graph& g) {
  for (const Node& n : g.nodes())
    if (!n.dead && (n.op == OpKind::kConv || n.op == OpKind::kFusedConv) && !n.inputs.empty() &&
        g.value(n.inputs[0]).shape.rank() == 4)
      return true;
  return false;
}

struct Variant {
  std::string layout;
  Graph graph;
  std::vector<LayerChoice> choices;
  float total_ms = 0;
};

Expected<Variant> TuneVariant(std::string layout, Graph graph, TuneContext& tune) {
  Variant v{std::move(layout), std::move(graph), {}, 0};
  MRT_RETURN_IF_ERROR(Verify(v.graph).WithContext("the " + v.layout + " graph is invalid: "));
  tune.progress_label = v.layout;
  MRT_ASSIGN_OR_RETURN(v.choices, TuneGraph(v.graph, tune));
  for (const LayerChoice& c : v.choices) v.total_ms += c.ms;
  return v;
}

// Layers that launch nothing once memory is planned: views and Concats whose inputs all sit in
// their slices already.
bool LaunchesNothing(const Node& node, const MemoryPlan& mem) {
  if (HasTrait(node.op, kTraitView)) return true;
  if (node.op != OpKind::kConcat) return false;
  const ValueId out = node.outputs[0];
  for (ValueId in : node.inputs)
    if (!mem.planned(in) || mem.alias_kind[in] != AliasKind::kConcatSlice || mem.alias_of[in] != out) return false;
  return true;
}

Expected<plan::TacticTable> MakeTacticTable(const Variant& v, const MemoryPlan& mem, const std::string& precision,
                                            MathOptions math, GpuBuildSummary& s) {
  plan::TacticTable table{v.layout, precision, {}};
  for (size_t i = 0; i < v.graph.nodes().size(); ++i) {
    const Node& node = v.graph.nodes()[i];
    const LayerChoice& c = v.choices[i];
    plan::LayerTactic layer;
    layer.node = static_cast<uint32_t>(i);
    BuiltLayer built{node.name,          std::string(OpName(node.op)), "", "", 0, c.candidates,
                     c.best_handwritten, c.best_handwritten_ms};
    if (c.tactic && !LaunchesNothing(node, mem)) {
      MRT_ASSIGN_OR_RETURN(NodeDesc desc, MakeNodeDesc(v.graph, node, math));
      layer.tactic = built.tactic = c.tactic->name();
      layer.family = built.family = std::string(TacticFamilyName(c.tactic->family()));
      layer.median_ms = built.ms = c.ms;
      layer.workspace_bytes = c.tactic->WorkspaceBytes();
      s.max_workspace_bytes = std::max<int64_t>(s.max_workspace_bytes, static_cast<int64_t>(layer.workspace_bytes));
      for (PackedWeight& p : c.tactic->PackWeights(desc)) {
        s.packed_bytes += static_cast<int64_t>(p.packed.nbytes());
        layer.packed.push_back({p.input_index, std::move(p.packed)});
      }
      ++s.family_layers[layer.family];
      s.family_ms[layer.family] += c.ms;
    }
    s.layers.push_back(std::move(built));
    table.layers.push_back(std::move(layer));
  }
  return table;
}

void AnnotateNodes(Graph& g, const plan::TacticTable& table) {
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    Node& n = g.node(static_cast<NodeId>(i));
    n.tactic = table.layers[i].tactic;
    n.precision = table.precision;
    const bool nhwc = n.attrs.GetInt("channels_last", 0) != 0;
    n.layout = nhwc ? "nhwc" : "";
  }
}

}  // namespace

Expected<GpuBuildSummary> BuildGpuPlan(plan::Plan& plan, const GpuBuildOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  GpuBuildSummary s;
  s.precision = opt.fp16 ? "fp16" : (opt.tf32 ? "tf32" : "fp32");
  MRT_ASSIGN_OR_RETURN(plan.target, CurrentCudaTarget());
  MRT_ASSIGN_OR_RETURN(auto resources, GpuResources::Create());
  cudaStream_t stream = nullptr;
  MRT_CUDA_TRY(cudaStreamCreate(&stream));
  struct StreamGuard {
    cudaStream_t s;
    ~StreamGuard() { cudaStreamDestroy(s); }
  } guard{stream};
  MRT_ASSIGN_OR_RETURN(auto timer, TacticTimer::Create(*resources, stream));
  TimingCache cache;
  if (!opt.timing_cache.empty()) {
    MRT_ASSIGN_OR_RETURN(cache, TimingCache::Load(opt.timing_cache));
  }

  PassContext pass_ctx = MakePassContext(opt);
  Graph base = std::move(plan.graph);
  if (opt.fp16) {
    RunPrecisionFp16(base, pass_ctx, PrecisionFp16Options{});
    CleanUp(base, pass_ctx);
  }
  TuneContext tune{resources.get(), stream,  timer.get(), &cache, MathOptions{opt.tf32 || opt.fp16},
                   opt.verbose,     opt.log, opt.progress};
  std::optional<Variant> best;
  const bool try_nhwc = opt.layout != "nchw" && HasConv2d(base);
  if (opt.layout != "nhwc" || !try_nhwc) {
    MRT_ASSIGN_OR_RETURN(Variant v, TuneVariant("nchw", base, tune));
    s.total_ms_nchw = v.total_ms;
    best = std::move(v);
  }
  if (try_nhwc) {
    Graph nhwc = base;
    RunLayoutNhwc(nhwc, pass_ctx, LayoutNhwcOptions{});
    CleanUp(nhwc, pass_ctx);
    MRT_ASSIGN_OR_RETURN(Variant v, TuneVariant("nhwc", std::move(nhwc), tune));
    s.total_ms_nhwc = v.total_ms;
    if (!best || v.total_ms < best->total_ms) best = std::move(v);
  }
  s.layout = best->layout;
  s.timed = tune.stats.timed;
  s.cache_hits = tune.stats.cache_hits;
  s.refused = tune.stats.refused;
  s.failed = tune.stats.failed;
  s.failures = tune.stats.failures;
  if (!opt.timing_cache.empty()) MRT_RETURN_IF_ERROR(cache.Save(opt.timing_cache));

  MemoryPlanOptions mem_opt;
  mem_opt.enabled = opt.memory_plan;
  MRT_ASSIGN_OR_RETURN(MemoryPlan mem, PlanMemory(best->graph, mem_opt));
  MRT_ASSIGN_OR_RETURN(plan::TacticTable table,
                       MakeTacticTable(*best, mem, s.precision, MathOptions{opt.tf32 || opt.fp16}, s));
  s.arena_bytes = mem.arena_bytes;
  for (const Value& v : best->graph.values())
    if (v.is_weight()) s.weights_bytes += static_cast<int64_t>(v.weight->nbytes());
  AnnotateNodes(best->graph, table);
  plan.tactics = plan::EncodeTacticTable(table);
  plan.graph = std::move(best->graph);
  plan.memory = std::move(mem);
  plan.io = plan::IoTableOf(plan.graph);
  plan.build.precisions = {s.precision};
  s.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

}  // namespace mrt::gpu
