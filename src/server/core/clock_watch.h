// The main thread's periodic look at the kernel clock (clock_policy.h):
// every second it asks the kernel, decides the radius and whether to sign,
// hands that to the batchers through the ClockGate, and logs each change
// of state (synchronised / not, signing refused / resumed).
#ifndef ROUGHTIME_SERVER_CORE_CLOCK_WATCH_H_
#define ROUGHTIME_SERVER_CORE_CLOCK_WATCH_H_

#include <optional>

#include "absl/time/time.h"
#include "server/core/clock_policy.h"

namespace roughtime::server {

class ClockWatch {
 public:
  // `kernel` and `gate` must outlive the watch.
  ClockWatch(const KernelClock* kernel, const ClockPolicyOptions& options,
             absl::Duration configured_radius, ClockGate* gate);

  // Queries and applies; returns when to call again.
  absl::Time Tick(absl::Time now);

 private:
  const KernelClock* kernel_;
  ClockPolicyOptions options_;
  absl::Duration configured_radius_;
  ClockGate* gate_;
  std::optional<ClockDecision> last_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_CLOCK_WATCH_H_
