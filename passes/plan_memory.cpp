// PlanMemory: lifetimes -> alias groups -> buffers -> offsets in one arena.
//
// Placement is greedy by size with best fit: buffers are taken largest first (ties: earlier
// first); each goes into the smallest gap, between the buffers already placed that are live at
// the same time, that holds it, or above all of them when no gap does. Large buffers shape the
// arena and small ones fill the holes they leave. Greedy placement can still strand a hole just
// too small for a later buffer, so other orders are tried as well and the smallest arena wins
// (PlaceBestFit). On the models we measured this reaches the peak live bytes, the bound no
// placement can beat (passes/README-memory.md has the numbers).
//
// With MemoryPlanOptions::enabled = false every value is its own buffer at its own offset (the
// arena is the sum of all activation bytes), so executors run as if nothing were planned.
#include <algorithm>
#include <functional>
#include <random>
#include <set>

#include "passes/memory_internal.h"

namespace mrt {

namespace {

using memory::AlignUp;
using memory::ValueLife;

struct Buffer {
  ValueId root = kNoValue;
  int64_t size = 0;  // aligned
  int32_t from = 0, until = 0;
  int64_t offset = -1;
};

bool Overlap(const Buffer& a, const Buffer& b) { return a.from <= b.until && b.from <= a.until; }

// The smallest gap that holds `b` among `placed` buffers live at the same time, or the top.
int64_t BestFitOffset(const Buffer& b, const std::vector<const Buffer*>& placed) {
  std::vector<const Buffer*> live;
  for (const Buffer* p : placed)
    if (Overlap(*p, b)) live.push_back(p);
  std::sort(live.begin(), live.end(), [](const Buffer* x, const Buffer* y) { return x->offset < y->offset; });
  int64_t best = -1, best_gap = 0, cursor = 0;
  for (const Buffer* p : live) {
    const int64_t gap = p->offset - cursor;
    if (gap >= b.size && (best < 0 || gap < best_gap)) {
      best = cursor;
      best_gap = gap;
    }
    cursor = std::max(cursor, p->offset + p->size);
  }
  return best >= 0 ? best : cursor;
}

// Places the buffers in the given order, each at its best-fit offset; returns the arena size.
int64_t PlaceInOrder(const std::vector<Buffer*>& order) {
  std::vector<const Buffer*> placed;
  int64_t arena = 0;
  for (Buffer* b : order) {
    b->offset = b->size == 0 ? 0 : BestFitOffset(*b, placed);
    if (b->size > 0) placed.push_back(b);
    arena = std::max(arena, b->offset + b->size);
  }
  return arena;
}

// Largest first is the rule; as greedy placement can leave a hole just too small for a buffer
// that comes later, a few other orders are tried too (earliest first, largest size x lifetime
// first, longest lifetime first, and largest first with sizes jittered by up to 25% from a fixed
// seed) and the smallest arena is kept. Ties keep the earlier order; the result is deterministic.
constexpr int kJitteredOrders = 24;
constexpr size_t kMaxBuffersForJitter = 4096;  // beyond this the four fixed orders only (each order is O(n^2))

std::vector<std::vector<size_t>> CandidateOrders(const std::vector<Buffer>& buffers) {
  using Key = std::function<bool(size_t, size_t)>;
  auto span = [&](size_t i) { return int64_t{buffers[i].until} - buffers[i].from + 1; };
  std::vector<Key> keys = {
      [&](size_t x, size_t y) {
        return buffers[x].size != buffers[y].size ? buffers[x].size > buffers[y].size
                                                  : buffers[x].from < buffers[y].from;
      },
      [&](size_t x, size_t y) {
        return buffers[x].from != buffers[y].from ? buffers[x].from < buffers[y].from
                                                  : buffers[x].size > buffers[y].size;
      },
      [&](size_t x, size_t y) { return buffers[x].size * span(x) > buffers[y].size * span(y); },
      [&](size_t x, size_t y) { return span(x) != span(y) ? span(x) > span(y) : buffers[x].size > buffers[y].size; },
  };
  std::mt19937_64 rng(12345);
  for (int k = 0; k < kJitteredOrders && buffers.size() <= kMaxBuffersForJitter; ++k) {
    std::vector<double> jittered(buffers.size());
    for (size_t i = 0; i < buffers.size(); ++i)
      jittered[i] =
          static_cast<double>(buffers[i].size) * (1.0 + 0.25 * std::uniform_real_distribution<double>(0, 1)(rng));
    keys.push_back([jittered](size_t x, size_t y) { return jittered[x] > jittered[y]; });
  }
  std::vector<std::vector<size_t>> orders;
  for (const Key& less : keys) {
    std::vector<size_t> order(buffers.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), less);
    orders.push_back(std::move(order));
  }
  return orders;
}

// Stops early when an order reaches `peak_live`, the lower bound.
void PlaceBestFit(std::vector<Buffer>& buffers, int64_t peak_live) {
  std::vector<int64_t> best_offsets;
  int64_t best_arena = -1;
  for (const std::vector<size_t>& order : CandidateOrders(buffers)) {
    std::vector<Buffer*> ptrs;
    for (size_t i : order) ptrs.push_back(&buffers[i]);
    const int64_t arena = PlaceInOrder(ptrs);
    if (best_arena >= 0 && arena >= best_arena) continue;
    best_arena = arena;
    best_offsets.clear();
    for (const Buffer& b : buffers) best_offsets.push_back(b.offset);
    if (arena <= peak_live) break;
  }
  for (size_t i = 0; i < buffers.size(); ++i) buffers[i].offset = best_offsets[i];
}

// Most buffer bytes live at any one time (times -1 .. num_nodes).
int64_t PeakLiveBytes(const std::vector<Buffer>& buffers, int32_t end_time) {
  std::vector<int64_t> delta(static_cast<size_t>(end_time) + 3, 0);  // index t + 1
  for (const Buffer& b : buffers) {
    delta[b.from + 1] += b.size;
    delta[b.until + 2] -= b.size;
  }
  int64_t live = 0, peak = 0;
  for (int64_t d : delta) peak = std::max(peak, live += d);
  return peak;
}

// Groups -> buffers: a root's buffer is live over the union of its members' lifetimes.
std::vector<Buffer> BuffersOf(const std::vector<ValueLife>& lives, const memory::AliasForest& forest,
                              const std::vector<ValueId>& root_of, int64_t alignment) {
  std::vector<int32_t> buffer_of(lives.size(), -1);
  std::vector<Buffer> buffers;
  for (ValueId v = 0; v < static_cast<ValueId>(lives.size()); ++v) {
    if (!lives[v].planned || forest.parent[v] != kNoValue) continue;
    buffer_of[v] = static_cast<int32_t>(buffers.size());
    buffers.push_back({v, AlignUp(lives[v].bytes, alignment), lives[v].def, lives[v].last});
  }
  for (ValueId v = 0; v < static_cast<ValueId>(lives.size()); ++v) {
    if (!lives[v].planned) continue;
    Buffer& b = buffers[buffer_of[root_of[v]]];
    b.from = std::min(b.from, lives[v].def);
    b.until = std::max(b.until, lives[v].last);
  }
  return buffers;
}

// Offsets for every planned value, given the alias decisions.
MemoryPlan LayOut(const Graph& graph, const std::vector<ValueLife>& lives, const memory::AliasForest& forest,
                  const MemoryPlanOptions& options) {
  const size_t num_values = graph.num_values();
  // Each value's root and byte offset inside the root's buffer.
  std::vector<ValueId> root_of(num_values, kNoValue);
  std::vector<int64_t> offset_in_root(num_values, 0);
  for (ValueId v = 0; v < static_cast<ValueId>(num_values); ++v) {
    if (!lives[v].planned) continue;
    ValueId r = v;
    for (; forest.parent[r] != kNoValue; r = forest.parent[r]) offset_in_root[v] += forest.offset_in_parent[r];
    root_of[v] = r;
  }
  std::vector<Buffer> buffers = BuffersOf(lives, forest, root_of, options.alignment);
  MemoryPlan plan;
  plan.alignment = options.alignment;
  plan.num_buffers = static_cast<int32_t>(buffers.size());
  plan.peak_live_bytes = PeakLiveBytes(buffers, static_cast<int32_t>(graph.num_nodes()));
  if (options.enabled) {
    PlaceBestFit(buffers, plan.peak_live_bytes);
  } else {
    int64_t next = 0;
    for (Buffer& b : buffers) {
      b.offset = next;
      next += b.size;
    }
  }
  std::vector<const Buffer*> buffer_of_root(num_values, nullptr);
  for (const Buffer& b : buffers) {
    buffer_of_root[b.root] = &b;
    plan.arena_bytes = std::max(plan.arena_bytes, b.offset + b.size);
  }
  plan.offsets.assign(num_values, -1);
  plan.live_from.assign(num_values, -1);
  plan.live_until.assign(num_values, -1);
  plan.alias_of = forest.parent;
  plan.alias_kind = forest.kind;
  for (ValueId v = 0; v < static_cast<ValueId>(num_values); ++v) {
    if (!lives[v].planned) continue;
    const Buffer& b = *buffer_of_root[root_of[v]];
    plan.offsets[v] = b.offset + offset_in_root[v];
    plan.live_from[v] = b.from;
    plan.live_until[v] = b.until;
    plan.naive_bytes += AlignUp(lives[v].bytes, options.alignment);
  }
  return plan;
}

// Placing a Concat input in its slice saves a copy and the input's own buffer, but makes the
// whole output buffer live from the input's write on: for an input written long before the
// Concat (a skip connection) that can cost more than it saves. So each slice decision, the
// longest-lived first, is undone when that gives a smaller arena (bounded number of trials).
constexpr size_t kMaxSliceTrials = 128;

MemoryPlan KeepSlicesThatPay(const Graph& graph, const std::vector<ValueLife>& lives, const MemoryPlanOptions& options,
                             const memory::AliasForest& first_forest, MemoryPlan best) {
  auto candidates = first_forest.slices;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (candidates.size() > kMaxSliceTrials) candidates.resize(kMaxSliceTrials);
  std::set<memory::ConcatSlice> vetoed;
  for (const auto& [slice, age] : candidates) {
    if (best.arena_bytes <= best.peak_live_bytes) break;
    std::set<memory::ConcatSlice> trial = vetoed;
    trial.insert(slice);
    MemoryPlan p = LayOut(graph, lives, memory::BuildAliases(graph, lives, options, trial), options);
    if (p.arena_bytes < best.arena_bytes) {
      best = std::move(p);
      vetoed = std::move(trial);
    }
  }
  return best;
}

}  // namespace

Expected<MemoryPlan> PlanMemory(const Graph& graph, const MemoryPlanOptions& options) {
  if (options.alignment < 1) return Status::Errorf("memory plan alignment must be >= 1, not {}", options.alignment);
  MRT_ASSIGN_OR_RETURN(const std::vector<ValueLife> lives, memory::ComputeValueLives(graph));
  if (!options.enabled) {
    memory::AliasForest none;
    none.parent.assign(graph.num_values(), kNoValue);
    none.offset_in_parent.assign(graph.num_values(), 0);
    none.kind.assign(graph.num_values(), AliasKind::kNone);
    return LayOut(graph, lives, none, options);
  }
  const memory::AliasForest forest = memory::BuildAliases(graph, lives, options);
  MemoryPlan plan = LayOut(graph, lives, forest, options);
  if (!forest.slices.empty() && plan.arena_bytes > plan.peak_live_bytes)
    plan = KeepSlicesThatPay(graph, lives, options, forest, std::move(plan));
  return plan;
}

}  // namespace mrt
