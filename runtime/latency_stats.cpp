#include "runtime/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mrt {

double Percentile(const std::vector<double>& sorted, double p) {
  const size_t n = sorted.size();
  const double rank = std::ceil(p / 100.0 * static_cast<double>(n));
  const size_t index = rank < 1 ? 0 : std::min(n - 1, static_cast<size_t>(rank) - 1);
  return sorted[index];
}

LatencyStats Summarize(std::vector<double> samples) {
  LatencyStats s;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  s.count = static_cast<int>(n);
  s.min = samples.front();
  s.max = samples.back();
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(n);
  s.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  s.p90 = Percentile(samples, 90);
  s.p95 = Percentile(samples, 95);
  s.p99 = Percentile(samples, 99);
  return s;
}

}  // namespace mrt
