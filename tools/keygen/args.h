// Command-line parsing for roughtime-keygen's subcommands. The flags are
// absl flags (defined in flags.cc); this parser adds what absl's global
// ParseCommandLine cannot give a multi-command tool: per-command flag sets,
// dashed names (--not-before), repeatable flags (--address), and one-line
// usage errors that the caller turns into exit status 2.
#ifndef ROUGHTIME_TOOLS_KEYGEN_ARGS_H_
#define ROUGHTIME_TOOLS_KEYGEN_ARGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace roughtime::keygen {

// Parses `args` (everything after the subcommand name). Only the flags in
// `allowed` (dashed names, e.g. "not-before") are accepted; each is set on
// its absl flag (dashes become underscores). Bool flags take no value
// (--force) or an explicit one (--force=false). Flags listed in
// `repeatable` may be given more than once and accumulate. Arguments that
// are not flags, and everything after "--", go to `positional`.
absl::Status ParseCommandArgs(const std::vector<std::string>& args,
                              absl::Span<const absl::string_view> allowed,
                              absl::Span<const absl::string_view> repeatable,
                              std::vector<std::string>* positional);

// True when the named flag (dashed) was given on the command line.
bool FlagWasGiven(absl::string_view dashed_name);

}  // namespace roughtime::keygen

#endif  // ROUGHTIME_TOOLS_KEYGEN_ARGS_H_
