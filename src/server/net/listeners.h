// Opens every worker's sockets: per listen address, worker 0 binds first
// (so port 0 becomes a real port, read back), then every other worker binds
// its own SO_REUSEPORT socket to that same address and port.
#ifndef ROUGHTIME_SERVER_NET_LISTENERS_H_
#define ROUGHTIME_SERVER_NET_LISTENERS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "server/net/socket_address.h"
#include "server/net/udp_socket.h"

namespace roughtime::server {

struct Listeners {
  std::vector<SocketAddress> bound;  // one per listen address, real ports
  std::vector<std::vector<WorkerSocket>> per_worker;  // [worker][address]
};

// `fallback_to_ipv4`: when the host has no IPv6, bind 0.0.0.0 in place of
// the default [::] (never done for an address the operator wrote).
absl::StatusOr<Listeners> OpenListeners(
    const std::vector<SocketAddress>& addresses, size_t workers,
    const SocketOptions& options, bool fallback_to_ipv4);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_LISTENERS_H_
