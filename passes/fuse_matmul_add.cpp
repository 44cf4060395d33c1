// fuse_matmul_add: a fully connected layer exported as MatMul + Add becomes one Gemm.
//
// Pattern: y = Add(MatMul(A, B), bias)  (or Add(bias, MatMul(A, B))), as paddle2onnx writes every
// fc layer and PyTorch writes nn.Linear on 2-D input for some opsets.
// Math: Gemm(A, B, C) with alpha = beta = 1 and no transposes is A * B + C, C broadcast to [M, N]:
// the same sum when the bias is C.
// Preconditions: A has rank 2 (its dims may be dynamic); B is a rank-2 constant; the bias is a
// constant whose broadcast against [M, N] stays [M, N] (shape [], [1], [N], [1, N], [M, N] or
// [M, 1] with M static); a float dtype; the MatMul's output is read only by the Add and is not a
// graph output.
// Leaves alone: MatMul with A of rank > 2 or unknown rank (batched), non-constant B or bias,
// integer MatMul, and a bias that would broadcast the result to a larger shape.
#include "ir/op_table.h"
#include "passes/graph_edit.h"
#include "passes/passes.h"

namespace mrt {

namespace {

constexpr const char* kPassName = "fuse_matmul_add";

// True when bias dims, right-aligned against [M, N], are each 1 or the (static) dim itself.
bool BiasFitsOutput(const Tensor& bias, const Shape& out) {
  if (bias.rank() > 2 || out.rank() != 2) return false;
  for (size_t j = 0; j < bias.rank(); ++j) {
    const int64_t size = bias.sizes()[j];
    const Dim& want = out[2 - bias.rank() + j];
    if (size != 1 && !(want.is_static() && want.size == size)) return false;
  }
  return true;
}

struct MatMulAddMatch {
  NodeId matmul = kNoNode, add = kNoNode;
  ValueId a = kNoValue, b = kNoValue, bias = kNoValue;
};

// Matches the pattern at Add node `add_id`.
std::optional<MatMulAddMatch> Match(const Graph& g, NodeId add_id) {
  const Node& add = g.node(add_id);
  if (add.op != OpKind::kAdd || add.inputs.size() != 2) return std::nullopt;
  for (int slot : {0, 1}) {
    const ValueId product = add.inputs[slot], bias = add.inputs[1 - slot];
    const Node* matmul = ProducerIf(g, product, OpKind::kMatMul);
    if (matmul == nullptr || !HasSingleUse(g, product)) continue;
    const Value& a = g.value(matmul->inputs[0]);
    const Tensor* b = ConstantOf(g, matmul->inputs[1]);
    const Tensor* c = ConstantOf(g, bias);
    if (a.shape.unknown_rank() || a.shape.rank() != 2 || !IsFloat(a.dtype)) continue;
    if (b == nullptr || b->rank() != 2 || c == nullptr || c->dtype() != a.dtype) continue;
    if (!BiasFitsOutput(*c, g.value(product).shape)) continue;
    return MatMulAddMatch{g.value(product).producer, add_id, matmul->inputs[0], matmul->inputs[1], bias};
  }
  return std::nullopt;
}

}  // namespace

bool RunFuseMatMulAdd(Graph& graph, PassContext& ctx) {
  bool changed = false;
  const auto original_nodes = static_cast<NodeId>(graph.num_nodes());
  for (NodeId id = 0; id < original_nodes; ++id) {
    if (graph.node(id).dead) continue;
    const std::optional<MatMulAddMatch> m = Match(graph, id);
    if (!m) continue;
    const std::string matmul_name = graph.node(m->matmul).name, add_name = graph.node(m->add).name;
    const ValueId out = graph.node(m->add).outputs[0];
    graph.RemoveNode(m->add);
    graph.RemoveNode(m->matmul);
    Attributes attrs;
    attrs.set("alpha", 1.0f);
    attrs.set("beta", 1.0f);
    attrs.set("transA", int64_t{0});
    attrs.set("transB", int64_t{0});
    const NodeId gemm = graph.AddNode(OpKind::kGemm, matmul_name, {m->a, m->b, m->bias}, {out}, std::move(attrs));
    ctx.Record(kPassName, "MatMul+Add->Gemm", {matmul_name, add_name}, graph.node(gemm).name);
    changed = true;
  }
  // Each Gemm was appended after the Add's readers; restore producer-before-reader order.
  if (changed) (void)graph.TopologicalSort();  // cannot fail: each rewrite replaces two nodes by one
  return changed;
}

}  // namespace mrt
