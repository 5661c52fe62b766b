// What the kernel knows about its own clock, and what the server does with
// it (--radius-from-kernel, --unsync-policy; docs/OPERATIONS.md "Clock
// policy"). The kernel query is an interface so tests inject states; the
// real one only reads (ntp_adjtime with modes = 0 never changes the clock).
//  * radius from kernel: RADI becomes at least the kernel's maximum error
//    estimate (timex.maxerror), rounded up to whole seconds by the core for
//    IETF versions, so the interval we sign really contains the time as far
//    as the kernel knows (RFC 10049 §5.2: RADI bounds the error);
//  * unsynchronised kernel clock (STA_UNSYNC set, or TIME_ERROR):
//    warn (serve as configured, log), widen (add `widen_by` to RADI), or
//    refuse (sign nothing until synchronised). --dev forces warn so a
//    development machine can always run.
#ifndef ROUGHTIME_SERVER_CORE_CLOCK_POLICY_H_
#define ROUGHTIME_SERVER_CORE_CLOCK_POLICY_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace roughtime::server {

struct KernelClockState {
  bool synchronized = true;
  absl::Duration max_error = absl::ZeroDuration();
};

class KernelClock {
 public:
  virtual ~KernelClock() = default;
  virtual absl::StatusOr<KernelClockState> Query() const = 0;
};

// ntp_adjtime(2) in read-only mode.
class AdjtimexKernelClock final : public KernelClock {
 public:
  absl::StatusOr<KernelClockState> Query() const override;
};

enum class UnsyncPolicy : uint8_t { kWarn, kWiden, kRefuse };
absl::StatusOr<UnsyncPolicy> ParseUnsyncPolicy(absl::string_view name);
absl::string_view UnsyncPolicyName(UnsyncPolicy policy);

struct ClockPolicyOptions {
  bool radius_from_kernel = false;
  UnsyncPolicy unsync = UnsyncPolicy::kWarn;
  absl::Duration widen_by = absl::Seconds(1);
};

struct ClockDecision {
  bool sign = true;
  absl::Duration radius;
  bool unsynchronized = false;  // worth a warning
};

// Pure: the radius to send and whether to sign, given the configured
// radius and the kernel's state.
ClockDecision DecideClock(const ClockPolicyOptions& options,
                          absl::Duration configured_radius,
                          const KernelClockState& state);

// The decision shared with the batchers (written by the main thread,
// read by every batch; relaxed atomics, a batch late is fine).
class ClockGate {
 public:
  explicit ClockGate(absl::Duration radius) { Set({true, radius, false}); }
  void Set(const ClockDecision& d) {
    radius_us_.store(absl::ToInt64Microseconds(d.radius),
                     std::memory_order_relaxed);
    sign_.store(d.sign, std::memory_order_relaxed);
  }
  bool sign() const { return sign_.load(std::memory_order_relaxed); }
  absl::Duration radius() const {
    return absl::Microseconds(radius_us_.load(std::memory_order_relaxed));
  }

 private:
  std::atomic<int64_t> radius_us_{0};
  std::atomic<bool> sign_{true};
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_CLOCK_POLICY_H_
