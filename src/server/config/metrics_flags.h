// --metrics-listen: where /metrics and /healthz are served (off by
// default). Defined apart from server_config.cc so the metrics feature
// stays in its own files.
#ifndef ROUGHTIME_SERVER_CONFIG_METRICS_FLAGS_H_
#define ROUGHTIME_SERVER_CONFIG_METRICS_FLAGS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/net/socket_address.h"

namespace roughtime::server {

// Parses a --metrics-listen value: empty is "off" (nullopt); otherwise
// HOST:PORT or [IPv6]:PORT with a numeric host and an explicit port (0: the
// kernel picks one). Errors name the flag.
absl::StatusOr<std::optional<SocketAddress>> ParseMetricsListen(
    absl::string_view value);

// ParseMetricsListen of the parsed flag.
absl::StatusOr<std::optional<SocketAddress>> MetricsListenFromFlags();

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_METRICS_FLAGS_H_
