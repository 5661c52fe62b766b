#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace roughtime::loadgen::testing {
namespace {

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::vector<std::string>& argv, const std::string& cwd) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  return std::unique_ptr<Subprocess>(new Subprocess(pid, out[0], err[0]));
}

Subprocess::~Subprocess() {
  if (!exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

bool Subprocess::Pump(absl::Duration wait) {
  pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  poll(p, 2, static_cast<int>(absl::ToInt64Milliseconds(wait)));
  char buf[4096];
  for (int i = 0; i < 2; ++i) {
    int& fd = i == 0 ? out_fd_ : err_fd_;
    std::string& sink = i == 0 ? out_ : err_;
    if (fd < 0) continue;
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof(buf));
      if (n > 0) {
        sink.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) {  // EOF
        close(fd);
        fd = -1;
      }
      break;
    }
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

std::optional<std::string> Subprocess::WaitForLine(const std::string& needle,
                                                   absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    for (const std::string* text : {&out_, &err_}) {
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        if (line.find(needle) != absl::string_view::npos) {
          return std::string(line);
        }
      }
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return std::nullopt;
    if (!Pump(std::min(left, absl::Milliseconds(50)))) {
      // Both streams closed: nothing more will come.
      if (out_fd_ < 0 && err_fd_ < 0) return std::nullopt;
    }
  }
}

int Subprocess::Wait(absl::Duration timeout) {
  if (exited_) return exit_code_;
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    Pump(absl::Milliseconds(20));
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      exit_code_ = DecodeStatus(status);
      // Collect what is still in the pipes (bounded: the writer is gone).
      for (int i = 0; i < 50 && Pump(absl::Milliseconds(10)); ++i) {
      }
      return exit_code_;
    }
    if (absl::Now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      exited_ = true;
      exit_code_ = -1;
      return -1;
    }
  }
}

int Subprocess::Stop(absl::Duration timeout) {
  if (!exited_) kill(pid_, SIGTERM);
  return Wait(timeout);
}

Completed RunToCompletion(const std::vector<std::string>& argv,
                          absl::Duration timeout) {
  Completed c;
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(argv);
  if (!p.ok()) {
    c.err = std::string(p.status().message());
    return c;
  }
  c.code = (*p)->Wait(timeout);
  c.out = (*p)->out();
  c.err = (*p)->err();
  return c;
}

}  // namespace roughtime::loadgen::testing
