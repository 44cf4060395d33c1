// Shared by the plan tests: a small graph that exercises every part of the graph section, a
// plan around it, and helpers to edit serialized plans (flip bytes, then re-seal checksums so a
// test can reach the decoders past the integrity checks).
#pragma once

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>

#include "runtime/plan/plan_format.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt::testing {

// x f32[1,3,5,5] -> Conv(w, b) {every attribute type} -> Relu -> Reshape(shape) -> Add(scalar)
// -> y; the scalar weight is shared by two values; a Sigmoid on x gives a second output.
inline Graph PlanTestGraph() {
  GraphBuilder gb;
  const ValueId x = gb.Input("x", DType::kF32, {1, 3, 5, 5});
  const ValueId w = gb.Weight("w", RandomTensor(DType::kF32, {4, 3, 3, 3}, 11));
  const ValueId b = gb.Weight("b", RandomTensor(DType::kF32, {4}, 12));
  Attributes conv = Attrs({{"group", int64_t{1}},
                           {"kernel_shape", std::vector<int64_t>{3, 3}},
                           {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                           {"strides", std::vector<int64_t>{2, 2}},
                           {"auto_pad", std::string("NOTSET")},
                           {"dilations", std::vector<int64_t>{1, 1}}});
  // Attributes the Conv kernel ignores, there to cover the other variant types.
  conv.set("x_alpha", 0.25f);
  conv.set("x_floats", std::vector<float>{1.5f, -2.f});
  conv.set("x_strings", std::vector<std::string>{"a", "", "ccc"});
  conv.set("x_tensor", std::make_shared<const Tensor>(Tensor::FromVector<int32_t>(DType::kI32, {2}, {7, -9})));
  const ValueId c = gb.Op(OpKind::kConv, {x, w, b}, conv, 1, "conv");
  const ValueId r = gb.Op(OpKind::kRelu, {c}, {}, 1, "relu");
  const ValueId shape = gb.Ints("shape", {1, 4, 9});
  const ValueId flat = gb.Op(OpKind::kReshape, {r, shape}, Attrs({{"allowzero", int64_t{0}}}), 1, "reshape");
  auto half = std::make_shared<const Tensor>(Tensor::Scalar(0.5f));
  const ValueId h1 = gb.graph().AddWeight("half_a", half);
  const ValueId h2 = gb.graph().AddWeight("half_b", half);
  const ValueId sum = gb.Op(OpKind::kAdd, {flat, h1}, {}, 1, "add");
  const ValueId y = gb.Op(OpKind::kMul, {sum, h2}, {}, 1, "mul");
  const ValueId s = gb.Op(OpKind::kSigmoid, {x}, {}, 1, "sigmoid");
  gb.Output(y);
  gb.Output(s);
  Graph g = gb.Build();
  g.name = "plan_test";
  g.opset = 17;
  g.node(0).precision = "fp32";
  g.node(0).layout = "nchw";
  g.node(0).tactic = "reference";
  return g;
}

inline plan::Plan PlanAround(Graph graph) {
  plan::Plan p;
  p.writer_version = "0.1.0-test";
  p.target.host_arch = "x86_64";
  p.build.model_path = "models/test.onnx";
  p.build.model_xxh64 = 0x0123456789abcdefull;
  p.build.model_bytes = 4242;
  p.build.precisions = {"fp32"};
  p.build.input_shapes = {{"x", {1, 3, 5, 5}}};
  p.build.command_line = "mini-rt compile models/test.onnx -o t.plan";
  p.build.passes_run = {"fold_constants", "fuse_pointwise"};
  p.build.passes_disabled = {"fold_batchnorm"};
  p.build.created_unix_seconds = 1700000000;
  p.build.nodes_before = 9;
  p.build.ops_before = {{"Conv", 1}, {"Relu", 2}};
  p.build.rewrites = {{"fuse_conv_gemm_epilogue", "Conv+Relu", {"conv", "relu"}, "conv"},
                      {"fold_constants", "constant", {"c0"}, "c0_out"}};
  p.graph = std::move(graph);
  return p;
}

inline std::vector<uint8_t> MustSerialize(plan::Plan& p) {
  Expected<std::vector<uint8_t>> bytes = plan::SerializePlan(p);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

inline std::string ParseError(const std::vector<uint8_t>& bytes, const plan::ReadPlanOptions& options = {}) {
  Expected<plan::Plan> p = plan::ParsePlan(bytes, "model.plan", options);
  return p.ok() ? std::string("(parsed fine)") : p.status().message();
}

inline uint64_t Xxh(const uint8_t* data, size_t n) { return XXH64(data, n, 0); }
inline void PutU64(std::vector<uint8_t>& b, size_t at, uint64_t v) { std::memcpy(b.data() + at, &v, 8); }
inline uint64_t GetU64(const std::vector<uint8_t>& b, size_t at) {
  uint64_t v;
  std::memcpy(&v, b.data() + at, 8);
  return v;
}

// Recomputes every checksum of a serialized plan whose layout (`sections`, from SerializePlan)
// is unchanged: the section table sits at the end of the header block, 28 bytes per entry with
// the checksum last.
inline void Reseal(std::vector<uint8_t>& b, const std::vector<plan::SectionEntry>& sections) {
  const uint64_t header_size = GetU64(b, 24);
  const size_t table_end = plan::kPrefixBytes + header_size;
  for (size_t i = 0; i < sections.size(); ++i) {
    const size_t entry = table_end - (sections.size() - i) * 28;
    PutU64(b, entry + 20, Xxh(b.data() + sections[i].offset, sections[i].size));
  }
  PutU64(b, 32, Xxh(b.data() + plan::kPrefixBytes, header_size));
  PutU64(b, 40, Xxh(b.data(), 40));
  PutU64(b, b.size() - 8, Xxh(b.data(), b.size() - 8));
}

inline const plan::SectionEntry& SectionOf(const plan::Plan& p, plan::SectionKind kind) {
  for (const plan::SectionEntry& s : p.sections)
    if (s.kind == kind) return s;
  ADD_FAILURE() << "no section " << plan::SectionKindName(kind);
  return p.sections.front();
}

}  // namespace mrt::testing
