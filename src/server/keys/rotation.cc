#include "server/keys/rotation.h"

#include <algorithm>

namespace roughtime::server {
namespace {

// See OnlineKeyWindow.
constexpr absl::Duration kLookBack = absl::Hours(1);

}  // namespace

DelegationWindow OnlineKeyWindow(absl::Time now, absl::Duration lifetime) {
  DelegationWindow window;
  window.mint_seconds =
      static_cast<uint64_t>(absl::ToUnixSeconds(now - kLookBack));
  window.maxt_seconds =
      static_cast<uint64_t>(absl::ToUnixSeconds(now + lifetime));
  return window;
}

absl::Time NextRotationTime(const DelegationWindow& window,
                            absl::Duration rotate_before) {
  return absl::FromUnixSeconds(static_cast<int64_t>(window.maxt_seconds)) -
         rotate_before;
}

absl::Duration WorkerJitter(absl::Duration rotate_before, double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  return (rotate_before / 2) * fraction;
}

ExpiryWatch::ExpiryWatch(absl::Time maxt, absl::Duration warn_before,
                         absl::Duration warn_interval)
    : maxt_(maxt),
      warn_interval_(warn_interval),
      next_warning_(maxt - warn_before) {}

ExpiryWatch::Event ExpiryWatch::Check(absl::Time now) {
  if (expired_) return Event::kNone;
  if (now > maxt_) {
    expired_ = true;
    return Event::kExpired;
  }
  if (now >= next_warning_) {
    // The next warning one interval on, but never later than MAXT's notice.
    next_warning_ = now + warn_interval_;
    return Event::kWarn;
  }
  return Event::kNone;
}

absl::Time ExpiryWatch::NextCheck() const {
  if (expired_) return absl::InfiniteFuture();
  // Just after MAXT (Check wants now > MAXT).
  return std::min(next_warning_, maxt_ + absl::Milliseconds(1));
}

}  // namespace roughtime::server
