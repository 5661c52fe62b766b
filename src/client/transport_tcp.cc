// TCP (RFC 10049 §5): the same ROUGHTIM packets back to back on a stream.
// A reply is read as the 12-byte frame header, then exactly the message
// length it announces. Requests keep their padding (a server must not send
// more than it received, §9.7). Google-Roughtime is unframed and so cannot
// be delimited on a stream; the query layer never sends it here.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "client/transport.h"
#include "roughtime/wire.h"

namespace roughtime::client {
namespace {

// Far above any real response; bounds what a hostile length can make us
// read.
constexpr uint32_t kMaxStreamMessage = 65536;

class TcpTransport : public Transport {
 public:
  explicit TcpTransport(Fd fd) : fd_(std::move(fd)) {}

  absl::Status Send(ByteSpan packet) override {
    size_t sent = 0;
    while (sent < packet.size()) {
      ssize_t n = send(fd_.get(), packet.data() + sent, packet.size() - sent,
                       MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        absl::Status w = WaitForFd(fd_.get(), true, absl::Seconds(5));
        if (!w.ok()) return absl::UnavailableError("tcp send: timed out");
        continue;
      }
      if (n < 0) {
        return absl::UnavailableError(
            absl::StrCat("tcp send: ", std::strerror(errno)));
      }
      sent += static_cast<size_t>(n);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Bytes> Receive(absl::Duration timeout) override {
    auto deadline = std::chrono::steady_clock::now() +
                    absl::ToChronoNanoseconds(timeout);
    absl::Status s = Fill(kFrameHeaderSize, deadline);
    if (!s.ok()) return s;
    if (!HasFrameMagic(ByteSpan(buffer_.data(), kFrameHeaderSize))) {
      return absl::DataLossError(
          "tcp: stream does not start with a ROUGHTIM frame header");
    }
    uint32_t length = LoadLE32(buffer_.data() + 8);
    if (length > kMaxStreamMessage) {
      return absl::DataLossError(absl::StrCat(
          "tcp: frame announces a ", length, "-byte message (too large)"));
    }
    s = Fill(kFrameHeaderSize + length, deadline);
    if (!s.ok()) return s;
    Bytes packet(buffer_.begin(), buffer_.begin() + kFrameHeaderSize + length);
    buffer_.erase(buffer_.begin(), buffer_.begin() + kFrameHeaderSize + length);
    return packet;
  }

 private:
  // Reads until the buffer holds `want` bytes.
  absl::Status Fill(size_t want,
                    std::chrono::steady_clock::time_point deadline) {
    uint8_t chunk[4096];
    while (buffer_.size() < want) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left.count() <= 0) return absl::DeadlineExceededError("timed out");
      absl::Status w = WaitForFd(
          fd_.get(), false,
          absl::FromChrono(
              std::chrono::duration_cast<std::chrono::nanoseconds>(left)));
      if (!w.ok()) return w;
      ssize_t n = recv(fd_.get(), chunk, sizeof(chunk), 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) {
        return absl::UnavailableError(
            absl::StrCat("tcp receive: ", std::strerror(errno)));
      }
      if (n == 0) {
        return absl::UnavailableError(
            buffer_.empty()
                ? "tcp: server closed the connection without answering"
                : "tcp: server closed the connection in the middle of a "
                  "packet");
      }
      buffer_.insert(buffer_.end(), chunk, chunk + n);
    }
    return absl::OkStatus();
  }

  Fd fd_;
  Bytes buffer_;
};

absl::Status ConnectWithin(int fd, const SocketAddress& a,
                           absl::Duration timeout) {
  if (connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) ==
      0) {
    return absl::OkStatus();
  }
  if (errno != EINPROGRESS) {
    return absl::UnavailableError(std::strerror(errno));
  }
  absl::Status w = WaitForFd(fd, true, timeout);
  if (!w.ok()) return absl::DeadlineExceededError("connect timed out");
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return absl::UnavailableError(std::strerror(err));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> OpenTcp(const HostPort& server,
                                                   absl::Duration timeout) {
  absl::StatusOr<Fd> fd = ConnectToFirstAddress(
      server, SOCK_STREAM, SOCK_NONBLOCK | SOCK_CLOEXEC,
      [timeout](int fd, const SocketAddress& a) {
        return ConnectWithin(fd, a, timeout);
      },
      "tcp: cannot connect to");
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<Transport>(new TcpTransport(*std::move(fd)));
}

}  // namespace roughtime::client
