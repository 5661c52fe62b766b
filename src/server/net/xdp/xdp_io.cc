#include "server/net/xdp/xdp_io.h"

#include <errno.h>
#include <fcntl.h>

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/net/xdp/frame_codec.h"

namespace roughtime::server::xdp {

XdpIo::XdpIo(size_t max_batch)
    : sockets_(MakeDatagramIo(IoMode::kMmsg, max_batch)) {}

absl::StatusOr<UdpSocket> XdpIo::AddQueue(std::unique_ptr<XskQueue> queue) {
  const int polled = fcntl(queue->fd(), F_DUPFD_CLOEXEC, 0);
  if (polled < 0) {
    return absl::UnavailableError(
        absl::StrCat("dup of an AF_XDP socket: ", std::strerror(errno)));
  }
  queues_.push_back(Entry{polled, std::move(queue)});
  return UdpSocket(polled);
}

XskQueue* XdpIo::Find(int fd) const {
  for (const Entry& e : queues_) {
    if (e.polled_fd == fd) return e.queue.get();
  }
  return nullptr;
}

size_t XdpIo::Receive(int fd, int socket_family, RequestSlot* const* slots,
                      size_t count, WorkerStats* stats) {
  XskQueue* queue = Find(fd);
  if (queue == nullptr) {
    return sockets_->Receive(fd, socket_family, slots, count, stats);
  }
  // A frame the sieve let through but whose headers are wrong is counted
  // and dropped here, as the kernel's UDP path would (bad checksums), and
  // does not take a slot: keep reading until the slots are full or the
  // ring is empty, so "fewer than count" still means drained.
  size_t got = 0;
  while (got < count) {
    const size_t taken = queue->Receive(count - got, [&](ByteSpan frame) {
      const FrameVerdict verdict = ReadRequestFrame(frame, slots[got]);
      if (verdict == FrameVerdict::kRequest) {
        ++got;
        return;
      }
      stats->Add(stat::kReceived);
      stats->Add(verdict == FrameVerdict::kBadChecksum ? stat::kXdpBadChecksum
                                                       : stat::kXdpBadFrame);
    });
    if (taken == 0) break;
  }
  return got;
}

size_t XdpIo::Send(int fd, int socket_family, const ByteSpan* responses,
                   const RequestSlot* const* slots, size_t count,
                   WorkerStats* stats) {
  XskQueue* queue = Find(fd);
  if (queue == nullptr) {
    return sockets_->Send(fd, socket_family, responses, slots, count, stats);
  }
  const size_t sent =
      queue->Transmit(count, [&](size_t i, uint8_t* frame) -> uint32_t {
        return static_cast<uint32_t>(
            WriteReplyFrame(*slots[i], responses[i], frame));
      });
  if (sent < count) stats->Add(stat::kSendErrors, count - sent);
  return sent;
}

}  // namespace roughtime::server::xdp
