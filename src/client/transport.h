// One request/response exchange over a datagram or a stream (RFC 10049 §5:
// UDP, or TCP carrying the same framed packets back to back).
#ifndef ROUGHTIME_CLIENT_TRANSPORT_H_
#define ROUGHTIME_CLIENT_TRANSPORT_H_

#include <memory>
#include "absl/strings/string_view.h"

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/endpoint.h"
#include "roughtime/bytes.h"

namespace roughtime::client {

enum class TransportKind { kUdp, kTcp };
absl::string_view TransportName(TransportKind kind);  // "udp" / "tcp"

// A connection to one server. Send once, then Receive every packet that
// arrives until the caller stops (a server may answer more than once, or a
// stranger may inject packets: the caller decides what to keep).
class Transport {
 public:
  virtual ~Transport() = default;
  virtual absl::Status Send(ByteSpan packet) = 0;
  // The next packet; DeadlineExceeded when none arrives within `timeout`.
  virtual absl::StatusOr<Bytes> Receive(absl::Duration timeout) = 0;
};

// A fresh socket (and so a fresh source port) per exchange.
absl::StatusOr<std::unique_ptr<Transport>> OpenUdp(const HostPort& server);
// Connects within `timeout` (trying each resolved address in turn).
absl::StatusOr<std::unique_ptr<Transport>> OpenTcp(const HostPort& server,
                                                   absl::Duration timeout);

absl::StatusOr<std::unique_ptr<Transport>> OpenTransport(
    TransportKind kind, const HostPort& server, absl::Duration timeout);

// Waits until `fd` is readable (or writable) or `timeout` passes; returns
// DeadlineExceeded on timeout. Retries on EINTR.
absl::Status WaitForFd(int fd, bool for_write, absl::Duration timeout);

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

// Tries each address `server` resolves to for `socket_type` (SOCK_DGRAM or
// SOCK_STREAM): a socket with `socket_flags`, then `connect` on it; the
// first that connects is returned. Otherwise Unavailable,
// "<failure> <server>: <the last address's error>".
using ConnectStep =
    absl::FunctionRef<absl::Status(int fd, const SocketAddress& address)>;
absl::StatusOr<Fd> ConnectToFirstAddress(const HostPort& server,
                                         int socket_type, int socket_flags,
                                         ConnectStep connect,
                                         absl::string_view failure);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_TRANSPORT_H_
