#include "server/tcp/bound_sockets.h"

#include <errno.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/tcp/tcp_connection.h"

namespace roughtime::server {
namespace {

constexpr int kTcpBacklog = 1024;
// Fresh ports tried when the port the kernel picked for UDP is taken on TCP.
constexpr int kEphemeralPortAttempts = 8;

struct TcpListenFailure {
  SocketAddress address;
  int error = 0;  // errno
};

// TCP on exactly the addresses and ports UDP got. On failure closes what it
// opened and says where and why.
std::optional<TcpListenFailure> OpenTcpListeners(
    const std::vector<SocketAddress>& bound, std::vector<int>* fds) {
  for (const SocketAddress& address : bound) {
    const int fd = OpenTcpListener(address, kTcpBacklog);
    if (fd < 0) {
      const TcpListenFailure failure{address, errno};
      for (int open_fd : *fds) close(open_fd);
      fds->clear();
      return failure;
    }
    fds->push_back(fd);
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<BoundSockets> BindSockets(
    const std::vector<SocketAddress>& listen, size_t workers,
    const SocketOptions& options, bool fallback_to_ipv4, bool tcp_enabled) {
  bool ephemeral = false;
  for (const SocketAddress& a : listen) ephemeral |= a.port() == 0;
  // Declared outside the loop: the previous try's UDP sockets stay bound
  // until the next ones are, so the kernel picks a different port.
  absl::StatusOr<Listeners> udp;
  std::vector<int> tcp_fds;
  for (int attempt = 0;; ++attempt) {
    udp = OpenListeners(listen, workers, options, fallback_to_ipv4);
    if (!udp.ok()) {
      return absl::Status(udp.status().code(),
                          absl::StrCat("cannot listen: ",
                                       udp.status().message()));
    }
    if (!tcp_enabled) break;
    const std::optional<TcpListenFailure> failure =
        OpenTcpListeners(udp->bound, &tcp_fds);
    if (!failure.has_value()) break;
    if (ephemeral && failure->error == EADDRINUSE &&
        attempt < kEphemeralPortAttempts) {
      continue;
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on tcp ", failure->address.ToString(), ": ",
        std::strerror(failure->error), " (--notcp serves UDP only)"));
  }
  return BoundSockets{*std::move(udp), std::move(tcp_fds)};
}

}  // namespace roughtime::server
