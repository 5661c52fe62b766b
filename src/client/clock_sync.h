// Bootstrapping the local clock (`roughtime sync`): when a quorum of
// independent servers agrees on an interval that does not contain the
// local clock, step the clock to the interval's midpoint. Refuses without a
// quorum, on malfeasance, and backwards unless allowed. The measurement is
// carried forward to the moment of the step on the monotonic clock, so the
// step lands on the estimate even if the wall clock moved meanwhile.
#ifndef ROUGHTIME_CLIENT_CLOCK_SYNC_H_
#define ROUGHTIME_CLIENT_CLOCK_SYNC_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/clock_check.h"
#include "client/system_clock.h"

namespace roughtime::client {

enum class SyncAction {
  kNone,                // the clock is inside the agreed interval
  kStep,                // step to the midpoint
  kRefuseNoQuorum,      // too few independent servers / no interval
  kRefuseMalfeasance,   // answers contradict each other
  kRefuseBackwards,     // the step would go back; not allowed
};
const char* SyncActionName(SyncAction a);  // "none", "step", ...

// Both readings taken together right after the measurement: the offsets in
// the verdict are relative to `local`, which was `monotonic` on the
// monotonic clock.
struct ClockAnchor {
  absl::Time local;
  absl::Duration monotonic;
};
ClockAnchor TakeAnchor(SystemClock& clock);

struct SyncPlan {
  SyncAction action = SyncAction::kRefuseNoQuorum;
  ClockVerdict verdict;
  ClockAnchor anchor;
  absl::Duration step;  // the verdict's offset: + forward, - backward
  std::string reason;   // one line
};

SyncPlan PlanSync(const ClockVerdict& verdict, const ClockAnchor& anchor,
                  bool allow_backwards);

struct StepRecord {
  absl::Time from;     // the local clock just before the step
  absl::Time to;       // what it was set to
  absl::Duration step; // to - from
};

// The target of a planned step now: anchor.local + offset + the monotonic
// time elapsed since the anchor.
absl::Time StepTarget(const SyncPlan& plan, SystemClock& clock);

// Steps `clock` according to a kStep plan.
absl::StatusOr<StepRecord> ExecuteStep(const SyncPlan& plan,
                                       SystemClock& clock);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_CLOCK_SYNC_H_
