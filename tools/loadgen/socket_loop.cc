#include "socket_loop.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace roughtime::loadgen {
namespace {

void CountError(int err, IoErrors* errors) {
  if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) return;
  if (err == ECONNREFUSED) {
    ++errors->refused;
  } else {
    ++errors->other;
  }
  errors->last_errno = err;
}

absl::StatusOr<UniqueFd> OpenUdp(int family, int buffer_bytes) {
  UniqueFd fd(socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  if (buffer_bytes > 0) {
    // Best effort: the kernel caps these at net.core.{r,w}mem_max.
    setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buffer_bytes,
               sizeof(buffer_bytes));
    setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buffer_bytes,
               sizeof(buffer_bytes));
  }
  return fd;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<UniqueFd> OpenConnectedUdp(const LoopbackAddress& peer,
                                          int buffer_bytes) {
  absl::StatusOr<UniqueFd> fd = OpenUdp(peer.family(), buffer_bytes);
  if (!fd.ok()) return fd.status();
  if (connect(fd->get(), peer.ptr(), peer.size) != 0) {
    return absl::InternalError(absl::StrCat(
        "connect to ", peer.ToString(), ": ", std::strerror(errno)));
  }
  return fd;
}

absl::StatusOr<UniqueFd> OpenBoundUdp(const LoopbackAddress& local,
                                      int buffer_bytes) {
  absl::StatusOr<UniqueFd> fd = OpenUdp(local.family(), buffer_bytes);
  if (!fd.ok()) return fd.status();
  if (bind(fd->get(), local.ptr(), local.size) != 0) {
    return absl::InternalError(absl::StrCat(
        "bind ", local.ToString(), ": ", std::strerror(errno)));
  }
  return fd;
}

DatagramBatch::DatagramBatch(size_t capacity, size_t max_size)
    : max_size_(max_size),
      storage_(capacity * max_size),
      iov_(capacity),
      msgs_(capacity),
      addrs_(capacity) {}

size_t DatagramBatch::Receive(int fd, bool with_sources, IoErrors* errors) {
  const size_t n = msgs_.size();
  for (size_t i = 0; i < n; ++i) {
    iov_[i] = {buffer(i), max_size_};
    msgs_[i] = {};
    msgs_[i].msg_hdr.msg_iov = &iov_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
    if (with_sources) {
      msgs_[i].msg_hdr.msg_name = &addrs_[i];
      msgs_[i].msg_hdr.msg_namelen = sizeof(addrs_[i]);
    }
  }
  const int got = recvmmsg(fd, msgs_.data(), static_cast<unsigned>(n),
                           MSG_DONTWAIT, nullptr);
  if (got < 0) {
    CountError(errno, errors);
    return 0;
  }
  return static_cast<size_t>(got);
}

size_t DatagramBatch::SendConnected(int fd, size_t n, size_t size,
                                    IoErrors* errors) {
  if (n > msgs_.size()) n = msgs_.size();
  for (size_t i = 0; i < n; ++i) {
    iov_[i] = {buffer(i), size};
    msgs_[i] = {};
    msgs_[i].msg_hdr.msg_iov = &iov_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
  }
  return SendPrepared(fd, msgs_.data(), n, errors);
}

size_t SendPrepared(int fd, mmsghdr* msgs, size_t n, IoErrors* errors) {
  if (n == 0) return 0;
  const int sent =
      sendmmsg(fd, msgs, static_cast<unsigned>(n), MSG_DONTWAIT);
  if (sent < 0) {
    CountError(errno, errors);
    return 0;
  }
  return static_cast<size_t>(sent);
}

}  // namespace roughtime::loadgen
