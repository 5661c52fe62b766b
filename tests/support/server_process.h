// Test support: runs the real roughtimed (path from $ROUGHTIMED), or another
// long-running program such as roughtime-bench's echo target, as a child
// process: collects its stdout and stderr lines (one pipe, in the order
// written), parses the "listening on udp" lines, stops it with a signal and
// always kills it when the test ends. The "stats" lines: stats_lines.h.
#ifndef ROUGHTIME_TESTS_SUPPORT_SERVER_PROCESS_H_
#define ROUGHTIME_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/net/socket_address.h"

namespace roughtime::testing {

// $ROUGHTIMED, or an empty string when the test was not started by meson.
std::string RoughtimedPath();

class ServerProcess {
 public:
  // Starts `roughtimed args...` in `cwd` (the test's directory when empty).
  // `binary` replaces $ROUGHTIMED as the program run and its argv[0] (a
  // relative path is taken from `cwd`, like a shell would): another
  // roughtimed, or another program that serves on loopback.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::vector<std::string>& args, const std::string& cwd = "",
      const std::string& binary = "");
  ~ServerProcess();

  // Waits for `count` "roughtimed: listening on udp ADDRESS" lines.
  absl::StatusOr<std::vector<server::SocketAddress>> WaitForListening(
      size_t count = 1, absl::Duration timeout = absl::Seconds(10));
  // The first line containing `needle`, waiting up to `timeout`.
  std::optional<std::string> WaitForLine(const std::string& needle,
                                         absl::Duration timeout);
  // Sends `signal` and waits for the exit; returns the exit status, or -1
  // when the process did not exit in time (it is then killed), or 128+N
  // when killed by signal N.
  int Stop(int signal, absl::Duration timeout = absl::Seconds(10));
  // Waits for the process to exit on its own (startup errors).
  int WaitForExit(absl::Duration timeout = absl::Seconds(10));

  std::vector<std::string> Lines() const;
  std::string Output() const;  // all lines, newline-separated
  pid_t pid() const { return pid_; }

 private:
  ServerProcess(pid_t pid, int out_fd);
  void ReadOutput();

  pid_t pid_;
  int out_fd_;
  std::optional<int> exit_status_;
  std::thread reader_;
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  bool eof_ ABSL_GUARDED_BY(mu_) = false;
};

// Starts roughtimed with `args` (in `cwd`), waits until it listens, keeps
// the process in `*server` and returns its first bound address; nullopt
// after recording a test failure when it did not start.
std::optional<server::SocketAddress> StartServer(
    const std::vector<std::string>& args,
    std::unique_ptr<ServerProcess>* server, const std::string& cwd = "");

// StartServer, then (with `wait_serving`) its "serving versions" line too;
// returns the port, 0 after recording a failure.
uint16_t StartListening(const std::vector<std::string>& args,
                        std::unique_ptr<ServerProcess>* server,
                        const std::string& cwd = "",
                        bool wait_serving = false);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_SERVER_PROCESS_H_
