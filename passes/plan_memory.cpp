// PlanMemory: lifetimes -> alias groups -> buffers -> offsets in one arena.
//
// Placement is greedy by size with best fit: buffers are taken largest first (ties: earlier
// first); each goes into the smallest gap, between the buffers already placed that are live at
// the same time, that holds it, or above all of them when no gap does. Large buffers shape the
// arena and small ones fill the holes they leave; on chains of layers this lands within a few
// percent of the peak live bytes, the bound no placement can beat.
//
// With MemoryPlanOptions::enabled = false every value is its own buffer at its own offset (the
// arena is the sum of all activation bytes), so executors run as if nothing were planned.
#include <algorithm>

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

void PlaceBestFit(std::vector<Buffer>& buffers) {
  std::vector<Buffer*> order;
  for (Buffer& b : buffers) order.push_back(&b);
  std::stable_sort(order.begin(), order.end(), [](const Buffer* x, const Buffer* y) {
    return x->size != y->size ? x->size > y->size : x->from < y->from;
  });
  std::vector<const Buffer*> placed;
  for (Buffer* b : order) {
    b->offset = b->size == 0 ? 0 : BestFitOffset(*b, placed);
    if (b->size > 0) placed.push_back(b);
  }
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

}  // namespace

Expected<MemoryPlan> PlanMemory(const Graph& graph, const MemoryPlanOptions& options) {
  if (options.alignment < 1) return Status::Errorf("memory plan alignment must be >= 1, not {}", options.alignment);
  MRT_ASSIGN_OR_RETURN(const std::vector<ValueLife> lives, memory::ComputeValueLives(graph));
  const size_t num_values = graph.num_values();
  memory::AliasForest forest;
  if (options.enabled) {
    forest = memory::BuildAliases(graph, lives, options);
  } else {
    forest.parent.assign(num_values, kNoValue);
    forest.offset_in_parent.assign(num_values, 0);
    forest.kind.assign(num_values, AliasKind::kNone);
  }
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
  if (options.enabled) {
    PlaceBestFit(buffers);
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
  plan.peak_live_bytes = PeakLiveBytes(buffers, static_cast<int32_t>(graph.num_nodes()));

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

}  // namespace mrt
