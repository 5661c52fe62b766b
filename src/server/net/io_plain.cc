// The portable loop: one recvmsg/sendmsg per datagram.
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/net/datagram_io.h"

namespace roughtime::server {

std::unique_ptr<DatagramIo> MakeMmsgIo(size_t max_batch);  // io_mmsg.cc

// A receive call that fails with anything but EAGAIN leaves the datagram
// queued, so the worker's next poll() reports the socket readable at once;
// if the error persists (ENOMEM under memory pressure, say) the worker
// would spin on poll + recv at 100% CPU. A 1 ms pause bounds that to about
// a thousand failing calls a second (tests/faults/socket_fault_test.cc)
// and costs a one-off error only a millisecond.
void PauseAfterReceiveError() {
  const timespec pause{0, 1'000'000};
  nanosleep(&pause, nullptr);
}

namespace {

class PlainIo final : public DatagramIo {
 public:
  IoMode mode() const override { return IoMode::kPlain; }

  size_t Receive(int fd, int /*socket_family*/, RequestSlot* const* slots,
                 size_t count, WorkerStats* stats) override {
    for (size_t i = 0; i < count; ++i) {
      RequestSlot& slot = *slots[i];
      iovec iov{slot.data, sizeof(slot.data)};
      msghdr msg{};
      msg.msg_name = &slot.peer;
      msg.msg_namelen = sizeof(slot.peer);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control_;
      msg.msg_controllen = sizeof(control_);
      ssize_t n;
      do {
        n = recvmsg(fd, &msg, MSG_DONTWAIT);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          stats->Add(stat::kRecvErrors);
          PauseAfterReceiveError();
        }
        return i;
      }
      slot.size = static_cast<size_t>(n);
      slot.peer_size = msg.msg_namelen;
      slot.local = ReadLocalDestination(msg);
    }
    return count;
  }

  size_t Send(int fd, int socket_family, const ByteSpan* responses,
              const RequestSlot* const* slots, size_t count,
              WorkerStats* stats) override {
    size_t sent = 0;
    for (size_t i = 0; i < count; ++i) {
      const RequestSlot& slot = *slots[i];
      iovec iov{const_cast<uint8_t*>(responses[i].data()),
                responses[i].size()};
      msghdr msg{};
      msg.msg_name = const_cast<sockaddr_storage*>(&slot.peer);
      msg.msg_namelen = slot.peer_size;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      const size_t control_size =
          WriteSourceControl(slot.local, socket_family, control_);
      msg.msg_control = control_size > 0 ? control_ : nullptr;
      msg.msg_controllen = control_size;
      ssize_t n;
      bool waited = false;
      while (true) {
        n = sendmsg(fd, &msg, 0);
        if (n >= 0 || errno == EINTR) {
          if (n >= 0) break;
          continue;
        }
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && !waited) {
          // The send buffer is full: give the kernel a moment, once.
          pollfd p{fd, POLLOUT, 0};
          poll(&p, 1, 10);
          waited = true;
          continue;
        }
        break;
      }
      if (n < 0) {
        stats->Add(stat::kSendErrors);
      } else {
        ++sent;
      }
    }
    return sent;
  }

 private:
  alignas(cmsghdr) uint8_t control_[kControlBufferSize];
};

}  // namespace

absl::string_view IoModeName(IoMode mode) {
  switch (mode) {
    case IoMode::kPlain: return "plain";
    case IoMode::kMmsg: return "mmsg";
    case IoMode::kXdp: return "xdp";
  }
  return "mmsg";
}

absl::StatusOr<IoMode> ParseIoMode(absl::string_view name) {
  if (name == "plain") return IoMode::kPlain;
  if (name == "mmsg") {
#ifdef __linux__
    return IoMode::kMmsg;
#else
    return absl::InvalidArgumentError(
        "--io=mmsg needs recvmmsg/sendmmsg (Linux); use --io=plain");
#endif
  }
#ifdef __linux__
  // Whether this build and host can do it is checked at start (needs --xdp).
  if (name == "xdp") return IoMode::kXdp;
#endif
  return absl::InvalidArgumentError(
      absl::StrCat("bad --io '", name, "' (want mmsg, plain or xdp)"));
}

IoMode DefaultIoMode() {
#ifdef __linux__
  return IoMode::kMmsg;
#else
  return IoMode::kPlain;
#endif
}

std::unique_ptr<DatagramIo> MakeDatagramIo(IoMode mode, size_t max_batch) {
#ifdef __linux__
  if (mode == IoMode::kMmsg || mode == IoMode::kXdp) {
    return MakeMmsgIo(max_batch);
  }
#endif
  return std::make_unique<PlainIo>();
}

}  // namespace roughtime::server
