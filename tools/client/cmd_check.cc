// roughtime check --servers FILE [--quorum N] [--warn-margin D] [--json]
// A monitoring plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli_flags.h"
#include "clock_measure.h"
#include "client/clock_check.h"
#include "client/output_clock.h"
#include "commands.h"

namespace roughtime::cli {

int RunCheck(const std::vector<std::string>& positional) {
  absl::StatusOr<std::unique_ptr<client::SystemClock>> clock =
      ClockFromEnvironment();
  if (!clock.ok()) {
    PrintError(absl::StrCat("check: ", clock.status().message()));
    return kCheckUnknown;
  }
  absl::StatusOr<ClockMeasurement> run =
      MeasureForClock("check", positional, **clock);
  if (!run.ok()) {
    PrintError(run.status().message());
    return kCheckUnknown;  // the plugin convention: usage errors are UNKNOWN
  }
  client::ClockVerdict v = client::JudgeClock(run->measurement, run->check);
  PrintOut(absl::GetFlag(FLAGS_json)
               ? client::CheckJson(run->measurement, v, run->info)
               : client::CheckText(run->measurement, v, run->info));
  return static_cast<int>(v.state);
}

}  // namespace roughtime::cli
