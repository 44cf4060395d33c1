// The plan file round trip: what is written is what is read back (graph Dump, every value,
// weights and tensor attributes bit for bit, shared weights stored once, symbolic dims, the
// header records, the memory plan), and a loaded plan computes the same outputs.
#include <filesystem>
#include <fstream>

#include "ir/dump.h"
#include "runtime/plan/plan_format.h"
#include "tests/runtime/plan_test_util.h"

namespace mrt::testing {
namespace {

using plan::Plan;
using plan::SectionKind;

Plan RoundTrip(Plan& p) {
  const std::vector<uint8_t> bytes = MustSerialize(p);
  Expected<Plan> back = plan::ParsePlan(bytes, "rt.plan");
  EXPECT_TRUE(back.ok()) << back.status().message();
  return back.ok() ? std::move(*back) : Plan{};
}

bool SameBytes(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.sizes() == b.sizes() && a.nbytes() == b.nbytes() &&
         std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

TEST(PlanRoundTrip, GraphValuesAndWeightsComeBackIdentical) {
  Plan p = PlanAround(PlanTestGraph());
  const Plan back = RoundTrip(p);
  const Graph& g = p.graph;
  const Graph& h = back.graph;
  EXPECT_EQ(Dump(h), Dump(g));
  EXPECT_EQ(h.name, "plan_test");
  EXPECT_EQ(h.opset, 17);
  ASSERT_EQ(h.num_values(), g.num_values());
  ASSERT_EQ(h.num_nodes(), g.num_nodes());
  for (ValueId v = 0; v < static_cast<ValueId>(g.num_values()); ++v) {
    SCOPED_TRACE(g.value(v).name);
    EXPECT_EQ(h.value(v).name, g.value(v).name);
    EXPECT_EQ(h.value(v).dtype, g.value(v).dtype);
    EXPECT_EQ(h.value(v).shape, g.value(v).shape);
    EXPECT_EQ(h.value(v).producer, g.value(v).producer);
    EXPECT_EQ(h.value(v).consumers, g.value(v).consumers);
    EXPECT_EQ(h.value(v).is_graph_input, g.value(v).is_graph_input);
    EXPECT_EQ(h.value(v).is_graph_output, g.value(v).is_graph_output);
    ASSERT_EQ(h.value(v).is_weight(), g.value(v).is_weight());
    if (g.value(v).is_weight()) {
      EXPECT_TRUE(SameBytes(*h.value(v).weight, *g.value(v).weight));
    }
  }
  EXPECT_EQ(h.inputs, g.inputs);
  EXPECT_EQ(h.outputs, g.outputs);
  EXPECT_EQ(h.node(0).precision, "fp32");
  EXPECT_EQ(h.node(0).layout, "nchw");
  EXPECT_EQ(h.node(0).tactic, "reference");
  // Every attribute type, compared as values (Dump shows only a tensor's type).
  for (const auto& [name, value] : g.node(0).attrs.all()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(h.node(0).attrs.has(name));
    const AttrValue& got = h.node(0).attrs.all().at(name);
    ASSERT_EQ(got.index(), value.index());
    if (auto t = std::get_if<std::shared_ptr<const Tensor>>(&value))
      EXPECT_TRUE(SameBytes(*std::get<std::shared_ptr<const Tensor>>(got), **t));
    else
      EXPECT_TRUE(got == value);
  }
  EXPECT_EQ(h.node(0).attrs.GetFloat("x_alpha"), 0.25f);
  EXPECT_EQ(h.node(0).attrs.Get<std::vector<std::string>>("x_strings"), (std::vector<std::string>{"a", "", "ccc"}));
}

TEST(PlanRoundTrip, ASharedWeightIsStoredOnceAndStaysShared) {
  Plan p = PlanAround(PlanTestGraph());
  const Plan back = RoundTrip(p);
  const ValueId a = *back.graph.FindValue("half_a"), b = *back.graph.FindValue("half_b");
  EXPECT_EQ(back.graph.value(a).weight.get(), back.graph.value(b).weight.get());
  // The weights section holds w (432 B), b (16 B), shape (24 B), half (4 B) and the tensor
  // attribute (8 B), each at a 64-byte boundary: 448 + 64 + 64 + 64 + 8 = 648 bytes.
  EXPECT_EQ(SectionOf(back, SectionKind::kWeights).size, 648u);
}

TEST(PlanRoundTrip, SectionsAreAlignedAndTheHeaderRecordsComeBack) {
  Plan p = PlanAround(PlanTestGraph());
  p.tactics = {1, 2, 3};
  const Plan back = RoundTrip(p);
  EXPECT_EQ(back.format_version, 1u);
  EXPECT_EQ(back.writer_version, "0.1.0-test");
  EXPECT_EQ(back.target, p.target);
  EXPECT_EQ(back.file_size, p.file_size);
  EXPECT_EQ(back.tactics, (std::vector<uint8_t>{1, 2, 3}));
  ASSERT_EQ(back.sections.size(), 3u);  // graph, weights, tactics (no memory plan)
  for (const plan::SectionEntry& s : back.sections) EXPECT_EQ(s.offset % 64, 0u) << SectionKindName(s.kind);
  const plan::BuildRecord& b = back.build;
  EXPECT_EQ(b.model_path, "models/test.onnx");
  EXPECT_EQ(b.model_xxh64, 0x0123456789abcdefull);
  EXPECT_EQ(b.model_bytes, 4242u);
  EXPECT_EQ(b.precisions, std::vector<std::string>{"fp32"});
  EXPECT_EQ(b.input_shapes, p.build.input_shapes);
  EXPECT_EQ(b.command_line, p.build.command_line);
  EXPECT_EQ(b.passes_run, p.build.passes_run);
  EXPECT_EQ(b.passes_disabled, std::vector<std::string>{"fold_batchnorm"});
  EXPECT_TRUE(b.memory_planning);
  EXPECT_EQ(b.created_unix_seconds, 1700000000);
  EXPECT_EQ(b.nodes_before, 9);
  EXPECT_EQ(b.ops_before, p.build.ops_before);
  ASSERT_EQ(b.rewrites.size(), 2u);
  EXPECT_EQ(b.rewrites[0].pass, "fuse_conv_gemm_epilogue");
  EXPECT_EQ(b.rewrites[0].kind, "Conv+Relu");
  EXPECT_EQ(b.rewrites[0].nodes, (std::vector<std::string>{"conv", "relu"}));
  EXPECT_EQ(b.rewrites[0].result, "conv");
  // The I/O table: x, then the outputs y (f32[1,4,9]) and the Sigmoid's f32[1,3,5,5].
  ASSERT_EQ(back.io.size(), 3u);
  EXPECT_EQ(back.io[0].name, "x");
  EXPECT_FALSE(back.io[0].is_output);
  EXPECT_TRUE(back.io[1].is_output);
  EXPECT_EQ(back.io[1].shape, Shape({1, 4, 9}));
  EXPECT_EQ(back.io[2].shape, Shape({1, 3, 5, 5}));
}

TEST(PlanRoundTrip, SymbolicAndUnknownShapesComeBack) {
  Graph g;
  const ValueId x = g.AddValue("x", DType::kF16, Shape({Dim::Symbolic("batch"), Dim(), 7}));
  const ValueId y = g.AddValue("y", DType::kF16, Shape::UnknownRank());
  const ValueId z = g.AddValue("z", DType::kUndefined, Shape{});
  g.AddGraphInput(x);
  g.AddNode(OpKind::kRelu, "r", {x}, {y});
  g.AddNode(OpKind::kNeg, "n", {y}, {z});
  g.AddGraphOutput(z);
  Plan p = PlanAround(std::move(g));
  const Plan back = RoundTrip(p);
  EXPECT_EQ(back.graph.value(0).shape, Shape({Dim::Symbolic("batch"), Dim(), 7}));
  EXPECT_EQ(back.graph.value(0).shape.ToString(), "[batch,?,7]");
  EXPECT_TRUE(back.graph.value(1).shape.unknown_rank());
  EXPECT_EQ(back.graph.value(2).dtype, DType::kUndefined);
  EXPECT_EQ(back.graph.value(2).shape, Shape{});  // a scalar, not an unknown rank
  EXPECT_FALSE(back.memory.has_value());
}

// x f32[4] -> Relu -> t -> Neg -> y, planned by hand: x and y share bytes 0..16 (x dies at
// the Relu, y is written by the Neg), t sits at 64.
MemoryPlan HandPlan() {
  MemoryPlan m;
  m.alignment = 64;
  m.arena_bytes = 128;
  m.naive_bytes = 192;
  m.peak_live_bytes = 128;
  m.num_buffers = 3;
  m.offsets = {0, 64, 0};
  m.live_from = {-1, 0, 1};
  m.live_until = {0, 1, 2};
  m.alias_of = {kNoValue, kNoValue, kNoValue};
  m.alias_kind = {AliasKind::kNone, AliasKind::kNone, AliasKind::kNone};
  return m;
}

Graph ReluNegGraph() {
  GraphBuilder gb;
  const ValueId x = gb.Input("x", DType::kF32, {4});
  const ValueId t = gb.Op(OpKind::kRelu, {x});
  gb.Output(gb.Op(OpKind::kNeg, {t}));
  return gb.Build();
}

TEST(PlanRoundTrip, AHandMadeMemoryPlanComesBackFieldByField) {
  Plan p = PlanAround(ReluNegGraph());
  p.memory = HandPlan();
  const Plan back = RoundTrip(p);
  ASSERT_TRUE(back.memory.has_value());
  const MemoryPlan& m = *back.memory;
  EXPECT_EQ(m.alignment, 64);
  EXPECT_EQ(m.arena_bytes, 128);
  EXPECT_EQ(m.naive_bytes, 192);
  EXPECT_EQ(m.peak_live_bytes, 128);
  EXPECT_EQ(m.num_buffers, 3);
  EXPECT_EQ(m.offsets, (std::vector<int64_t>{0, 64, 0}));
  EXPECT_EQ(m.live_from, (std::vector<int32_t>{-1, 0, 1}));
  EXPECT_EQ(m.live_until, (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(m.alias_of, (std::vector<ValueId>{kNoValue, kNoValue, kNoValue}));
  ASSERT_EQ(SectionOf(back, SectionKind::kMemoryPlan).size, 8u * 4 + 4 + 4 + 3u * 21);

  // The loaded plan runs out of its arena: y = -relu(x).
  const TensorMap in = {{"x", Tensor::FromVector<float>(DType::kF32, {4}, {-1.f, 2.f, -3.f, 4.5f})}};
  Expected<TensorMap> out = RunReferenceInArena(back.graph, m, in);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& y = out->at(back.graph.value(back.graph.outputs[0]).name);
  EXPECT_EQ(y.ToFloatVector(), (std::vector<float>{0.f, -2.f, 0.f, -4.5f}));
}

TEST(PlanRoundTrip, AliasKindsComeBack) {
  // x -> Reshape (a view of x) -> Relu; the planner's aliases survive the trip.
  GraphBuilder gb;
  const ValueId x = gb.Input("x", DType::kF32, {2, 3});
  const ValueId r = gb.Op(OpKind::kReshape, {gb.Op(OpKind::kRelu, {x}), gb.Ints("s", {3, 2})});
  gb.Output(gb.Op(OpKind::kSigmoid, {r}));
  Plan p = PlanAround(gb.Build());
  Expected<MemoryPlan> planned = PlanMemory(p.graph);
  ASSERT_TRUE(planned.ok()) << planned.status().message();
  p.memory = *planned;
  const Plan back = RoundTrip(p);
  ASSERT_TRUE(back.memory.has_value());
  EXPECT_EQ(back.memory->offsets, planned->offsets);
  EXPECT_EQ(back.memory->alias_of, planned->alias_of);
  EXPECT_EQ(back.memory->alias_kind, planned->alias_kind);
  EXPECT_EQ(back.memory->live_from, planned->live_from);
  EXPECT_EQ(back.memory->live_until, planned->live_until);
  EXPECT_EQ(back.memory->alias_kind[r], AliasKind::kView);
}

TEST(PlanRoundTrip, APlanFileRunsLikeItsGraph) {
  Plan p = PlanAround(PlanTestGraph());
  Expected<MemoryPlan> planned = PlanMemory(p.graph);
  ASSERT_TRUE(planned.ok()) << planned.status().message();
  p.memory = *planned;
  const std::string path =
      (std::filesystem::temp_directory_path() / ("mrt_plan_rt_" + std::to_string(getpid()) + ".plan")).string();
  ASSERT_TRUE(plan::WritePlanFile(path, p).ok());
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))  // renamed into place
    EXPECT_EQ(e.path().filename().string().find(".mrt_plan_rt_" + std::to_string(getpid()) + ".plan.tmp"),
              std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(path), p.file_size);
  Expected<Plan> back = plan::ReadPlanFile(path, {.expected_target = *plan::CurrentTarget("cpu")});
  std::filesystem::remove(path);
  ASSERT_TRUE(back.ok()) << back.status().message();

  const TensorMap inputs = {{"x", RandomTensor(DType::kF32, {1, 3, 5, 5}, 5)}};
  Expected<TensorMap> expected = RunReference(p.graph, inputs);
  Expected<TensorMap> actual = RunReferenceInArena(back->graph, *back->memory, inputs);
  ASSERT_TRUE(expected.ok() && actual.ok()) << actual.status().message();
  ASSERT_EQ(actual->size(), 2u);
  for (const auto& [name, t] : *expected) EXPECT_TRUE(AllClose(actual->at(name), t, 0, 0)) << name;
}

TEST(PlanRoundTrip, SerializingIsDeterministic) {
  Plan a = PlanAround(PlanTestGraph()), b = PlanAround(PlanTestGraph());
  EXPECT_EQ(MustSerialize(a), MustSerialize(b));
}

TEST(PlanRoundTrip, WritingRefusesAGraphWithRemovedNodesOrAMismatchedMemoryPlan) {
  Plan p = PlanAround(ReluNegGraph());
  p.memory = HandPlan();
  p.memory->offsets.pop_back();
  Expected<std::vector<uint8_t>> bytes = plan::SerializePlan(p);
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("2 entries for a graph of 3 values"), std::string::npos)
      << bytes.status().message();

  Plan q = PlanAround(ReluNegGraph());
  q.graph.RemoveNode(1);
  bytes = plan::SerializePlan(q);
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("Compact()"), std::string::npos) << bytes.status().message();
}

TEST(PlanRoundTrip, WritingCreatesAMissingFolderAndFailsCleanlyOnAFileInTheWay) {
  Plan p = PlanAround(ReluNegGraph());
  const auto dir = std::filesystem::temp_directory_path() / ("mrt_plan_dir_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string deep = (dir / "a/b/x.plan").string();
  ASSERT_TRUE(plan::WritePlanFile(deep, p, "-o").ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(deep));
  const std::string blocked = deep + "/y.plan";  // x.plan is a file, not a folder
  Status s = plan::WritePlanFile(blocked, p, "-o");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("-o " + blocked + ": ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("is a regular file, not a folder"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace mrt::testing
