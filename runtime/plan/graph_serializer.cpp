// The graph and weights sections (layout in plan_format.h).
//
// graph section:
//   string name, i64 opset
//   u32 tensor count; per tensor: dtype, u32 rank, i64 sizes..., u64 offset, u64 bytes
//       (offset and bytes into the weights section; weights and tensor attributes share the
//        table, and a tensor several values share is stored once)
//   u32 value count; per value: string name, dtype, shape, i32 tensor index (-1: activation)
//   u32 node count; per node: string op, name, precision, layout, tactic,
//       u32 + i32 input ids (-1: absent optional input), u32 + i32 output ids,
//       u32 attribute count; per attribute: string name, u8 tag (the AttrValue variant index),
//       payload (i64 | f32 | string | u32 + i64s | u32 + f32s | u32 + strings | i32 tensor index)
//   u32 + i32 graph input ids, u32 + i32 graph output ids
//
// Value ids are kept exactly (values are re-added in order), because the memory plan section
// is indexed by ValueId.
#include <map>

#include "ir/op_table.h"
#include "ir/verify.h"
#include "runtime/plan/plan_sections.h"

namespace mrt::plan {

namespace {

static_assert(std::variant_size_v<AttrValue> == 7, "a new attribute type needs a tag in the graph section");
enum AttrTag : uint8_t { kTagInt, kTagFloat, kTagString, kTagInts, kTagFloats, kTagStrings, kTagTensor };

// Distinct tensors of a graph, in first-use order, and where each one's bytes went.
class TensorTable {
 public:
  int32_t Add(const std::shared_ptr<const Tensor>& t) {
    if (!t) return -1;
    auto [it, inserted] = index_.emplace(t.get(), static_cast<int32_t>(tensors_.size()));
    if (inserted) tensors_.push_back(t.get());
    return it->second;
  }
  void Encode(ByteWriter& w, ByteWriter& weights) const {
    w.U32(static_cast<uint32_t>(tensors_.size()));
    for (const Tensor* t : tensors_) {
      weights.PadTo(kSectionAlignment);
      EncodeDType(w, t->dtype());
      w.U32(static_cast<uint32_t>(t->rank()));
      for (int64_t d : t->sizes()) w.I64(d);
      w.U64(weights.size());
      w.U64(t->nbytes());
      weights.Raw(t->raw(), t->nbytes());
    }
  }

