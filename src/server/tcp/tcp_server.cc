#include "server/tcp/tcp_server.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "server/tcp/tcp_framer.h"

namespace roughtime::server {
namespace {

// epoll tags: connections use their id (from 1); these never collide.
constexpr uint64_t kStopTag = 0;
constexpr uint64_t kListenTag = uint64_t{1} << 63;

constexpr size_t kReadChunk = 16384;
// A peer that does not read its answers is not read either once this much
// output waits (it cannot make us buffer without bound).
constexpr size_t kMaxPendingOutput = 65536;
// Idle connections are looked for this often.
constexpr absl::Duration kIdleCheckInterval = absl::Milliseconds(100);
constexpr int kMaxEvents = 256;
constexpr int kAcceptsPerRound = 64;

}  // namespace

TcpServer::TcpServer(std::vector<int> listen_fds, const TcpOptions& options,
                     const IdentityStore* store,
                     absl::Duration rotation_jitter, const Clock* clock,
                     const BatcherOptions& batcher_options, int stop_fd,
                     const std::atomic<bool>* stop)
    : options_(options),
      clock_(clock),
      stop_fd_(stop_fd),
      stop_(stop),
      listen_fds_(std::move(listen_fds)),
      follower_(store, rotation_jitter),
      batcher_(follower_.current(), clock, batcher_options, &stats_),
      packets_(batcher_.capacity()),
      packet_connection_(batcher_.capacity(), 0) {
  batcher_.set_follower(&follower_);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kStopTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &ev);
  for (size_t i = 0; i < listen_fds_.size(); ++i) {
    ev.data.u64 = kListenTag | i;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fds_[i], &ev);
  }
}

TcpServer::~TcpServer() {
  connections_.clear();
  for (int fd : listen_fds_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void TcpServer::Run() {
  std::vector<epoll_event> events(kMaxEvents);
  last_idle_check_ = clock_->Monotonic();
  while (!stop_->load(std::memory_order_relaxed)) {
    const int timeout_ms = static_cast<int>(
        absl::ToInt64Milliseconds(kIdleCheckInterval));
    const int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, timeout_ms);
    if (n < 0) {
      if (errno != EINTR) stats_.Add(stat::kRecvErrors);
      continue;
    }
    bool stopping = false;
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kStopTag) {
        stopping = true;
      } else if (tag & kListenTag) {
        Accept(listen_fds_[tag & ~kListenTag]);
      } else {
        Serve(tag, events[i].events);
      }
    }
    // Everything ready has been read: answer now (as UDP does when its
    // sockets are drained).
    Flush(FlushReason::kDrained);
    if (stopping) break;
    if (clock_->Monotonic() - last_idle_check_ >= kIdleCheckInterval) {
      CloseIdle();
    }
  }
  Flush(FlushReason::kShutdown);
}

void TcpServer::Accept(int listen_fd) {
  for (int i = 0; i < kAcceptsPerRound; ++i) {
    sockaddr_storage peer{};
    socklen_t peer_size = sizeof(peer);
    const int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer),
                           &peer_size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        stats_.Add(stat::kRecvErrors);
      }
      return;
    }
    if (connections_.size() >= options_.max_connections) {
      close(fd);
      stats_.Add(stat::kTcpRefused);
      continue;
    }
    const SourceId source = SourceOf(peer, peer_size);
    if (max_connections_per_source_ > 0) {
      uint32_t& open = connections_per_source_[source];
      if (open >= max_connections_per_source_) {
        close(fd);
        stats_.Add(stat::kTcpRefused);
        continue;
      }
      ++open;
    }
    const uint64_t id = next_id_++;
    auto connection = std::make_unique<TcpConnection>(fd, clock_->Monotonic());
    connection->source = source;
    Watch(id, *connection);
    connections_.emplace(id, std::move(connection));
    stats_.Add(stat::kTcpAccepted);
  }
}

void TcpServer::Serve(uint64_t id, uint32_t events) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  TcpConnection& connection = *it->second;
  const absl::Time now = clock_->Monotonic();
  if ((events & EPOLLOUT) && !connection.Flush(now)) {
    Close(id, stat::kTcpClosed);
    return;
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ||
      connection.pending_output() >= kMaxPendingOutput) {
    Watch(id, connection);
    return;
  }
  // One read per round and connection: level-triggered epoll brings us
  // back, and every connection gets its turn.
  const TcpConnection::ReadResult read = connection.Read(kReadChunk, now);
  if (read == TcpConnection::ReadResult::kClosed) {
    // Answer what it already sent is pointless: nobody reads the replies.
    Close(id, stat::kTcpClosed);
    return;
  }
  TakeFrames(id, connection);
}

