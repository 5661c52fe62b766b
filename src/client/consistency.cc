#include "client/consistency.h"

#include <algorithm>

namespace roughtime::client {

ConsistencyResult CheckConsistency(const std::vector<TimeSample>& samples) {
  ConsistencyResult out;
  for (size_t i = 0; i < samples.size(); ++i) {
    for (size_t j = i + 1; j < samples.size(); ++j) {
      if (samples[i].midpoint - samples[i].radius >
          samples[j].midpoint + samples[j].radius) {
        out.violations.push_back({i, j});
      }
    }
  }
  if (samples.empty()) return out;

  absl::Time earliest = absl::InfinitePast();
  absl::Time latest = absl::InfiniteFuture();
  for (const TimeSample& s : samples) {
    earliest = std::max(earliest, s.midpoint - s.radius);
    latest = std::min(latest, s.midpoint + s.radius);
  }
  if (earliest <= latest) out.agreed = TimeInterval{earliest, latest};

  absl::Duration low = -absl::InfiniteDuration();
  absl::Duration high = absl::InfiniteDuration();
  for (const TimeSample& s : samples) {
    if (!s.local_midpoint.has_value()) return out;
    absl::Duration offset = s.midpoint - *s.local_midpoint;
    low = std::max(low, offset - s.radius);
    high = std::min(high, offset + s.radius);
  }
  if (low <= high) out.local_offset = DurationInterval{low, high};
  return out;
}

}  // namespace roughtime::client
