#include "server/server.h"

#include <errno.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/version.h"
#include "server/base/log.h"
#include "server/base/stats.h"
#include "server/core/clock.h"
#include "server/core/clock_policy.h"
#include "server/core/clock_watch.h"
#include "server/core/rate_limiter.h"
#include "server/core/worker.h"
#include "server/keys/dev_key.h"
#include "server/keys/identity.h"
#include "server/keys/key_keeper.h"
#include "server/keys/privileges.h"
#include "server/metrics/metrics_service.h"
#include "server/net/kernel_programs.h"
#include "server/net/listeners.h"
#include "server/net/xdp/xdp_deployment.h"
#include "server/net/reuseport_steering.h"
#include "server/tcp/bound_sockets.h"
#include "server/tcp/tcp_server.h"

namespace roughtime::server {
namespace {

// A start-up failure: one "error: ..." line and exit status 1.
int StartFailed(const absl::Status& status) {
  Log(absl::StrCat("error: ", status.message()));
  return 1;
}

// Blocks the stop signals and SIGHUP (reload) before any thread exists, so
// every thread inherits the mask and only WaitForStopSignal receives them.
sigset_t BlockControlSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// --user/--group looked up and checked before anything is bound, so an
// unknown user or a missing privilege is the only line printed.
absl::StatusOr<std::optional<TargetIds>> RunAsTarget(
    const ServerConfig& config) {
  if (config.privileges.user.empty()) return std::optional<TargetIds>();
  absl::StatusOr<TargetIds> target = ResolveTargetIds(config.privileges);
  if (!target.ok()) return target.status();
  if (absl::Status s = CheckCanBecome(*target); !s.ok()) return s;
  return std::optional<TargetIds>(*std::move(target));
}

void LogListening(const BoundSockets& sockets) {
  for (const SocketAddress& bound : sockets.udp.bound) {
    Log(absl::StrCat("listening on udp ", bound.ToString()));
    if (!sockets.tcp_fds.empty()) {
      Log(absl::StrCat("listening on tcp ", bound.ToString()));
    }
  }
}

// --dev: the public key and the exact command that queries this server.
void LogDevModeBanner(const ServerConfig& config, absl::string_view argv0,
                      const SocketAddress& first_bound,
                      const ServingIdentity& serving) {
  const PublicKey& root_public_key = serving.identity.root_public_key;
  const std::string command =
      QueryCommand(ClientPathFor(argv0), QueryAddressFor(first_bound),
                   root_public_key);
  for (const std::string& line :
       DevModeBanner(config.key_path, serving.dev_key_created,
                     root_public_key, command)) {
    Log(line);
  }
}

// Sockets bound and keys read: no more need for root (keys/privileges.h).
absl::Status DropPrivilegesIfAsked(const std::optional<TargetIds>& run_as) {
  if (!run_as.has_value()) return absl::OkStatus();
  if (absl::Status s = DropPrivileges(*run_as); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("cannot drop privileges: ", s.message()));
  }
  Log(DescribeRunningAs(*run_as));
  return absl::OkStatus();
}

// How the main thread stops the serving threads: the flag they poll and an
// eventfd that wakes them from their waits.
struct StopSignal {
  int fd = -1;
  std::atomic<bool> requested{false};
};

// --xdp (and --io xdp): attached and opened while privileges last. Without
// --io xdp a sieve that cannot be attached is a warning and the server
// serves on sockets; with it, the server cannot serve as asked and stops.
absl::StatusOr<std::unique_ptr<xdp::XdpDeployment>> StartXdp(
    const ServerConfig& config, const BoundSockets& sockets,
    const BatcherOptions& batcher_options) {
  absl::StatusOr<std::unique_ptr<xdp::XdpDeployment>> xdp =
      xdp::XdpDeployment::Start(
          config.xdp, config.io_mode == IoMode::kXdp, sockets.udp.bound,
          config.workers,
          Batcher::BoundedMaxBatch(batcher_options.served,
                                   batcher_options.max_batch));
  if (!xdp.ok()) {
    return absl::Status(
        xdp.status().code(),
        absl::StrCat(xdp.status().message(),
                     " (without --io xdp the server serves on sockets)"));
  }
  return xdp;
}

// The UDP workers, the TCP thread and what they share.
struct ServingThreads {
  // Declared first so it goes last: the sieves detach and the AF_XDP
  // sockets close only after every worker that reads them has stopped.
  std::unique_ptr<xdp::XdpDeployment> xdp;  // null without --xdp
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<TcpServer> tcp;  // null with --notcp
  // Per-source limits (core/rate_limiter.h): one table for UDP and TCP.
  std::unique_ptr<RateLimiter> rate_limiter;
  std::vector<std::thread> threads;  // filled by StartThreads
};

ServingThreads MakeServingThreads(const ServerConfig& config,
                                  BoundSockets sockets, const KeyKeeper& keys,
                                  const Clock* clock,
                                  const BatcherOptions& batcher_options,
                                  const StopSignal* stop,
                                  std::unique_ptr<xdp::XdpDeployment> xdp) {
  ServingThreads serving;
  serving.xdp = std::move(xdp);
  for (size_t i = 0; i < sockets.udp.per_worker.size(); ++i) {
    std::vector<WorkerSocket>& worker_sockets = sockets.udp.per_worker[i];
    if (serving.xdp != nullptr) serving.xdp->AddWorkerSockets(i, &worker_sockets);
    serving.workers.push_back(std::make_unique<Worker>(
        std::move(worker_sockets), keys.store(), keys.RandomJitter(), clock,
        batcher_options, config.io_mode, stop->fd, &stop->requested));
    if (serving.xdp != nullptr) {
      if (std::unique_ptr<DatagramIo> io = serving.xdp->TakeIo(i)) {
        serving.workers.back()->UseDatagramIo(std::move(io));
      }
    }
  }
  if (!sockets.tcp_fds.empty()) {
    serving.tcp = std::make_unique<TcpServer>(
        std::move(sockets.tcp_fds), config.tcp, keys.store(),
        keys.RandomJitter(), clock, batcher_options, stop->fd,
        &stop->requested);
  }
  if (config.rate_limit.enabled()) {
    serving.rate_limiter = std::make_unique<RateLimiter>(config.rate_limit);
  }
  for (auto& w : serving.workers) {
    w->set_rate_limiter(serving.rate_limiter.get());
  }
  if (serving.tcp != nullptr) {
    serving.tcp->set_rate_limit(serving.rate_limiter.get(),
                                config.rate_limit.tcp_connections_per_source);
  }
  return serving;
}

// The start-up summary: rate limits, then one line of what is served and
// with which keys.
void LogServingSummary(const ServerConfig& config, VersionSet served,
                       const ServingThreads& serving,
                       const PublicKey& root_public_key,
                       const std::string& identity_text) {
  Log(RateLimitSummary(config.rate_limit));
  Log(absl::StrCat(
      "serving versions ", VersionSetNames(served), " with ",
      serving.workers.size(), " workers, io ", IoModeName(config.io_mode),
      ", max batch ", serving.workers.front()->max_batch(), ", radius ",
      absl::FormatDuration(config.batcher.radius), ", tcp ",
      serving.tcp != nullptr ? "on" : "off", "; root public key ",
      Base64Encode(root_public_key), ", online key ", identity_text,
      config.key_source == KeySource::kDelegation
          ? "; offline delegation: replace it and send SIGHUP before then"
          : absl::StrCat("; rotated every ",
                         absl::FormatDuration(config.rotation.lifetime -
                                              config.rotation.rotate_before))));
}

// One thread per worker (with --pin-workers, worker i on cpus[i], matching
// the steering program) and one for TCP.
void StartThreads(const ServerConfig& config, const std::vector<int>& cpus,
                  ServingThreads* serving) {
  for (size_t i = 0; i < serving->workers.size(); ++i) {
    const int cpu = config.pin_workers ? cpus[i % cpus.size()] : -1;
    serving->threads.emplace_back([&w = serving->workers[i], cpu] {
      if (cpu >= 0) {
        if (absl::Status s = PinCurrentThreadToCpu(cpu); !s.ok()) {
          Log(absl::StrCat("warning: worker not pinned: ", s.message()));
        }
      }
      w->Run();
    });
  }
  if (serving->tcp != nullptr) {
    serving->threads.emplace_back([tcp = serving->tcp.get()] { tcp->Run(); });
  }
}

StatsSnapshot SumStats(const ServingThreads& serving, const KeyKeeper& keys) {
  StatsSnapshot total{};
  // The sieve's drops live in its BPF map, not in a worker's counters.
  if (serving.xdp != nullptr) serving.xdp->AddCounters(&total);
  for (const auto& w : serving.workers) {
    Accumulate(total, w->stats().Snapshot());
  }
  if (serving.tcp != nullptr) Accumulate(total, serving.tcp->stats().Snapshot());
  Accumulate(total, keys.stats().Snapshot());  // reloads
  return total;
}

// Waits for SIGTERM/SIGINT (blocked in every thread, so only this wait sees
// them), printing the summary every `interval` and letting `keys` rotate
// or warn when due; SIGHUP reloads the keys and the wait goes on. Returns
// the stop signal.
int WaitForStopSignal(const sigset_t& signals, absl::Duration interval,
                      absl::Time start, const ServingThreads& serving,
                      KeyKeeper* keys, ClockWatch* clock_watch) {
  const bool periodic = interval > absl::ZeroDuration();
  absl::Time next_report = start + interval;
  absl::Time next_key_event = keys->Tick(absl::Now());
  absl::Time next_clock_check = absl::Now() + absl::Seconds(1);
  while (true) {
    const absl::Time now = absl::Now();
    if (now >= next_key_event) next_key_event = keys->Tick(now);
    if (now >= next_clock_check) next_clock_check = clock_watch->Tick(now);
    absl::Duration wait = periodic ? next_report - now : absl::Hours(1);
    wait = std::min({wait, next_key_event - now, next_clock_check - now});
    if (wait < absl::ZeroDuration()) wait = absl::ZeroDuration();
    const timespec ts = absl::ToTimespec(wait);
    const int sig = sigtimedwait(&signals, nullptr, &ts);
    if (sig == SIGHUP) {
      keys->Reload(absl::Now());
      next_key_event = keys->Tick(absl::Now());
      continue;
    }
    if (sig > 0) return sig;
    if (sig < 0 && errno != EAGAIN && errno != EINTR) return SIGTERM;
    if (periodic && absl::Now() >= next_report) {
      Log(FormatStatsLine(SumStats(serving, *keys), "interval",
                          absl::Now() - start, serving.workers.size()));
      next_report += interval;
    }
  }
}

// Every thread finishes the batch it holds, then returns.
void StopThreads(int sig, StopSignal* stop, ServingThreads* serving) {
  Log(absl::StrCat("stopping on ", sig == SIGINT ? "SIGINT" : "SIGTERM",
                   " after answering the current batches"));
  stop->requested.store(true);
  const uint64_t one = 1;
  (void)!write(stop->fd, &one, sizeof(one));
  for (std::thread& t : serving->threads) t.join();
  close(stop->fd);
}

void LogExitStats(const ServerConfig& config, const std::vector<int>& cpus,
                  const ServingThreads& serving, const KeyKeeper& keys,
                  absl::Time start) {
  Log(FormatStatsLine(SumStats(serving, keys), "exit", absl::Now() - start,
                      serving.workers.size()));
  if (!config.pin_workers) return;
  // Per pinned worker, so an operator sees that steering spreads the load.
  std::string line = "pinned workers at=exit";
  for (size_t i = 0; i < serving.workers.size(); ++i) {
    absl::StrAppend(&line, " cpu", cpus[i % cpus.size()], "_responses=",
                    serving.workers[i]->stats().Get(stat::kResponses));
  }
  Log(line);
}

}  // namespace

