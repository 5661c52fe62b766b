#include "server/metrics/metrics_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/base/log.h"
#include "server/core/worker.h"
#include "server/keys/key_keeper.h"
#include "server/tcp/tcp_server.h"
#include "version/version.h"

namespace roughtime::server {
namespace {

SigningState GatherSigning(const MetricsSources& sources) {
  SigningState s;
  if (sources.identities != nullptr) {
    const PublishedIdentity latest = sources.identities->Latest();
    if (latest.identity != nullptr) {
      s.have_identity = true;
      s.mint_seconds = static_cast<int64_t>(latest.identity->window.mint_seconds);
      s.maxt_seconds = static_cast<int64_t>(latest.identity->window.maxt_seconds);
    }
  }
  s.offline_delegation = sources.offline_delegation;
  s.warn_before = sources.warn_before;
  if (sources.clock_gate != nullptr) {
    s.clock_allows_signing = sources.clock_gate->sign();
    s.radius = sources.clock_gate->radius();
  }
  if (sources.kernel_clock != nullptr) {
    // Read-only ntp_adjtime (clock_policy.h): cheap and never blocks.
    absl::StatusOr<KernelClockState> kernel = sources.kernel_clock->Query();
    if (kernel.ok()) {
      s.kernel_clock_known = true;
      s.kernel_synchronized = kernel->synchronized;
      s.kernel_max_error = kernel->max_error;
    }
  }
  return s;
}

}  // namespace

MetricsState GatherMetrics(const MetricsSources& sources, absl::Time now) {
  MetricsState state;
  for (const WorkerStats* stats : sources.stats) {
    Accumulate(state.stats, stats->Snapshot());
    state.histograms.Add(stats->histograms().Snapshot());
  }
  if (sources.add_counters) sources.add_counters(&state.stats);
  state.workers = sources.workers;
  state.now = now;
  state.start = sources.start;
  state.version = ROUGHTIME_VERSION;
  state.served_versions = sources.served_versions;
  state.signing = GatherSigning(sources);
  return state;
}

MetricsHandlers MakeMetricsHandlers(MetricsSources sources) {
  auto shared = std::make_shared<const MetricsSources>(std::move(sources));
  MetricsHandlers handlers;
  handlers.metrics = [shared] {
    return FormatMetrics(GatherMetrics(*shared, absl::Now()));
  };
  handlers.health = [shared] {
    return EvaluateHealth(GatherSigning(*shared), absl::Now());
  };
  return handlers;
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> BindMetrics(
    const ServerConfig& config) {
  if (!config.metrics_listen.has_value()) {
    return std::unique_ptr<MetricsEndpoint>();
  }
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint =
      MetricsEndpoint::Bind(*config.metrics_listen);
  if (!endpoint.ok()) return endpoint.status();
  Log(absl::StrCat("metrics on http://", (*endpoint)->address().ToString(),
                   "/metrics (and /healthz)"));
  if (!config.metrics_listen->is_loopback()) {
    Log("warning: --metrics-listen is not a loopback address: anyone who "
        "can reach it sees the server's counters and key windows");
  }
  return endpoint;
}

void ServeMetrics(MetricsEndpoint* endpoint, const ServerConfig& config,
                  const std::vector<std::unique_ptr<Worker>>& workers,
                  const TcpServer* tcp, const KeyKeeper& keys,
                  const ClockGate& clock_gate, VersionSet served,
                  absl::Time start,
                  std::function<void(StatsSnapshot*)> add_counters) {
  if (endpoint == nullptr) return;
  static const AdjtimexKernelClock kernel_clock;
  MetricsSources sources;
  for (const auto& w : workers) sources.stats.push_back(&w->stats());
  if (tcp != nullptr) sources.stats.push_back(&tcp->stats());
  sources.stats.push_back(&keys.stats());  // SIGHUP reloads
  sources.workers = workers.size();
  sources.identities = keys.store();
  sources.clock_gate = &clock_gate;
  sources.kernel_clock = &kernel_clock;
  sources.offline_delegation = config.key_source == KeySource::kDelegation;
  sources.warn_before = config.delegation_warn_before;
  sources.start = start;
  sources.served_versions = VersionSetNames(served);
  sources.add_counters = std::move(add_counters);
  endpoint->Serve(MakeMetricsHandlers(std::move(sources)));
}

}  // namespace roughtime::server
