#include "echo_server.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "socket_loop.h"

namespace roughtime::loadgen {
namespace {

constexpr int kSocketBufferBytes = 4 << 20;
constexpr size_t kReceiveSize = 2048;

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

absl::StatusOr<EchoStats> RunEcho(
    const EchoOptions& options, const std::atomic<bool>& stop,
    const std::function<void(const LoopbackAddress&)>& on_ready) {
  absl::StatusOr<UniqueFd> fd = OpenBoundUdp(options.listen, kSocketBufferBytes);
  if (!fd.ok()) return fd.status();
  absl::StatusOr<LoopbackAddress> bound = BoundAddress(fd->get());
  if (!bound.ok()) return bound.status();
  on_ready(*bound);

  DatagramBatch batch(options.batch, kReceiveSize);
  std::vector<iovec> reply_iov(options.batch);
  std::vector<mmsghdr> replies(options.batch);
  IoErrors errors;
  EchoStats stats;
  const int64_t deadline =
      NowNs() + absl::ToInt64Nanoseconds(options.duration);
  while (!stop.load(std::memory_order_relaxed) && NowNs() < deadline) {
    const size_t n = batch.Receive(fd->get(), /*with_sources=*/true, &errors);
    if (n == 0) {
      // Idle: sleep until a datagram comes, re-checking stop every 100 ms.
      pollfd p{fd->get(), POLLIN, 0};
      poll(&p, 1, 100);
      continue;
    }
    stats.received += n;
    size_t out = 0;
    for (size_t i = 0; i < n; ++i) {
      const ByteSpan d = batch.received(i);
      if (d.size() < options.min_request_size) {
        ++stats.ignored_short;
        continue;
      }
      reply_iov[out] = {batch.buffer(i), std::min(d.size(), options.reply_size)};
      replies[out] = {};
      replies[out].msg_hdr.msg_iov = &reply_iov[out];
      replies[out].msg_hdr.msg_iovlen = 1;
      replies[out].msg_hdr.msg_name =
          const_cast<sockaddr_storage*>(&batch.source(i));
      replies[out].msg_hdr.msg_namelen = batch.source_size(i);
      ++out;
    }
    // Replies that do not fit the socket buffer are dropped, as a busy
    // server would: the generator counts them lost.
    const size_t sent = SendPrepared(fd->get(), replies.data(), out, &errors);
    stats.answered += sent;
    stats.send_dropped += out - sent;
  }
  return stats;
}

}  // namespace roughtime::loadgen
