// The server's two notions of time, behind an interface so the batch logic
// can be tested with a fake clock.
//  * Now(): the real-time clock, which becomes MIDP (RFC 10049 §5.2: the
//    midpoint is the time the server processed the request).
//  * Monotonic(): a clock that never jumps, for batch deadlines; a step of the
//    real-time clock (NTP, an operator) must not hold a batch back.
#ifndef ROUGHTIME_SERVER_CORE_CLOCK_H_
#define ROUGHTIME_SERVER_CORE_CLOCK_H_

#include <time.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace roughtime::server {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // An absl::Time on an arbitrary epoch; only differences are meaningful.
  virtual absl::Time Monotonic() const = 0;
};

// CLOCK_REALTIME for the midpoint, CLOCK_MONOTONIC for deadlines.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  absl::Time Monotonic() const override {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return absl::TimeFromTimespec(ts);
  }
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_CLOCK_H_
