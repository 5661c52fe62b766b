// One worker thread: its own SO_REUSEPORT sockets (one per listen address),
// its own batch, buffers and counters. Workers share only read-only state
// (the online identity and the clock), so they scale with cores without
// locks (the kernel spreads clients over the workers' sockets).
#ifndef ROUGHTIME_SERVER_CORE_WORKER_H_
#define ROUGHTIME_SERVER_CORE_WORKER_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "roughtime/certificate.h"
#include "server/base/stats.h"
#include "server/core/batcher.h"
#include "server/core/clock.h"
#include "server/core/identity_store.h"
#include "server/core/load_gauge.h"
#include "server/core/rate_limiter.h"
#include "server/net/datagram_io.h"
#include "server/net/udp_socket.h"

namespace roughtime::server {

class Worker {
 public:
  // `identities`, `clock`, `stop` must outlive the worker; `stop_fd`
  // becomes readable (and `stop` true) when the server shuts down. The
  // worker follows key rotations `rotation_jitter` after each publication.
  Worker(std::vector<WorkerSocket> sockets, const IdentityStore* identities,
         absl::Duration rotation_jitter, const Clock* clock,
         const BatcherOptions& options, IoMode io_mode, int stop_fd,
         const std::atomic<bool>* stop);

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves until stopped; the batch in progress is flushed before return.
  void Run();

  // Replaces the packet loop made from `io_mode`; before Run. (--io xdp:
  // the AF_XDP loop of net/xdp/, which also serves the UDP sockets.)
  void UseDatagramIo(std::unique_ptr<DatagramIo> io) { io_ = std::move(io); }

  const WorkerStats& stats() const { return stats_; }
  size_t max_batch() const { return batcher_.capacity(); }
  // Drops datagrams over their source's rate (shared by every worker and
  // the TCP thread; must outlive the worker). Null: no limit.
  void set_rate_limiter(RateLimiter* limiter) { rate_limiter_ = limiter; }

 private:
  // Reads every readable socket until all are drained (or the batch policy
  // says to flush), round-robin so one flooded socket cannot starve others.
  void ReadAll();
  // Offers received slots [first, first + n) of order_ to the batcher.
  void OfferReceived(size_t first, size_t n, uint32_t socket_index);
  void Flush(FlushReason reason);
  bool stopping() const { return stop_->load(std::memory_order_relaxed); }

  // Reads the monotonic clock around each wait for the load gauge.
  void NoteWaiting();
  void NoteAwake();

  std::vector<WorkerSocket> sockets_;
  const Clock* clock_;
  const bool linger_when_busy_;
  LoadGauge gauge_;
  const std::atomic<bool>* stop_;
  int stop_fd_;
  WorkerStats stats_;
  IdentityFollower follower_;
  Batcher batcher_;
  std::unique_ptr<DatagramIo> io_;
  // Request buffers. order_[0, batcher_.size()) are the batch in order; the
  // rest are free for the next receive.
  std::vector<RequestSlot> slots_;
  std::vector<RequestSlot*> order_;
  // Per-socket send lists, rebuilt for every flush (preallocated).
  std::vector<const RequestSlot*> send_slots_;
  std::vector<ByteSpan> send_responses_;
  // Sockets that may still have datagrams waiting.
  std::vector<uint8_t> pending_;
  RateLimiter* rate_limiter_ = nullptr;
  // A busy worker's batch is waiting to fill after the sockets drained
  // (Batcher::HoldTime): the next wait is a sleep, not a poll.
  bool holding_ = false;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_WORKER_H_
