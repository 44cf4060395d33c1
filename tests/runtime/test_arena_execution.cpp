// The reference backend running out of one planned arena: values checked by hand, views and
// Concat slices that really share bytes (nothing copied), in-place elementwise nodes, the
// --no-memory-plan layout, dynamic batches specialized to the inputs, the fallback for shapes
// that depend on data, and a real model after the pipeline against ONNX Runtime.
#include <gtest/gtest.h>

#include <filesystem>

#include "ir/onnx/importer.h"
#include "passes/pipeline.h"
#include "runtime/npy.h"
#include "runtime/reference_backend.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

// x [1,2,2] -> a = Relu(x), s = Neg(x) -> c = Concat(a, s, axis 1) [1,4,2] -> r = Reshape(c, [8])
// -> y = Add(r, r).
Graph ConcatViewAdd() {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {1, 2, 2});
  const ValueId a = b.Op(OpKind::kRelu, {x});
  const ValueId s = b.Op(OpKind::kNeg, {x});
  const ValueId c = b.Op(OpKind::kConcat, {a, s}, Attrs({{"axis", int64_t{1}}}));
  const ValueId r = b.Op(OpKind::kReshape, {c, b.Ints("shape", {8})});
  const ValueId y = b.Op(OpKind::kAdd, {r, r});
  b.graph().value(y).name = "y";
  b.Output(y);
  return b.Build();
}

TensorMap ConcatViewAddInput() { return {{"x", Tensor::FromVector<float>(DType::kF32, {1, 2, 2}, {-1, 2, 3, -4})}}; }

std::vector<float> Values(const Tensor& t) { return t.ToFloatVector(); }

TEST(ArenaExecution, SharesBytesForViewsSlicesAndInPlaceNodes) {
  const Graph g = ConcatViewAdd();
  for (ArenaFill fill : {ArenaFill::kZero, ArenaFill::kPoison}) {
    ReferenceRunOptions options;
    options.fill = fill;
    ReferenceRunStats stats;
    auto out = RunReference(g, ConcatViewAddInput(), options, &stats);
    ASSERT_TRUE(out.ok()) << out.status().message();
    // a = [0,2,3,0], s = [1,-2,-3,4], y = 2 * [a, s].
    EXPECT_EQ(Values(out->at("y")), (std::vector<float>{0, 4, 6, 0, 2, -4, -6, 8}));
    EXPECT_EQ(out->at("y").sizes(), (std::vector<int64_t>{8}));
    EXPECT_TRUE(stats.used_arena) << stats.fallback_reason;
    EXPECT_EQ(stats.views_shared, 1);
    EXPECT_EQ(stats.concat_inputs_in_place, 2);
    EXPECT_EQ(stats.nodes_in_place, 1);
    EXPECT_LT(stats.plan.arena_bytes, stats.plan.naive_bytes);
  }
}

