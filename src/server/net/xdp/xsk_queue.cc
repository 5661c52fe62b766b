#include "server/net/xdp/xsk_queue.h"

#include <errno.h>
#include <linux/if_xdp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace roughtime::server::xdp {
namespace {

constexpr uint32_t kTotalFrames = 2 * XskQueue::kFramesPerDirection;
// Copy mode sends at most 32 frames per system call (the kernel's
// TX_BATCH_SIZE) and says EAGAIN while more wait; a batch is at most a few
// hundred frames, so this bounds the retries of one Transmit.
constexpr int kMaxKicks = 64;

std::string Describe(int error) {
  return absl::StrCat(std::strerror(error), " (errno ", error, ")");
}

}  // namespace

absl::StatusOr<std::unique_ptr<XskQueue>> XskQueue::Open(
    const std::string& interface, uint32_t queue, bool try_zero_copy) {
  std::unique_ptr<XskQueue> q(new XskQueue());
  q->queue_ = queue;
  q->fill_ = std::make_unique<xsk_ring_prod>();
  q->completion_ = std::make_unique<xsk_ring_cons>();
  q->rx_ = std::make_unique<xsk_ring_cons>();
  q->tx_ = std::make_unique<xsk_ring_prod>();
  q->area_size_ = size_t{kTotalFrames} * kFrameSize;
  // Page-aligned, as UMEM registration requires; faulted in now so the
  // first packets do not pay for it.
  void* area = mmap(nullptr, q->area_size_, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (area == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("mmap of the AF_XDP frame area: ", Describe(errno)));
  }
  q->area_ = static_cast<uint8_t*>(area);

  xsk_umem_config umem_config{};
  umem_config.fill_size = kFramesPerDirection;
  umem_config.comp_size = kFramesPerDirection;
  umem_config.frame_size = kFrameSize;
  umem_config.frame_headroom = 0;
  int rc = xsk_umem__create(&q->umem_, q->area_, q->area_size_,
                            q->fill_.get(), q->completion_.get(),
                            &umem_config);
  if (rc != 0) {
    // ENOMEM/EPERM here is usually RLIMIT_MEMLOCK without CAP_IPC_LOCK.
    return absl::UnavailableError(absl::StrCat(
        "AF_XDP frame area (UMEM) registration: ", Describe(-rc)));
  }

  xsk_socket_config socket_config{};
  socket_config.rx_size = kFramesPerDirection;
  socket_config.tx_size = kFramesPerDirection;
  // Our own program (the sieve) redirects; libxdp must not load its own.
  socket_config.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
  // The kernel tells when it needs a system call to make progress, so an
  // idle or busy-but-flowing queue costs none (af_xdp.rst, need_wakeup).
  const uint16_t wakeup = XDP_USE_NEED_WAKEUP;
  rc = -EOPNOTSUPP;
  if (try_zero_copy) {
    socket_config.bind_flags = wakeup | XDP_ZEROCOPY;
    rc = xsk_socket__create(&q->socket_, interface.c_str(), queue, q->umem_,
                            q->rx_.get(), q->tx_.get(), &socket_config);
    q->zero_copy_ = rc == 0;
  }
  if (rc != 0) {
    socket_config.bind_flags = wakeup | XDP_COPY;
    rc = xsk_socket__create(&q->socket_, interface.c_str(), queue, q->umem_,
                            q->rx_.get(), q->tx_.get(), &socket_config);
  }
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat(
        "AF_XDP socket on ", interface, " queue ", queue, ": ",
        Describe(-rc)));
  }

  // Every receive frame goes to the kernel now; transmit frames wait here.
  uint32_t index = 0;
  if (xsk_ring_prod__reserve(q->fill_.get(), kFramesPerDirection, &index) !=
      kFramesPerDirection) {
    return absl::InternalError("AF_XDP fill ring smaller than asked");
  }
  for (uint32_t i = 0; i < kFramesPerDirection; ++i) {
    *xsk_ring_prod__fill_addr(q->fill_.get(), index + i) =
        uint64_t{i} * kFrameSize;
  }
  xsk_ring_prod__submit(q->fill_.get(), kFramesPerDirection);
  q->free_tx_.reserve(kFramesPerDirection);
  for (uint32_t i = kFramesPerDirection; i < kTotalFrames; ++i) {
    q->free_tx_.push_back(uint64_t{i} * kFrameSize);
  }
  q->refill_.resize(kFramesPerDirection);
  return q;
}

