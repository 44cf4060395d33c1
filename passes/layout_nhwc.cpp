// layout_nhwc: run chosen 2-D convolutions in NHWC (channels last), the layout tensor-core conv
// kernels want, and move the layout changes ("reformat layers") to the edges of NHWC regions.
//
// Pattern: a Conv / FusedConv with float dtype, rank-4 static X and Y (and Z), that
// LayoutNhwcOptions::convert accepts (default: every one).
// Rewrite, with Transpose's rule out.dim[i] = in.dim[perm[i]]:
//   X' = Transpose(X, perm 0,2,3,1)       NCHW -> NHWC   (Z' likewise for FusedConv's residual)
//   Y' = Conv(X', W, B, Z') {channels_last = 1}      (W [K, C/g, R, S] and B [K] unchanged)
//   Y  = Transpose(Y', perm 0,3,1,2)      NHWC -> NCHW   (Y keeps its value, so its name)
// Then each NHWC -> NCHW Transpose t = T(x, p) sinks below the readers that do not care about
// the layout, each reader f rewritten to f'(x) with f(T(x, p)) = T(f'(x), p):
//   elementwise ops (unary, Cast, Clip, binary, variadic, Where, Pointwise, Identity): every
//     other operand is T(., p) too (read untransposed), broadcast-invariant (all dims 1), or a
//     constant c, replaced by c' = T(c padded to rank 4 with leading 1s, q) with q = p^-1;
//   Concat / Split: axis a becomes p[a] (t.dim[a] = x.dim[p[a]]); Slice: axes likewise;
//   MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool: channels_last = 1;
//   Resize: scales, sizes and roi entries move from dim i to dim p[i] (s'[j] = s[q[j]]), or the
//     axes attribute becomes p[axes];
//   Transpose(t, p2): Transpose(x, composed) with composed[i] = p[p2[i]] (identity: removed).
// A Transpose sinks when every reader takes it; it also sinks into single readers whose outputs
// lead, through readers that take it, only to Transposes that cancel it (the Transpose is then
// kept for the other readers). Sunk Transposes meet the next conv's NCHW -> NHWC Transpose and
// cancel (cancel_transposes), so Transposes remain only where a region meets an op that needs
// NCHW (Reshape, Flatten, Softmax, Gemm, a conv left in NCHW) or a graph output.
// Finally a Transpose that moves only size-1 dims (GlobalAveragePool's [N,1,1,C] -> [N,C,1,1])
// becomes a Reshape: the bytes are already in order, so it is a view (no copy).
// Leaves alone: 1-D / 3-D convs, ConvTranspose, dynamic shapes, graph inputs and outputs (their
// layout and names stay NCHW), and Transposes it did not make (other permutations).
#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>

#include "ir/infer_shapes.h"
#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "layout_nhwc";
using Perm = std::vector<int64_t>;
const Perm kToNhwc = {0, 2, 3, 1};  // NCHW -> NHWC
const Perm kToNchw = {0, 3, 1, 2};  // NHWC -> NCHW
constexpr int kLookaheadDepth = 8;  // how far a partial sink looks for the Transpose it cancels

// ---- permutations of shapes, tensors and value lists ----

Perm Inverse(const Perm& p) {
  Perm q(p.size());
  for (size_t i = 0; i < p.size(); ++i) q[p[i]] = static_cast<int64_t>(i);
  return q;
}

Shape PermuteShape(const Shape& s, const Perm& perm) {
  if (s.unknown_rank() || s.rank() != perm.size()) return Shape::UnknownRank();
  std::vector<Dim> dims;
  for (int64_t p : perm) dims.push_back(s[p]);
  return Shape(std::move(dims));
}

std::optional<Perm> PermOf(const Node& transpose) {
  if (!transpose.attrs.has("perm")) return std::nullopt;
  return transpose.attrs.GetInts("perm");
}

