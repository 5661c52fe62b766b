// Wires --metrics-listen into the running server (server.cc calls these
// two functions): BindMetrics takes the port before privileges are
// dropped; ServeMetrics starts answering once the workers exist, with
// pages built from their counters, the published identity and the clock.
#ifndef ROUGHTIME_SERVER_METRICS_METRICS_SERVICE_H_
#define ROUGHTIME_SERVER_METRICS_METRICS_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/base/stats.h"
#include "server/config/server_config.h"
#include "server/core/clock_policy.h"
#include "server/core/identity_store.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/metrics/metrics_format.h"

namespace roughtime::server {

class Worker;
class TcpServer;
class KeyKeeper;

// Everything a scrape reads; pointers must outlive the endpoint's Serve
// (stop it before they go).
struct MetricsSources {
  std::vector<const WorkerStats*> stats;  // summed
  size_t workers = 0;
  const IdentityStore* identities = nullptr;
  const ClockGate* clock_gate = nullptr;
  const KernelClock* kernel_clock = nullptr;  // null: not reported
  bool offline_delegation = false;
  absl::Duration warn_before = absl::ZeroDuration();
  absl::Time start;
  std::string served_versions;
  // Counters kept outside WorkerStats (the XDP sieve's BPF map); may be
  // empty.
  std::function<void(StatsSnapshot*)> add_counters;
};

// The state at `now` (counters summed over every source).
MetricsState GatherMetrics(const MetricsSources& sources, absl::Time now);
// /metrics and /healthz answered from `sources` (copied in).
MetricsHandlers MakeMetricsHandlers(MetricsSources sources);

// Null when --metrics-listen is off; logs
// "metrics on http://ADDRESS/metrics" when bound.
absl::StatusOr<std::unique_ptr<MetricsEndpoint>> BindMetrics(
    const ServerConfig& config);

// Starts `endpoint` (may be null: nothing to do) over the server's objects.
void ServeMetrics(MetricsEndpoint* endpoint, const ServerConfig& config,
                  const std::vector<std::unique_ptr<Worker>>& workers,
                  const TcpServer* tcp, const KeyKeeper& keys,
                  const ClockGate& clock_gate, VersionSet served,
                  absl::Time start,
                  std::function<void(StatsSnapshot*)> add_counters = {});

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_METRICS_METRICS_SERVICE_H_
