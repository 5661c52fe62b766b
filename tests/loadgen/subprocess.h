// Child processes for the loadgen tests: the echo target, roughtimed and
// roughtime-bench itself run as real processes with their stdout and stderr
// captured. Every wait is bounded; the destructor kills what is left.
#ifndef ROUGHTIME_TESTS_LOADGEN_SUBPROCESS_H_
#define ROUGHTIME_TESTS_LOADGEN_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace roughtime::loadgen::testing {

class Subprocess {
 public:
  // Runs argv[0] (a path) with `argv` in `cwd` (inherited when empty).
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& cwd = "");
  ~Subprocess();

  pid_t pid() const { return pid_; }
  // The first line of stdout or stderr containing `needle`, waiting up to
  // `timeout` for it.
  std::optional<std::string> WaitForLine(const std::string& needle,
                                         absl::Duration timeout);
  // Waits for the exit (killing the process after `timeout`); returns the
  // exit code, 128+N for signal N, or -1 if it had to be killed.
  int Wait(absl::Duration timeout);
  // SIGTERM, then Wait.
  int Stop(absl::Duration timeout = absl::Seconds(5));

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  Subprocess(pid_t pid, int out_fd, int err_fd)
      : pid_(pid), out_fd_(out_fd), err_fd_(err_fd) {}
  // Reads what is available, waiting at most `wait`; false at EOF on both.
  bool Pump(absl::Duration wait);

  pid_t pid_;
  int out_fd_;
  int err_fd_;
  bool exited_ = false;
  int exit_code_ = -1;
  std::string out_;
  std::string err_;
};

struct Completed {
  int code = -1;
  std::string out;
  std::string err;
};

// Starts argv and waits for it to finish (at most `timeout`).
Completed RunToCompletion(const std::vector<std::string>& argv,
                          absl::Duration timeout);

// $NAME, or "" when unset.
std::string EnvOr(const char* name);

}  // namespace roughtime::loadgen::testing

#endif  // ROUGHTIME_TESTS_LOADGEN_SUBPROCESS_H_
