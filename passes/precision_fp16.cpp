// precision_fp16: compute in f16 the way TensorRT's --fp16 does, keeping the model's interface.
//
// Plan: every live node converts to f16 except those PrecisionFp16Options::keep_fp32 chooses and
// ops whose output dtype does not follow their data (Range, ConstantOfShape). Then:
//   values   an f32 output of a converted node becomes f16, except outputs ONNX types by an
//            attribute (LayerNormalization's Mean / InvStdDev: stash_type);
//   weights  an f32 weight read as data by a converted node becomes f16 (in place when every
//            reader converts, else as a new weight "<name>_f16"); inputs ONNX types apart from
//            the data keep f32: Resize's roi and scales, Pow's exponent, Dropout's ratio;
//            values beyond f16's range saturate to +-65504 (as TensorRT clamps weights);
//   Cast     a converted Cast(to = float) becomes Cast(to = float16);
//   edges    where a reader expects another dtype than its operand now has (an f32 graph input
//            read by a converted node, a kept node reading an f16 value, roi/scales computed in
//            f16) one Cast per value and target dtype goes in between;
//   outputs  an f32 graph output made by a converted node keeps its name and dtype: the node
//            writes "<name>_f16" and Cast(to = float) writes the output.
// Softmax and the normalizations convert like any op: f16 in and out, the kernels accumulate in
// f32 inside. Cast pairs cancel only when exact: Cast(to = f16)(Cast(to = f32)(x)) with x f16 is
// x (f16 -> f32 -> f16 round-trips); f32 -> f16 -> f32 rounds, so that pair stays.
// Leaves alone: f64 / bf16 / integer values, graph input and output names and dtypes.
#include <algorithm>
#include <cmath>
#include <map>

#include "ir/half.h"
#include "ir/infer_shapes.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "precision_fp16";
constexpr float kHalfMax = 65504.f;

// ---- which nodes, inputs and outputs take part ----

bool StaysFp32ByNature(OpKind op) { return op == OpKind::kRange || op == OpKind::kConstantOfShape; }

// Input slots ONNX types apart from the data (they keep their dtype in an f16 node).
bool IsSeparatelyTypedInput(OpKind op, size_t slot) {
  switch (op) {
    case OpKind::kResize:
      return slot == 1 || slot == 2;  // roi (T2), scales (tensor(float))
    case OpKind::kPow:
    case OpKind::kDropout:
      return slot == 1;  // exponent (T1), ratio (T1)
    default:
      return false;
  }
}

// Input slots that accept any dtype, so an operand that became f16 needs no Cast back.
bool AcceptsAnyDtype(OpKind op, size_t slot) { return slot == 0 && (op == OpKind::kCast || op == OpKind::kShape); }

// Output slots whose dtype an attribute fixes (stash_type), not the data.
bool IsAttributeTypedOutput(OpKind op, size_t slot) { return op == OpKind::kLayerNormalization && slot > 0; }

struct Fp16Plan {
  std::vector<bool> convert;     // per node
  std::vector<DType> new_dtype;  // per value, after the rewrite
};

Fp16Plan PlanConversion(const Graph& g, const PrecisionFp16Options& options) {
  Fp16Plan plan{std::vector<bool>(g.num_nodes(), false), std::vector<DType>(g.num_values())};
  for (size_t v = 0; v < g.num_values(); ++v) plan.new_dtype[v] = g.value(static_cast<ValueId>(v)).dtype;
  for (NodeId id = 0; id < static_cast<NodeId>(g.num_nodes()); ++id) {
    const Node& n = g.node(id);
    if (n.dead || StaysFp32ByNature(n.op) || (options.keep_fp32 && options.keep_fp32(g, n))) continue;
    plan.convert[id] = true;
    for (size_t slot = 0; slot < n.outputs.size(); ++slot) {
      const ValueId out = n.outputs[slot];
      if (out == kNoValue || g.value(out).dtype != DType::kF32 || IsAttributeTypedOutput(n.op, slot)) continue;
      if (n.op == OpKind::kCast && n.attrs.GetInt("to", 0) != DTypeToOnnx(DType::kF32)) continue;
      plan.new_dtype[out] = DType::kF16;
    }
  }
  return plan;
}

// v's dtype once the plan is applied (values added while applying it have theirs already).
DType NewDtype(const Graph& g, const Fp16Plan& plan, ValueId v) {
  return static_cast<size_t>(v) < plan.new_dtype.size() ? plan.new_dtype[v] : g.value(v).dtype;
}

