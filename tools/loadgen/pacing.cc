#include "pacing.h"

#include <algorithm>
#include <cmath>

namespace roughtime::loadgen {

size_t DefaultBurst(double rate, size_t max_burst) {
  const double per_ms = rate / 1000.0;
  return static_cast<size_t>(
      std::clamp(std::floor(per_ms), 1.0, static_cast<double>(max_burst)));
}

OpenLoopPacer::OpenLoopPacer(double rate, int64_t start_ns, size_t burst)
    : rate_(rate), start_ns_(start_ns), burst_(std::max<size_t>(1, burst)) {}

uint64_t OpenLoopPacer::DueBy(int64_t now_ns) const {
  if (now_ns < start_ns_) return 0;
  // Kept in whole nanoseconds so exact schedules give exact answers.
  const double bursts =
      std::floor(static_cast<double>(now_ns - start_ns_) * rate_ /
                 (static_cast<double>(burst_) * 1e9)) +
      1;
  return static_cast<uint64_t>(bursts) * burst_;
}

int64_t OpenLoopPacer::DueTime(uint64_t sent) const {
  const uint64_t k = sent / burst_;
  return start_ns_ + static_cast<int64_t>(std::ceil(
                         static_cast<double>(k * burst_) * 1e9 / rate_));
}

}  // namespace roughtime::loadgen
