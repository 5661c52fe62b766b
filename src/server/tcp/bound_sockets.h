// Every socket roughtimed serves on, bound in one step before privileges
// are dropped: the UDP listeners of every worker (net/listeners.h), then TCP
// listeners on exactly the addresses and ports UDP got (RFC 10049 §5).
#ifndef ROUGHTIME_SERVER_TCP_BOUND_SOCKETS_H_
#define ROUGHTIME_SERVER_TCP_BOUND_SOCKETS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "server/net/listeners.h"
#include "server/net/socket_address.h"
#include "server/net/udp_socket.h"

namespace roughtime::server {

struct BoundSockets {
  Listeners udp;
  std::vector<int> tcp_fds;  // empty when TCP is off (--notcp)
};

// Binds `listen` for `workers` UDP workers, and for TCP when `tcp_enabled`.
// With port 0 the kernel picks a free UDP port; the same number may be
// taken on TCP, so a few fresh ports are tried rather than fail to start.
// Errors say which protocol and address could not be bound.
absl::StatusOr<BoundSockets> BindSockets(
    const std::vector<SocketAddress>& listen, size_t workers,
    const SocketOptions& options, bool fallback_to_ipv4, bool tcp_enabled);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_TCP_BOUND_SOCKETS_H_