void TcpServer::TakeFrames(uint64_t id, TcpConnection& connection) {
  const uint64_t now_us =
      rate_limiter_ != nullptr ? RateLimiter::NowMicros() : 0;
  bool took_frame = false;
  while (true) {
    const FrameResult frame = NextFrame(connection.unread(), kMaxRequestSize);
    if (frame.status == FrameStatus::kNeedMore) break;
    if (frame.status == FrameStatus::kGarbage) {
      Close(id, stat::kTcpGarbage);
      return;
    }
    if (frame.status == FrameStatus::kOversize) {
      Close(id, stat::kTcpOversize);
      return;
    }
    // The batch keeps pointers into its packets until it is flushed, so
    // each packet is copied out of the connection's buffer (which moves).
    took_frame = true;
    if (rate_limiter_ != nullptr &&
        !rate_limiter_->Allow(connection.source, now_us)) {
      stats_.Add(stat::kReceived);
      stats_.CountDrop(DropReason::kRateLimited);
      connection.Consume(frame.size);
      continue;
    }
    const size_t slot = batcher_.size();
    std::memcpy(packets_[slot].data(), connection.unread().data(), frame.size);
    connection.Consume(frame.size);
    if (batcher_.Offer(ByteSpan(packets_[slot].data(), frame.size))) {
      packet_connection_[slot] = id;
      // Flushing may close this connection (a failed write); stop then.
      if (batcher_.full()) {
        Flush(FlushReason::kFull);
        if (!connections_.contains(id)) return;
      }
    }
  }
  // A packet must be complete within the idle timeout of its first byte
  // (CloseIdle), however slowly its bytes trickle in.
  if (connection.unread().empty()) {
    connection.frame_started = absl::InfiniteFuture();
  } else if (took_frame ||
             connection.frame_started == absl::InfiniteFuture()) {
    connection.frame_started = clock_->Monotonic();
  }
  Watch(id, connection);
}

void TcpServer::Flush(FlushReason reason) {
  const size_t n = batcher_.size();
  if (n == 0) return;
  batcher_.Flush(reason);
  const absl::Time now = clock_->Monotonic();
  for (size_t i = 0; i < n; ++i) {
    const ByteSpan response = batcher_.response(i);
    auto it = connections_.find(packet_connection_[i]);
    if (response.empty() || it == connections_.end()) continue;
    if (!it->second->Queue(response, now)) {
      stats_.Add(stat::kSendErrors);
      Close(it->first, stat::kTcpClosed);
      continue;
    }
    stats_.Add(stat::kResponses);
    Watch(it->first, *it->second);
  }
  batcher_.Reset();
}

void TcpServer::Close(uint64_t id, size_t counter) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second->fd(), nullptr);
  if (max_connections_per_source_ > 0) {
    auto open = connections_per_source_.find(it->second->source);
    if (open != connections_per_source_.end() && --open->second == 0) {
      connections_per_source_.erase(open);
    }
  }
  stats_.Add(counter);
  connections_.erase(it);  // closes the descriptor
}

void TcpServer::CloseIdle() {
  const absl::Time now = clock_->Monotonic();
  last_idle_check_ = now;
  std::vector<uint64_t> idle;
  for (const auto& [id, connection] : connections_) {
    if (now - connection->last_active() >= options_.idle_timeout ||
        now - connection->frame_started >= options_.idle_timeout) {
      idle.push_back(id);
    }
  }
  for (uint64_t id : idle) Close(id, stat::kTcpIdle);
}

void TcpServer::Watch(uint64_t id, TcpConnection& connection) {
  uint32_t want = 0;
  if (connection.pending_output() < kMaxPendingOutput) want |= EPOLLIN;
  if (connection.pending_output() > 0) want |= EPOLLOUT;
  if (want == connection.epoll_events) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = id;
  const int op =
      connection.epoll_events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  epoll_ctl(epoll_fd_, op, connection.fd(), &ev);
  connection.epoll_events = want;
}

}  // namespace roughtime::server