// out.dim[i] = t.dim[perm[i]], bytewise (any dtype).
Tensor PermuteTensor(const Tensor& t, const Perm& perm) {
  const size_t rank = t.rank(), es = DTypeSize(t.dtype());
  std::vector<int64_t> out_sizes(rank), in_strides(rank, 1);
  for (size_t i = rank; i-- > 1;) in_strides[i - 1] = in_strides[i] * t.sizes()[i];
  for (size_t i = 0; i < rank; ++i) out_sizes[i] = t.sizes()[perm[i]];
  Tensor out(t.dtype(), out_sizes);
  std::vector<int64_t> index(rank, 0);  // the output's multi-index, odometer order
  const auto* src = static_cast<const uint8_t*>(t.raw());
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t o = 0; o < out.numel(); ++o) {
    int64_t in_flat = 0;
    for (size_t i = 0; i < rank; ++i) in_flat += index[i] * in_strides[perm[i]];
    std::memcpy(dst + o * es, src + in_flat * es, es);
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < out_sizes[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

// t viewed with leading 1-dims up to `rank` (numpy broadcasting aligns trailing dims).
Tensor PadRank(const Tensor& t, size_t rank) {
  std::vector<int64_t> sizes(rank - t.rank(), 1);
  sizes.insert(sizes.end(), t.sizes().begin(), t.sizes().end());
  Tensor out(t.dtype(), sizes);
  if (t.nbytes()) std::memcpy(out.raw(), t.raw(), t.nbytes());
  return out;
}

// A 1-D tensor whose element i is t's element source[i] (bytewise).
Tensor GatherElements(const Tensor& t, const std::vector<int64_t>& source) {
  Tensor out(t.dtype(), {static_cast<int64_t>(source.size())});
  const size_t es = DTypeSize(t.dtype());
  for (size_t i = 0; i < source.size(); ++i)
    std::memcpy(static_cast<uint8_t*>(out.raw()) + i * es, static_cast<const uint8_t*>(t.raw()) + source[i] * es, es);
  return out;
}

// ---- small graph edits ----

std::vector<NodeId> UniqueReaders(const Graph& g, ValueId v) {
  std::vector<NodeId> readers = g.value(v).consumers;
  std::sort(readers.begin(), readers.end());
  readers.erase(std::unique(readers.begin(), readers.end()), readers.end());
  return readers;
}

// x when v = Transpose(x, p) made by a live node, else nullopt.
std::optional<ValueId> UntransposedSource(const Graph& g, ValueId v, const Perm& p) {
  const Node* t = ProducerIf(g, v, OpKind::kTranspose);
  if (t == nullptr || PermOf(*t) != p) return std::nullopt;
  return t->inputs[0];
}

// Transpose(v, perm) as a new value, reusing an existing identical Transpose of v.
ValueId TransposeOf(Graph& g, ValueId v, const Perm& perm, const std::string& suffix) {
  for (NodeId r : g.value(v).consumers) {
    const Node& n = g.node(r);
    if (!n.dead && n.op == OpKind::kTranspose && PermOf(n) == perm) return n.outputs[0];
  }
  const Value& src = g.value(v);
  const ValueId out = g.AddValue(UniqueValueName(g, src.name + suffix), src.dtype, PermuteShape(src.shape, perm));
  Attributes attrs;
  attrs.set("perm", perm);
  g.AddNode(OpKind::kTranspose, "Transpose:" + g.value(out).name, {v}, {out}, std::move(attrs));
  return out;
}

// Node n's output `slot` becomes a new value Y' in the layout `perm` maps from; a new
// Transpose(Y', perm) writes the old value Y, so Y's readers, name and graph-output role stay.
void TransposeOutputBack(Graph& g, NodeId n, size_t slot, const Perm& perm, const std::string& suffix) {
  const ValueId y = g.node(n).outputs[slot];
  const Value& yv = g.value(y);
  const ValueId y_inner =
      g.AddValue(UniqueValueName(g, yv.name + suffix), yv.dtype, PermuteShape(yv.shape, Inverse(perm)));
  g.node(n).outputs[slot] = y_inner;
  g.value(y_inner).producer = n;
  Attributes attrs;
  attrs.set("perm", perm);
  g.AddNode(OpKind::kTranspose, "Transpose:" + g.value(y).name, {y_inner}, {y}, std::move(attrs));
}

// ---- step 1: convert the chosen convs ----

bool IsStatic4d(const Graph& g, ValueId v) {
  const Shape& s = g.value(v).shape;
  return !s.unknown_rank() && s.rank() == 4 && s.is_static();
}

bool CanRunNhwc(const Graph& g, const Node& n) {
  if (n.dead || (n.op != OpKind::kConv && n.op != OpKind::kFusedConv)) return false;
  if (n.attrs.GetInt("channels_last", 0) != 0 || !IsFloat(g.value(n.inputs[0]).dtype)) return false;
  if (!IsStatic4d(g, n.inputs[0]) || !IsStatic4d(g, n.outputs[0])) return false;
  return !n.has_input(3) || IsStatic4d(g, n.inputs[3]);
}

void ConvertConv(Graph& g, NodeId id, PassContext& ctx) {
  g.SetInput(id, 0, TransposeOf(g, g.node(id).inputs[0], kToNhwc, "_nhwc"));
  if (g.node(id).has_input(3)) g.SetInput(id, 3, TransposeOf(g, g.node(id).inputs[3], kToNhwc, "_nhwc"));
  g.node(id).attrs.set("channels_last", int64_t{1});
  TransposeOutputBack(g, id, 0, kToNchw, "_nhwc");
  ctx.Record(kPassName, std::string(OpName(g.node(id).op)) + "->NHWC", {g.node(id).name}, g.node(id).name);
}

// ---- step 2: which readers take a transposed operand ----

bool IsPool(OpKind op) {
  return op == OpKind::kMaxPool || op == OpKind::kAveragePool || op == OpKind::kGlobalAveragePool ||
         op == OpKind::kGlobalMaxPool;
}

// Which values count as p-transposed: during a rewrite, those a Transpose(., p) makes; for the
// lookahead, also those that can become one (LayoutRegion).
using TransposedTest = std::function<bool(ValueId)>;

// An elementwise operand that reads the same in either layout: every dim 1, rank <= p's.
bool IsBroadcastInvariant(const Graph& g, ValueId v, size_t rank) {
  const Shape& s = g.value(v).shape;
  if (s.unknown_rank() || s.rank() > rank) return false;
  for (const Dim& d : s.dims())
    if (!d.is_static() || d.size != 1) return false;
  return true;
}

bool ElementwiseTakes(const Graph& g, const Node& n, const Perm& p, const TransposedTest& transposed) {
  const Shape& out = g.value(n.outputs[0]).shape;
  if (n.outputs.size() != 1 || out.unknown_rank() || out.rank() != p.size()) return false;
  bool any_transposed = false;
  for (ValueId v : n.inputs) {
    if (v == kNoValue || IsBroadcastInvariant(g, v, p.size())) continue;
    if (transposed(v)) {
      any_transposed = true;
      continue;
    }
    const Tensor* c = ConstantOf(g, v);
    if (c == nullptr || c->rank() > p.size()) return false;
  }
  return any_transposed;
}

// Inputs [from, end) are absent or constants (never the transposed value).
bool RestAreConstants(const Graph& g, const Node& n, size_t from) {
  for (size_t i = from; i < n.inputs.size(); ++i)
    if (n.inputs[i] != kNoValue && ConstantOf(g, n.inputs[i]) == nullptr) return false;
  return true;
}

bool OnlyFirstOutputUsed(const Graph& g, const Node& n) {
  for (size_t i = 1; i < n.outputs.size(); ++i)
    if (n.outputs[i] != kNoValue && (!g.value(n.outputs[i]).consumers.empty() || g.value(n.outputs[i]).is_graph_output))
      return false;
  return true;
}

// Whether reader n can be rewritten to read its p-transposed operands untransposed.
bool ReaderTakes(const Graph& g, const Node& n, const Perm& p, const TransposedTest& transposed) {
  if (n.op == OpKind::kTranspose) return PermOf(n).has_value() && PermOf(n)->size() == p.size();
  if (n.op == OpKind::kIdentity || HasTrait(n.op, kTraitElementwise)) return ElementwiseTakes(g, n, p, transposed);
  if (n.inputs.empty() || !transposed(n.inputs[0])) return false;
  switch (n.op) {
    case OpKind::kConcat:
      return std::all_of(n.inputs.begin(), n.inputs.end(), transposed);
    case OpKind::kSplit:
      return !n.has_input(1) || !transposed(n.inputs[1]);
    case OpKind::kSlice:
      return RestAreConstants(g, n, 3) && !transposed(n.inputs[1]) && !transposed(n.inputs[2]) &&
             (n.has_input(3) || g.value(n.inputs[1]).shape.is_static());
    case OpKind::kResize:
      return RestAreConstants(g, n, 1);
    case OpKind::kMaxPool:
    case OpKind::kAveragePool:
    case OpKind::kGlobalAveragePool:
    case OpKind::kGlobalMaxPool:
      return p == kToNchw && n.attrs.GetInt("channels_last", 0) == 0 && OnlyFirstOutputUsed(g, n);
    default:
      return false;
  }
}

TransposedTest MadeByTranspose(const Graph& g, const Perm& p) {
  return [&g, &p](ValueId v) { return v != kNoValue && UntransposedSource(g, v, p).has_value(); };
}

// The values that are, or can become, p-transposed: Transpose(., p) outputs, then (in node order,
// which is topological) the outputs of every reader that takes such operands.
std::vector<bool> LayoutRegion(const Graph& g, const Perm& p) {
  std::vector<bool> region(g.num_values(), false);
  const TransposedTest made = MadeByTranspose(g, p);
  const TransposedTest in_region = [&](ValueId v) { return v != kNoValue && (region[v] || made(v)); };
  for (const Node& n : g.nodes()) {
    if (n.dead || n.op == OpKind::kTranspose || !ReaderTakes(g, n, p, in_region)) continue;
    for (ValueId out : n.outputs)
      if (out != kNoValue) region[out] = true;
  }
  return region;
}

bool HasReaders(const Graph& g, ValueId v) {
  return v != kNoValue && (g.value(v).is_graph_output || !g.value(v).consumers.empty());
}

// True when a p-Transpose placed on v would cancel on every path below: each reader of v is a
// Transpose, or takes the operand (the others being in `region`) and passes it on to readers for
// which this holds again.
bool LeadsToCancel(const Graph& g, ValueId v, const Perm& p, const std::vector<bool>& region, int depth) {
  const Value& val = g.value(v);
  if (depth == 0 || val.is_graph_output || val.consumers.empty()) return false;
  const TransposedTest made = MadeByTranspose(g, p);
  const TransposedTest in_region = [&](ValueId u) {
    return u == v || (u != kNoValue && ((static_cast<size_t>(u) < region.size() && region[u]) || made(u)));
  };
  for (NodeId r : UniqueReaders(g, v)) {
    const Node& n = g.node(r);
    if (!ReaderTakes(g, n, p, in_region)) return false;
    if (n.op == OpKind::kTranspose) continue;
    for (ValueId out : n.outputs)
      if (HasReaders(g, out) && !LeadsToCancel(g, out, p, region, depth - 1)) return false;
  }
  return true;
}

// ---- step 2: rewriting a reader ----

int64_t NormalizedAxis(int64_t axis, size_t rank) { return axis < 0 ? axis + static_cast<int64_t>(rank) : axis; }

// Slice's axes (input 3; default 0 .. len(starts) - 1) mapped through p.
void RemapSliceAxes(Graph& g, NodeId id, const Perm& p) {
  std::vector<int64_t> axes;
  DType dtype = DType::kI64;
  if (const Tensor* a = ConstantOf(g, g.node(id).has_input(3) ? g.node(id).inputs[3] : kNoValue)) {
    axes = a->ToInt64Vector();
    dtype = a->dtype();
  } else {
    axes.resize(static_cast<size_t>(g.value(g.node(id).inputs[1]).shape[0].size));
    std::iota(axes.begin(), axes.end(), 0);
  }
  for (int64_t& a : axes) a = p[NormalizedAxis(a, p.size())];
  Tensor t(dtype, {static_cast<int64_t>(axes.size())});
  for (size_t i = 0; i < axes.size(); ++i)
    StoreFromDouble(t.view(), static_cast<int64_t>(i), static_cast<double>(axes[i]));
  g.SetInput(id, 3, AddConstant(g, g.node(id).name + ".axes_nhwc", std::move(t)));
}

// Resize: with an axes attribute, remap it; else move scales / sizes / roi entries from dim i to p[i].
void RemapResizeInputs(Graph& g, NodeId id, const Perm& p) {
  Node& n = g.node(id);
  if (n.attrs.has("axes")) {
    std::vector<int64_t> axes = n.attrs.GetInts("axes");
    for (int64_t& a : axes) a = p[NormalizedAxis(a, p.size())];
    n.attrs.set("axes", axes);
    return;
  }
  const Perm q = Inverse(p);
  Perm roi_source = q;  // [starts..., ends...]
  for (int64_t j : q) roi_source.push_back(j + static_cast<int64_t>(p.size()));
  for (size_t slot = 1; slot < 4; ++slot) {
    const Tensor* t = ConstantOf(g, g.node(id).has_input(slot) ? g.node(id).inputs[slot] : kNoValue);
    if (t == nullptr || t->numel() == 0) continue;
    const Perm& source = slot == 1 ? roi_source : q;
    if (t->rank() != 1 || t->numel() != static_cast<int64_t>(source.size())) continue;  // InferShapes reports it
    g.SetInput(id, slot, AddConstant(g, g.value(g.node(id).inputs[slot]).name + "_nhwc", GatherElements(*t, source)));
  }
}

// Elementwise operands that are constants (not broadcast-invariant) become c' = T(c, q).
void PermuteConstantOperands(Graph& g, NodeId id, const Perm& p) {
  for (size_t slot = 0; slot < g.node(id).inputs.size(); ++slot) {
    const ValueId v = g.node(id).inputs[slot];
    const Tensor* c = ConstantOf(g, v);
    if (c == nullptr || IsBroadcastInvariant(g, v, p.size())) continue;
    Tensor permuted = PermuteTensor(PadRank(*c, p.size()), Inverse(p));
    g.SetInput(id, slot, AddConstant(g, g.value(v).name + "_nhwc", std::move(permuted)));
  }
}

// Rewrites reader `id` of p-transposed operands to read them untransposed (ReaderTakes holds).
void SinkInto(Graph& g, NodeId id, const Perm& p) {
  const OpKind op = g.node(id).op;
  if (op == OpKind::kTranspose) {  // T(T(x, p), p2) = T(x, composed)
    const Perm p2 = *PermOf(g.node(id));
    Perm composed(p2.size());
    for (size_t i = 0; i < p2.size(); ++i) composed[i] = p[p2[i]];
    g.SetInput(id, 0, *UntransposedSource(g, g.node(id).inputs[0], p));
    g.node(id).attrs.set("perm", composed);
    return;
  }
  if (op == OpKind::kConcat || op == OpKind::kSplit) {
    Attributes& attrs = g.node(id).attrs;
    attrs.set("axis", p[NormalizedAxis(attrs.GetInt("axis", 0), p.size())]);
  }
  if (op == OpKind::kSlice) RemapSliceAxes(g, id, p);
  if (op == OpKind::kResize) RemapResizeInputs(g, id, p);
  if (IsPool(op)) {  // MaxPool's unused Indices output goes: channels_last has none
    g.node(id).attrs.set("channels_last", int64_t{1});
    g.node(id).outputs.resize(1);
  }
  if (op == OpKind::kIdentity || HasTrait(op, kTraitElementwise)) PermuteConstantOperands(g, id, p);
  for (size_t slot = 0; slot < g.node(id).inputs.size(); ++slot)
    if (auto x = UntransposedSource(g, g.node(id).inputs[slot], p)) g.SetInput(id, slot, *x);
  for (size_t slot = 0; slot < g.node(id).outputs.size(); ++slot)
    if (g.node(id).outputs[slot] != kNoValue) TransposeOutputBack(g, id, slot, p, "_nhwc");
}

// Sinks Transpose node `t_id` (perm p) below the readers that take it (see the file comment).
bool SinkTranspose(Graph& g, NodeId t_id, const std::vector<bool>& region, PassContext& ctx) {
  const Perm p = *PermOf(g.node(t_id));
  const ValueId t = g.node(t_id).outputs[0];
  const std::vector<NodeId> readers = UniqueReaders(g, t);
  const TransposedTest made = MadeByTranspose(g, p);
  bool all_take = !g.value(t).is_graph_output;
  for (NodeId r : readers) all_take = all_take && ReaderTakes(g, g.node(r), p, made);
  bool changed = false;
  for (NodeId r : readers) {
    const Node& n = g.node(r);
    if (n.dead || !ReaderTakes(g, n, p, made)) continue;
    if (!all_take && n.op != OpKind::kTranspose) {
      bool cancels = true;
      for (ValueId out : n.outputs)
        cancels = cancels && (!HasReaders(g, out) || LeadsToCancel(g, out, p, region, kLookaheadDepth));
      if (!cancels) continue;
    }
    const std::string reader_name = n.name, kind = "Transpose+" + std::string(OpName(n.op));
    SinkInto(g, r, p);
    ctx.Record(kPassName, kind, {g.node(t_id).name, reader_name}, reader_name);
    changed = true;
  }
  if (g.value(t).consumers.empty() && !g.value(t).is_graph_output) g.RemoveNode(t_id);
  return changed;
}

// One sweep over every live NHWC -> NCHW Transpose (the ones added during the sweep included).
bool SinkTransposes(Graph& g, PassContext& ctx) {
  const std::vector<bool> region = LayoutRegion(g, kToNchw);
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(g.num_nodes()); ++id) {
    const Node& n = g.node(id);
    if (n.dead || n.op != OpKind::kTranspose || PermOf(n) != kToNchw) continue;
    changed = SinkTranspose(g, id, region, ctx) || changed;
  }
  return changed;
}

// ---- step 3: a Transpose that moves only size-1 dims is a Reshape ----

// True when the dims of size != 1 keep their relative order (and every size is static).
bool MovesOnlyUnitDims(const Shape& in, const Perm& perm) {
  if (in.unknown_rank() || !in.is_static() || in.rank() != perm.size()) return false;
  int64_t last = -1;
  for (int64_t src : perm) {
    if (in[src].size == 0) return false;
    if (in[src].size == 1) continue;
    if (src < last) return false;
    last = src;
  }
  return true;
}

bool UnitTransposesToReshapes(Graph& g, PassContext& ctx) {
  bool changed = false;
  for (NodeId id = 0; id < static_cast<NodeId>(g.num_nodes()); ++id) {
    const Node& n = g.node(id);
    if (n.dead || n.op != OpKind::kTranspose || !PermOf(n)) continue;
    const Shape& in = g.value(n.inputs[0]).shape;
    if (!MovesOnlyUnitDims(in, *PermOf(n))) continue;
    const std::vector<int64_t> out_sizes = PermuteShape(in, *PermOf(n)).sizes();
    const auto rank = static_cast<int64_t>(out_sizes.size());
    const ValueId shape = AddConstant(g, g.value(n.outputs[0]).name + "_shape",
                                      Tensor::FromVector<int64_t>(DType::kI64, {rank}, out_sizes));
    g.node(id).op = OpKind::kReshape;
    g.node(id).attrs = Attributes();
    g.SetInput(id, 1, shape);
    ctx.Record(kPassName, "Transpose->Reshape", {g.node(id).name}, g.node(id).name);
    changed = true;
  }
  return changed;
}

// Compact, re-sort and re-infer between steps, as the pipeline does between passes.
void Tidy(Graph& g, const PassContext& ctx) {
  Status s = g.TopologicalSort();
  g.Compact();
  if (s.ok()) s = InferShapes(g);
  if (!s.ok()) ctx.Logf(std::string(kPassName) + ": " + s.message());
}

}  // namespace

