#include "udp_test_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server::testing {

SocketAddress Loopback(int family, uint16_t port) {
  return *ParseSocketAddress(family == AF_INET6 ? "[::1]" : "127.0.0.1",
                             port);
}

absl::StatusOr<UdpTestClient> UdpTestClient::Open(int family) {
  const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  }
  UdpTestClient client(fd);
  // Room for a burst of answers while the test is busy sending.
  const int size = 4 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  const SocketAddress local = Loopback(family, 0);
  if (bind(fd, local.sockaddr_ptr(), local.size()) != 0) {
    return absl::InternalError(absl::StrCat("bind: ", strerror(errno)));
  }
  return client;
}

UdpTestClient::UdpTestClient(UdpTestClient&& other) noexcept
    : fd_(other.fd_) {
  other.fd_ = -1;
}

UdpTestClient::~UdpTestClient() {
  if (fd_ >= 0) close(fd_);
}

bool UdpTestClient::SendTo(const SocketAddress& to, ByteSpan data) {
  return sendto(fd_, data.data(), data.size(), 0, to.sockaddr_ptr(),
                to.size()) == static_cast<ssize_t>(data.size());
}

std::optional<Datagram> UdpTestClient::Receive(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms < 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    const int rc = poll(&p, 1, static_cast<int>(ms));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return std::nullopt;
    Datagram d;
    d.data.resize(65536);
    sockaddr_storage from{};
    socklen_t from_len = sizeof(from);
    const ssize_t n = recvfrom(fd_, d.data.data(), d.data.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::nullopt;
    }
    d.data.resize(static_cast<size_t>(n));
    d.from = SocketAddress(reinterpret_cast<const sockaddr*>(&from), from_len);
    return d;
  }
}

absl::StatusOr<VerifiedResponse> QueryAs(const ClientBehaviour& client,
                                         const SocketAddress& server,
                                         const PublicKey& root,
                                         absl::Duration timeout) {
  absl::StatusOr<UdpTestClient> socket = UdpTestClient::Open(server.family());
  if (!socket.ok()) return socket.status();
  const BuiltRequest request = BuildClientRequest(client, root);
  if (request.packet.empty()) {
    return absl::InternalError(absl::StrCat(client.name, ": no request"));
  }
  if (!socket->SendTo(server, request.packet)) {
    return absl::InternalError(absl::StrCat("sendto: ", strerror(errno)));
  }
  std::optional<Datagram> reply = socket->Receive(timeout);
  if (!reply.has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat(client.name, ": no answer from ", server.ToString()));
  }
  if (reply->from.ToString() != server.ToString()) {
    return absl::FailedPreconditionError(
        absl::StrCat(client.name, ": answer from ", reply->from.ToString(),
                     ", asked ", server.ToString()));
  }
  return VerifyAsClient(client, request, root, reply->data);
}

}  // namespace roughtime::server::testing
