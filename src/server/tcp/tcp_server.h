// TCP service (RFC 10049 §5 says servers SHOULD offer it): one thread with
// an epoll loop over the listening sockets and every connection. Each round
// reads what is ready, cuts the streams into ROUGHTIM packets
// (tcp_framer.h) and offers them to the same Batcher the UDP workers use,
// so requests that arrive together share a signature; responses go back on
// their own connection in the order they were answered. A connection may
// carry any number of requests. Limits: connections open at once, packet
// size (a packet larger than kMaxRequestSize closes the connection), idle
// time, and unsent output (a peer that does not read stops being read).
// A stream that does not start with "ROUGHTIM" is closed and counted: the
// RFC forbids error replies, and resynchronising on garbage is guesswork.
#ifndef ROUGHTIME_SERVER_TCP_TCP_SERVER_H_
#define ROUGHTIME_SERVER_TCP_TCP_SERVER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "roughtime/request.h"
#include "server/base/stats.h"
#include "server/core/batcher.h"
#include "server/core/clock.h"
#include "server/core/identity_store.h"
#include "server/core/rate_limiter.h"
#include "server/tcp/tcp_connection.h"

namespace roughtime::server {

// --tcp, --tcp-max-connections, --tcp-idle-timeout (config/server_config.cc).
struct TcpOptions {
  bool enabled = true;
  size_t max_connections = 1024;
  absl::Duration idle_timeout = absl::Seconds(10);
};

class TcpServer {
 public:
  // Takes ownership of `listen_fds` (from OpenTcpListener). `store`,
  // `clock` and `stop` must outlive the server; `stop_fd` becomes readable
  // at shutdown.
  TcpServer(std::vector<int> listen_fds, const TcpOptions& options,
            const IdentityStore* store, absl::Duration rotation_jitter,
            const Clock* clock, const BatcherOptions& batcher_options,
            int stop_fd, const std::atomic<bool>* stop);
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Serves until stopped; the batch in progress is answered first.
  void Run();
  const WorkerStats& stats() const { return stats_; }
  // Per-source limits (rate_limiter.h): `limiter` (shared with the UDP
  // workers, may be null) drops packets over the source's rate; more than
  // `max_connections_per_source` (0: no cap) open connections from one
  // source are refused. Call before Run().
  void set_rate_limit(RateLimiter* limiter,
                      uint32_t max_connections_per_source) {
    rate_limiter_ = limiter;
    max_connections_per_source_ = max_connections_per_source;
  }

 private:
  void Accept(int listen_fd);
  void Serve(uint64_t id, uint32_t events);
  // Cuts complete packets out of the connection and offers them.
  void TakeFrames(uint64_t id, TcpConnection& connection);
  void Flush(FlushReason reason);
  void Close(uint64_t id, size_t counter);
  void CloseIdle();
  void Watch(uint64_t id, TcpConnection& connection);

  TcpOptions options_;
  const Clock* clock_;
  int stop_fd_;
  const std::atomic<bool>* stop_;
  int epoll_fd_ = -1;
  std::vector<int> listen_fds_;
  WorkerStats stats_;
  IdentityFollower follower_;
  Batcher batcher_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<TcpConnection>> connections_;
  uint64_t next_id_ = 1;
  // The packets of the batch in progress and the connection of each.
  std::vector<std::array<uint8_t, kMaxRequestSize>> packets_;
  std::vector<uint64_t> packet_connection_;
  absl::Time last_idle_check_;
  RateLimiter* rate_limiter_ = nullptr;
  uint32_t max_connections_per_source_ = 0;
  // Open connections per source, when capped (bounded by max_connections).
  absl::flat_hash_map<SourceId, uint32_t> connections_per_source_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_TCP_TCP_SERVER_H_
