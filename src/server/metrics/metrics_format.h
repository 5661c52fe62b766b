// The /metrics page in the Prometheus text exposition format (version
// 0.0.4: "# HELP" and "# TYPE" before each family, counters named *_total,
// histograms as cumulative _bucket{le="..."} series ending in le="+Inf",
// then _sum and _count) and the /healthz verdict. Pure functions of a
// MetricsState, so tests check the exact text without a server.
//
// Every counter of stats.h appears: the metric list is derived from the
// counter index space and StatName(), so a counter appended there shows up
// here as roughtimed_<name>_total without an edit.
#ifndef ROUGHTIME_SERVER_METRICS_METRICS_FORMAT_H_
#define ROUGHTIME_SERVER_METRICS_METRICS_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "server/base/metrics_histograms.h"
#include "server/base/stats.h"

namespace roughtime::server {

// What the main thread's objects say about signing, gathered at scrape time.
struct SigningState {
  bool have_identity = false;    // an online identity is published
  int64_t mint_seconds = 0;      // its window (Unix seconds)
  int64_t maxt_seconds = 0;
  bool offline_delegation = false;  // --delegation: nobody renews it
  absl::Duration warn_before = absl::ZeroDuration();  // expiry warning
  bool clock_allows_signing = true;  // ClockGate::sign()
  absl::Duration radius = absl::ZeroDuration();  // effective RADI
  bool kernel_clock_known = false;   // ntp_adjtime answered
  bool kernel_synchronized = false;
  absl::Duration kernel_max_error = absl::ZeroDuration();
};

struct HealthVerdict {
  bool healthy = true;
  std::string text;  // one line: "ok", "expiring: ...", "unhealthy: ..."
};

// 503-worthy: no identity valid now (before MINT or after MAXT; RFC 10049
// §5.2 needs MINT <= MIDP <= MAXT) or the clock policy refuses to sign.
// Healthy but "expiring: ..." inside an offline delegation's warning period.
HealthVerdict EvaluateHealth(const SigningState& signing, absl::Time now);

struct MetricsState {
  StatsSnapshot stats{};
  HistogramsSnapshot histograms;
  size_t workers = 0;
  absl::Time now;
  absl::Time start;
  std::string version;          // the program's version
  std::string served_versions;  // "Google,draft-08,...,1"
  SigningState signing;
};

// The whole page, newline-terminated.
std::string FormatMetrics(const MetricsState& state);

// The Content-Type of FormatMetrics' output.
inline constexpr char kMetricsContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_METRICS_METRICS_FORMAT_H_