TEST(ArenaExecution, NoMemoryPlanGivesEveryValueItsOwnSlot) {
  const Graph g = ConcatViewAdd();
  ReferenceRunOptions options;
  options.memory.enabled = false;
  ReferenceRunStats stats;
  auto out = RunReference(g, ConcatViewAddInput(), options, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(Values(out->at("y")), (std::vector<float>{0, 4, 6, 0, 2, -4, -6, 8}));
  EXPECT_TRUE(stats.used_arena);
  EXPECT_EQ(stats.plan.arena_bytes, stats.plan.naive_bytes);
  EXPECT_EQ(stats.views_shared, 0);  // the Reshape copied, the Concat copied both inputs
  EXPECT_EQ(stats.concat_inputs_in_place, 0);
  EXPECT_EQ(stats.nodes_in_place, 0);
}

TEST(ArenaExecution, ThePlainPathStillRunsWhenAskedTo) {
  ReferenceRunOptions options;
  options.use_memory_plan = false;
  ReferenceRunStats stats;
  auto out = RunReference(ConcatViewAdd(), ConcatViewAddInput(), options, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(Values(out->at("y")), (std::vector<float>{0, 4, 6, 0, 2, -4, -6, 8}));
  EXPECT_FALSE(stats.used_arena);
}

// Graph inputs are copied in, so an output that is an input, or a view of one, comes back intact.
TEST(ArenaExecution, GraphInputsAsOutputsAndViewsOfThem) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {2, 3});
  const ValueId flat = b.Op(OpKind::kFlatten, {x}, Attrs({{"axis", int64_t{0}}}));
  b.graph().value(flat).name = "flat";
  b.Output(x);
  b.Output(flat);
  const Graph g = b.Build();
  const Tensor input = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 3, 4, 5, 6});
  ReferenceRunStats stats;
  auto out = RunReference(g, {{"x", input}}, {}, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(stats.used_arena);
  EXPECT_EQ(stats.views_shared, 1);
  EXPECT_EQ(Values(out->at("x")), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(out->at("flat").sizes(), (std::vector<int64_t>{1, 6}));
  EXPECT_EQ(Values(out->at("flat")), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

// A model exported with a dynamic batch is planned for the batch it is run with.
TEST(ArenaExecution, DynamicBatchIsSpecializedToTheInputs) {
  GraphBuilder b;
  Graph& g0 = b.graph();
  const ValueId x = g0.AddValue("x", DType::kF32, Shape{Dim::Symbolic("batch"), 2});
  g0.AddGraphInput(x);
  const ValueId y = b.Op(OpKind::kSigmoid, {b.Op(OpKind::kRelu, {x})});
  b.graph().value(y).name = "y";
  b.Output(y);
  const Graph g = b.Build();
  ReferenceRunStats stats;
  auto out = RunReference(g, {{"x", Tensor::FromVector<float>(DType::kF32, {3, 2}, {0, -1, 0, 0, 0, 0})}}, {}, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(stats.used_arena) << stats.fallback_reason;
  EXPECT_EQ(Values(out->at("y")), (std::vector<float>(6, 0.5f)));
  EXPECT_EQ(stats.nodes_in_place, 1);  // the Sigmoid over the Relu's output
}

// Reshape to a shape that is a graph input: unknowable before the run, so no plan.
TEST(ArenaExecution, ShapesThatDependOnDataFallBackToOneTensorPerValue) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {4});
  const ValueId shape = b.Input("shape", DType::kI64, {2});
  const ValueId y = b.Op(OpKind::kRelu, {b.Op(OpKind::kReshape, {x, shape})});
  b.graph().value(y).name = "y";
  b.Output(y);
  const Graph g = b.Build();
  ReferenceRunStats stats;
  auto out = RunReference(g,
                          {{"x", Tensor::FromVector<float>(DType::kF32, {4}, {1, -2, 3, -4})},
                           {"shape", Tensor::FromVector<int64_t>(DType::kI64, {2}, {2, 2})}},
                          {}, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_FALSE(stats.used_arena);
  EXPECT_NE(stats.fallback_reason.find("static shape"), std::string::npos) << stats.fallback_reason;
  EXPECT_EQ(out->at("y").sizes(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(Values(out->at("y")), (std::vector<float>{1, 0, 3, 0}));
}

// A declared static shape the data contradicts: the arena run notices and the plain path runs.
TEST(ArenaExecution, ARunTimeShapeThatDiffersFromThePlanFallsBack) {
  GraphBuilder b;
  const ValueId x = b.Input("x", DType::kF32, {4});
  const ValueId shape = b.Input("shape", DType::kI64, {2});
  const ValueId r = b.Op(OpKind::kReshape, {x, shape});
  b.graph().value(r).name = "r";
  b.Output(r);
  Graph g = b.Build();
  g.value(r).shape = Shape{4, 1};  // wrong: the run reshapes to [2, 2]
  const TensorMap inputs{{"x", Tensor::FromVector<float>(DType::kF32, {4}, {1, 2, 3, 4})},
                         {"shape", Tensor::FromVector<int64_t>(DType::kI64, {2}, {2, 2})}};
  ReferenceRunStats stats;
  auto out = RunReference(g, inputs, {}, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_FALSE(stats.used_arena);
  EXPECT_NE(stats.fallback_reason.find("in the memory plan"), std::string::npos) << stats.fallback_reason;
  EXPECT_EQ(out->at("r").sizes(), (std::vector<int64_t>{2, 2}));

  // Asked to run with the plan itself, the mismatch is an error, not a crash.
  auto plan = PlanMemory(g);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  auto strict = RunReferenceInArena(g, *plan, inputs);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("'r' is f32[2,2] at run time but f32[4,1]"), std::string::npos)
      << strict.status().message();
}

TEST(ArenaExecution, APlanForAnotherGraphIsAnError) {
  const Graph g = ConcatViewAdd();
  MemoryPlan empty;
  auto out = RunReferenceInArena(g, empty, ConcatViewAddInput());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("memory plan"), std::string::npos) << out.status().message();
}

// MobileNetV2 as imported, run out of its arena poisoned before every write, against ONNX Runtime
// (the criterion of tests/models: 1e-4 of the largest reference magnitude); then after the
// pipeline, bit for bit against the plain executor on the same graph.
TEST(ArenaExecution, MobileNetMatchesOnnxRuntimeAndThePlainExecutor) {
  const std::string dir = ModelsPath("reference/mobilenet_v2");
  const std::string model = ModelsPath("torch/mobilenet_v2.onnx");
  if (!std::filesystem::exists(dir + "/outputs/logits.npy") || !std::filesystem::exists(model))
    GTEST_SKIP() << "run scripts/fetch_models.sh";
  auto input = ReadNpy(dir + "/inputs/input.npy");
  auto expected = ReadNpy(dir + "/outputs/logits.npy");
  ASSERT_TRUE(input.ok() && expected.ok());
  ImportOptions import;
  import.input_shapes["input"] = input->sizes();
  auto graph = ImportOnnxFile(model, import);
  ASSERT_TRUE(graph.ok()) << graph.status().message();
  ReferenceRunOptions poisoned;
  poisoned.fill = ArenaFill::kPoison;
  ReferenceRunStats stats;
  auto out = RunReference(*graph, {{"input", *input}}, poisoned, &stats);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(stats.used_arena) << stats.fallback_reason;
  std::cout << "  as imported: " << MemoryPlanSummary(stats.plan) << "\n";
  const Closeness c = Compare(out->at("logits"), *expected);
  EXPECT_LE(c.max_abs_error, 1e-4 * c.max_ref_magnitude);

  PassContext ctx;
  ctx.evaluate = MakeReferenceEvaluator();
  ASSERT_TRUE(RunPipeline(*graph, ctx).ok());
  auto optimized = RunReference(*graph, {{"input", *input}}, poisoned, &stats);
  ASSERT_TRUE(optimized.ok()) << optimized.status().message();
  EXPECT_TRUE(stats.used_arena) << stats.fallback_reason;
  std::cout << "  optimized: " << MemoryPlanSummary(stats.plan) << "\n";
  ReferenceRunOptions plain;
  plain.use_memory_plan = false;
  auto reference = RunReference(*graph, {{"input", *input}}, plain);
  ASSERT_TRUE(reference.ok()) << reference.status().message();
  EXPECT_EQ(Compare(optimized->at("logits"), reference->at("logits")).max_abs_error, 0.0);
}

}  // namespace
}  // namespace mrt::testing
