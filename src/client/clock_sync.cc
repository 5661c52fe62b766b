#include "client/clock_sync.h"

#include "absl/strings/str_cat.h"
#include "client/output.h"

namespace roughtime::client {

const char* SyncActionName(SyncAction a) {
  switch (a) {
    case SyncAction::kNone:
      return "none";
    case SyncAction::kStep:
      return "step";
    case SyncAction::kRefuseNoQuorum:
      return "refused-no-quorum";
    case SyncAction::kRefuseMalfeasance:
      return "refused-malfeasance";
    case SyncAction::kRefuseBackwards:
      return "refused-backwards";
  }
  return "refused";
}

ClockAnchor TakeAnchor(SystemClock& clock) {
  ClockAnchor a;
  a.monotonic = clock.Monotonic();
  a.local = clock.Now();
  return a;
}

SyncPlan PlanSync(const ClockVerdict& verdict, const ClockAnchor& anchor,
                  bool allow_backwards) {
  SyncPlan p;
  p.verdict = verdict;
  p.anchor = anchor;
  p.step = verdict.offset;
  switch (verdict.state) {
    case ClockState::kUnknown:
      p.action = verdict.malfeasance ? SyncAction::kRefuseMalfeasance
                                     : SyncAction::kRefuseNoQuorum;
      p.reason = absl::StrCat("not stepping: ", verdict.reason);
      return p;
    case ClockState::kInside:
    case ClockState::kNearEdge:
      // Inside the interval the servers cannot say which way is better;
      // fine tuning is NTP's job.
      p.action = SyncAction::kNone;
      p.reason = absl::StrCat("no step needed: ", verdict.reason);
      return p;
    case ClockState::kOutside:
      break;
  }
  if (p.step < absl::ZeroDuration() && !allow_backwards) {
    p.action = SyncAction::kRefuseBackwards;
    p.reason = absl::StrCat("not stepping backwards by ",
                            FormatSeconds(-p.step, false),
                            " s without --allow-backwards: ", verdict.reason);
    return p;
  }
  p.action = SyncAction::kStep;
  p.reason = absl::StrCat("step by ", FormatSeconds(p.step, true),
                          " s to the agreed midpoint: ", verdict.reason);
  return p;
}

absl::Time StepTarget(const SyncPlan& plan, SystemClock& clock) {
  const absl::Duration elapsed = clock.Monotonic() - plan.anchor.monotonic;
  return plan.anchor.local + plan.step + elapsed;
}

absl::StatusOr<StepRecord> ExecuteStep(const SyncPlan& plan,
                                       SystemClock& clock) {
  if (plan.action != SyncAction::kStep) {
    return absl::FailedPreconditionError(
        absl::StrCat("the plan is '", SyncActionName(plan.action),
                     "', not a step"));
  }
  StepRecord r;
  r.from = clock.Now();
  r.to = StepTarget(plan, clock);
  r.step = r.to - r.from;
  // A step whose direction flipped since planning (the wall clock was moved
  // by someone else meanwhile) is not what was decided; do not make it.
  if ((r.step < absl::ZeroDuration()) != (plan.step < absl::ZeroDuration())) {
    return absl::AbortedError(absl::StrCat(
        "the clock moved by itself since the measurement (planned ",
        FormatSeconds(plan.step, true), " s, now ",
        FormatSeconds(r.step, true), " s); not stepping"));
  }
  absl::Status s = clock.StepTo(r.to);
  if (!s.ok()) return s;
  return r;
}

}  // namespace roughtime::client
