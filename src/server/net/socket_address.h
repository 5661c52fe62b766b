// Numeric socket addresses for --listen: "HOST:PORT", "[V6]:PORT", or a bare
// host (then the default port applies). Names are not resolved: a server
// should bind exactly what its operator wrote, not what DNS says today.
#ifndef ROUGHTIME_SERVER_NET_SOCKET_ADDRESS_H_
#define ROUGHTIME_SERVER_NET_SOCKET_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace roughtime::server {

class SocketAddress {
 public:
  SocketAddress();
  // From a kernel-filled sockaddr (recvmsg, getsockname).
  SocketAddress(const sockaddr* addr, socklen_t size);

  // The IPv6 wildcard [::] (dual-stack when bound with IPV6_V6ONLY=0).
  static SocketAddress AnyV6(uint16_t port);
  static SocketAddress AnyV4(uint16_t port);

  int family() const { return storage_.ss_family; }
  const sockaddr* sockaddr_ptr() const {
    return reinterpret_cast<const sockaddr*>(&storage_);
  }
  socklen_t size() const { return size_; }
  uint16_t port() const;
  void set_port(uint16_t port);
  bool is_wildcard() const;
  bool is_loopback() const;
  // "127.0.0.1:2002", "[::1]:2002", "[::]:2002".
  std::string ToString() const;
  // Host part alone, IPv6 in brackets: "[::1]".
  std::string HostString() const;

 private:
  sockaddr_storage storage_{};
  socklen_t size_ = 0;
};

// Parses one --listen value.
absl::StatusOr<SocketAddress> ParseSocketAddress(absl::string_view text,
                                                 uint16_t default_port);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_SOCKET_ADDRESS_H_
