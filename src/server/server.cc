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
#include "absl/strings/str_join.h"
#include "roughtime/bytes.h"
#include "server/clock.h"
#include "server/clock_policy.h"
#include "server/clock_watch.h"
#include "server/dev_key.h"
#include "server/identity.h"
#include "server/key_keeper.h"
#include "server/tcp_connection.h"
#include "server/tcp_server.h"
#include "server/listeners.h"
#include "server/kernel_programs.h"
#include "server/log.h"
#include "server/metrics_service.h"
#include "server/net/xdp/xdp_deployment.h"
#include "server/privileges.h"
#include "server/reuseport_steering.h"
#include "server/stats.h"
#include "server/worker.h"
#include "server/rate_limiter.h"

namespace roughtime::server {
namespace {

constexpr int kTcpBacklog = 1024;

std::string VersionList(VersionSet served) {
  std::vector<std::string> names;
  for (const VersionSpec& spec : AllVersions()) {
    if (served.Contains(spec.version)) names.emplace_back(spec.name);
  }
  return absl::StrJoin(names, ",");
}

StatsSnapshot SumStats(const std::vector<std::unique_ptr<Worker>>& workers,
                       const TcpServer* tcp, const KeyKeeper& keys,
                       const xdp::XdpDeployment* xdp) {
  StatsSnapshot total{};
  if (xdp != nullptr) xdp->AddCounters(&total);  // the sieve's BPF map
  for (const auto& w : workers) Accumulate(total, w->stats().Snapshot());
  if (tcp != nullptr) Accumulate(total, tcp->stats().Snapshot());
  Accumulate(total, keys.stats().Snapshot());  // reloads
  return total;
}

// Waits for SIGTERM/SIGINT (blocked in every thread, so only this wait sees
// them), printing the summary every `interval` and letting `keys` rotate
// or warn when due; SIGHUP reloads the keys and the wait goes on. Returns
// the stop signal.
int WaitForStopSignal(const sigset_t& signals, absl::Duration interval,
                      absl::Time start,
                      const std::vector<std::unique_ptr<Worker>>& workers,
                      const TcpServer* tcp, KeyKeeper* keys,
                      ClockWatch* clock_watch,
                      const xdp::XdpDeployment* xdp) {
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
      Log(FormatStatsLine(SumStats(workers, tcp, *keys, xdp), "interval",
                          absl::Now() - start, workers.size()));
      next_report += interval;
    }
  }
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

}  // namespace

