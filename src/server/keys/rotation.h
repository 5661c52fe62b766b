// The pure schedules of key lifetime management, with the time passed in so
// tests need no clock:
//  * online-key rotation (--root-key, --dev): a new online key is delegated
//    `rotate_before` ahead of the current delegation's MAXT; workers switch
//    within the first half of that overlap (their jitter), so the old
//    delegation still covers every batch signed before the switch;
//  * offline delegations (--delegation): warnings ahead of MAXT, repeated at
//    an interval, and one loud notice when MAXT has passed (the batcher then
//    refuses to sign: RFC 10049 §5.4 clients reject MIDP outside the
//    window, so silence is the only honest answer).
#ifndef ROUGHTIME_SERVER_KEYS_ROTATION_H_
#define ROUGHTIME_SERVER_KEYS_ROTATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "roughtime/certificate.h"
#include "server/config/key_settings.h"

namespace roughtime::server {

// The window of a key delegated at `now`: MINT an hour back (a small step
// back of our clock keeps MIDP inside), MAXT `lifetime` ahead.
DelegationWindow OnlineKeyWindow(absl::Time now, absl::Duration lifetime);

// When the key with `window` must be replaced.
absl::Time NextRotationTime(const DelegationWindow& window,
                            absl::Duration rotate_before);

// A worker's wait after a publication: `fraction` (in [0, 1), random per
// worker) of half the overlap.
absl::Duration WorkerJitter(absl::Duration rotate_before, double fraction);

// Warnings about an offline delegation's end (MAXT).
class ExpiryWatch {
 public:
  enum class Event { kNone, kWarn, kExpired };

  ExpiryWatch(absl::Time maxt, absl::Duration warn_before,
              absl::Duration warn_interval);

  // What to say at `now`: kWarn when inside `warn_before` of MAXT and no
  // warning was given within `warn_interval`; kExpired once after MAXT.
  Event Check(absl::Time now);
  // The next moment Check can return something (InfiniteFuture when done).
  absl::Time NextCheck() const;
  bool expired() const { return expired_; }
  absl::Time maxt() const { return maxt_; }

 private:
  absl::Time maxt_;
  absl::Duration warn_interval_;
  absl::Time next_warning_;
  bool expired_ = false;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_KEYS_ROTATION_H_
