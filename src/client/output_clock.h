// Text and JSON for `roughtime check` (monitoring-plugin style: a status
// line with performance data, then details) and `roughtime sync`.
#ifndef ROUGHTIME_CLIENT_OUTPUT_CLOCK_H_
#define ROUGHTIME_CLIENT_OUTPUT_CLOCK_H_

#include <optional>
#include <string>

#include "client/chain.h"
#include "client/clock_check.h"
#include "client/clock_sync.h"
#include "client/output.h"

namespace roughtime::client {

std::string CheckText(const Measurement& m, const ClockVerdict& v,
                      const MeasureReportInfo& info);
std::string CheckJson(const Measurement& m, const ClockVerdict& v,
                      const MeasureReportInfo& info);

struct SyncOutcome {
  bool dry_run = false;
  std::optional<absl::Time> would_step_to;  // dry run: the target now
  std::optional<StepRecord> step;           // done
  std::string evidence_path;                // written evidence
  std::string error;                        // why a planned step failed
  std::string clock;                        // which clock (real or fake)
};
std::string SyncText(const Measurement& m, const SyncPlan& p,
                     const SyncOutcome& o, const MeasureReportInfo& info);
std::string SyncJson(const Measurement& m, const SyncPlan& p,
                     const SyncOutcome& o, const MeasureReportInfo& info);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_OUTPUT_CLOCK_H_
