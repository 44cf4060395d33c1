// Summary statistics of repeated timings, as trtexec reports them: min, max, mean, median and
// the 90/95/99th percentiles (nearest-rank on the sorted samples).
#pragma once

#include <vector>

namespace mrt {

struct LatencyStats {
  double min = 0, max = 0, mean = 0, median = 0, p90 = 0, p95 = 0, p99 = 0;
  int count = 0;
};

// Percentile p in [0, 100] of `sorted` (ascending, non-empty): the nearest-rank sample,
// sorted[ceil(p / 100 * n) - 1] (p = 0 gives the minimum).
double Percentile(const std::vector<double>& sorted, double p);

// Statistics of `samples` (any order); all zero for no samples.
LatencyStats Summarize(std::vector<double> samples);

}  // namespace mrt
