#include "server/config/metrics_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

ABSL_FLAG(std::string, metrics_listen, "",
          "Serve Prometheus /metrics and /healthz over HTTP on HOST:PORT "
          "(e.g. 127.0.0.1:9202; port 0 picks a free one). Empty (default): "
          "off. Keep it on loopback: a public address exposes the server's "
          "internals (see docs/OPERATIONS.md).");

namespace roughtime::server {

absl::StatusOr<std::optional<SocketAddress>> ParseMetricsListen(
    absl::string_view value) {
  const absl::string_view text = absl::StripAsciiWhitespace(value);
  if (text.empty()) return std::nullopt;
  // A bare host would take the default port; parse with two different
  // defaults to tell "no port written" from a real one.
  absl::StatusOr<SocketAddress> a = ParseSocketAddress(text, 1);
  absl::StatusOr<SocketAddress> b = ParseSocketAddress(text, 2);
  if (!a.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --metrics-listen '", text, "': ", a.status().message()));
  }
  if (!b.ok() || a->port() != b->port()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics-listen '", text, "' needs a port: HOST:PORT or [IPv6]:PORT"));
  }
  return std::optional<SocketAddress>(*a);
}

absl::StatusOr<std::optional<SocketAddress>> MetricsListenFromFlags() {
  return ParseMetricsListen(absl::GetFlag(FLAGS_metrics_listen));
}

}  // namespace roughtime::server
