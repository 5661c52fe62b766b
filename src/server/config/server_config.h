// roughtimed's command-line flags turned into one validated configuration.
// Every flag is documented in docs/OPERATIONS.md and by --help.
#ifndef ROUGHTIME_SERVER_CONFIG_SERVER_CONFIG_H_
#define ROUGHTIME_SERVER_CONFIG_SERVER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/key_settings.h"
#include "server/config/privilege_flags.h"
#include "server/core/batcher.h"
#include "server/core/clock_policy.h"
#include "server/core/rate_limiter.h"
#include "server/net/datagram_io.h"
#include "server/net/socket_address.h"
#include "server/net/udp_socket.h"
#include "server/tcp/tcp_server.h"
#include "server/net/xdp/xdp_options.h"

namespace roughtime::server {

// The port the server listens on when nothing else is said. 2002 is the
// port the deployed Roughtime servers use; RFC 10049 §12 assigned 5319
// (--port=5319).
inline constexpr uint16_t kDefaultPort = 2002;
struct ServerConfig {
  KeySource key_source = KeySource::kDev;
  std::string key_path;  // --root-key or --delegation file; kDevKeyPath for dev
  std::vector<SocketAddress> listen;
  bool default_listen = true;  // no --listen given: [::]:port, dual-stack
  size_t workers = 1;
  bool pin_workers = false;  // --pin-workers (reuseport_steering.h)
  IoMode io_mode = IoMode::kMmsg;
  xdp::XdpOptions xdp;  // --xdp, --xdp-mode (net/xdp/)
  SocketOptions socket_options;
  BatcherOptions batcher;  // batcher.served = the --versions asked for
  absl::Duration stats_interval = absl::Seconds(60);
  TcpOptions tcp;
  ClockPolicyOptions clock_policy;  // --dev forces UnsyncPolicy::kWarn
  RotationPolicy rotation;  // --root-key and --dev
  // --delegation: warn this long before MAXT, then again every interval.
  absl::Duration delegation_warn_before = absl::Hours(24 * 7);
  absl::Duration delegation_warn_interval = absl::Hours(24);
  PrivilegeOptions privileges;  // --user, --group (privileges.h)
  RateLimitOptions rate_limit;  // --rate-limit... (rate_limiter.h)
  // --metrics-listen (metrics_service.h); nullopt: no /metrics, /healthz.
  std::optional<SocketAddress> metrics_listen;
};

// Builds the configuration from the parsed absl flags. `listen_values` are
// all --listen values in order (each may be comma-separated); the caller
// collects them because absl keeps only the last occurrence of a flag.
// Errors are usage errors (the message names the flag).
absl::StatusOr<ServerConfig> ConfigFromFlags(
    const std::vector<std::string>& listen_values);

// Number of CPUs this process may run on (at least 1).
size_t AvailableCpus();

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_SERVER_CONFIG_H_