 private:
  std::map<const Tensor*, int32_t> index_;
  std::vector<const Tensor*> tensors_;
};

void EncodeIds(ByteWriter& w, const std::vector<int32_t>& ids) {
  w.U32(static_cast<uint32_t>(ids.size()));
  for (int32_t id : ids) w.I32(id);
}

void EncodeAttribute(ByteWriter& w, const AttrValue& value, TensorTable& tensors) {
  w.U8(static_cast<uint8_t>(value.index()));
  switch (value.index()) {
    case kTagInt:
      w.I64(std::get<int64_t>(value));
      break;
    case kTagFloat:
      w.F32(std::get<float>(value));
      break;
    case kTagString:
      w.String(std::get<std::string>(value));
      break;
    case kTagInts: {
      const auto& xs = std::get<std::vector<int64_t>>(value);
      w.U32(static_cast<uint32_t>(xs.size()));
      for (int64_t x : xs) w.I64(x);
      break;
    }
    case kTagFloats: {
      const auto& xs = std::get<std::vector<float>>(value);
      w.U32(static_cast<uint32_t>(xs.size()));
      for (float x : xs) w.F32(x);
      break;
    }
    case kTagStrings: {
      const auto& xs = std::get<std::vector<std::string>>(value);
      w.U32(static_cast<uint32_t>(xs.size()));
      for (const std::string& x : xs) w.String(x);
      break;
    }
    case kTagTensor:
      w.I32(tensors.Add(std::get<std::shared_ptr<const Tensor>>(value)));
      break;
  }
}

void EncodeNode(ByteWriter& w, const Node& n, TensorTable& tensors) {
  w.String(OpName(n.op));
  w.String(n.name);
  w.String(n.precision);
  w.String(n.layout);
  w.String(n.tactic);
  EncodeIds(w, n.inputs);
  EncodeIds(w, n.outputs);
  w.U32(static_cast<uint32_t>(n.attrs.all().size()));
  for (const auto& [name, value] : n.attrs.all()) {
    w.String(name);
    EncodeAttribute(w, value, tensors);
  }
}

}  // namespace

Status EncodeGraph(const Graph& graph, ByteWriter& out, ByteWriter& weights) {
  if (graph.CountLiveNodes() != graph.num_nodes())
    return Status::Error("the graph has removed nodes still in it: Compact() it before writing a plan");
  TensorTable tensors;
  // Nodes and values first (into a scratch writer) so the tensor table, which they fill, can
  // precede them in the section.
  ByteWriter body;
  body.U32(static_cast<uint32_t>(graph.num_values()));
  for (const Value& v : graph.values()) {
    body.String(v.name);
    EncodeDType(body, v.dtype);
    EncodeShape(body, v.shape);
    body.I32(tensors.Add(v.weight));
  }
  body.U32(static_cast<uint32_t>(graph.num_nodes()));
  for (const Node& n : graph.nodes()) EncodeNode(body, n, tensors);
  EncodeIds(body, graph.inputs);
  EncodeIds(body, graph.outputs);

  out.String(graph.name);
  out.I64(graph.opset);
  tensors.Encode(out, weights);
  out.Raw(body.bytes().data(), body.size());
  return Status::Ok();
}

// --- decoding ---

namespace {

// Multiplies sizes, failing on a negative size or on overflow past `limit` elements.
std::optional<uint64_t> CheckedNumel(const std::vector<int64_t>& sizes, uint64_t limit) {
  uint64_t n = 1;
  for (int64_t d : sizes) {
    if (d < 0) return std::nullopt;
    if (d != 0 && n > limit / static_cast<uint64_t>(d)) return std::nullopt;
    n *= static_cast<uint64_t>(d);
  }
  return n;
}

std::shared_ptr<const Tensor> DecodeTensor(ByteReader& r, std::span<const uint8_t> weights, uint32_t index) {
  const DType dtype = DecodeDType(r);
  const uint32_t rank = r.Count(8, "tensor dims");
  std::vector<int64_t> sizes(rank);
  for (int64_t& d : sizes) d = r.I64();
  const uint64_t offset = r.U64(), nbytes = r.U64();
  if (!r.ok()) return nullptr;
  if (dtype == DType::kUndefined) return r.Fail(fmt::format("tensor {} has no dtype", index)), nullptr;
  const std::optional<uint64_t> numel = CheckedNumel(sizes, weights.size());
  if (!numel || *numel * DTypeSize(dtype) != nbytes)
    return r.Fail(fmt::format("tensor {} is {}{} but claims {} bytes", index, DTypeName(dtype), SizesForMessage(sizes),
                              nbytes)),
           nullptr;
  if (offset > weights.size() || nbytes > weights.size() - offset)
    return r.Fail(fmt::format("tensor {} lies at bytes [{}, {}) of a {}-byte weights section", index, offset,
                              offset + nbytes, weights.size())),
           nullptr;
  auto t = std::make_shared<Tensor>(dtype, sizes);
  if (nbytes) std::memcpy(t->raw(), weights.data() + offset, nbytes);
  return t;
}

std::vector<int32_t> DecodeIds(ByteReader& r, int32_t lowest, int32_t count, std::string_view what) {
  const uint32_t n = r.Count(4, fmt::format("{} ids", what));
  std::vector<int32_t> ids(n);
  for (int32_t& id : ids) {
    id = r.I32();
    if (r.ok() && (id < lowest || id >= count))
      r.Fail(fmt::format("{} id {} is out of range [{}, {})", what, id, lowest, count));
  }
  if (!r.ok()) ids.clear();  // never hand an unchecked id to the graph
  return ids;
}

using TensorList = std::vector<std::shared_ptr<const Tensor>>;

std::shared_ptr<const Tensor> TensorAt(ByteReader& r, const TensorList& tensors, int32_t index, bool allow_null) {
  if (index == -1 && allow_null) return nullptr;
  if (index < 0 || static_cast<size_t>(index) >= tensors.size()) {
    r.Fail(fmt::format("tensor index {} is out of range (the table has {})", index, tensors.size()));
    return nullptr;
  }
  return tensors[index];
}

AttrValue DecodeAttribute(ByteReader& r, const TensorList& tensors) {
  switch (const uint8_t tag = r.U8(); tag) {
    case kTagInt:
      return r.I64();
    case kTagFloat:
      return r.F32();
    case kTagString:
      return r.String();
    case kTagInts: {
      std::vector<int64_t> xs(r.Count(8, "ints"));
      for (int64_t& x : xs) x = r.I64();
      return xs;
    }
    case kTagFloats: {
      std::vector<float> xs(r.Count(4, "floats"));
      for (float& x : xs) x = r.F32();
      return xs;
    }
    case kTagStrings: {
      std::vector<std::string> xs(r.Count(4, "strings"));
      for (std::string& x : xs) x = r.String();
      return xs;
    }
    case kTagTensor:
      return TensorAt(r, tensors, r.I32(), /*allow_null=*/true);
    default:
      if (r.ok()) r.Fail(fmt::format("unknown attribute type tag {}", tag));
      return int64_t{0};
  }
}

// Adds one node to `graph`; ids were range-checked against the values already added.
void DecodeNode(ByteReader& r, const TensorList& tensors, Graph& graph) {
  const std::string op_name = r.String();
  const std::optional<OpKind> op = OpKindFromName(op_name);
  if (r.ok() && !op)
    return r.Fail(fmt::format("unknown op '{}' (the plan was written by a newer mini-rt?)", Printable(op_name)));
  Node n;
  n.name = r.String();
  n.precision = r.String();
  n.layout = r.String();
  n.tactic = r.String();
  const auto num_values = static_cast<int32_t>(graph.num_values());
  n.inputs = DecodeIds(r, kNoValue, num_values, "node input");
  n.outputs = DecodeIds(r, kNoValue, num_values, "node output");
  const uint32_t num_attrs = r.Count(5, "attributes");
  for (uint32_t i = 0; i < num_attrs && r.ok(); ++i) {
    std::string name = r.String();
    AttrValue value = DecodeAttribute(r, tensors);
    n.attrs.set(name, std::move(value));
  }
  if (!r.ok()) return;
  const NodeId id = graph.AddNode(*op, n.name, n.inputs, n.outputs, std::move(n.attrs));
  Node& added = graph.node(id);
  added.precision = std::move(n.precision);
  added.layout = std::move(n.layout);
  added.tactic = std::move(n.tactic);
}

void DecodeValue(ByteReader& r, const TensorList& tensors, Graph& graph) {
  std::string name = r.String();
  const DType dtype = DecodeDType(r);
  Shape shape = DecodeShape(r);
  const int32_t tensor_index = r.I32();
  if (!r.ok()) return;
  std::shared_ptr<const Tensor> weight = TensorAt(r, tensors, tensor_index, /*allow_null=*/true);
  if (!r.ok()) return;
  const ValueId id = weight ? graph.AddWeight(std::move(name), std::move(weight)) : graph.AddValue(std::move(name));
  graph.value(id).dtype = dtype;
  graph.value(id).shape = std::move(shape);
}

}  // namespace

Expected<Graph> DecodeGraph(std::span<const uint8_t> section, std::span<const uint8_t> weights) {
  ByteReader r(section, "the graph section");
  Graph graph;
  graph.name = r.String();
  graph.opset = r.I64();
  TensorList tensors(r.Count(24, "tensors"));  // dtype 4+, rank 4, offset 8, bytes 8
  for (uint32_t i = 0; i < tensors.size() && r.ok(); ++i) tensors[i] = DecodeTensor(r, weights, i);
  const uint32_t num_values = r.Count(17, "values");  // name 4+, dtype 4+, shape 5+, tensor 4
  for (uint32_t i = 0; i < num_values && r.ok(); ++i) DecodeValue(r, tensors, graph);
  const uint32_t num_nodes = r.Count(32, "nodes");  // 5 strings, 3 counts
  for (uint32_t i = 0; i < num_nodes && r.ok(); ++i) DecodeNode(r, tensors, graph);
  const auto nv = static_cast<int32_t>(graph.num_values());
  for (ValueId v : DecodeIds(r, 0, nv, "graph input")) graph.AddGraphInput(v);
  for (ValueId v : DecodeIds(r, 0, nv, "graph output")) graph.AddGraphOutput(v);
  if (r.ok() && !r.at_end()) r.Fail(fmt::format("{} bytes follow the graph", r.remaining()));
  if (!r.ok()) return r.status();
  MRT_RETURN_IF_ERROR(Verify(graph).WithContext("the graph section does not verify: "));
  return graph;
}

}  // namespace mrt::plan
