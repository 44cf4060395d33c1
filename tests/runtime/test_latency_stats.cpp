#include <gtest/gtest.h>

#include "runtime/latency_stats.h"

namespace mrt {
namespace {

TEST(LatencyStats, NearestRankPercentilesOfOneToHundred) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // unsorted on purpose
  const LatencyStats s = Summarize(v);
  EXPECT_EQ(s.count, 100);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 100);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_DOUBLE_EQ(s.median, 50.5);
  EXPECT_EQ(s.p90, 90);
  EXPECT_EQ(s.p95, 95);
  EXPECT_EQ(s.p99, 99);
}

TEST(LatencyStats, OddCountMedianAndSmallSamples) {
  const LatencyStats s = Summarize({3, 1, 2});
  EXPECT_EQ(s.median, 2);
  EXPECT_EQ(s.p99, 3);
  EXPECT_EQ(s.p90, 3);
  EXPECT_EQ(Summarize({7}).p95, 7);
  EXPECT_EQ(Summarize({}).count, 0);
}

}  // namespace
}  // namespace mrt
