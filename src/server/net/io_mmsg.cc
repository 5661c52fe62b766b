// The batched loop: one recvmmsg for everything waiting (up to the room
// left in the batch) and one sendmmsg per socket for a signed batch.
#ifdef __linux__

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <vector>

#include "server/net/datagram_io.h"

namespace roughtime::server {

void PauseAfterReceiveError();  // io_plain.cc

namespace {

class MmsgIo final : public DatagramIo {
 public:
  explicit MmsgIo(size_t max_batch)
      : msgs_(max_batch), iovs_(max_batch),
        control_(max_batch * kControlBufferSize) {}

  IoMode mode() const override { return IoMode::kMmsg; }

  size_t Receive(int fd, int /*socket_family*/, RequestSlot* const* slots,
                 size_t count, WorkerStats* stats) override {
    count = std::min(count, msgs_.size());
    for (size_t i = 0; i < count; ++i) {
      RequestSlot& slot = *slots[i];
      iovs_[i] = iovec{slot.data, sizeof(slot.data)};
      msghdr& msg = msgs_[i].msg_hdr;
      msg = msghdr{};
      msg.msg_name = &slot.peer;
      msg.msg_namelen = sizeof(slot.peer);
      msg.msg_iov = &iovs_[i];
      msg.msg_iovlen = 1;
      msg.msg_control = control_.data() + i * kControlBufferSize;
      msg.msg_controllen = kControlBufferSize;
      msgs_[i].msg_len = 0;
    }
    int n;
    do {
      // MSG_DONTWAIT: return what is queued now, never wait for more.
      n = recvmmsg(fd, msgs_.data(), static_cast<unsigned>(count),
                   MSG_DONTWAIT, nullptr);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        stats->Add(stat::kRecvErrors);
        PauseAfterReceiveError();  // no busy loop on a lasting error
      }
      return 0;
    }
    for (int i = 0; i < n; ++i) {
      RequestSlot& slot = *slots[i];
      slot.size = msgs_[i].msg_len;
      slot.peer_size = msgs_[i].msg_hdr.msg_namelen;
      slot.local = ReadLocalDestination(msgs_[i].msg_hdr);
    }
    return static_cast<size_t>(n);
  }

  size_t Send(int fd, int socket_family, const ByteSpan* responses,
              const RequestSlot* const* slots, size_t count,
              WorkerStats* stats) override {
    count = std::min(count, msgs_.size());
    for (size_t i = 0; i < count; ++i) {
      const RequestSlot& slot = *slots[i];
      iovs_[i] = iovec{const_cast<uint8_t*>(responses[i].data()),
                       responses[i].size()};
      msghdr& msg = msgs_[i].msg_hdr;
      msg = msghdr{};
      msg.msg_name = const_cast<sockaddr_storage*>(&slot.peer);
      msg.msg_namelen = slot.peer_size;
      msg.msg_iov = &iovs_[i];
      msg.msg_iovlen = 1;
      uint8_t* control = control_.data() + i * kControlBufferSize;
      const size_t control_size =
          WriteSourceControl(slot.local, socket_family, control);
      msg.msg_control = control_size > 0 ? control : nullptr;
      msg.msg_controllen = control_size;
    }
    size_t sent = 0;
    size_t next = 0;
    bool waited = false;
    while (next < count) {
      const int n = sendmmsg(fd, msgs_.data() + next,
                             static_cast<unsigned>(count - next), 0);
      if (n > 0) {
        sent += static_cast<size_t>(n);
        next += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !waited) {
        // The send buffer is full: give the kernel a moment, once per batch.
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 10);
        waited = true;
        continue;
      }
      // sendmmsg reports the failure of the first message it could not
      // send; skip that one and carry on with the rest.
      stats->Add(stat::kSendErrors);
      ++next;
    }
    return sent;
  }

 private:
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<uint8_t> control_;  // kControlBufferSize per message
};

}  // namespace

std::unique_ptr<DatagramIo> MakeMmsgIo(size_t max_batch) {
  return std::make_unique<MmsgIo>(max_batch);
}

}  // namespace roughtime::server

#endif  // __linux__