XskQueue::~XskQueue() {
  if (socket_ != nullptr) xsk_socket__delete(socket_);
  if (umem_ != nullptr) xsk_umem__delete(umem_);
  if (area_ != nullptr) munmap(area_, area_size_);
}

int XskQueue::fd() const { return xsk_socket__fd(socket_); }

size_t XskQueue::Receive(size_t max, absl::FunctionRef<void(ByteSpan)> visit) {
  uint32_t index = 0;
  const uint32_t n = xsk_ring_cons__peek(
      rx_.get(), static_cast<uint32_t>(std::min<size_t>(max, refill_.size())),
      &index);
  if (n == 0) {
    // The kernel ran out of fill frames and waits for a nudge (need_wakeup).
    if (xsk_ring_prod__needs_wakeup(fill_.get())) {
      recvfrom(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
    }
    return 0;
  }
  for (uint32_t i = 0; i < n; ++i) {
    const xdp_desc* desc = xsk_ring_cons__rx_desc(rx_.get(), index + i);
    const uint64_t offset = xsk_umem__add_offset_to_addr(desc->addr);
    visit(ByteSpan(area_ + offset, desc->len));
    refill_[i] = offset - offset % kFrameSize;  // the frame's start
  }
  xsk_ring_cons__release(rx_.get(), n);
  // Every frame we hold has a place in the fill ring (it has room for all
  // receive frames), so this reservation cannot fall short.
  uint32_t fill_index = 0;
  const uint32_t reserved = xsk_ring_prod__reserve(fill_.get(), n, &fill_index);
  for (uint32_t i = 0; i < reserved; ++i) {
    *xsk_ring_prod__fill_addr(fill_.get(), fill_index + i) = refill_[i];
  }
  xsk_ring_prod__submit(fill_.get(), reserved);
  return n;
}

void XskQueue::ReapCompletions() {
  uint32_t index = 0;
  const uint32_t n =
      xsk_ring_cons__peek(completion_.get(), kFramesPerDirection, &index);
  for (uint32_t i = 0; i < n; ++i) {
    free_tx_.push_back(*xsk_ring_cons__comp_addr(completion_.get(), index + i));
  }
  xsk_ring_cons__release(completion_.get(), n);
}

bool XskQueue::KickTransmit() {
  if (!xsk_ring_prod__needs_wakeup(tx_.get())) return true;
  for (int attempt = 0; attempt < kMaxKicks; ++attempt) {
    if (sendto(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) return true;
    // EAGAIN: a copy-mode send did its 32 frames and more wait, or the
    // device queue is full; EBUSY: the driver is busy. Both pass.
    if (errno != EAGAIN && errno != EBUSY && errno != EINTR) return false;
    if (errno == EBUSY) {
      pollfd p{fd(), POLLOUT, 0};
      poll(&p, 1, 1);
    }
    // Done when the kernel took every descriptor off the TX ring.
    if (xsk_prod_nb_free(tx_.get(), kFramesPerDirection) ==
        kFramesPerDirection) {
      return true;
    }
  }
  return true;  // the rest goes out with the next kick
}

size_t XskQueue::Transmit(
    size_t count, absl::FunctionRef<uint32_t(size_t, uint8_t*)> write) {
  size_t sent = 0;
  // Two rounds: if every transmit frame is in flight, kicking the kernel
  // (which completes copy-mode sends synchronously) frees them.
  for (int round = 0; round < 2 && sent < count; ++round) {
    ReapCompletions();
    const uint32_t want = static_cast<uint32_t>(
        std::min<size_t>(count - sent, free_tx_.size()));
    uint32_t index = 0;
    const uint32_t n = want == 0 ? 0 : xsk_ring_prod__reserve(tx_.get(), want, &index);
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t offset = free_tx_.back();
      free_tx_.pop_back();
      xdp_desc* desc = xsk_ring_prod__tx_desc(tx_.get(), index + i);
      desc->addr = offset;
      desc->len = write(sent + i, area_ + offset);
    }
    xsk_ring_prod__submit(tx_.get(), n);
    sent += n;
    if (!KickTransmit()) break;
  }
  ReapCompletions();
  return sent;
}

}  // namespace roughtime::server::xdp
