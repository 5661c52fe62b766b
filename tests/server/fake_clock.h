// A Clock for unit tests that moves only when told to (server/clock.h).
#ifndef ROUGHTIME_TESTS_SERVER_FAKE_CLOCK_H_
#define ROUGHTIME_TESTS_SERVER_FAKE_CLOCK_H_

#include "absl/time/time.h"
#include "server/core/clock.h"

namespace roughtime::server::testing {

class FakeClock final : public Clock {
 public:
  absl::Time Now() const override { return now_; }
  absl::Time Monotonic() const override { return monotonic_; }
  // Both clocks move together, as real time passing.
  void Advance(absl::Duration d) {
    now_ += d;
    monotonic_ += d;
  }
  // Only the wall clock moves (a step of the system time).
  void StepWallClock(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'790'000'000);
  absl::Time monotonic_ = absl::FromUnixSeconds(1000);
};

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_FAKE_CLOCK_H_
