#include "server/net/listeners.h"

#include <sys/socket.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server {
namespace {

// OpenUdpSocket reports EAFNOSUPPORT (a kernel without IPv6) this way.
bool Ipv6Unavailable(const absl::Status& status) {
  return absl::IsUnimplemented(status);
}

}  // namespace

absl::StatusOr<Listeners> OpenListeners(
    const std::vector<SocketAddress>& addresses, size_t workers,
    const SocketOptions& options, bool fallback_to_ipv4) {
  Listeners out;
  out.per_worker.resize(workers);
  for (SocketAddress address : addresses) {
    absl::StatusOr<UdpSocket> first = OpenUdpSocket(address, options);
    if (!first.ok() && fallback_to_ipv4 && address.family() == AF_INET6 &&
        Ipv6Unavailable(first.status())) {
      address = SocketAddress::AnyV4(address.port());
      first = OpenUdpSocket(address, options);
    }
    if (!first.ok()) return first.status();
    absl::StatusOr<SocketAddress> bound = BoundAddress(first->fd());
    if (!bound.ok()) return bound.status();
    out.bound.push_back(*bound);
    out.per_worker[0].push_back(
        WorkerSocket{*std::move(first), bound->family()});
    for (size_t w = 1; w < workers; ++w) {
      absl::StatusOr<UdpSocket> sock = OpenUdpSocket(*bound, options);
      if (!sock.ok()) return sock.status();
      out.per_worker[w].push_back(
          WorkerSocket{*std::move(sock), bound->family()});
    }
  }
  return out;
}

}  // namespace roughtime::server
