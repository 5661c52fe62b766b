#include "server/core/worker.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace roughtime::server {
namespace {

// Bounds one socket's turn in ReadAll, so others get theirs under a flood.
constexpr size_t kTurnsPerSocket = 4;

// The wait until the batch deadline, to the microsecond (poll()'s whole
// milliseconds would stretch a 1 ms --batch-delay to up to 2 ms); null when
// there is no deadline. At most a second, like any idle wait.
const timespec* WaitFor(absl::Duration d, timespec* storage) {
  if (d == absl::InfiniteDuration()) return nullptr;
  *storage = absl::ToTimespec(std::clamp(d, absl::ZeroDuration(),
                                         absl::Seconds(1)));
  return storage;
}

}  // namespace

Worker::Worker(std::vector<WorkerSocket> sockets,
               const IdentityStore* identities,
               absl::Duration rotation_jitter, const Clock* clock,
               const BatcherOptions& options, IoMode io_mode, int stop_fd,
               const std::atomic<bool>* stop)
    : sockets_(std::move(sockets)),
      clock_(clock),
      linger_when_busy_(options.linger_when_busy),
      stop_(stop),
      stop_fd_(stop_fd),
      follower_(identities, rotation_jitter),
      batcher_(follower_.current(), clock, options, &stats_),
      io_(MakeDatagramIo(io_mode, batcher_.capacity())),
      slots_(batcher_.capacity()),
      order_(batcher_.capacity()),
      send_slots_(batcher_.capacity()),
      send_responses_(batcher_.capacity()),
      pending_(sockets_.size(), 0) {
  for (size_t i = 0; i < slots_.size(); ++i) order_[i] = &slots_[i];
  batcher_.set_follower(&follower_);
}

void Worker::Run() {
  std::vector<pollfd> fds(sockets_.size() + 1);
  for (size_t i = 0; i < sockets_.size(); ++i) {
    fds[i] = pollfd{sockets_[i].socket.fd(), POLLIN, 0};
  }
  fds.back() = pollfd{stop_fd_, POLLIN, 0};

  while (!stopping()) {
    NoteWaiting();
    if (holding_) {
      // Let datagrams gather in the socket buffers (only a stop wakes us),
      // then read them all at once.
      timespec hold{};
      ppoll(&fds.back(), 1, WaitFor(batcher_.HoldTime(), &hold), nullptr);
      NoteAwake();
      if (stopping()) break;
      std::fill(pending_.begin(), pending_.end(), 1);
      ReadAll();
      continue;
    }
    timespec wait{};
    const int rc = ppoll(fds.data(), fds.size(),
                         WaitFor(batcher_.TimeToDeadline(), &wait), nullptr);
    NoteAwake();
    if (rc < 0) {
      if (errno != EINTR) {
        // ENOMEM and the like: count it and do not spin.
        stats_.Add(stat::kRecvErrors);
        absl::SleepFor(absl::Milliseconds(1));
      }
      continue;
    }
    if (fds.back().revents != 0 || stopping()) break;
    bool any = false;
    for (size_t i = 0; i < sockets_.size(); ++i) {
      pending_[i] = (fds[i].revents & (POLLIN | POLLERR)) != 0;
      any = any || pending_[i];
    }
    if (any) {
      ReadAll();
    } else if (std::optional<FlushReason> why = batcher_.FlushDue(false)) {
      Flush(*why);
    }
  }
  // SIGTERM/SIGINT: answer what was already accepted, then stop.
  Flush(FlushReason::kShutdown);
}

void Worker::ReadAll() {
  bool any_pending = true;
  while (any_pending && !stopping()) {
    any_pending = false;
    for (size_t s = 0; s < sockets_.size(); ++s) {
      for (size_t turn = 0; turn < kTurnsPerSocket && pending_[s]; ++turn) {
        const size_t first = batcher_.size();
        const size_t room = batcher_.capacity() - first;
        const size_t got =
            io_->Receive(sockets_[s].socket.fd(), sockets_[s].family,
                         order_.data() + first, room, &stats_);
        if (got < room) pending_[s] = 0;  // drained
        OfferReceived(first, got, static_cast<uint32_t>(s));
        if (std::optional<FlushReason> why = batcher_.FlushDue(false)) {
          Flush(*why);
        }
      }
      any_pending = any_pending || pending_[s];
    }
  }
  if (stopping()) {
    Flush(FlushReason::kShutdown);
    return;
  }
  // Nothing is waiting any more: answer now, unless a busy worker holds
  // the batch to fill it (Batcher::HoldTime).
  if (std::optional<FlushReason> why = batcher_.FlushDue(true)) Flush(*why);
  holding_ = !batcher_.empty() && batcher_.lingering();
}

void Worker::NoteWaiting() {
  if (!linger_when_busy_) return;
  gauge_.Sleeping(clock_->Monotonic());
  const bool was_busy = batcher_.lingering();
  batcher_.set_lingering(gauge_.busy());
  if (!was_busy && gauge_.busy()) stats_.Add(stat::kBusyEntries);
}

void Worker::NoteAwake() {
  if (linger_when_busy_) gauge_.Woke(clock_->Monotonic());
}

void Worker::OfferReceived(size_t first, size_t n, uint32_t socket_index) {
  // One clock read per receive call, not per datagram (rate_limiter.h).
  const uint64_t now_us =
      rate_limiter_ != nullptr && n > 0 ? RateLimiter::NowMicros() : 0;
  for (size_t j = first; j < first + n; ++j) {
    RequestSlot* slot = order_[j];
    slot->socket_index = socket_index;
    if (rate_limiter_ != nullptr &&
        !rate_limiter_->Allow(SourceOf(slot->peer, slot->peer_size),
                              now_us)) {
      stats_.Add(stat::kReceived);
      stats_.CountDrop(DropReason::kRateLimited);
      continue;
    }
    if (!batcher_.Offer(slot->bytes())) continue;
    // Keep the batch contiguous at the front: the accepted slot takes the
    // place of the first free (dropped or already answered) one.
    std::swap(order_[batcher_.size() - 1], order_[j]);
    if (batcher_.full()) Flush(FlushReason::kFull);
  }
}

void Worker::Flush(FlushReason reason) {
  const size_t n = batcher_.size();
  if (n == 0) return;
  if (batcher_.Flush(reason) > 0) {
    for (size_t s = 0; s < sockets_.size(); ++s) {
      size_t count = 0;
      for (size_t i = 0; i < n; ++i) {
        const ByteSpan response = batcher_.response(i);
        if (order_[i]->socket_index != s || response.empty()) continue;
        send_slots_[count] = order_[i];
        send_responses_[count] = response;
        ++count;
      }
      if (count == 0) continue;
      const size_t sent =
          io_->Send(sockets_[s].socket.fd(), sockets_[s].family,
                    send_responses_.data(), send_slots_.data(), count,
                    &stats_);
      stats_.Add(stat::kResponses, sent);
    }
  }
  batcher_.Reset();
  holding_ = false;
}

}  // namespace roughtime::server
