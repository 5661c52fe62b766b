// Test support: roughtimed or another server as a child process, its output
// read by a thread of its own (server_process.h).
#include "support/server_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace roughtime::testing {
namespace {

using ::roughtime::server::ParseSocketAddress;
using ::roughtime::server::SocketAddress;

constexpr char kListeningPrefix[] = "roughtimed: listening on udp ";

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string RoughtimedPath() {
  const char* path = getenv("ROUGHTIMED");
  return path == nullptr ? "" : path;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::vector<std::string>& args, const std::string& cwd,
    const std::string& binary_override) {
  const std::string binary =
      binary_override.empty() ? RoughtimedPath() : binary_override;
  if (binary.empty()) {
    return absl::FailedPreconditionError("ROUGHTIMED is not set");
  }
  std::vector<std::string> argv_storage = {binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  return std::unique_ptr<ServerProcess>(new ServerProcess(pid, pipe_fds[0]));
}

ServerProcess::ServerProcess(pid_t pid, int out_fd)
    : pid_(pid), out_fd_(out_fd) {
  reader_ = std::thread([this] { ReadOutput(); });
}

ServerProcess::~ServerProcess() {
  if (!exit_status_.has_value()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (reader_.joinable()) reader_.join();  // EOF once the child is gone
  close(out_fd_);
}

void ServerProcess::ReadOutput() {
  std::string partial;
  char buf[4096];
  while (true) {
    const ssize_t n = read(out_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      absl::MutexLock lock(&mu_);
      lines_.push_back(partial.substr(0, nl));
      partial.erase(0, nl + 1);
    }
  }
  absl::MutexLock lock(&mu_);
  if (!partial.empty()) lines_.push_back(partial);
  eof_ = true;
}

std::optional<std::string> ServerProcess::WaitForLine(
    const std::string& needle, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  std::optional<std::string> found;
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const std::string& l : lines_) {
      if (absl::StrContains(l, needle)) {
        found = l;
        return true;
      }
    }
    return eof_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  return found;
}

absl::StatusOr<std::vector<SocketAddress>> ServerProcess::WaitForListening(
    size_t count, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  std::vector<SocketAddress> out;
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    out.clear();
    for (const std::string& l : lines_) {
      absl::string_view rest = l;
      if (!absl::ConsumePrefix(&rest, kListeningPrefix)) continue;
      absl::StatusOr<SocketAddress> a = ParseSocketAddress(rest, 0);
      if (a.ok()) out.push_back(*a);
    }
    return out.size() >= count || eof_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (out.size() < count) {
    return absl::DeadlineExceededError(absl::StrCat(
        "server did not report ", count, " listening sockets; output:\n",
        absl::StrJoin(lines_, "\n")));
  }
  return out;
}

int ServerProcess::WaitForExit(absl::Duration timeout) {
  if (exit_status_.has_value()) return *exit_status_;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = DecodeStatus(status);
      if (reader_.joinable()) reader_.join();
      return *exit_status_;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return -1;
}

int ServerProcess::Stop(int signal, absl::Duration timeout) {
  if (exit_status_.has_value()) return *exit_status_;
  kill(pid_, signal);
  const int status = WaitForExit(timeout);
  if (status == -1) {
    kill(pid_, SIGKILL);
    int ignored = 0;
    waitpid(pid_, &ignored, 0);
    exit_status_ = -1;
  }
  return status;
}

std::vector<std::string> ServerProcess::Lines() const {
  absl::MutexLock lock(&mu_);
  return lines_;
}

std::string ServerProcess::Output() const {
  return absl::StrJoin(Lines(), "\n");
}

std::optional<SocketAddress> StartServer(
    const std::vector<std::string>& args,
    std::unique_ptr<ServerProcess>* server, const std::string& cwd) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> started =
      ServerProcess::Start(args, cwd);
  EXPECT_TRUE(started.ok()) << started.status();
  if (!started.ok()) return std::nullopt;
  *server = *std::move(started);
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  EXPECT_TRUE(bound.ok()) << bound.status() << (*server)->Output();
  if (!bound.ok()) return std::nullopt;
  return bound->front();
}

uint16_t StartListening(const std::vector<std::string>& args,
                        std::unique_ptr<ServerProcess>* server,
                        const std::string& cwd, bool wait_serving) {
  const std::optional<SocketAddress> bound = StartServer(args, server, cwd);
  if (!bound) return 0;
  if (wait_serving) {
    EXPECT_TRUE((*server)->WaitForLine("serving versions", absl::Seconds(5)));
  }
  return bound->port();
}

}  // namespace roughtime::testing