int RunServer(const ServerConfig& config, absl::string_view argv0) {
  // Block the stop signals and SIGHUP (reload) before any thread exists,
  // so every thread inherits the mask and only the sigtimedwait below
  // receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
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
  absl::StatusOr<std::optional<TargetIds>> run_as = RunAsTarget(config);
  if (!run_as.ok()) {
    Log(absl::StrCat("error: ", run_as.status().message()));
    return 1;
  }

  // With port 0 the kernel picks a free UDP port; the same number may be
  // taken on TCP, so pick again (a few times) rather than fail to start.
  bool ephemeral = false;
  for (const SocketAddress& a : config.listen) ephemeral |= a.port() == 0;
  absl::StatusOr<Listeners> listeners;
  std::vector<int> tcp_fds;
  for (int attempt = 0;; ++attempt) {
    listeners = OpenListeners(config.listen, config.workers,
                              config.socket_options,
                              /*fallback_to_ipv4=*/config.default_listen);
    if (!listeners.ok()) {
      Log(absl::StrCat("error: cannot listen: ",
                       listeners.status().message()));
      return 1;
    }
    // TCP on exactly the addresses and ports UDP got (RFC 10049 §5).
    bool tcp_ok = true;
    if (config.tcp.enabled) {
      for (const SocketAddress& bound : listeners->bound) {
        const int fd = OpenTcpListener(bound, kTcpBacklog);
        if (fd < 0) {
          const int error = errno;
          for (int open_fd : tcp_fds) close(open_fd);
          tcp_fds.clear();
          if (ephemeral && error == EADDRINUSE && attempt < 8) {
            tcp_ok = false;
            break;
          }
          Log(absl::StrCat("error: cannot listen on tcp ", bound.ToString(),
                           ": ", std::strerror(error),
                           " (--notcp serves UDP only)"));
          return 1;
        }
        tcp_fds.push_back(fd);
      }
    }
    if (tcp_ok) break;
  }
  for (const SocketAddress& bound : listeners->bound) {
    Log(absl::StrCat("listening on udp ", bound.ToString()));
    if (!tcp_fds.empty()) Log(absl::StrCat("listening on tcp ", bound.ToString()));
  }
  // --xdp (and --io xdp): attached and opened while privileges last; the
  // sieves detach when `xdp` goes, after the workers (declared later).
  absl::StatusOr<std::unique_ptr<xdp::XdpDeployment>> xdp =
      xdp::XdpDeployment::Start(
          config.xdp, config.io_mode == IoMode::kXdp, listeners->bound,
          config.workers,
          Batcher::BoundedMaxBatch(batcher_options.served,
                                   batcher_options.max_batch));
  if (!xdp.ok()) {
    Log(absl::StrCat("error: ", xdp.status().message(),
                     " (without --io xdp the server serves on sockets)"));
    return 1;
  }
  // --metrics-listen: bound now (before the privilege drop), served below.
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> metrics = BindMetrics(config);
  if (!metrics.ok()) {
    Log(absl::StrCat("error: ", metrics.status().message()));
    return 1;
  }

  const PublicKey root_public_key = serving->identity.root_public_key;
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

  // Sockets bound and keys read: no more need for root (privileges.h).
  if (run_as->has_value()) {
    if (absl::Status s = DropPrivileges(**run_as); !s.ok()) {
      Log(absl::StrCat("error: cannot drop privileges: ", s.message()));
      return 1;
    }
    Log(DescribeRunningAs(**run_as));
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
  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) {
    Log(absl::StrCat("error: eventfd: ", std::strerror(errno)));
    return 1;
  }
  std::atomic<bool> stop{false};
  const std::string identity_text = DescribeIdentity(serving->identity);
  KeyKeeper keys(config, *std::move(serving), clock.Now());
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t i = 0; i < listeners->per_worker.size(); ++i) {
    std::vector<WorkerSocket>& sockets = listeners->per_worker[i];
    if (*xdp != nullptr) (*xdp)->AddWorkerSockets(i, &sockets);
    workers.push_back(std::make_unique<Worker>(
        std::move(sockets), keys.store(), keys.RandomJitter(), &clock,
        batcher_options, config.io_mode, stop_fd, &stop));
    if (*xdp != nullptr) {
      if (std::unique_ptr<DatagramIo> io = (*xdp)->TakeIo(i)) {
        workers.back()->UseDatagramIo(std::move(io));
      }
    }
  }
  std::unique_ptr<TcpServer> tcp;
  if (!tcp_fds.empty()) {
    tcp = std::make_unique<TcpServer>(std::move(tcp_fds), config.tcp,
                                      keys.store(), keys.RandomJitter(),
                                      &clock, batcher_options, stop_fd, &stop);
  }
  // Per-source limits (rate_limiter.h): one table for UDP and TCP.
  std::unique_ptr<RateLimiter> rate_limiter;
  if (config.rate_limit.enabled()) {
    rate_limiter = std::make_unique<RateLimiter>(config.rate_limit);
  }
  for (auto& w : workers) w->set_rate_limiter(rate_limiter.get());
  if (tcp != nullptr) {
    tcp->set_rate_limit(rate_limiter.get(),
                        config.rate_limit.tcp_connections_per_source);
  }
  Log(RateLimitSummary(config.rate_limit));
  Log(absl::StrCat(
      "serving versions ", VersionList(batcher_options.served), " with ",
      workers.size(), " workers, io ", IoModeName(config.io_mode),
      ", max batch ", workers.front()->max_batch(), ", radius ",
      absl::FormatDuration(config.batcher.radius), ", tcp ",
      tcp != nullptr ? "on" : "off", "; root public key ",
      Base64Encode(root_public_key), ", online key ", identity_text,
      config.key_source == KeySource::kDelegation
          ? "; offline delegation: replace it and send SIGHUP before then"
          : absl::StrCat("; rotated every ",
                         absl::FormatDuration(config.rotation.lifetime -
                                              config.rotation.rotate_before))));

  Log(KernelProgramsSummary(config.socket_options.kernel, workers.size()));
  // --pin-workers: worker i on the i-th CPU, matching the steering program.
  const std::vector<int> cpus = WorkerCpus();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers.size(); ++i) {
    const int cpu = config.pin_workers ? cpus[i % cpus.size()] : -1;
    threads.emplace_back([&w = workers[i], cpu] {
      if (cpu >= 0) {
        if (absl::Status s = PinCurrentThreadToCpu(cpu); !s.ok()) {
          Log(absl::StrCat("warning: worker not pinned: ", s.message()));
        }
      }
      w->Run();
    });
  }
  if (tcp != nullptr) threads.emplace_back([&tcp] { tcp->Run(); });
  ServeMetrics(metrics->get(), config, workers, tcp.get(), keys, clock_gate,
               batcher_options.served, start,
               [x = xdp->get()](StatsSnapshot* s) {
                 if (x != nullptr) x->AddCounters(s);
               });

  const int sig = WaitForStopSignal(signals, config.stats_interval, start,
                                    workers, tcp.get(), &keys,
                                    &clock_watch, xdp->get());
  if (*metrics != nullptr) (*metrics)->Stop();  // before what it reads goes
  Log(absl::StrCat("stopping on ", sig == SIGINT ? "SIGINT" : "SIGTERM",
                   " after answering the current batches"));
  stop.store(true);
  const uint64_t one = 1;
  (void)!write(stop_fd, &one, sizeof(one));
  for (std::thread& t : threads) t.join();
  close(stop_fd);

  Log(FormatStatsLine(SumStats(workers, tcp.get(), keys, xdp->get()), "exit",
                      absl::Now() - start, workers.size()));
  if (config.pin_workers) {
    // Per pinned worker, so an operator sees that steering spreads the load.
    std::string line = "pinned workers at=exit";
    for (size_t i = 0; i < workers.size(); ++i) {
      absl::StrAppend(&line, " cpu", cpus[i % cpus.size()], "_responses=",
                      workers[i]->stats().Get(stat::kResponses));
    }
    Log(line);
  }
  return 0;
}

}  // namespace roughtime::server