int RunServer(const ServerConfig& config, absl::string_view argv0) {
  const sigset_t signals = BlockControlSignals();
  const SystemClock clock;
  const absl::Time start = absl::Now();
  absl::StatusOr<ServingIdentity> identity =
      LoadServingIdentity(config, clock.Now());
  if (!identity.ok()) return StartFailed(identity.status());
  BatcherOptions batcher_options = config.batcher;
  batcher_options.served = identity->served;
  absl::StatusOr<std::optional<TargetIds>> run_as = RunAsTarget(config);
  if (!run_as.ok()) return StartFailed(run_as.status());

  absl::StatusOr<BoundSockets> sockets = BindSockets(
      config.listen, config.workers, config.socket_options,
      /*fallback_to_ipv4=*/config.default_listen, config.tcp.enabled);
  if (!sockets.ok()) return StartFailed(sockets.status());
  LogListening(*sockets);
  absl::StatusOr<std::unique_ptr<xdp::XdpDeployment>> xdp =
      StartXdp(config, *sockets, batcher_options);
  if (!xdp.ok()) return StartFailed(xdp.status());
  // --metrics-listen: bound now (before the privilege drop), served below.
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> metrics = BindMetrics(config);
  if (!metrics.ok()) return StartFailed(metrics.status());
  if (config.key_source == KeySource::kDev) {
    LogDevModeBanner(config, argv0, sockets->udp.bound.front(), *identity);
  }
  if (absl::Status s = DropPrivilegesIfAsked(*run_as); !s.ok()) {
    return StartFailed(s);
  }

  // The kernel clock's state decides the radius and whether to sign; the
  // first look happens before any worker starts
  // (after binding, so a bind error stays the only line).
  const AdjtimexKernelClock kernel_clock;
  ClockGate clock_gate(config.batcher.radius);
  ClockWatch clock_watch(&kernel_clock, config.clock_policy,
                         config.batcher.radius, &clock_gate);
  clock_watch.Tick(absl::Now());
  batcher_options.clock_gate = &clock_gate;
  StopSignal stop;
  stop.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop.fd < 0) {
    return StartFailed(absl::InternalError(
        absl::StrCat("eventfd: ", std::strerror(errno))));
  }

  const PublicKey root_public_key = identity->identity.root_public_key;
  const std::string identity_text = DescribeIdentity(identity->identity);
  KeyKeeper keys(config, *std::move(identity), clock.Now());
  ServingThreads serving = MakeServingThreads(
      config, *std::move(sockets), keys, &clock, batcher_options, &stop,
      *std::move(xdp));
  LogServingSummary(config, batcher_options.served, serving, root_public_key,
                    identity_text);
  Log(KernelProgramsSummary(config.socket_options.kernel,
                            serving.workers.size()));
  const std::vector<int> cpus = WorkerCpus();
  StartThreads(config, cpus, &serving);
  ServeMetrics(metrics->get(), config, serving.workers, serving.tcp.get(),
               keys, clock_gate, batcher_options.served, start,
               [x = serving.xdp.get()](StatsSnapshot* s) {
                 if (x != nullptr) x->AddCounters(s);
               });

  const int sig = WaitForStopSignal(signals, config.stats_interval, start,
                                    serving, &keys, &clock_watch);
  if (*metrics != nullptr) (*metrics)->Stop();  // before what it reads goes
  StopThreads(sig, &stop, &serving);
  LogExitStats(config, cpus, serving, keys, start);
  return 0;
}

}  // namespace roughtime::server
