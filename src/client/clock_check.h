// Judging the local clock against a chained measurement (RFC 10049 §8.2):
// the answers' agreed interval, taken on offsets (server time minus the
// local clock at each answer), either contains zero (the local clock is
// plausible) or it does not. `roughtime check` reports this and
// `roughtime sync` acts on it.
#ifndef ROUGHTIME_CLIENT_CLOCK_CHECK_H_
#define ROUGHTIME_CLIENT_CLOCK_CHECK_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "client/chain.h"
#include "client/consistency.h"

namespace roughtime::client {

// Monitoring-plugin states; the numbers are the exit statuses of `check`.
enum class ClockState {
  kInside = 0,    // OK
  kNearEdge = 1,  // WARNING: inside, closer than the margin to an edge
  kOutside = 2,   // CRITICAL
  kUnknown = 3,   // no quorum, no agreed interval, or malfeasance
};
const char* ClockStateName(ClockState s);  // "OK", "WARNING", ...

struct ClockCheckOptions {
  // Servers with distinct long-term keys that must have answered validly.
  size_t quorum = 2;
  absl::Duration warn_margin = absl::Milliseconds(500);
};

struct ClockVerdict {
  ClockState state = ClockState::kUnknown;
  std::string reason;  // one line: why this state
  size_t independent = 0;  // distinct public keys among valid answers
  size_t quorum = 0;
  bool malfeasance = false;
  // Where the true time is, as offsets from the local clock (server minus
  // local); set whenever the answers agree on an interval.
  std::optional<DurationInterval> interval;
  // The midpoint of `interval`: how far the local clock is from the best
  // estimate (positive: the local clock is behind).
  absl::Duration offset;
  // How far zero lies inside the interval (negative: outside by that much).
  absl::Duration edge_distance;
};

// Distinct long-term keys among the servers that answered validly: the same
// server listed twice (another name or address) counts once.
size_t CountIndependentServers(const Measurement& m);

ClockVerdict JudgeClock(const Measurement& m, const ClockCheckOptions& opt);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_CLOCK_CHECK_H_
