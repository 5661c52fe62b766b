// Target and listen addresses for the load generator. Only loopback is
// accepted: this tool exists to flood a server with datagrams, and on this
// workplace load may only ever go to 127.0.0.0/8 or ::1.
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
// ::1 is refused with a message saying so. Port 0 is accepted only when
// `allow_port_zero` (a listener that lets the kernel choose).
absl::StatusOr<LoopbackAddress> ParseLoopbackAddress(std::string_view text,
                                                     bool allow_port_zero);

// The address a bound socket actually has (port 0 resolved).
absl::StatusOr<LoopbackAddress> BoundAddress(int fd);

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_LOOPBACK_ADDRESS_H_
