// Property test of the memory planner on random DAGs (unary and binary elementwise ops, Where with
// a bool mask, Clip, Concat on contiguous and strided axes, views, Conv, Transpose, Split, pooling,
// Casts to f16 and back, with long-lived values, repeated inputs and graph inputs as outputs),
// hundreds of seeds, with every planner option. For each graph and options:
//   - CheckMemoryPlan accepts the plan (no write clobbers a value still to be read);
//   - arena >= peak live (the lower bound), and the disabled plan is exactly the naive sum;
//   - running out of the arena (poisoned before every write) gives bit-for-bit the outputs of the
//     plain one-tensor-per-value executor;
//   - moving one value onto another it lives alongside makes CheckMemoryPlan fail (the checker
//     can fail).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "ir/op_table.h"
#include "passes/memory_plan.h"
#include "runtime/reference_backend.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt::testing {
namespace {

using Sizes = std::vector<int64_t>;

class RandomDag {
 public:
  explicit RandomDag(uint64_t seed) : rng_(seed) {}

  Graph Build() {
    const int64_t n = Uniform(0, 3) == 0 ? 2 : 1;  // batch 2 makes axis-1 Concats strided
    const int num_inputs = static_cast<int>(Uniform(1, 2));
    for (int i = 0; i < num_inputs; ++i) {
      const Sizes s{n, Uniform(1, 4), Uniform(1, 5), Uniform(1, 5)};
      Add(b_.Input("in" + std::to_string(i), DType::kF32, s), s);
    }
    const int num_ops = static_cast<int>(Uniform(3, 30));
    for (int i = 0; i < num_ops; ++i) AddRandomOp();
    b_.Output(pool_.back());
    for (int extra = static_cast<int>(Uniform(0, 2)); extra > 0; --extra) {
      const ValueId v = pool_[Uniform(0, static_cast<int64_t>(pool_.size()) - 1)];
      if (!b_.graph().value(v).is_graph_output) b_.Output(v);
    }
    return b_.Build();
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  void Add(ValueId v, Sizes s) {
    pool_.push_back(v);
    sizes_[v] = std::move(s);
  }
  // Mostly a recent value (deep chains), sometimes any earlier one (long lifetimes).
  ValueId Pick() {
    const auto n = static_cast<int64_t>(pool_.size());
    return pool_[Uniform(0, 2) > 0 ? Uniform(std::max<int64_t>(0, n - 3), n - 1) : Uniform(0, n - 1)];
  }
  std::vector<ValueId> WithSizes(const Sizes& s) {
    std::vector<ValueId> out;
    for (ValueId v : pool_)
      if (sizes_[v] == s) out.push_back(v);
    return out;
  }
  Tensor RandomWeight(const Sizes& s) {
    return RandomTensor(DType::kF32, s, static_cast<uint64_t>(Uniform(1, 1 << 30)));
  }

  void AddRandomOp() {
    const ValueId x = Pick();
    const Sizes s = sizes_[x];
    const bool rank4 = s.size() == 4;
    switch (Uniform(0, 11)) {
      case 0:
      case 1: {
        static constexpr OpKind kUnary[] = {OpKind::kRelu, OpKind::kSigmoid, OpKind::kNeg, OpKind::kTanh, OpKind::kAbs};
        return Add(b_.Op(kUnary[Uniform(0, 4)], {x}), s);
      }
      case 2:
      case 3: {  // a partner of the same shape (maybe x itself), else a broadcast weight
        static constexpr OpKind kBinary[] = {OpKind::kAdd, OpKind::kMul, OpKind::kSub, OpKind::kMax};
        const std::vector<ValueId> same = WithSizes(s);
        ValueId y = same[Uniform(0, static_cast<int64_t>(same.size()) - 1)];
        if (Uniform(0, 3) == 0) y = b_.Weight("w" + std::to_string(b_.graph().num_values()), RandomWeight({s.back()}));
        return Add(Uniform(0, 1) ? b_.Op(kBinary[Uniform(0, 3)], {x, y}) : b_.Op(kBinary[Uniform(0, 3)], {y, x}), s);
      }
      case 4:
        return AddConcat(x, s);
      case 5:
        return AddView(x, s);
      case 6:
        if (rank4) return AddConv(x, s);
        return Add(b_.Op(OpKind::kRelu, {x}), s);
      case 7: {  // swap the last two dims
        std::vector<int64_t> perm(s.size());
        for (size_t i = 0; i < s.size(); ++i) perm[i] = static_cast<int64_t>(i);
        std::swap(perm[s.size() - 1], perm[s.size() - 2]);
        Sizes t = s;
        std::swap(t[s.size() - 1], t[s.size() - 2]);
        return Add(b_.Op(OpKind::kTranspose, {x}, Attrs({{"perm", perm}})), t);
      }
      case 8:
        if (s[1] >= 2) {  // Split on axis 1 into [1, C-1]
          const ValueId first =
              b_.Op(OpKind::kSplit, {x, b_.Ints("split" + std::to_string(b_.graph().num_values()), {1, s[1] - 1})},
                    Attrs({{"axis", int64_t{1}}}), 2);
          Sizes a = s, c = s;
          a[1] = 1;
          c[1] = s[1] - 1;
          Add(first, a);
          return Add(first + 1, c);
        }
        return Add(b_.Op(OpKind::kSigmoid, {x}), s);
      case 9:
        if (rank4) return Add(b_.Op(OpKind::kGlobalAveragePool, {x}), {s[0], s[1], 1, 1});
        return Add(b_.Op(OpKind::kNeg, {x}), s);
      case 10: {  // Where(x > y, x, Clip(y)): a bool mask in the arena, three-input elementwise
        const std::vector<ValueId> same = WithSizes(s);
        const ValueId y = same[Uniform(0, static_cast<int64_t>(same.size()) - 1)];
        const ValueId mask = b_.Op(OpKind::kGreater, {x, y});
        const std::string n = std::to_string(b_.graph().num_values());
        const ValueId clipped = b_.Op(OpKind::kClip, {y, b_.ScalarF32("lo" + n, -0.5f), b_.ScalarF32("hi" + n, 0.5f)});
        return Add(b_.Op(OpKind::kWhere, {mask, x, clipped}), s);
      }
      default: {  // f32 -> f16 -> Relu -> f32
        const ValueId h = b_.Op(OpKind::kCast, {x}, Attrs({{"to", int64_t{10}}}));
        const ValueId r = b_.Op(OpKind::kRelu, {h});
        return Add(b_.Op(OpKind::kCast, {r}, Attrs({{"to", int64_t{1}}})), s);
      }
    }
  }

  // Concat of x with 1-2 values matching it on every other dim (x itself included).
  void AddConcat(ValueId x, const Sizes& s) {
    const auto axis = static_cast<size_t>(Uniform(1, static_cast<int64_t>(s.size()) - 1));
    std::vector<ValueId> partners;
    for (ValueId v : pool_) {
      const Sizes& t = sizes_[v];
      bool match = t.size() == s.size();
      for (size_t d = 0; match && d < s.size(); ++d) match = d == axis || t[d] == s[d];
      if (match) partners.push_back(v);
    }
    std::vector<ValueId> inputs{x};
    Sizes out = s;
    for (int64_t k = Uniform(1, 2); k > 0; --k) {
      const ValueId p = partners[Uniform(0, static_cast<int64_t>(partners.size()) - 1)];
      inputs.push_back(p);
      out[axis] += sizes_[p][axis];
    }
    Add(b_.Op(OpKind::kConcat, inputs, Attrs({{"axis", static_cast<int64_t>(axis)}})), out);
  }

  void AddView(ValueId x, const Sizes& s) {
    const std::string name = "shape" + std::to_string(b_.graph().num_values());
    switch (Uniform(0, 3)) {
      case 0: {  // same rank, last two sizes swapped (a reshape, not a transpose)
        Sizes t = s;
        std::swap(t[t.size() - 1], t[t.size() - 2]);
        return Add(b_.Op(OpKind::kReshape, {x, b_.Ints(name, t)}), t);
      }
      case 1:
        if (s.size() == 4)
          return Add(b_.Op(OpKind::kFlatten, {x}, Attrs({{"axis", int64_t{2}}})), {s[0] * s[1], s[2] * s[3]});
        return Add(b_.Op(OpKind::kReshape, {x, b_.Ints(name, {s[0], s[1], -1, 1})}),
                   {s[0], s[1], Numel(s) / (s[0] * s[1]), 1});
      case 2:
        return Add(b_.Op(OpKind::kIdentity, {x}), s);
      default: {
        Sizes t = s;
        t.insert(t.begin() + 1, 1);
        const ValueId u = b_.Op(OpKind::kUnsqueeze, {x, b_.Ints(name, {1})});
        return Add(b_.Op(OpKind::kSqueeze, {u, b_.Ints(name + "s", {1})}), s);
      }
    }
  }

  void AddConv(ValueId x, const Sizes& s) {
    const int64_t k = Uniform(0, 1) ? 3 : 1, cout = Uniform(1, 4);
    std::vector<ValueId> ins{
        x, b_.Weight("cw" + std::to_string(b_.graph().num_values()), RandomWeight({cout, s[1], k, k}))};
    if (Uniform(0, 1)) ins.push_back(b_.Weight("cb" + std::to_string(b_.graph().num_values()), RandomWeight({cout})));
    const int64_t p = k / 2;
    Add(b_.Op(OpKind::kConv, ins, Attrs({{"pads", std::vector<int64_t>{p, p, p, p}}})), {s[0], cout, s[2], s[3]});
  }

  std::mt19937_64 rng_;
  GraphBuilder b_;
  std::vector<ValueId> pool_;
  std::map<ValueId, Sizes> sizes_;
};

MemoryPlanOptions RandomOptions(uint64_t seed) {
  std::mt19937_64 rng(seed * 7919 + 1);
  MemoryPlanOptions o;
  o.alignment = std::vector<int64_t>{8, 64, 256}[rng() % 3];
  o.alias_views = rng() % 4 != 0;
  o.concat_in_place = rng() % 4 != 0;
  o.reuse_elementwise_inputs = rng() % 4 != 0;
  return o;
}

bool SameBytes(const TensorMap& a, const TensorMap& b, std::string* diff) {
  for (const auto& [name, t] : a) {
    const auto it = b.find(name);
    if (it == b.end() || it->second.sizes() != t.sizes() || it->second.dtype() != t.dtype() ||
        std::memcmp(it->second.raw(), t.raw(), t.nbytes()) != 0) {
      *diff = name;
      return false;
    }
  }
  return a.size() == b.size();
}

// Each planned value's own [def, last] (not its group's).
std::vector<std::pair<int32_t, int32_t>> ValueLifetimes(const Graph& g) {
  std::vector<std::pair<int32_t, int32_t>> life(g.num_values(), {-1, -1});
  for (NodeId n = 0; n < static_cast<NodeId>(g.num_nodes()); ++n) {
    for (ValueId v : g.node(n).inputs)
      if (v != kNoValue) life[v].second = std::max(life[v].second, n);
    for (ValueId v : g.node(n).outputs) life[v] = {n, n};
  }
  for (ValueId v : g.outputs) life[v].second = static_cast<int32_t>(g.num_nodes());
  return life;
}

ValueId RootOf(const MemoryPlan& p, ValueId v) {
  while (p.alias_of[v] != kNoValue) v = p.alias_of[v];
  return v;
}

// Whether the executor always writes v's bytes (a view or Concat output may sit on its inputs' bytes).
bool AlwaysWritten(const Graph& g, ValueId v) {
  const NodeId p = g.value(v).producer;
  return p == kNoNode || (g.node(p).op != OpKind::kConcat && !HasTrait(g.node(p).op, kTraitView));
}

// Moves one value onto another that lives at the same time (in another buffer): must be caught.
// (Moving a Concat input onto its Concat output, or back, can make a legal plan: the input then
// sits in its slice.)
void ExpectCheckerCatchesAClash(const Graph& g, const MemoryPlan& plan, uint64_t seed) {
  const auto life = ValueLifetimes(g);
  for (ValueId u = 0; u < static_cast<ValueId>(g.num_values()); ++u) {
    for (ValueId v = 0; v < static_cast<ValueId>(g.num_values()); ++v) {
      if (u == v || !plan.planned(u) || !plan.planned(v) || RootOf(plan, u) == RootOf(plan, v)) continue;
      if (!AlwaysWritten(g, u) || !AlwaysWritten(g, v)) continue;
      if (!StaticValueBytes(g.value(u)).value_or(0) || !StaticValueBytes(g.value(v)).value_or(0)) continue;
      if (std::max(life[u].first, life[v].first) >= std::min(life[u].second, life[v].second)) continue;
      MemoryPlan broken = plan;
      broken.offsets[v] = plan.offsets[u];
      EXPECT_FALSE(CheckMemoryPlan(g, broken).ok())
          << "seed " << seed << ": '" << g.value(v).name << "' moved onto '" << g.value(u).name << "'";
      return;
    }
  }
}

void CheckSeed(uint64_t seed, const MemoryPlanOptions& options) {
  const Graph g = RandomDag(seed).Build();
  auto plan = PlanMemory(g, options);
  ASSERT_TRUE(plan.ok()) << "seed " << seed << ": " << plan.status().message();
  Status checked = CheckMemoryPlan(g, *plan);
  ASSERT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.message();
  EXPECT_GE(plan->arena_bytes, plan->peak_live_bytes) << "seed " << seed;
  EXPECT_LE(plan->arena_bytes, plan->naive_bytes) << "seed " << seed;
  if (!options.enabled) {
    EXPECT_EQ(plan->arena_bytes, plan->naive_bytes) << "seed " << seed;
  }

  TensorMap inputs;
  for (ValueId v : g.inputs) inputs[g.value(v).name] = RandomTensor(DType::kF32, g.value(v).shape.sizes(), seed + v);
  ReferenceRunOptions plain;
  plain.use_memory_plan = false;
  auto expected = RunReference(g, inputs, plain);
  ASSERT_TRUE(expected.ok()) << "seed " << seed << ": " << expected.status().message();
  auto actual = RunReferenceInArena(g, *plan, inputs, ArenaFill::kPoison);
  ASSERT_TRUE(actual.ok()) << "seed " << seed << ": " << actual.status().message();
  std::string diff;
  EXPECT_TRUE(SameBytes(*expected, *actual, &diff)) << "seed " << seed << ": output '" << diff << "' differs";
  ExpectCheckerCatchesAClash(g, *plan, seed);
}

constexpr uint64_t kSeeds = 500;

TEST(MemoryPlanProperty, DefaultOptions) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) CheckSeed(seed, MemoryPlanOptions{});
}

TEST(MemoryPlanProperty, RandomOptions) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) CheckSeed(seed, RandomOptions(seed));
}

TEST(MemoryPlanProperty, Disabled) {
  MemoryPlanOptions off;
  off.enabled = false;
  for (uint64_t seed = 1; seed <= kSeeds / 4; ++seed) CheckSeed(seed, off);
}

// The generator does make the interesting cases (otherwise the properties above prove little).
TEST(MemoryPlanProperty, GraphsExerciseEveryAliasKind) {
  int views = 0, slices = 0, in_place = 0, strided = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Graph g = RandomDag(seed).Build();
    auto plan = PlanMemory(g);
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    for (AliasKind k : plan->alias_kind) {
      views += k == AliasKind::kView;
      slices += k == AliasKind::kConcatSlice;
      in_place += k == AliasKind::kInPlace;
    }
    for (const Node& n : g.nodes()) strided += n.op == OpKind::kConcat && !ConcatSliceByteOffsets(g, n);
  }
  EXPECT_GT(views, 50);
  EXPECT_GT(slices, 50);
  EXPECT_GT(in_place, 50);
  EXPECT_GT(strided, 20);
}

}  // namespace
}  // namespace mrt::testing
