#include "server/net/udp_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server {
namespace {

absl::Status Errno(absl::string_view what, const SocketAddress& address) {
  const int err = errno;
  absl::StatusCode code = absl::StatusCode::kUnavailable;
  if (err == EADDRINUSE) code = absl::StatusCode::kAlreadyExists;
  if (err == EACCES || err == EPERM) code = absl::StatusCode::kPermissionDenied;
  if (err == EAFNOSUPPORT) code = absl::StatusCode::kUnimplemented;
  return absl::Status(code, absl::StrCat(what, " ", address.ToString(), ": ",
                                         std::strerror(err)));
}

absl::Status SetInt(int fd, int level, int name, int value,
                    absl::string_view what, const SocketAddress& address) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
    return Errno(absl::StrCat("setsockopt ", what), address);
  }
  return absl::OkStatus();
}

}  // namespace

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<UdpSocket> OpenUdpSocket(const SocketAddress& address,
                                        const SocketOptions& options) {
  const int family = address.family();
  if (family != AF_INET && family != AF_INET6) {
    return absl::InvalidArgumentError("listen address has no IP family");
  }
  UdpSocket sock(socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (sock.fd() < 0) return Errno("socket for", address);
  const int fd = sock.fd();

  if (options.reuse_addr) {
    absl::Status s =
        SetInt(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR", address);
    if (!s.ok()) return s;
  }
  if (options.reuse_port) {
    absl::Status s =
        SetInt(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT", address);
    if (!s.ok()) return s;
  }
  if (options.receive_buffer > 0) {
    // SO_RCVBUFFORCE passes rmem_max when we may (CAP_NET_ADMIN); otherwise
    // the kernel clamps SO_RCVBUF to rmem_max, which is still fine.
    const int size = options.receive_buffer;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
  }
  if (family == AF_INET6) {
    // [::] serves IPv4 too (v4-mapped); a specific IPv6 address is v6 only
    // anyway, so the option only matters for the wildcard.
    absl::Status s = SetInt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
                            address.is_wildcard() ? 0 : 1, "IPV6_V6ONLY",
                            address);
    if (!s.ok()) return s;
  }
  // Only a wildcard socket needs to learn each request's destination to
  // answer from it (multi-homed hosts); a socket bound to one address
  // answers from that address anyway, and skipping the control messages
  // saves the kernel a route check per reply on the hot path.
  if (address.is_wildcard()) {
    absl::Status s =
        family == AF_INET6
            ? SetInt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1,
                     "IPV6_RECVPKTINFO", address)
            : SetInt(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO", address);
    if (!s.ok()) return s;
  }
  if (bind(fd, address.sockaddr_ptr(), address.size()) != 0) {
    return Errno("bind", address);
  }
  // Kernel-side filter / steering (bpf_filter.h, reuseport_steering.h).
  if (absl::Status s = ApplyKernelPrograms(fd, options.kernel); !s.ok()) {
    return s;
  }
  return sock;
}

absl::StatusOr<SocketAddress> BoundAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return absl::UnavailableError(
        absl::StrCat("getsockname: ", std::strerror(errno)));
  }
  return SocketAddress(reinterpret_cast<const sockaddr*>(&ss), len);
}

LocalDestination ReadLocalDestination(const msghdr& msg) {
  LocalDestination local;
  for (const cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), const_cast<cmsghdr*>(c))) {
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
        c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      local.family = AF_INET6;
      local.v6 = info.ipi6_addr;
      local.ifindex = static_cast<int>(info.ipi6_ifindex);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
               c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      local.family = AF_INET;
      // ipi_spec_dst is the local address for a reply: the destination for
      // unicast, the interface address for a broadcast.
      local.v4 = info.ipi_spec_dst;
      local.ifindex = info.ipi_ifindex;
    }
  }
  return local;
}

size_t WriteSourceControl(const LocalDestination& local, int socket_family,
                          uint8_t* control) {
  std::memset(control, 0, kControlBufferSize);
  msghdr msg{};
  msg.msg_control = control;
  msg.msg_controllen = kControlBufferSize;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (socket_family == AF_INET6 && local.family == AF_INET6) {
    // A multicast destination cannot be a source; let the kernel choose.
    if (IN6_IS_ADDR_MULTICAST(&local.v6)) return 0;
    in6_pktinfo info{};
    info.ipi6_addr = local.v6;
    // Link-local addresses only make sense with their interface; for others
    // routing picks the interface (a v4-mapped source goes through the IPv4
    // path, which would otherwise force the egress interface).
    if (IN6_IS_ADDR_LINKLOCAL(&local.v6)) {
      info.ipi6_ifindex = static_cast<unsigned>(local.ifindex);
    }
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(info));
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    return CMSG_SPACE(sizeof(info));
  }
  if (socket_family == AF_INET && local.family == AF_INET) {
    in_pktinfo info{};
    info.ipi_spec_dst = local.v4;
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(info));
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    return CMSG_SPACE(sizeof(info));
  }
  return 0;
}

}  // namespace roughtime::server
