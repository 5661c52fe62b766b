#include "server/core/clock_policy.h"

#include <errno.h>
#include <sys/timex.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server {

absl::StatusOr<KernelClockState> AdjtimexKernelClock::Query() const {
  timex tx{};
  tx.modes = 0;  // read only
  const int state = ntp_adjtime(&tx);
  if (state < 0) {
    return absl::UnavailableError(
        absl::StrCat("ntp_adjtime: ", std::strerror(errno)));
  }
  KernelClockState out;
  out.synchronized = state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
  out.max_error = absl::Microseconds(tx.maxerror);
  return out;
}

absl::StatusOr<UnsyncPolicy> ParseUnsyncPolicy(absl::string_view name) {
  if (name == "warn") return UnsyncPolicy::kWarn;
  if (name == "widen") return UnsyncPolicy::kWiden;
  if (name == "refuse") return UnsyncPolicy::kRefuse;
  return absl::InvalidArgumentError(absl::StrCat(
      "bad --unsync-policy '", name, "' (warn, widen or refuse)"));
}

absl::string_view UnsyncPolicyName(UnsyncPolicy policy) {
  switch (policy) {
    case UnsyncPolicy::kWarn: return "warn";
    case UnsyncPolicy::kWiden: return "widen";
    case UnsyncPolicy::kRefuse: return "refuse";
  }
  return "warn";
}

ClockDecision DecideClock(const ClockPolicyOptions& options,
                          absl::Duration configured_radius,
                          const KernelClockState& state) {
  ClockDecision d;
  d.radius = configured_radius;
  d.unsynchronized = !state.synchronized;
  // An unsynchronised kernel's maxerror only grows (16 s is its cap); it is
  // not an estimate worth sending, so it is used only while synchronised.
  if (options.radius_from_kernel && state.synchronized) {
    d.radius = std::max(d.radius, state.max_error);
  }
  if (!state.synchronized) {
    switch (options.unsync) {
      case UnsyncPolicy::kWarn:
        break;
      case UnsyncPolicy::kWiden:
        d.radius += options.widen_by;
        break;
      case UnsyncPolicy::kRefuse:
        d.sign = false;
        break;
    }
  }
  // Google-Roughtime carries RADI in microseconds in a uint32.
  d.radius = std::min(d.radius, absl::Hours(1));
  return d;
}

}  // namespace roughtime::server
