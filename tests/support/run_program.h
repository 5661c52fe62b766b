// Test support: runs a command-line program (roughtime, roughtime-keygen,
// roughtime-bench, systemd-analyze, ...) to completion as a real process,
// capturing its stdout, stderr and exit status, and finds the programs
// meson names in the environment.
#ifndef ROUGHTIME_TESTS_SUPPORT_RUN_PROGRAM_H_
#define ROUGHTIME_TESTS_SUPPORT_RUN_PROGRAM_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace roughtime::testing {

struct ProgramResult {
  int exit_code = -1;  // -1 when killed by a signal or the time limit
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Every member has an initializer, so a call can name only what it changes:
// RunProgram(argv, {.timeout = absl::Seconds(60)}).
struct RunOptions {
  std::string cwd = "";                        // "": the test's directory
  absl::Duration timeout = absl::Seconds(30);  // then it is killed
  std::optional<long> file_size_limit = std::nullopt;  // RLIMIT_FSIZE, bytes
};

// Runs argv[0] (a path) with the rest of `argv` as its arguments.
ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const RunOptions& options = {});

// The path in environment variable `name` (set by meson); "" after
// recording a failure of the calling test when it is not set.
std::string PathFromEnv(const char* name);

// Lines of `text`, without their newlines.
std::vector<std::string> SplitLines(const std::string& text);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_RUN_PROGRAM_H_
