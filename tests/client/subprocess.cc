#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace roughtime::client_test {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> Argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int Reap(pid_t pid, bool block) {
  int status = 0;
  pid_t r = waitpid(pid, &status, block ? 0 : WNOHANG);
  if (r != pid) return -2;  // still running
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string PathFromEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    ADD_FAILURE() << "environment variable " << name
                  << " is not set (run through meson test)";
    return "";
  }
  return v;
}

RunResult RunProgram(const std::vector<std::string>& argv,
                     absl::Duration limit, const std::string& cwd) {
  RunResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return result;
  }
  std::vector<char*> args = Argv(argv);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  auto deadline = Clock::now() + absl::ToChronoNanoseconds(limit);
  pollfd p[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_pipes = 2;
  char buf[4096];
  while (open_pipes > 0 && Clock::now() < deadline) {
    if (poll(p, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(p[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        close(p[i].fd);
        p[i].fd = -1;
        --open_pipes;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
    }
  }
  for (pollfd& f : p) {
    if (f.fd >= 0) close(f.fd);
  }
  if (open_pipes > 0) kill(pid, SIGKILL);
  result.exit_code = Reap(pid, true);
  return result;
}

absl::StatusOr<std::unique_ptr<Background>> Background::Start(
    const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe");
  std::vector<char*> args = Argv(argv);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  auto bg = std::make_unique<Background>();
  bg->pid_ = pid;
  bg->fd_ = fds[0];
  return bg;
}

Background::~Background() {
  if (pid_ > 0) Terminate();
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<std::string> Background::WaitForLine(const std::string& needle,
                                                    absl::Duration limit) {
  auto deadline = Clock::now() + absl::ToChronoNanoseconds(limit);
  char buf[4096];
  while (true) {
    size_t nl;
    while ((nl = output_.find('\n', consumed_)) != std::string::npos) {
      std::string line = output_.substr(consumed_, nl - consumed_);
      consumed_ = nl + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    if (Clock::now() >= deadline || fd_ < 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t n = read(fd_, buf, sizeof(buf));
    if (n <= 0) {
      close(fd_);
      fd_ = -1;
      continue;
    }
    output_.append(buf, static_cast<size_t>(n));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "no line containing '", needle, "'; output so far: ", output_));
}

int Background::Terminate(absl::Duration limit) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = Clock::now() + absl::ToChronoNanoseconds(limit);
  int code = -2;
  while ((code = Reap(pid_, false)) == -2 && Clock::now() < deadline) {
    usleep(20000);
  }
  if (code == -2) {
    kill(pid_, SIGKILL);
    Reap(pid_, true);
    code = -1;
  }
  pid_ = -1;
  return code;
}

}  // namespace roughtime::client_test
