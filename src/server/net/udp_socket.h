// UDP sockets for the server: open/bind with the options roughtimed needs,
// and the IP_PKTINFO / IPV6_PKTINFO helpers that make a reply leave from the
// address its request arrived on (a wildcard socket otherwise lets routing
// pick the source, and a client on a multi-homed host would see the answer
// come from an address it never asked).
#ifndef ROUGHTIME_SERVER_NET_UDP_SOCKET_H_
#define ROUGHTIME_SERVER_NET_UDP_SOCKET_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "server/net/kernel_programs.h"
#include "server/net/socket_address.h"

namespace roughtime::server {

struct SocketOptions {
  // SO_REUSEADDR: share the port with another UDP service bound to a
  // different address (see docs/OPERATIONS.md for the risk).
  bool reuse_addr = true;
  // SO_REUSEPORT: one socket per worker on the same address; the kernel
  // spreads datagrams over them.
  bool reuse_port = true;
  // Requested receive buffer in bytes (0 keeps the system default). Bursts
  // of requests queue here while a batch is being signed.
  int receive_buffer = 4 << 20;
  // Kernel request filter and --pin-workers steering (kernel_programs.h).
  KernelPrograms kernel;
};

// Owns a socket descriptor.
class UdpSocket {
 public:
  UdpSocket() = default;
  explicit UdpSocket(int fd) : fd_(fd) {}
  UdpSocket(UdpSocket&& other) noexcept : fd_(other.release()) {}
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  ~UdpSocket();

  int fd() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// One of a worker's sockets (listeners.h opens them, worker.h reads them).
struct WorkerSocket {
  UdpSocket socket;
  int family = 0;  // AF_INET or AF_INET6
};

// A non-blocking UDP socket bound to `address`. An IPv6 wildcard is made
// dual-stack (IPV6_V6ONLY=0). Packet-info reception is switched on so every
// datagram says which local address it was sent to. Errors: AlreadyExists
// (address in use), PermissionDenied, Unimplemented (no such address family
// on this host), Unavailable (anything else).
absl::StatusOr<UdpSocket> OpenUdpSocket(const SocketAddress& address,
                                        const SocketOptions& options);

// The address the socket is bound to (reads back the port after port 0).
absl::StatusOr<SocketAddress> BoundAddress(int fd);

// The local end of a received datagram, from its control messages.
struct LocalDestination {
  int family = AF_UNSPEC;  // AF_UNSPEC when the kernel gave nothing
  in_addr v4{};            // IP_PKTINFO ipi_spec_dst
  in6_addr v6{};           // IPV6_PKTINFO ipi6_addr (v4-mapped on dual-stack)
  int ifindex = 0;
};

// Room for either packet-info control message.
inline constexpr size_t kControlBufferSize = 64;
static_assert(kControlBufferSize >= CMSG_SPACE(sizeof(in6_pktinfo)));
static_assert(kControlBufferSize >= CMSG_SPACE(sizeof(in_pktinfo)));

// Reads the packet-info control message of a received `msg`.
LocalDestination ReadLocalDestination(const msghdr& msg);

// Writes the control message that makes a reply leave from `local` into
// `control` (kControlBufferSize bytes) for a socket of `socket_family`.
// Returns the msg_controllen to use (0: let the kernel choose).
size_t WriteSourceControl(const LocalDestination& local, int socket_family,
                          uint8_t* control);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_UDP_SOCKET_H_
