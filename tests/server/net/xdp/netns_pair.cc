#include "netns_pair.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace roughtime::xdp_testing {
namespace {

std::atomic<int> g_counter{0};
constexpr char kPrefix[] = "rtx-";

// Namespaces a test process left behind when it died (its PID is gone).
void RemoveStaleNamespaces() {
  const CommandResult list = RunCommand({"ip", "netns", "list"});
  for (absl::string_view line : absl::StrSplit(list.out, '\n')) {
    const std::string name(line.substr(0, line.find(' ')));
    if (!absl::StartsWith(name, kPrefix)) continue;
    std::vector<std::string> parts = absl::StrSplit(name, '-');
    int pid = 0;
    if (parts.size() < 2 || !absl::SimpleAtoi(parts[1], &pid)) continue;
    if (kill(pid, 0) != 0 && errno == ESRCH) {
      RunCommand({"ip", "netns", "del", name});
    }
  }
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv,
                         absl::Duration timeout) {
  CommandResult result;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  if (pid < 0) {
    close(pipe_fds[0]);
    return result;
  }
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  bool exited = false;
  while (true) {
    char buffer[4096];
    ssize_t n;
    while ((n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0) {
      result.out.append(buffer, static_cast<size_t>(n));
    }
    if (exited) break;
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      exited = true;  // one more read for what is left in the pipe
      continue;
    }
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.out += "\n(killed: timed out)";
      close(pipe_fds[0]);
      return result;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  close(pipe_fds[0]);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status)
                                  : 128 + WTERMSIG(status);
  return result;
}

std::string LabUnavailableReason() {
  if (geteuid() != 0) return "needs root (network namespaces and XDP)";
  if (RunCommand({"ip", "-V"}).code != 0) return "needs iproute2 (ip)";
  const std::string probe =
      absl::StrCat(kPrefix, getpid(), "-probe-", g_counter++);
  const CommandResult add = RunCommand({"ip", "netns", "add", probe});
  if (add.code != 0) {
    return absl::StrCat("cannot make a network namespace here: ", add.out);
  }
  RunCommand({"ip", "netns", "del", probe});
  return "";
}

absl::StatusOr<std::unique_ptr<NetnsPair>> NetnsPair::Create() {
  RemoveStaleNamespaces();
  std::unique_ptr<NetnsPair> pair(new NetnsPair());
  const int n = g_counter++;
  const std::string id = absl::StrCat(getpid(), "-", n);
  pair->server_ns_ = absl::StrCat(kPrefix, id, "-s");
  pair->bench_ns_ = absl::StrCat(kPrefix, id, "-g");
  // Interface names only need to be unique inside each namespace.
  pair->server_dev_ = "xsrv";
  pair->bench_dev_ = "xgen";
  const std::string& s = pair->server_ns_;
  const std::string& g = pair->bench_ns_;
  const std::vector<std::vector<std::string>> steps = {
      {"ip", "netns", "add", s},
      {"ip", "netns", "add", g},
      {"ip", "link", "add", "xsrv", "netns", s, "type", "veth", "peer",
       "name", "xgen", "netns", g},
      {"ip", "-n", s, "addr", "add", "192.0.2.1/24", "dev", "xsrv"},
      {"ip", "-n", g, "addr", "add", "192.0.2.2/24", "dev", "xgen"},
      {"ip", "-n", s, "addr", "add", "2001:db8::1/64", "dev", "xsrv", "nodad"},
      {"ip", "-n", g, "addr", "add", "2001:db8::2/64", "dev", "xgen", "nodad"},
      {"ip", "-n", s, "link", "set", "lo", "up"},
      {"ip", "-n", g, "link", "set", "lo", "up"},
      {"ip", "-n", s, "link", "set", "xsrv", "up"},
      {"ip", "-n", g, "link", "set", "xgen", "up"},
  };
  for (const auto& step : steps) {
    const CommandResult r = RunCommand(step);
    if (r.code != 0) {
      return absl::UnavailableError(
          absl::StrCat(absl::StrJoin(step, " "), ": ", r.out));
    }
  }
  // The generator's frames carry complete checksums, as a NIC's do (veth
  // would otherwise hand over partial ones only the kernel's path trusts).
  // Best effort: without ethtool the AF_XDP tests fail visibly on checksums.
  RunCommand(pair->InBench({"ethtool", "-K", "xgen", "tx", "off"}));
  return pair;
}

NetnsPair::~NetnsPair() {
  RunCommand({"ip", "netns", "del", server_ns_});
  RunCommand({"ip", "netns", "del", bench_ns_});
}

std::vector<std::string> NetnsPair::InServer(
    std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"ip", "netns", "exec", server_ns_});
  return argv;
}

std::vector<std::string> NetnsPair::InBench(
    std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"ip", "netns", "exec", bench_ns_});
  return argv;
}

void NetnsPair::RunInBench(const std::function<void()>& fn) const {
  RunIn(bench_ns_, fn);
}

void NetnsPair::RunInServer(const std::function<void()>& fn) const {
  RunIn(server_ns_, fn);
}

void NetnsPair::RunIn(const std::string& ns,
                      const std::function<void()>& fn) {
  std::thread t([&] {
    const std::string path = absl::StrCat("/run/netns/", ns);
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    // A failure leaves the thread in the test's namespace, where the
    // documentation addresses do not exist: the callers' sends then fail.
    if (fd >= 0) {
      setns(fd, CLONE_NEWNET);
      close(fd);
    }
    fn();
  });
  t.join();
}

std::string NetnsPair::ServerXdp() const {
  const CommandResult r =
      RunCommand({"ip", "-n", server_ns_, "-d", "link", "show", "xsrv"});
  const size_t at = r.out.find("prog/xdp");
  if (at == std::string::npos) return "";
  return r.out.substr(at, r.out.find('\n', at) - at);
}

}  // namespace roughtime::xdp_testing
