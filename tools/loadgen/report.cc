#include "report.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "roughtime/bytes.h"
#include "roughtime/version.h"

namespace roughtime::loadgen {
namespace {

double PerSecond(double count, double seconds) {
  return seconds > 0 ? count / seconds : 0.0;
}

double Micros(int64_t nanos) { return static_cast<double>(nanos) / 1e3; }

struct Derived {
  double offered_per_second;
  double answered_per_second;
  double generator_us_per_request;  // per request sent
  double server_us_per_answered;
  double answered_per_server_cpu_second;
};

Derived Derive(const RunResult& r) {
  Derived d{};
  d.offered_per_second = PerSecond(r.sent, r.send_seconds);
  d.answered_per_second = PerSecond(r.answered, r.window_seconds);
  d.generator_us_per_request =
      r.sent > 0 ? r.generator_cpu_seconds * 1e6 / r.sent : 0.0;
  if (r.server_measured && r.answered > 0) {
    d.server_us_per_answered = r.server_cpu_seconds * 1e6 / r.answered;
  }
  if (r.server_measured && r.server_cpu_seconds > 0) {
    d.answered_per_server_cpu_second = r.answered / r.server_cpu_seconds;
  }
  return d;
}

std::string ModeText(const BenchOptions& o) {
  if (o.mode == LoopMode::kOpen) {
    return absl::StrFormat("open loop, rate %.1f/s", o.rate);
  }
  return absl::StrCat("closed loop, concurrency ", o.concurrency);
}

}  // namespace

std::string FormatText(const BenchOptions& o, const RunResult& r) {
  const Derived d = Derive(r);
  const LatencyHistogram& h = *r.latency;
  std::string out = absl::StrCat(
      "roughtime-bench: ", o.server.ToString(), ", version ",
      AbslView(VersionName(o.version)), ", ", r.packet_size, "-byte requests, ",
      ModeText(o), ", ", o.sockets, " sockets\n");
  absl::StrAppendFormat(&out, "  window       %.3f s (send phase %.3f s)\n",
                        r.window_seconds, r.send_seconds);
  absl::StrAppendFormat(&out, "  sent         %d (%.1f/s offered)\n", r.sent,
                        d.offered_per_second);
  if (o.mode == LoopMode::kOpen && d.offered_per_second < 0.95 * o.rate) {
    absl::StrAppendFormat(&out,
                          "  WARNING      the generator fell behind: offered "
                          "%.0f/s of the %.0f/s asked\n",
                          d.offered_per_second, o.rate);
  }
  absl::StrAppendFormat(&out, "  answered     %d (%.1f/s)\n", r.answered,
                        d.answered_per_second);
  absl::StrAppendFormat(&out,
                        "  lost         %d (no answer within %s%s)\n", r.lost,
                        absl::FormatDuration(o.timeout),
                        r.evicted ? absl::StrCat("; ", r.evicted,
                                                 " evicted from a full table")
                                  : "");
  if (r.unmatched > 0) {
    absl::StrAppendFormat(&out, "  unmatched    %d (late, duplicate or "
                          "foreign replies)\n", r.unmatched);
  }
  if (o.verify_fraction > 0) {
    absl::StrAppendFormat(&out, "  verified     %d ok, %d failed (fraction %g)%s\n",
                          r.verified, r.verify_failed, o.verify_fraction,
                          r.verify_failed ? absl::StrCat("; first: ",
                                                         r.first_verify_error)
                                          : "");
  }
  if (r.refused + r.io_errors > 0) {
    absl::StrAppendFormat(&out, "  io errors    %d refused (ICMP), %d other%s\n",
                          r.refused, r.io_errors,
                          r.last_io_error.empty()
                              ? ""
                              : absl::StrCat(" (last: ", r.last_io_error, ")"));
  }
  if (h.count() == 0) {
    absl::StrAppend(&out, "  latency      no answers\n");
  } else {
    absl::StrAppendFormat(
      &out,
      "  latency      p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, "
      "max %.1f us\n",
      Micros(h.Quantile(0.5)), Micros(h.Quantile(0.9)),
      Micros(h.Quantile(0.99)), Micros(h.Quantile(0.999)), Micros(h.max()));
  }
  absl::StrAppendFormat(&out,
                        "  generator    %.3f CPU-s (%.2f cores), %.2f us per "
                        "request sent\n",
                        r.generator_cpu_seconds,
                        PerSecond(r.generator_cpu_seconds, r.window_seconds),
                        d.generator_us_per_request);
  if (r.server_measured) {
    absl::StrAppendFormat(
        &out,
        "  server       pid %d: %.2f CPU-s (%.2f cores; /proc ticks of %g "
        "ms), %.2f us per answer, %.0f answered per CPU-second\n",
        r.server_pid, r.server_cpu_seconds,
        PerSecond(r.server_cpu_seconds, r.window_seconds),
        1000.0 / static_cast<double>(r.clock_ticks_per_second),
        d.server_us_per_answered, d.answered_per_server_cpu_second);
  }
  return out;
}

std::string FormatJson(const BenchOptions& o, const RunResult& r) {
  const Derived d = Derive(r);
  const LatencyHistogram& h = *r.latency;
  nlohmann::json j;
  j["target"] = o.server.ToString();
  j["version"] = std::string(VersionName(o.version));
  j["request_size"] = r.packet_size;
  j["mode"] = o.mode == LoopMode::kOpen ? "open" : "closed";
  if (o.mode == LoopMode::kOpen) {
    j["rate"] = o.rate;
    j["burst"] = r.burst;
  } else {
    j["concurrency"] = o.concurrency;
  }
  j["sockets"] = o.sockets;
  j["batch"] = o.batch;
  j["timeout_seconds"] = absl::ToDoubleSeconds(o.timeout);
  j["sent"] = r.sent;
  j["answered"] = r.answered;
  j["lost"] = r.lost;
  j["evicted"] = r.evicted;
  j["unmatched"] = r.unmatched;
  j["verify_fraction"] = o.verify_fraction;
  j["verified"] = r.verified;
  j["verify_failed"] = r.verify_failed;
  if (!r.first_verify_error.empty()) {
    j["first_verify_error"] = r.first_verify_error;
  }
  j["refused"] = r.refused;
  j["io_errors"] = r.io_errors;
  j["send_seconds"] = r.send_seconds;
  j["window_seconds"] = r.window_seconds;
  j["offered_per_second"] = d.offered_per_second;
  j["answered_per_second"] = d.answered_per_second;
  j["latency_us"] = {
      {"count", h.count()},
      {"min", Micros(h.min())},
      {"mean", h.mean() / 1e3},
      {"p50", Micros(h.Quantile(0.5))},
      {"p90", Micros(h.Quantile(0.9))},
      {"p99", Micros(h.Quantile(0.99))},
      {"p999", Micros(h.Quantile(0.999))},
      {"max", Micros(h.max())},
  };
  j["generator"] = {
      {"cpu_seconds", r.generator_cpu_seconds},
      {"cpu_us_per_request", d.generator_us_per_request},
  };
  if (r.server_measured) {
    j["server"] = {
        {"pid", r.server_pid},
        {"cpu_seconds", r.server_cpu_seconds},
        {"clock_ticks_per_second", r.clock_ticks_per_second},
        {"cpu_us_per_answered", d.server_us_per_answered},
        {"answered_per_cpu_second", d.answered_per_server_cpu_second},
    };
  } else {
    j["server"] = nullptr;
  }
  return j.dump() + "\n";
}

}  // namespace roughtime::loadgen
