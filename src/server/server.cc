#include "server/server.h"

#include <errno.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "roughtime/bytes.h"
#include "server/clock.h"
#include "server/dev_key.h"
#include "server/identity.h"
#include "server/listeners.h"
#include "server/log.h"
#include "server/stats.h"
#include "server/worker.h"

namespace roughtime::server {
namespace {

std::string VersionList(VersionSet served) {
  std::vector<std::string> names;
  for (const VersionSpec& spec : AllVersions()) {
    if (served.Contains(spec.version)) names.emplace_back(spec.name);
  }
  return absl::StrJoin(names, ",");
}

StatsSnapshot SumStats(const std::vector<std::unique_ptr<Worker>>& workers) {
  StatsSnapshot total{};
  for (const auto& w : workers) Accumulate(total, w->stats().Snapshot());
  return total;
}

// Waits for SIGTERM/SIGINT (blocked in every thread, so only this wait sees
// them), printing the summary every `interval`. Returns the signal.
int WaitForStopSignal(const sigset_t& signals, absl::Duration interval,
                      absl::Time start,
                      const std::vector<std::unique_ptr<Worker>>& workers) {
  const bool periodic = interval > absl::ZeroDuration();
  absl::Time next_report = start + interval;
  while (true) {
    absl::Duration wait = periodic ? next_report - absl::Now()
                                   : absl::Hours(1);
    if (wait < absl::ZeroDuration()) wait = absl::ZeroDuration();
    const timespec ts = absl::ToTimespec(wait);
    const int sig = sigtimedwait(&signals, nullptr, &ts);
    if (sig > 0) return sig;
    if (sig < 0 && errno != EAGAIN && errno != EINTR) return SIGTERM;
    if (periodic && absl::Now() >= next_report) {
      Log(FormatStatsLine(SumStats(workers), "interval", absl::Now() - start,
                          workers.size()));
      next_report += interval;
    }
  }
}

}  // namespace

int RunServer(const ServerConfig& config, absl::string_view argv0) {
  // Block the stop signals before any thread exists, so every thread
  // inherits the mask and only the sigtimedwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const SystemClock clock;
  const absl::Time start = absl::Now();
  absl::StatusOr<ServingIdentity> serving =
      LoadServingIdentity(config, clock.Now());
  if (!serving.ok()) {
    Log(absl::StrCat("error: ", serving.status().message()));
    return 1;
  }
  BatcherOptions batcher_options = config.batcher;
  batcher_options.served = serving->served;

  absl::StatusOr<Listeners> listeners =
      OpenListeners(config.listen, config.workers, config.socket_options,
                    /*fallback_to_ipv4=*/config.default_listen);
  if (!listeners.ok()) {
    Log(absl::StrCat("error: cannot listen: ", listeners.status().message()));
    return 1;
  }
  for (const SocketAddress& bound : listeners->bound) {
    Log(absl::StrCat("listening on udp ", bound.ToString()));
  }

  const PublicKey& root_public_key = serving->identity.root_public_key;
  if (config.key_source == KeySource::kDev) {
    const std::string command =
        QueryCommand(ClientPathFor(argv0),
                     QueryAddressFor(listeners->bound.front()),
                     root_public_key);
    for (const std::string& line :
         DevModeBanner(config.key_path, serving->dev_key_created,
                       root_public_key, command)) {
      Log(line);
    }
  }

  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) {
    Log(absl::StrCat("error: eventfd: ", std::strerror(errno)));
    return 1;
  }
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Worker>> workers;
  for (auto& sockets : listeners->per_worker) {
    workers.push_back(std::make_unique<Worker>(
        std::move(sockets), &serving->identity, &clock, batcher_options,
        config.io_mode, stop_fd, &stop));
  }
  const DelegationWindow& window = serving->identity.window;
  Log(absl::StrCat(
      "serving versions ", VersionList(serving->served), " with ",
      workers.size(), " workers, io ", IoModeName(config.io_mode),
      ", max batch ", workers.front()->max_batch(), ", radius ",
      absl::FormatDuration(config.batcher.radius), "; root public key ",
      Base64Encode(root_public_key), ", online key ",
      Base64Encode(serving->identity.online_key.public_key()),
      " valid from ", window.mint_seconds, " to ", window.maxt_seconds,
      " (Unix seconds; restart before then, rotation is not automatic yet)"));

  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });

  const int sig = WaitForStopSignal(signals, config.stats_interval, start,
                                    workers);
  Log(absl::StrCat("stopping on ", sig == SIGINT ? "SIGINT" : "SIGTERM",
                   " after answering the current batches"));
  stop.store(true);
  const uint64_t one = 1;
  (void)!write(stop_fd, &one, sizeof(one));
  for (std::thread& t : threads) t.join();
  close(stop_fd);

  Log(FormatStatsLine(SumStats(workers), "exit", absl::Now() - start,
                      workers.size()));
  return 0;
}

}  // namespace roughtime::server
