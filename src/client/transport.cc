#include "client/transport.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace roughtime::client {

absl::string_view TransportName(TransportKind kind) {
  return kind == TransportKind::kUdp ? "udp" : "tcp";
}

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

absl::Status WaitForFd(int fd, bool for_write, absl::Duration timeout) {
  auto deadline = std::chrono::steady_clock::now() +
                  absl::ToChronoNanoseconds(timeout);
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    // Round up so a sub-millisecond remainder still waits once.
    int ms = left.count() < 0 ? 0 : static_cast<int>(left.count()) + 1;
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    int rc = poll(&p, 1, ms);
    if (rc > 0) return absl::OkStatus();
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError("timed out");
    }
  }
}

absl::StatusOr<std::unique_ptr<Transport>> OpenTransport(
    TransportKind kind, const HostPort& server, absl::Duration timeout) {
  if (kind == TransportKind::kUdp) return OpenUdp(server);
  return OpenTcp(server, timeout);
}

absl::StatusOr<Fd> ConnectToFirstAddress(const HostPort& server,
                                         int socket_type, int socket_flags,
                                         ConnectStep connect,
                                         absl::string_view failure) {
  absl::StatusOr<std::vector<SocketAddress>> addrs =
      Resolve(server, socket_type);
  if (!addrs.ok()) return addrs.status();
  std::string last_error;
  for (const SocketAddress& a : *addrs) {
    Fd fd(socket(a.family, socket_type | socket_flags, 0));
    if (fd.get() < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    if (absl::Status c = connect(fd.get(), a); !c.ok()) {
      last_error = std::string(c.message());
      continue;
    }
    return fd;
  }
  return absl::UnavailableError(absl::StrCat(
      failure, " ", FormatHostPort(server), ": ", last_error));
}

}  // namespace roughtime::client
