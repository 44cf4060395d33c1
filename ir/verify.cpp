#include "ir/verify.h"

#include <algorithm>

#include "ir/infer_shapes.h"
#include "ir/op_table.h"

namespace mrt {

namespace {

Status VerifyNodeLinks(const Graph& g, NodeId id, std::vector<char>& defined) {
  const Node& n = g.node(id);
  const std::string where = NodeContext(n);
  const auto nv = static_cast<ValueId>(g.num_values());
  const OpInfo& info = GetOpInfo(n.op);
  const auto n_in = static_cast<int>(n.inputs.size());
  if (n_in < info.min_inputs || (info.max_inputs >= 0 && n_in > info.max_inputs))
    return Status::Errorf("{}has {} inputs, outside the op's bounds", where, n_in);
  for (ValueId v : n.inputs) {
    if (v == kNoValue) continue;
    if (v < 0 || v >= nv) return Status::Errorf("{}input handle {} is out of range", where, v);
    if (!defined[v]) return Status::Errorf("{}uses '{}' before it is produced", where, g.value(v).name);
    const auto& cons = g.value(v).consumers;
    if (std::find(cons.begin(), cons.end(), id) == cons.end())
      return Status::Errorf("{}is missing from the consumers of '{}'", where, g.value(v).name);
  }
  for (ValueId v : n.outputs) {
    if (v == kNoValue) continue;
    if (v < 0 || v >= nv) return Status::Errorf("{}output handle {} is out of range", where, v);
    if (defined[v]) return Status::Errorf("{}output '{}' is produced more than once", where, g.value(v).name);
    if (g.value(v).producer != id) return Status::Errorf("{}output '{}' names another producer", where, g.value(v).name);
    defined[v] = 1;
  }
  return Status::Ok();
}

}  // namespace

Status Verify(const Graph& g) {
  std::vector<char> defined(g.num_values(), 0);
  for (ValueId v = 0; v < static_cast<ValueId>(g.num_values()); ++v) {
    const Value& val = g.value(v);
    if (val.is_weight()) {
      defined[v] = 1;
      if (val.producer != kNoNode) return Status::Errorf("weight '{}' also has a producer node", val.name);
      if (val.weight->dtype() != val.dtype || val.weight->shape() != val.shape)
        return Status::Errorf("weight '{}' is declared {}{} but holds {}{}", val.name, DTypeName(val.dtype),
                              val.shape.ToString(), DTypeName(val.weight->dtype()), val.weight->shape().ToString());
    }
    if (val.is_graph_input) defined[v] = 1;
  }
  for (ValueId v : g.inputs)
    if (g.value(v).producer != kNoNode) return Status::Errorf("graph input '{}' has a producer node", g.value(v).name);

  for (NodeId id = 0; id < static_cast<NodeId>(g.num_nodes()); ++id) {
    if (g.node(id).dead) continue;
    MRT_RETURN_IF_ERROR(VerifyNodeLinks(g, id, defined));
  }
  for (ValueId v = 0; v < static_cast<ValueId>(g.num_values()); ++v) {
    const Value& val = g.value(v);
    for (NodeId c : val.consumers) {
      if (c < 0 || c >= static_cast<NodeId>(g.num_nodes()) || g.node(c).dead)
        return Status::Errorf("value '{}' lists a consumer that is not a live node", val.name);
      const auto& ins = g.node(c).inputs;
      if (std::find(ins.begin(), ins.end(), v) == ins.end())
        return Status::Errorf("value '{}' lists node '{}' as consumer but it does not use it", val.name,
                              g.node(c).name);
    }
    if (defined[v] && val.dtype == DType::kUndefined && !val.consumers.empty())
      return Status::Errorf("value '{}' has no dtype", val.name);
  }
  for (ValueId v : g.outputs)
    if (!defined[v]) return Status::Errorf("graph output '{}' is never produced", g.value(v).name);
  return Status::Ok();
}

}  // namespace mrt
