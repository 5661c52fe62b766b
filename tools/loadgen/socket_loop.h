// Non-blocking UDP sockets driven in batches: one sendmmsg/recvmmsg moves
// many datagrams per system call, which is what lets one generator thread
// keep a multi-threaded server busy.
#ifndef ROUGHTIME_TOOLS_LOADGEN_SOCKET_LOOP_H_
#define ROUGHTIME_TOOLS_LOADGEN_SOCKET_LOOP_H_

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "loopback_address.h"
#include "roughtime/bytes.h"

namespace roughtime::loadgen {

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// Errors that do not stop a run. ECONNREFUSED is the kernel reporting an
// ICMP port-unreachable for an earlier datagram (nobody listening).
struct IoErrors {
  uint64_t refused = 0;
  uint64_t other = 0;
  int last_errno = 0;
};

// A UDP socket connected to `peer` (so it receives only from it).
absl::StatusOr<UniqueFd> OpenConnectedUdp(const LoopbackAddress& peer,
                                          int buffer_bytes);
// A UDP socket bound to `local`.
absl::StatusOr<UniqueFd> OpenBoundUdp(const LoopbackAddress& local,
                                      int buffer_bytes);

// Storage for up to `capacity` datagrams of up to `max_size` bytes each, in
// the layout recvmmsg/sendmmsg want. Allocated once.
class DatagramBatch {
 public:
  DatagramBatch(size_t capacity, size_t max_size);
  size_t capacity() const { return msgs_.size(); }
  uint8_t* buffer(size_t i) { return &storage_[i * max_size_]; }
  size_t max_size() const { return max_size_; }
  ByteSpan received(size_t i) const {
    return ByteSpan(&storage_[i * max_size_], msgs_[i].msg_len);
  }
  const sockaddr_storage& source(size_t i) const { return addrs_[i]; }
  socklen_t source_size(size_t i) const { return msgs_[i].msg_hdr.msg_namelen; }

  // Receives what is queued (up to capacity) without blocking; also fills
  // source addresses when `with_sources`.
  size_t Receive(int fd, bool with_sources, IoErrors* errors);
  // Sends buffer(0..n), `size` bytes each, to the connected peer; returns
  // how many the kernel took.
  size_t SendConnected(int fd, size_t n, size_t size, IoErrors* errors);

 private:
  size_t max_size_;
  std::vector<uint8_t> storage_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> msgs_;
  std::vector<sockaddr_storage> addrs_;
};

// sendmmsg of prepared headers; returns how many the kernel took (0 when
// the socket buffer is full or on a non-fatal error, which is counted).
size_t SendPrepared(int fd, mmsghdr* msgs, size_t n, IoErrors* errors);

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_SOCKET_LOOP_H_