bool RunLayoutNhwc(Graph& graph, PassContext& ctx, const LayoutNhwcOptions& options) {
  std::vector<NodeId> chosen;
  for (NodeId id = 0; id < static_cast<NodeId>(graph.num_nodes()); ++id)
    if (CanRunNhwc(graph, graph.node(id)) && (!options.convert || options.convert(graph, graph.node(id))))
      chosen.push_back(id);
  if (chosen.empty()) return false;
  for (NodeId id : chosen) ConvertConv(graph, id, ctx);
  Tidy(graph, ctx);
  // Sinking and cancelling feed each other; each round moves Transposes strictly downwards, so
  // the graph's depth bounds the rounds (the cap only guards against a bug looping forever).
  for (size_t round = 0; round < graph.num_nodes() + 1; ++round) {
    const bool cancelled = RunCancelTransposes(graph, ctx);
    const bool sunk = SinkTransposes(graph, ctx);
    Tidy(graph, ctx);
    if (!cancelled && !sunk) break;
  }
  RunEliminateIdentity(graph, ctx);  // Transposes composed to the identity
  Tidy(graph, ctx);
  UnitTransposesToReshapes(graph, ctx);
  RunFoldConstants(graph, ctx);
  RunEliminateDeadCode(graph, ctx);
  Tidy(graph, ctx);
  return true;
}

bool RunLayoutNhwc(Graph& graph, PassContext& ctx) { return RunLayoutNhwc(graph, ctx, LayoutNhwcOptions{}); }

}  // namespace mrt
