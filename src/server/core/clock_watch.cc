#include "server/core/clock_watch.h"

#include "absl/strings/str_cat.h"
#include "server/base/log.h"

namespace roughtime::server {

constexpr absl::Duration kClockCheckInterval = absl::Seconds(1);

ClockWatch::ClockWatch(const KernelClock* kernel,
                       const ClockPolicyOptions& options,
                       absl::Duration configured_radius, ClockGate* gate)
    : kernel_(kernel),
      options_(options),
      configured_radius_(configured_radius),
      gate_(gate) {}

absl::Time ClockWatch::Tick(absl::Time now) {
  absl::StatusOr<KernelClockState> state = kernel_->Query();
  if (!state.ok()) {
    if (!last_.has_value()) {
      Log(absl::StrCat("warning: cannot read the kernel clock state (",
                       state.status().message(),
                       "); serving with the configured radius"));
      last_ = ClockDecision{true, configured_radius_, false};
    }
    return now + kClockCheckInterval;
  }
  const ClockDecision d = DecideClock(options_, configured_radius_, *state);
  gate_->Set(d);
  if (!last_.has_value() || last_->unsynchronized != d.unsynchronized ||
      last_->sign != d.sign) {
    if (d.unsynchronized) {
      Log(absl::StrCat(
          "warning: the kernel clock is not synchronised (STA_UNSYNC); "
          "--unsync-policy=", UnsyncPolicyName(options_.unsync), ": ",
          d.sign ? absl::StrCat("serving with radius ",
                                absl::FormatDuration(d.radius))
                 : "NOT SIGNING until it is synchronised"));
    } else if (last_.has_value()) {
      Log(absl::StrCat("the kernel clock is synchronised again; radius ",
                       absl::FormatDuration(d.radius)));
    }
  }
  last_ = d;
  return now + kClockCheckInterval;
}

}  // namespace roughtime::server