// The dtype node `id` wants at input `slot` once the plan is applied.
DType ExpectedInputDtype(const Graph& g, const Fp16Plan& plan, NodeId id, size_t slot) {
  const Node& n = g.node(id);
  const ValueId v = n.inputs[slot];
  const DType original = g.value(v).dtype;
  if (AcceptsAnyDtype(n.op, slot)) return NewDtype(g, plan, v);
  if (!plan.convert[id] || original != DType::kF32 || IsSeparatelyTypedInput(n.op, slot)) return original;
  return DType::kF16;
}

// ---- edits ----

Tensor ToHalf(const Tensor& t) {
  Tensor out(DType::kF16, t.sizes());
  const float* src = t.data<float>();
  Half* dst = out.data<Half>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const float x = std::isnan(src[i]) ? src[i] : std::clamp(src[i], -kHalfMax, kHalfMax);
    dst[i] = FloatToHalf(x);
  }
  return out;
}

// Cast(v, to = dtype) as a new value, reusing one made earlier for the same v and dtype.
ValueId CastOf(Graph& g, ValueId v, DType dtype, std::map<std::pair<ValueId, DType>, ValueId>& made) {
  if (auto it = made.find({v, dtype}); it != made.end()) return it->second;
  const Value& src = g.value(v);
  const std::string suffix = dtype == DType::kF16 ? "_f16" : "_" + std::string(DTypeName(dtype));
  const ValueId out = g.AddValue(UniqueValueName(g, src.name + suffix), dtype, src.shape);
  Attributes attrs;
  attrs.set("to", int64_t{DTypeToOnnx(dtype)});
  g.AddNode(OpKind::kCast, "Cast:" + g.value(out).name, {v}, {out}, std::move(attrs));
  made[{v, dtype}] = out;
  return out;
}

// An f32 graph output that a converted node makes: the node writes "<name>_f16", a Cast writes
// the output, and converted readers read the f16 value.
void KeepOutputFp32(Graph& g, Fp16Plan& plan, ValueId y, PassContext& ctx) {
  const NodeId producer = g.value(y).producer;
  const ValueId half = g.AddValue(UniqueValueName(g, g.value(y).name + "_f16"), DType::kF16, g.value(y).shape);
  auto& outs = g.node(producer).outputs;
  *std::find(outs.begin(), outs.end(), y) = half;
  g.value(half).producer = producer;
  for (NodeId r : std::vector<NodeId>(g.value(y).consumers))
    for (size_t slot = 0; slot < g.node(r).inputs.size(); ++slot)
      if (g.node(r).inputs[slot] == y && ExpectedInputDtype(g, plan, r, slot) == DType::kF16) g.SetInput(r, slot, half);
  Attributes attrs;
  attrs.set("to", int64_t{DTypeToOnnx(DType::kF32)});
  g.AddNode(OpKind::kCast, "Cast:" + g.value(y).name, {half}, {y}, std::move(attrs));
  plan.new_dtype[y] = DType::kF32;  // `half` (added after the plan) is f16 already
  ctx.Record(kPassName, "output Cast", {g.node(producer).name}, g.value(y).name);
}

// Converted readers of f32 weight w read an f16 copy: w itself when nothing else reads it.
void ConvertWeightReaders(Graph& g, ValueId w, const std::vector<std::pair<NodeId, size_t>>& uses, size_t other_uses) {
  Value& val = g.value(w);
  if (other_uses == 0 && !val.is_graph_output) {
    val.weight = std::make_shared<const Tensor>(ToHalf(*val.weight));
    val.dtype = DType::kF16;
    return;
  }
  const ValueId half = AddConstant(g, val.name + "_f16", ToHalf(*val.weight));
  for (const auto& [node, slot] : uses) g.SetInput(node, slot, half);
}

// Every weight read as f16 data by converted nodes becomes f16; returns how many.
int ConvertWeights(Graph& g, const Fp16Plan& plan) {
  std::map<ValueId, std::vector<std::pair<NodeId, size_t>>> f16_uses;
  for (NodeId id = 0; id < static_cast<NodeId>(plan.convert.size()); ++id) {
    if (g.node(id).dead) continue;
    for (size_t slot = 0; slot < g.node(id).inputs.size(); ++slot) {
      const ValueId v = g.node(id).inputs[slot];
      if (v == kNoValue || !g.value(v).is_weight() || g.value(v).dtype != DType::kF32) continue;
      if (ExpectedInputDtype(g, plan, id, slot) == DType::kF16) f16_uses[v].emplace_back(id, slot);
    }
  }
  for (const auto& [w, uses] : f16_uses) ConvertWeightReaders(g, w, uses, g.value(w).consumers.size() - uses.size());
  return static_cast<int>(f16_uses.size());
}

