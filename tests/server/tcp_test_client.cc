#include "tcp_test_client.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "roughtime/wire.h"

namespace roughtime::server::testing {

absl::StatusOr<TcpTestClient> TcpTestClient::Connect(
    const SocketAddress& server) {
  const int fd = socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(strerror(errno));
  if (connect(fd, server.sockaddr_ptr(), server.size()) != 0) {
    const std::string error = strerror(errno);
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("connect ", server.ToString(), ": ", error));
  }
  return TcpTestClient(fd);
}

TcpTestClient::TcpTestClient(TcpTestClient&& other) noexcept
    : fd_(other.fd_), closed_(other.closed_),
      buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

TcpTestClient::~TcpTestClient() {
  if (fd_ >= 0) close(fd_);
}

bool TcpTestClient::Send(ByteSpan data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n =
        send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool TcpTestClient::ReadSome(absl::Duration timeout) {
  if (closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int rc =
      poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (rc <= 0) return false;
  uint8_t chunk[4096];
  const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.insert(buffer_.end(), chunk, chunk + n);
  return true;
}

std::optional<Bytes> TcpTestClient::ReceivePacket(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (buffer_.size() >= kFrameHeaderSize) {
      const size_t size = kFrameHeaderSize + LoadLE32(buffer_.data() + 8);
      if (buffer_.size() >= size) {
        Bytes packet(buffer_.begin(), buffer_.begin() + size);
        buffer_.erase(buffer_.begin(), buffer_.begin() + size);
        return packet;
      }
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration() || !ReadSome(left)) return std::nullopt;
  }
}

bool TcpTestClient::WaitForClose(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!closed_) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    ReadSome(left);
  }
  return true;
}

}  // namespace roughtime::server::testing
