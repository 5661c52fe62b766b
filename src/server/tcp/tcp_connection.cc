#include "server/tcp/tcp_connection.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/net/socket_address.h"

namespace roughtime::server {

int OpenTcpListener(const SocketAddress& address, int backlog) {
  const int fd = socket(address.family(),
                        SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (address.family() == AF_INET6) {
    const int v6only = address.is_wildcard() ? 0 : 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
  }
  if (bind(fd, address.sockaddr_ptr(), address.size()) != 0 ||
      listen(fd, backlog) != 0) {
    const int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) close(fd_);
}

TcpConnection::ReadResult TcpConnection::Read(size_t max_bytes,
                                              absl::Time now) {
  const size_t old = in_.size();
  in_.resize(old + max_bytes);
  ssize_t n;
  do {
    n = recv(fd_, in_.data() + old, max_bytes, 0);
  } while (n < 0 && errno == EINTR);
  in_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n > 0) {
    last_active_ = now;
    return ReadResult::kData;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return ReadResult::kWouldBlock;
  }
  return ReadResult::kClosed;  // orderly close or a reset
}

void TcpConnection::Consume(size_t n) {
  in_start_ += n;
  if (in_start_ == in_.size()) {
    in_.clear();
    in_start_ = 0;
  }
}

bool TcpConnection::Queue(ByteSpan response, absl::Time now) {
  out_.insert(out_.end(), response.begin(), response.end());
  return Flush(now);
}

bool TcpConnection::Flush(absl::Time now) {
  while (out_start_ < out_.size()) {
    const ssize_t n = send(fd_, out_.data() + out_start_,
                           out_.size() - out_start_, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) return false;
    out_start_ += static_cast<size_t>(n);
    last_active_ = now;
  }
  out_.clear();
  out_start_ = 0;
  return true;
}

}  // namespace roughtime::server
