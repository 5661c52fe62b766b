// Target and listen addresses for the load generator. This tool exists to
// flood a server with datagrams, so it accepts only addresses that cannot
// leave the machine: loopback (127.0.0.0/8, ::1), or, for the XDP lab
// (tools/xdp-lab.sh), a documentation address (192.0.2.0/24, RFC 5737;
// 2001:db8::/32, RFC 3849) when the generator itself runs in a network
// namespace of its own and reaches that address from a documentation
// address there (a veth pair between namespaces the lab made).
#ifndef ROUGHTIME_TOOLS_LOADGEN_LOOPBACK_ADDRESS_H_
#define ROUGHTIME_TOOLS_LOADGEN_LOOPBACK_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace roughtime::loadgen {

struct LoopbackAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;

  const sockaddr* ptr() const {
    return reinterpret_cast<const sockaddr*>(&storage);
  }
  int family() const { return storage.ss_family; }
  uint16_t port() const;
  // "127.0.0.1:2002" or "[::1]:2002".
  std::string ToString() const;
};

// Parses "IPv4:PORT", "[IPv6]:PORT" or "localhost:PORT" (127.0.0.1). Names
// other than localhost are not resolved. Anything outside 127.0.0.0/8 and
// ::1 is refused with a message saying so, but for a namespace lab address
// (IsNamespaceLabAddress). Port 0 is accepted only when
// `allow_port_zero` (a listener that lets the kernel choose).
absl::StatusOr<LoopbackAddress> ParseLoopbackAddress(std::string_view text,
                                                     bool allow_port_zero);

// Whether `address` (any port) is a documentation address that this
// process, running in a network namespace other than init's, reaches from
// a documentation address of its own namespace.
bool IsNamespaceLabAddress(const sockaddr_storage& address);

// The address a bound socket actually has (port 0 resolved).
absl::StatusOr<LoopbackAddress> BoundAddress(int fd);

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_LOOPBACK_ADDRESS_H_
