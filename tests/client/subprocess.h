// Running the real binaries from tests: the roughtime CLI (to check its
// output and exit status) and roughtimed (a server in its own process).
#ifndef ROUGHTIME_TESTS_CLIENT_SUBPROCESS_H_
#define ROUGHTIME_TESTS_CLIENT_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace roughtime::client_test {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or the time limit
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the path) in directory `cwd` (empty: ours),
// waits at most `limit` (then kills it).
RunResult RunProgram(const std::vector<std::string>& argv,
                     absl::Duration limit = absl::Seconds(30),
                     const std::string& cwd = "");

// The path in environment variable `name`; fails the calling test (via
// ADD_FAILURE) and returns "" when it is not set.
std::string PathFromEnv(const char* name);

// A background process whose stdout and stderr go to one pipe.
class Background {
 public:
  static absl::StatusOr<std::unique_ptr<Background>> Start(
      const std::vector<std::string>& argv);
  ~Background();  // SIGTERM, then SIGKILL after 5 s; always reaped

  // Reads output until a line contains `needle` (returned whole) or
  // `limit` passes.
  absl::StatusOr<std::string> WaitForLine(const std::string& needle,
                                          absl::Duration limit);
  // Sends SIGTERM and waits up to `limit`; returns the exit status, or -1
  // when it had to be killed.
  int Terminate(absl::Duration limit = absl::Seconds(5));
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  size_t consumed_ = 0;
};

}  // namespace roughtime::client_test

#endif  // ROUGHTIME_TESTS_CLIENT_SUBPROCESS_H_
