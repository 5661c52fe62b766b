// UDP: one datagram out, datagrams in. The socket is connected so the
// kernel drops datagrams from other sources and reports ICMP port
// unreachable as ECONNREFUSED (a fast, precise failure reason).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "client/transport.h"

namespace roughtime::client {
namespace {

// Larger than any response (a response is never larger than its request,
// §9.7) so nothing is ever truncated silently.
constexpr size_t kMaxDatagram = 65536;

class UdpTransport : public Transport {
 public:
  explicit UdpTransport(Fd fd) : fd_(std::move(fd)) {}

  absl::Status Send(ByteSpan packet) override {
    ssize_t n = send(fd_.get(), packet.data(), packet.size(), 0);
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("udp send: ", std::strerror(errno)));
    }
    if (static_cast<size_t>(n) != packet.size()) {
      return absl::UnavailableError("udp send: datagram truncated");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Bytes> Receive(absl::Duration timeout) override {
    absl::Status waited = WaitForFd(fd_.get(), false, timeout);
    if (!waited.ok()) return waited;
    Bytes buf(kMaxDatagram);
    ssize_t n;
    do {
      n = recv(fd_.get(), buf.data(), buf.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno == ECONNREFUSED) {
        return absl::UnavailableError(
            "udp: connection refused (nothing listening on that port)");
      }
      return absl::UnavailableError(
          absl::StrCat("udp receive: ", std::strerror(errno)));
    }
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

 private:
  Fd fd_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> OpenUdp(const HostPort& server) {
  absl::StatusOr<Fd> fd = ConnectToFirstAddress(
      server, SOCK_DGRAM, SOCK_CLOEXEC,
      [](int fd, const SocketAddress& a) {
        if (connect(fd, reinterpret_cast<const sockaddr*>(&a.storage),
                    a.length) != 0) {
          return absl::UnavailableError(std::strerror(errno));
        }
        return absl::OkStatus();
      },
      "udp: cannot open a socket to");
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<Transport>(new UdpTransport(*std::move(fd)));
}

}  // namespace roughtime::client
