#include "server/metrics/metrics_format.h"

#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"

namespace roughtime::server {
namespace {

constexpr char kPrefix[] = "roughtimed_";

// Metric names allow [a-zA-Z0-9_:]; StatName() keys already fit, but a
// future key must never make the page unparseable.
std::string SanitizeName(absl::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

// Label values escape backslash, double quote and newline.
std::string EscapeLabel(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The StatName() key without its range prefix ("drop_too_short" ->
// "too_short").
std::string Suffix(size_t index, absl::string_view prefix) {
  const std::string name = StatName(index);
  absl::string_view view(name);
  if (view.substr(0, prefix.size()) == prefix) view.remove_prefix(prefix.size());
  return std::string(view);
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.6f", absl::ToDoubleSeconds(d));
}

class Page {
 public:
  void Family(absl::string_view name, absl::string_view type,
              absl::string_view help) {
    absl::StrAppend(&text_, "# HELP ", kPrefix, name, " ", help, "\n",
                    "# TYPE ", kPrefix, name, " ", type, "\n");
  }
  void Sample(absl::string_view name, absl::string_view labels,
              absl::string_view value) {
    absl::StrAppend(&text_, kPrefix, name,
                    labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ",
                    value, "\n");
  }
  void Sample(absl::string_view name, absl::string_view labels,
              uint64_t value) {
    Sample(name, labels, absl::StrCat(value));
  }
  // A family with a single unlabelled sample.
  void Gauge(absl::string_view name, absl::string_view help,
             absl::string_view value) {
    Family(name, "gauge", help);
    Sample(name, "", value);
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

// Help for the counters that have no range of their own; a counter added
// later to stats.h gets the generic text until someone writes one here.
std::string CounterHelp(size_t index) {
  switch (index) {
    case stat::kReceived: return "Datagrams read from the UDP sockets and TCP frames.";
    case stat::kRequests: return "Requests accepted into a batch.";
    case stat::kResponses: return "Responses sent.";
    case stat::kRecvErrors: return "Failed receive calls.";
    case stat::kSendErrors: return "Failed send calls.";
    case stat::kWriteErrors: return "Responses that could not be written.";
    case stat::kSignErrors: return "Requests whose batch failed to sign.";
    case stat::kExpired:
      return "Requests not answered because no delegation covered the time "
             "(RFC 10049 5.2 MINT <= MIDP <= MAXT).";
    case stat::kBatches: return "Batches signed.";
    case stat::kSignatures: return "Signatures made (one per version per batch).";
    case stat::kOverflow: return "Requests offered to a full batch (a bug if not 0).";
    case stat::kTcpAccepted: return "TCP connections accepted.";
    case stat::kTcpRefused: return "TCP connections closed over the connection limit.";
    case stat::kTcpGarbage: return "TCP connections closed for a stream without a ROUGHTIM frame.";
    case stat::kTcpOversize: return "TCP connections closed for a frame too large.";
    case stat::kTcpIdle: return "TCP connections closed after the idle timeout.";
    case stat::kTcpClosed: return "TCP connections closed by the peer.";
    case stat::kRotations: return "Online key switches made by the serving threads.";
    case stat::kGreased: return "Responses deliberately made invalid (grease).";
    case stat::kGreasedValid: return "Responses given an undefined tag (grease).";
    case stat::kUnsynced:
      return "Requests refused because the kernel clock is unsynchronised "
             "(--unsync-policy=refuse).";
    case stat::kBusyEntries:
      return "Times a worker became busy (over 80% of its time working) and "
             "began to hold batches until full or --batch-delay.";
    case stat::kXdpRedirected:
      return "Request-shaped datagrams the XDP sieve sent to an AF_XDP "
             "socket (--io xdp).";
    case stat::kXdpPassed:
      return "Request-shaped datagrams the XDP sieve passed to the kernel's "
             "UDP sockets.";
    case stat::kXdpPassedUnparsed:
      return "IPv4 fragments to a served port the XDP sieve left to the "
             "kernel.";
    case stat::kXdpDropTooShort:
      return "Datagrams under 1024 bytes dropped in the driver by the XDP "
             "sieve (RFC 10049 9).";
    case stat::kXdpDropTooLong:
      return "Datagrams over 1500 bytes dropped by the XDP sieve.";
    case stat::kXdpDropNotRoughtime:
      return "Datagrams neither ROUGHTIM-framed nor Google-shaped dropped by "
             "the XDP sieve.";
    case stat::kXdpDropBadLength:
      return "Datagrams whose UDP length disagrees with the frame dropped by "
             "the XDP sieve.";
    case stat::kXdpBadChecksum:
      return "AF_XDP frames dropped for a wrong IPv4 header or UDP checksum.";
    case stat::kXdpBadFrame:
      return "AF_XDP frames dropped for unreadable headers.";
    default:
      return absl::StrCat("The ", StatName(index),
                          " counter of the stats summary line.");
  }
}

bool IsPlainCounter(size_t index) {
  return (index < stat::kDropBase && index != stat::kMaxBatch) ||
         index >= stat::kTcpBase;
}

// Counters [first, last) of the stats line as one family with one label:
// the label's value is each counter's name without `name_prefix`.
struct CounterLabels {
  absl::string_view label;
  absl::string_view name_prefix;
  size_t first;
  size_t last;
};

void AddLabelledCounters(const StatsSnapshot& s, absl::string_view family,
                         absl::string_view help, const CounterLabels& labels,
                         Page& page) {
  page.Family(family, "counter", help);
  for (size_t i = labels.first; i < labels.last; ++i) {
    page.Sample(family,
                absl::StrCat(labels.label, "=\"",
                             EscapeLabel(Suffix(i, labels.name_prefix)), "\""),
                s[i]);
  }
}

void AddCounters(const StatsSnapshot& s, Page& page) {
  for (size_t i = 0; i < stat::kCount; ++i) {
    if (!IsPlainCounter(i)) continue;
    const std::string name = absl::StrCat(SanitizeName(StatName(i)), "_total");
    page.Family(name, "counter", CounterHelp(i));
    page.Sample(name, "", s[i]);
  }
  page.Family("unanswered_total", "counter",
              "Datagrams that got no response for a protocol or policy "
              "reason (the dropped= of the stats line).");
  page.Sample("unanswered_total", "", TotalDropped(s));

  AddLabelledCounters(
      s, "dropped_total",
      "Datagrams dropped by the request parser, by reason (the server "
      "never answers a malformed request, RFC 10049).",
      {"reason", "drop_", stat::kDropBase + 1, stat::kVersionBase}, page);
  AddLabelledCounters(
      s, "responses_by_version_total",
      "Responses written, by protocol version (wire number, or google).",
      {"version", "ver_", stat::kVersionBase, stat::kBatchHistBase}, page);
  AddLabelledCounters(
      s, "flushes_total",
      "Batches sent, by why they were sent (drained: nothing more "
      "waiting; full; deadline: --batch-delay; shutdown).",
      {"reason", "flush_", stat::kFlushBase, stat::kTcpBase}, page);
  page.Gauge("max_batch", "Largest batch signed since start.",
             absl::StrCat(s[stat::kMaxBatch]));
}

// A Prometheus histogram from per-bucket counts: cumulative _bucket
// samples labelled by `upper_bound(b)` ("+Inf" for the last), then _sum
// and _count.
void AddHistogram(absl::string_view name, absl::string_view help,
                  absl::Span<const uint64_t> counts,
                  absl::FunctionRef<std::string(size_t)> upper_bound,
                  absl::string_view sum, Page& page) {
  page.Family(name, "histogram", help);
  uint64_t cumulative = 0;
  for (size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    page.Sample(absl::StrCat(name, "_bucket"),
                absl::StrCat("le=\"", upper_bound(b), "\""), cumulative);
  }
  page.Sample(absl::StrCat(name, "_sum"), "", sum);
  page.Sample(absl::StrCat(name, "_count"), "", cumulative);
}

void AddBatchHistogram(const MetricsState& state, Page& page) {
  AddHistogram(
      "batch_size",
      "Requests per signed batch (one Merkle tree and signature each, "
      "RFC 10049 5.3).",
      absl::MakeConstSpan(&state.stats[stat::kBatchHistBase],
                          kNumBatchBuckets),
      [](size_t b) {
        // Bucket b holds sizes up to 2^(b+1)-1; the last is open-ended.
        return b + 1 < kNumBatchBuckets ? absl::StrCat((uint64_t{2} << b) - 1)
                                        : std::string("+Inf");
      },
      absl::StrCat(state.histograms.batch_size_sum), page);
}

void AddLatencyHistogram(const MetricsState& state, Page& page) {
  AddHistogram(
      "response_latency_seconds",
      "Server-side time from accepting a request into a batch to "
      "having its response signed and sent.",
      absl::MakeConstSpan(state.histograms.latency_buckets),
      [](size_t b) {
        return b < kLatencyBoundsUs.size()
                   ? absl::StrFormat(
                         "%g", static_cast<double>(kLatencyBoundsUs[b]) / 1e6)
                   : std::string("+Inf");
      },
      absl::StrFormat("%.9f",
                      static_cast<double>(state.histograms.latency_sum_ns) /
                          1e9),
      page);
}

void AddSigningState(const MetricsState& state, Page& page) {
  const SigningState& s = state.signing;
  const HealthVerdict health = EvaluateHealth(s, state.now);
  page.Gauge("healthy", "1 while the server signs (what /healthz reports).",
             health.healthy ? "1" : "0");
  if (s.have_identity) {
    page.Gauge("delegation_mint_seconds",
               "Start of the current online key's delegation (MINT, Unix "
               "seconds).",
               absl::StrCat(s.mint_seconds));
    page.Gauge("delegation_maxt_seconds",
               "End of the current online key's delegation (MAXT, Unix "
               "seconds).",
               absl::StrCat(s.maxt_seconds));
    page.Gauge("delegation_expiry_seconds",
               "Seconds until MAXT (negative once expired).",
               Seconds(absl::FromUnixSeconds(s.maxt_seconds) - state.now));
  }
  page.Gauge("delegation_offline",
             "1 with --delegation (nobody renews the key; restart with a new "
             "one before MAXT), 0 when the server delegates its own keys.",
             s.offline_delegation ? "1" : "0");
  page.Gauge("clock_signing",
             "1 while the clock policy allows signing (0: --unsync-policy="
             "refuse with an unsynchronised kernel clock).",
             s.clock_allows_signing ? "1" : "0");
  page.Gauge("radius_seconds", "Radius (RADI) sent now.", Seconds(s.radius));
  if (s.kernel_clock_known) {
    page.Gauge("clock_synchronized",
               "1 when the kernel clock is synchronised (no STA_UNSYNC).",
               s.kernel_synchronized ? "1" : "0");
    page.Gauge("clock_max_error_seconds",
               "The kernel's maximum clock error estimate (adjtimex maxerror).",
               Seconds(s.kernel_max_error));
  }
}

}  // namespace

HealthVerdict EvaluateHealth(const SigningState& s, absl::Time now) {
  if (!s.have_identity) return {false, "unhealthy: no online identity"};
  const absl::Time mint = absl::FromUnixSeconds(s.mint_seconds);
  const absl::Time maxt = absl::FromUnixSeconds(s.maxt_seconds);
  const int64_t now_s = absl::ToUnixSeconds(now);
  if (now < mint) {
    return {false, absl::StrCat("unhealthy: no identity valid now: MINT ",
                                s.mint_seconds, " is in the future (now ",
                                now_s, ")")};
  }
  if (now > maxt) {
    return {false, absl::StrCat("unhealthy: delegation expired at MAXT ",
                                s.maxt_seconds, " (now ", now_s,
                                "); not signing")};
  }
  if (!s.clock_allows_signing) {
    return {false,
            "unhealthy: kernel clock unsynchronised and --unsync-policy="
            "refuse; not signing"};
  }
  if (s.offline_delegation && now >= maxt - s.warn_before) {
    return {true, absl::StrCat("expiring: delegation MAXT ", s.maxt_seconds,
                               " in ", absl::ToInt64Seconds(maxt - now),
                               "s")};
  }
  return {true, "ok"};
}

std::string FormatMetrics(const MetricsState& state) {
  Page page;
  page.Family("build_info", "gauge",
              "Always 1; the labels say which roughtimed this is.");
  page.Sample("build_info",
              absl::StrCat("version=\"", EscapeLabel(state.version),
                           "\",served_versions=\"",
                           EscapeLabel(state.served_versions), "\""),
              "1");
  page.Gauge("start_time_seconds", "When the server started (Unix seconds).",
             absl::StrCat(absl::ToUnixSeconds(state.start)));
  page.Gauge("uptime_seconds", "Seconds since the server started.",
             Seconds(state.now - state.start));
  page.Gauge("workers", "UDP worker threads.", absl::StrCat(state.workers));
  AddCounters(state.stats, page);
  AddBatchHistogram(state, page);
  AddLatencyHistogram(state, page);
  AddSigningState(state, page);
  return page.Take();
}

}  // namespace roughtime::server
