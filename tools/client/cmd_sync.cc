// roughtime sync --servers FILE [--quorum N] [--dry-run] [--allow-backwards]
//                [--evidence FILE]
// Steps the local clock to the agreed midpoint when it lies outside the
// interval a quorum of independent servers agrees on (docs/CLIENT.md).
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli_flags.h"
#include "clock_flags.h"
#include "clock_measure.h"
#include "client/clock_sync.h"
#include "client/malfeasance_report.h"
#include "client/output_clock.h"
#include "client/sync_evidence.h"
#include "commands.h"

namespace roughtime::cli {
namespace {

int StatusFor(client::SyncAction a) {
  switch (a) {
    case client::SyncAction::kNone:
    case client::SyncAction::kStep:
      return kExitOk;
    case client::SyncAction::kRefuseNoQuorum:
      return kSyncNoQuorum;
    case client::SyncAction::kRefuseMalfeasance:
      return kExitInconsistent;
    case client::SyncAction::kRefuseBackwards:
      return kSyncBackwards;
  }
  return kSyncStepFailed;
}

// Writes the evidence first and steps only when it is safely on disk: a
// step nobody can check afterwards is not made.
void StepWithEvidence(const client::Measurement& m,
                      const client::SyncPlan& plan,
                      client::SystemClock& clock, client::SyncOutcome& o) {
  client::StepRecord planned;
  planned.from = clock.Now();
  planned.to = client::StepTarget(plan, clock);
  planned.step = planned.to - planned.from;
  std::string path = absl::GetFlag(FLAGS_evidence);
  if (path.empty()) path = client::DefaultEvidencePath(absl::Now());
  absl::Status written =
      client::WriteNewFile(path, client::EvidenceJson(m, plan, planned));
  if (!written.ok()) {
    o.error = absl::StrCat("evidence not written: ", written.message());
    return;
  }
  o.evidence_path = path;
  absl::StatusOr<client::StepRecord> done = client::ExecuteStep(plan, clock);
  if (!done.ok()) {
    o.error = std::string(done.status().message());
    return;
  }
  o.step = *done;
}

}  // namespace

int RunSync(const std::vector<std::string>& positional) {
  absl::StatusOr<std::unique_ptr<client::SystemClock>> clock =
      ClockFromEnvironment();
  if (!clock.ok()) {
    PrintError(absl::StrCat("sync: ", clock.status().message()));
    return kExitUsage;
  }
  absl::StatusOr<ClockMeasurement> run =
      MeasureForClock("sync", positional, **clock);
  if (!run.ok()) {
    PrintError(run.status().message());
    return kExitUsage;
  }
  const client::ClockAnchor anchor = client::TakeAnchor(**clock);
  client::ClockVerdict v = client::JudgeClock(run->measurement, run->check);
  client::SyncPlan plan =
      client::PlanSync(v, anchor, absl::GetFlag(FLAGS_allow_backwards));

  client::SyncOutcome o;
  o.dry_run = absl::GetFlag(FLAGS_dry_run);
  o.clock = (*clock)->Describe();
  if (plan.action == client::SyncAction::kStep) {
    if (o.dry_run) {
      o.would_step_to = client::StepTarget(plan, **clock);
    } else {
      StepWithEvidence(run->measurement, plan, **clock, o);
    }
  }
  PrintOut(absl::GetFlag(FLAGS_json)
               ? client::SyncJson(run->measurement, plan, o, run->info)
               : client::SyncText(run->measurement, plan, o, run->info));
  if (!o.error.empty()) {
    PrintError(absl::StrCat("sync: clock NOT stepped: ", o.error));
    return kSyncStepFailed;
  }
  if (plan.action != client::SyncAction::kNone &&
      plan.action != client::SyncAction::kStep) {
    PrintError(absl::StrCat("sync: ", plan.reason));
  } else if (o.step.has_value()) {
    // Logged on stderr too, so the journal has the step in one line.
    PrintError(absl::StrCat("sync: stepped the clock by ",
                            client::FormatSeconds(o.step->step, true),
                            " s; evidence in ", o.evidence_path));
  }
  return StatusFor(plan.action);
}

}  // namespace roughtime::cli
