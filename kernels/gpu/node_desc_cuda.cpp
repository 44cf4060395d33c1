#include "ir/op_table.h"
#include "kernels/gpu/tactic.h"

namespace mrt::gpu {

Expected<NodeDesc> MakeNodeDesc(const Graph& graph, const Node& node, MathOptions math) {
  NodeDesc d;
  d.node = &node;
  d.math = math;
  auto describe = [&](ValueId id, std::vector<TensorDesc>& list) -> Status {
    TensorDesc t;
    if (id != kNoValue) {
      const Value& v = graph.value(id);
      if (!v.shape.is_static())
        return Status::Errorf("node '{}' ({}): value '{}' has shape {}, but the CUDA backend needs static shapes "
                              "(pass --shapes)", node.name, OpName(node.op), v.name, v.shape.ToString());
      t.dtype = v.dtype;
      t.sizes = v.shape.sizes();
      t.constant = v.weight.get();
    }
    list.push_back(std::move(t));
    return Status::Ok();
  };
  for (ValueId id : node.inputs) MRT_RETURN_IF_ERROR(describe(id, d.inputs));
  for (ValueId id : node.outputs) MRT_RETURN_IF_ERROR(describe(id, d.outputs));
  return d;
}

}  // namespace mrt::gpu
