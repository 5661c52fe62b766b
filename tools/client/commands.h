// The roughtime subcommands. Each reads its flags (already parsed) and
// returns the process exit status.
#ifndef ROUGHTIME_TOOLS_CLIENT_COMMANDS_H_
#define ROUGHTIME_TOOLS_CLIENT_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/query.h"

namespace roughtime::cli {

// Documented in docs/CLIENT.md and --help.
enum ExitCode : int {
  kExitOk = 0,              // answer verified / measurement consistent /
                            // report valid without inconsistency
  kExitNoValidAnswer = 1,   // no valid answer (after retries)
  kExitUsage = 2,           // bad command line or unusable input file
  kExitInconsistent = 3,    // measure found malfeasance / report proves it
  kExitReportInvalid = 4,   // verify-report: the report does not verify
  // sync (0, 2 and 3 as above):
  kSyncNoQuorum = 1,        // refused: too few independent servers agree
  kSyncBackwards = 4,       // refused: the step would go backwards
  kSyncStepFailed = 5,      // a step was due but not made (evidence or
                            // clock_settime failed)
};
// check follows the monitoring-plugin convention instead: 0 OK, 1 WARNING,
// 2 CRITICAL, 3 UNKNOWN (client::ClockState); usage errors are UNKNOWN.
constexpr int kCheckUnknown = 3;

int RunQuery(const std::vector<std::string>& positional);
int RunMeasure(const std::vector<std::string>& positional);
int RunVerifyReport(const std::vector<std::string>& positional);
int RunCheck(const std::vector<std::string>& positional);
int RunSync(const std::vector<std::string>& positional);

// --timeout, --retries, --max-wait, --backoff, --tcp, --tcp-fallback,
// checked for sane values.
absl::StatusOr<client::RetryPolicy> RetryPolicyFromFlags();

// One line on stderr: "roughtime: <message>".
void PrintError(absl::string_view message);
// Writes `text` to stdout.
void PrintOut(absl::string_view text);

std::string HelpText();

}  // namespace roughtime::cli

#endif  // ROUGHTIME_TOOLS_CLIENT_COMMANDS_H_
