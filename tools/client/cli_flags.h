// The roughtime CLI's flags (absl flags) and the parser that reads them
// after the subcommand. absl::ParseCommandLine is not used because it
// exits with status 1 on a bad flag (we promise 2 for usage errors) and
// reserves --version, which here selects the protocol version.
#ifndef ROUGHTIME_TOOLS_CLIENT_CLI_FLAGS_H_
#define ROUGHTIME_TOOLS_CLIENT_CLI_FLAGS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, key);
ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(std::string, servers);
ABSL_DECLARE_FLAG(std::string, offer_version);  // spelled --version
ABSL_DECLARE_FLAG(bool, tcp);
ABSL_DECLARE_FLAG(bool, tcp_fallback);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(int32_t, retries);
ABSL_DECLARE_FLAG(absl::Duration, max_wait);
ABSL_DECLARE_FLAG(absl::Duration, backoff);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(bool, allow_pre_rfc_contexts);
ABSL_DECLARE_FLAG(int32_t, count);
ABSL_DECLARE_FLAG(std::string, report);
ABSL_DECLARE_FLAG(bool, draft_contexts);

namespace roughtime::cli {

struct ParsedArgs {
  std::vector<std::string> positional;
  bool help = false;
};

// Parses args[first..] as flags of `command`: --name=value, --name value,
// --flag / --noflag / --no-flag for booleans, dashes or underscores in
// names, "--" ends the flags, -h/--help asks for help. Durations accept a
// bare number as seconds. Only flags in `allowed` (underscore names) are
// accepted; anything else is an error naming the flag.
absl::StatusOr<ParsedArgs> ParseFlags(const std::vector<std::string>& args,
                                      size_t first,
                                      const std::string& command,
                                      const std::set<std::string>& allowed);

}  // namespace roughtime::cli

#endif  // ROUGHTIME_TOOLS_CLIENT_CLI_FLAGS_H_
