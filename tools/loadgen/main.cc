// roughtime-bench: a load generator for Roughtime servers on loopback, and
// (as `roughtime-bench echo`) the trivial UDP target that measures the raw
// cost of the packets themselves. See docs/PERFORMANCE.md.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "args.h"
#include "echo_server.h"
#include "load_runner.h"
#include "report.h"
#include "roughtime/crypto.h"

namespace roughtime::loadgen {
namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true); }

int Fail(int code, const std::string& prefix, absl::string_view message) {
  const std::string line = absl::StrCat(prefix, ": ", message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  return code;
}

bool WantsHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h" || a == "help") return true;
  }
  return false;
}

bool WritePidFile(const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << getpid() << "\n";
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

int RunEchoCommand(const std::vector<std::string>& args) {
  const std::string prefix = "roughtime-bench echo";
  if (WantsHelp(args)) {
    std::fputs(EchoUsage().c_str(), stdout);
    return 0;
  }
  absl::StatusOr<EchoOptions> options = ParseEchoArgs(args);
  if (!options.ok()) {
    return Fail(kExitUsage, prefix, options.status().message());
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;  // no SA_RESTART: poll returns at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  bool pid_file_ok = true;
  absl::StatusOr<EchoStats> stats =
      RunEcho(*options, g_stop, [&](const LoopbackAddress& bound) {
        if (!options->pid_file.empty()) {
          pid_file_ok = WritePidFile(options->pid_file);
        }
        std::printf("%s: listening on udp %s pid %d\n", prefix.c_str(),
                    bound.ToString().c_str(), static_cast<int>(getpid()));
        std::fflush(stdout);
      });
  if (!pid_file_ok) {
    Fail(kExitError, prefix,
         absl::StrCat("cannot write --pid-file ", options->pid_file));
  }
  if (!stats.ok()) return Fail(kExitError, prefix, stats.status().message());
  std::fprintf(stderr,
               "%s: received %llu, answered %llu, ignored %llu short, "
               "dropped %llu replies\n",
               prefix.c_str(),
               static_cast<unsigned long long>(stats->received),
               static_cast<unsigned long long>(stats->answered),
               static_cast<unsigned long long>(stats->ignored_short),
               static_cast<unsigned long long>(stats->send_dropped));
  return pid_file_ok ? 0 : kExitError;
}

int RunBenchCommand(const std::vector<std::string>& args) {
  const std::string prefix = "roughtime-bench";
  if (WantsHelp(args)) {
    std::fputs(BenchUsage().c_str(), stdout);
    return 0;
  }
  absl::StatusOr<BenchOptions> options = ParseBenchArgs(args);
  if (!options.ok()) {
    return Fail(kExitUsage, prefix, options.status().message());
  }
  InitCrypto();
  absl::StatusOr<RunResult> result = RunLoad(*options);
  if (!result.ok()) return Fail(kExitError, prefix, result.status().message());
  const std::string text = options->json ? FormatJson(*options, *result)
                                         : FormatText(*options, *result);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace
}  // namespace roughtime::loadgen

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "echo") {
    args.erase(args.begin());
    return roughtime::loadgen::RunEchoCommand(args);
  }
  return roughtime::loadgen::RunBenchCommand(args);
}
