// One accepted TCP connection: its descriptor, the bytes read but not yet
// framed, the responses not yet written, and when it was last active (for
// the idle timeout). Non-blocking; the TCP loop (tcp_server.h) drives it.
#ifndef ROUGHTIME_SERVER_TCP_TCP_CONNECTION_H_
#define ROUGHTIME_SERVER_TCP_TCP_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "roughtime/bytes.h"
#include "server/core/rate_limiter.h"
#include "server/net/socket_address.h"

namespace roughtime::server {

// Listening TCP socket for `address` (a SocketAddress from the UDP side, so
// the same address and port): non-blocking, SO_REUSEADDR (a restart does
// not wait for TIME_WAIT), dual-stack for the IPv6 wildcard like UDP.
// Returns the descriptor or -1 with errno set.
int OpenTcpListener(const SocketAddress& address, int backlog);

class TcpConnection {
 public:
  enum class ReadResult { kData, kWouldBlock, kClosed };

  TcpConnection(int fd, absl::Time now) : fd_(fd), last_active_(now) {}
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  int fd() const { return fd_; }
  absl::Time last_active() const { return last_active_; }

  // One recv of up to `max_bytes` appended to the unread bytes.
  ReadResult Read(size_t max_bytes, absl::Time now);
  ByteSpan unread() const {
    return ByteSpan(in_.data() + in_start_, in_.size() - in_start_);
  }
  void Consume(size_t n);

  // Queues a response and writes as much as the socket takes. Returns false
  // when the connection failed (the caller closes it).
  bool Queue(ByteSpan response, absl::Time now);
  // Writes queued bytes (on EPOLLOUT). False on failure.
  bool Flush(absl::Time now);
  size_t pending_output() const { return out_.size() - out_start_; }

  // The events the TCP loop registered for this descriptor.
  uint32_t epoll_events = 0;
  // Who connected (rate limits, rate_limiter.h), and when the first byte of
  // the packet not yet complete arrived (InfiniteFuture: none pending), so a
  // peer trickling bytes cannot keep a connection open forever.
  SourceId source;
  absl::Time frame_started = absl::InfiniteFuture();

 private:
  int fd_;
  absl::Time last_active_;
  std::vector<uint8_t> in_;
  size_t in_start_ = 0;
  std::vector<uint8_t> out_;
  size_t out_start_ = 0;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_TCP_TCP_CONNECTION_H_
