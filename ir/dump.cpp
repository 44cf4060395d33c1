#include "ir/dump.h"

#include <algorithm>
#include <map>

#include "ir/op_table.h"
#include "ir/pointwise_program.h"

namespace mrt {

std::string AttrValueToString(const AttrValue& v) {
  struct Printer {
    std::string operator()(int64_t x) const { return std::to_string(x); }
    std::string operator()(float x) const { return fmt::format("{:g}", x); }
    std::string operator()(const std::string& s) const { return "\"" + s + "\""; }
    std::string operator()(const std::vector<int64_t>& xs) const { return fmt::format("[{}]", fmt::join(xs, ",")); }
    std::string operator()(const std::vector<float>& xs) const { return fmt::format("[{:g}]", fmt::join(xs, ",")); }
    std::string operator()(const std::vector<std::string>& xs) const { return fmt::format("[{}]", fmt::join(xs, ",")); }
    std::string operator()(const std::shared_ptr<const Tensor>& t) const {
      return t ? fmt::format("tensor<{}{}>", DTypeName(t->dtype()), SizesToString(t->sizes())) : "tensor<null>";
    }
  };
  return std::visit(Printer{}, v);
}

namespace {
std::string ValueRef(const Graph& g, ValueId v) {
  if (v == kNoValue) return "_";
  const Value& val = g.value(v);
  return (val.is_weight() ? "%w" : "%") + std::to_string(v);
}
std::string TypeOf(const Value& v) { return std::string(DTypeName(v.dtype)) + v.shape.ToString(); }
}  // namespace

std::string DumpNode(const Graph& g, NodeId id) {
  const Node& n = g.node(id);
  std::vector<std::string> outs, ins, attrs, types;
  for (ValueId v : n.outputs) {
    outs.push_back(ValueRef(g, v));
    if (v != kNoValue) types.push_back(TypeOf(g.value(v)));
  }
  for (ValueId v : n.inputs) ins.push_back(ValueRef(g, v));
  bool program_shown = false;  // a Pointwise node shows its program's readable form, not its encoding
  if (n.op == OpKind::kPointwise) {
    auto program = ReadPointwiseProgram(n.attrs, n.inputs.size());
    if (program.ok()) attrs.push_back(ToString(*program));
    program_shown = program.ok();
  }
  for (const auto& [k, v] : n.attrs.all())
    if (!program_shown || (k != "program" && k != "constants")) attrs.push_back(k + "=" + AttrValueToString(v));
  std::string line = fmt::format("{} = {}({})", fmt::join(outs, ", "), OpName(n.op), fmt::join(ins, ", "));
  if (!attrs.empty()) line += fmt::format(" {{{}}}", fmt::join(attrs, " "));
  line += fmt::format(" -> {}", fmt::join(types, ", "));
  if (!n.precision.empty()) line += " precision=" + n.precision;
  if (!n.tactic.empty()) line += " tactic=" + n.tactic;
  return line + "  # " + n.name;
}

std::string Dump(const Graph& g) {
  std::string out = fmt::format("graph '{}' (opset {})\n", g.name, g.opset);
  for (ValueId v : g.inputs) out += fmt::format("  input  %{} '{}': {}\n", v, g.value(v).name, TypeOf(g.value(v)));
  for (ValueId v = 0; v < static_cast<ValueId>(g.num_values()); ++v)
    if (g.value(v).is_weight())
      out += fmt::format("  weight %w{} '{}': {}\n", v, g.value(v).name, TypeOf(g.value(v)));
  for (NodeId id = 0; id < static_cast<NodeId>(g.num_nodes()); ++id)
    if (!g.node(id).dead) out += "  " + DumpNode(g, id) + "\n";
  for (ValueId v : g.outputs) out += fmt::format("  output %{} '{}': {}\n", v, g.value(v).name, TypeOf(g.value(v)));
  return out;
}

std::string OpHistogram(const Graph& g) {
  std::map<std::string_view, int> counts;
  for (const Node& n : g.nodes())
    if (!n.dead) ++counts[OpName(n.op)];
  std::vector<std::pair<std::string_view, int>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (const auto& [name, count] : rows) parts.push_back(fmt::format("{}: {}", name, count));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace mrt
