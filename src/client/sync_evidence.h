// The evidence of a clock step: every chained request and response of the
// measurement in the RFC 10049 §8.4.1 report format (so `roughtime
// verify-report` checks it unchanged), plus a "roughtimeSync" member that
// records the step. With the signed times and the step side by side, a
// wrong step can be proven afterwards.
#ifndef ROUGHTIME_CLIENT_SYNC_EVIDENCE_H_
#define ROUGHTIME_CLIENT_SYNC_EVIDENCE_H_

#include <string>

#include "absl/time/time.h"
#include "client/chain.h"
#include "client/clock_sync.h"

namespace roughtime::client {

std::string EvidenceJson(const Measurement& m, const SyncPlan& plan,
                         const StepRecord& planned_step);

// $STATE_DIRECTORY/sync-evidence-<unix>.json when systemd gave us a state
// directory (its first entry), else ./roughtime-sync-evidence-<unix>.json.
std::string DefaultEvidencePath(absl::Time now);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_SYNC_EVIDENCE_H_
