// Causal consistency of a sequence of answers (RFC 10049 §8.2): for answers
// i received before j, MIDP_i - RADI_i <= MIDP_j + RADI_j must hold, or one
// of the two servers is wrong and the pair proves it.
#ifndef ROUGHTIME_CLIENT_CONSISTENCY_H_
#define ROUGHTIME_CLIENT_CONSISTENCY_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "absl/time/time.h"

namespace roughtime::client {

struct TimeSample {
  absl::Time midpoint;
  absl::Duration radius;
  // The local clock at the middle of the round trip (unknown in reports).
  std::optional<absl::Time> local_midpoint;
};

struct InconsistentPair {
  size_t earlier = 0;  // receive-order indices, earlier < later
  size_t later = 0;
  bool operator==(const InconsistentPair&) const = default;
};

struct TimeInterval {
  absl::Time earliest;
  absl::Time latest;
};

struct DurationInterval {
  absl::Duration low;
  absl::Duration high;
};

struct ConsistencyResult {
  std::vector<InconsistentPair> violations;
  // The intersection of every (MIDP - RADI, MIDP + RADI); nullopt when the
  // intervals do not all overlap (also possible without a violation when
  // the measurement took longer than the radii).
  std::optional<TimeInterval> agreed;
  // The same intersection taken on offsets (server time minus the local
  // clock at each answer), which corrects for time passing during the
  // measurement; nullopt when no local times are known or it is empty.
  std::optional<DurationInterval> local_offset;
  bool consistent() const { return violations.empty(); }
};

ConsistencyResult CheckConsistency(const std::vector<TimeSample>& samples);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_CONSISTENCY_H_