// Inserts a Cast on every activation edge whose reader expects another dtype than it now has.
int CastEdges(Graph& g, const Fp16Plan& plan) {
  std::map<std::pair<ValueId, DType>, ValueId> made;
  int casts = 0;
  const auto nodes = static_cast<NodeId>(plan.convert.size());  // the Casts added here need none
  for (NodeId id = 0; id < nodes; ++id) {
    if (g.node(id).dead) continue;
    for (size_t slot = 0; slot < g.node(id).inputs.size(); ++slot) {
      const ValueId v = g.node(id).inputs[slot];
      if (v == kNoValue || g.value(v).is_weight()) continue;
      const DType want = ExpectedInputDtype(g, plan, id, slot), have = NewDtype(g, plan, v);
      if (want == have || !IsFloat(want) || !IsFloat(have)) continue;
      const size_t before = made.size();
      g.SetInput(id, slot, CastOf(g, v, want, made));
      casts += made.size() > before ? 1 : 0;
    }
  }
  return casts;
}

// Cast(to = f16) of Cast(to = f32) of an f16 x is x: readers read x (exact; the reverse is not).
bool CancelExactCastPairs(Graph& g, PassContext& ctx) {
  bool changed = false;
  const int32_t f16 = DTypeToOnnx(DType::kF16), f32 = DTypeToOnnx(DType::kF32);
  for (NodeId id = 0; id < static_cast<NodeId>(g.num_nodes()); ++id) {
    const Node& second = g.node(id);
    if (second.dead || second.op != OpKind::kCast || second.attrs.GetInt("to", 0) != f16) continue;
    const Node* first = ProducerIf(g, second.inputs[0], OpKind::kCast);
    if (first == nullptr || first->attrs.GetInt("to", 0) != f32 || g.value(first->inputs[0]).dtype != DType::kF16)
      continue;
    const std::vector<std::string> names = {first->name, second.name};
    g.SetInput(id, 0, first->inputs[0]);
    const std::string result = g.value(first->inputs[0]).name;
    if (!BypassNode(g, id)) {
      g.node(id).op = OpKind::kIdentity;
      g.node(id).attrs = Attributes();
    }
    ctx.Record(kPassName, "Cast+Cast", names, result);
    changed = true;
  }
  return changed;
}

// Applies the plan; returns whether anything changed.
bool ApplyPlan(Graph& g, Fp16Plan& plan, PassContext& ctx) {
  const auto nodes = static_cast<NodeId>(plan.convert.size());
  const auto values = static_cast<ValueId>(plan.new_dtype.size());
  for (ValueId y : std::vector<ValueId>(g.outputs))
    if (g.value(y).producer != kNoNode && plan.new_dtype[y] == DType::kF16 && g.value(y).dtype == DType::kF32)
      KeepOutputFp32(g, plan, y, ctx);
  const int weights = ConvertWeights(g, plan);
  const int casts = CastEdges(g, plan);
  int converted = 0, cast_targets = 0;
  for (NodeId id = 0; id < nodes; ++id) {
    Node& n = g.node(id);
    if (n.dead || !plan.convert[id]) continue;
    if (n.op == OpKind::kCast && n.attrs.GetInt("to", 0) == DTypeToOnnx(DType::kF32)) {
      n.attrs.set("to", int64_t{DTypeToOnnx(DType::kF16)});
      ++cast_targets;
    }
  }
  for (ValueId v = 0; v < values; ++v) {
    Value& val = g.value(v);
    if (val.is_weight() || val.dtype == plan.new_dtype[v]) continue;
    val.dtype = plan.new_dtype[v];
    converted += val.dtype == DType::kF16;
  }
  ctx.Logf(fmt::format("{}: {} values and {} weights to f16, {} Casts to float now to float16, {} Casts inserted",
                       kPassName, converted, weights, cast_targets, casts));
  return converted + weights + casts + cast_targets > 0;
}

}  // namespace

bool RunPrecisionFp16(Graph& graph, PassContext& ctx, const PrecisionFp16Options& options) {
  Fp16Plan plan = PlanConversion(graph, options);
  const bool applied = ApplyPlan(graph, plan, ctx);
  const bool cancelled = CancelExactCastPairs(graph, ctx);
  if (!applied && !cancelled) return false;
  Status s = graph.TopologicalSort();
  graph.Compact();
  if (s.ok()) s = InferShapes(graph);
  if (!s.ok()) ctx.Logf(std::string(kPassName) + ": " + s.message());
  RunEliminateIdentity(graph, ctx);  // Casts to their input's own dtype
  RunEliminateDeadCode(graph, ctx);  // f32 weights nothing reads any more
  return true;
}

bool RunPrecisionFp16(Graph& graph, PassContext& ctx) { return RunPrecisionFp16(graph, ctx, PrecisionFp16Options{}); }

}  // namespace mrt
