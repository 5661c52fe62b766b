// Per-worker counters. Each worker owns one WorkerStats and is its only
// writer, so the hot path never touches a shared cache line or a lock; the
// main thread reads them (relaxed atomics: a slightly stale value is fine for
// a report) and sums them into one summary line.
#ifndef ROUGHTIME_SERVER_BASE_STATS_H_
#define ROUGHTIME_SERVER_BASE_STATS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/time.h"
#include "roughtime/request.h"
#include "roughtime/version.h"
#include "server/base/metrics_histograms.h"

namespace roughtime::server {

// Why a batch was signed and sent (see batcher.h).
enum class FlushReason : uint8_t {
  kDrained = 0,  // the sockets had nothing more to read
  kFull,         // the batch reached its maximum size
  kDeadline,     // the oldest request waited the maximum delay
  kShutdown,     // SIGTERM/SIGINT
  kCount,
};

// Batch size histogram buckets: 1, 2-3, 4-7, ..., 128-255, 256 and more.
inline constexpr size_t kNumBatchBuckets = 9;
size_t BatchBucket(size_t batch_size);

// Index of every counter in a flat array (simple to sum and to print).
namespace stat {
inline constexpr size_t kReceived = 0;     // datagrams read
inline constexpr size_t kRequests = 1;     // accepted into a batch
inline constexpr size_t kResponses = 2;    // responses sent
inline constexpr size_t kRecvErrors = 3;   // recvmsg/recvmmsg failures
inline constexpr size_t kSendErrors = 4;   // sendmsg/sendmmsg failures
inline constexpr size_t kWriteErrors = 5;  // BatchResponder::WriteResponse failed
inline constexpr size_t kSignErrors = 6;   // requests whose batch failed to sign
inline constexpr size_t kExpired = 7;      // delegation not valid at MIDP
inline constexpr size_t kBatches = 8;
inline constexpr size_t kSignatures = 9;
inline constexpr size_t kMaxBatch = 10;    // largest batch seen (a maximum)
inline constexpr size_t kOverflow = 11;    // offered to a full batch (a bug)
inline constexpr size_t kDropBase = 12;    // + DropReason
inline constexpr size_t kVersionBase =
    kDropBase + static_cast<size_t>(DropReason::kCount);
inline constexpr size_t kBatchHistBase = kVersionBase + kNumVersions;
inline constexpr size_t kFlushBase = kBatchHistBase + kNumBatchBuckets;
// TCP (tcp_server.h), key rotation and the delegation's lifetime.
inline constexpr size_t kTcpBase =
    kFlushBase + static_cast<size_t>(FlushReason::kCount);
inline constexpr size_t kTcpAccepted = kTcpBase + 0;   // connections taken
inline constexpr size_t kTcpRefused = kTcpBase + 1;    // over the limit
inline constexpr size_t kTcpGarbage = kTcpBase + 2;    // no ROUGHTIM frame
inline constexpr size_t kTcpOversize = kTcpBase + 3;   // frame too large
inline constexpr size_t kTcpIdle = kTcpBase + 4;       // idle timeout
inline constexpr size_t kTcpClosed = kTcpBase + 5;     // closed by the peer
inline constexpr size_t kRotations = kTcpBase + 6;     // identity switches
inline constexpr size_t kGreased = kTcpBase + 7;       // made invalid (grease.h)
inline constexpr size_t kGreasedValid = kTcpBase + 8;  // undefined tag added
inline constexpr size_t kUnsynced = kTcpBase + 9;     // refused: clock unsync
// SIGHUP key reloads (key_keeper.h; counted by the main thread).
inline constexpr size_t kReloads = kTcpBase + 10;        // succeeded
inline constexpr size_t kReloadFailures = kTcpBase + 11; // old key kept
// A worker's load gauge went from idle to busy (load_gauge.h): from then
// on it keeps batches open until full or --batch-delay.
inline constexpr size_t kBusyEntries = kTcpBase + 12;
// --xdp (server/net/xdp/): the XDP sieve's verdicts, read from its BPF map
// by the main thread (in sieve_abi.h's order), then the AF_XDP loop's own
// drops of frames whose headers are wrong (counted by the workers).
inline constexpr size_t kXdpBase = kTcpBase + 13;
inline constexpr size_t kXdpRedirected = kXdpBase + 0;     // to AF_XDP
inline constexpr size_t kXdpPassed = kXdpBase + 1;         // to the kernel
inline constexpr size_t kXdpPassedUnparsed = kXdpBase + 2; // fragments
inline constexpr size_t kXdpDropTooShort = kXdpBase + 3;
inline constexpr size_t kXdpDropTooLong = kXdpBase + 4;
inline constexpr size_t kXdpDropNotRoughtime = kXdpBase + 5;
inline constexpr size_t kXdpDropBadLength = kXdpBase + 6;
inline constexpr size_t kXdpBadChecksum = kXdpBase + 7;  // IP or UDP
inline constexpr size_t kXdpBadFrame = kXdpBase + 8;     // unreadable
inline constexpr size_t kCount = kXdpBase + 9;
}  // namespace stat

using StatsSnapshot = std::array<uint64_t, stat::kCount>;

class alignas(64) WorkerStats {
 public:
  void Add(size_t index, uint64_t n = 1) {
    // Single writer: a load and a store, no locked instruction.
    std::atomic<uint64_t>& c = counters_[index];
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void CountDrop(DropReason r) {
    Add(stat::kDropBase + static_cast<size_t>(r));
  }
  void CountVersion(Version v) {
    Add(stat::kVersionBase + static_cast<size_t>(v));
  }
  void CountFlush(FlushReason r) {
    Add(stat::kFlushBase + static_cast<size_t>(r));
  }
  void RecordBatch(size_t size, size_t signatures);

  uint64_t Get(size_t index) const {
    return counters_[index].load(std::memory_order_relaxed);
  }
  StatsSnapshot Snapshot() const;

  // Latency and batch-size sums for /metrics (metrics_histograms.h).
  ServiceHistograms& histograms() { return histograms_; }
  const ServiceHistograms& histograms() const { return histograms_; }

 private:
  std::array<std::atomic<uint64_t>, stat::kCount> counters_{};
  ServiceHistograms histograms_;
};

// Adds `b` into `a` (kMaxBatch takes the maximum).
void Accumulate(StatsSnapshot& a, const StatsSnapshot& b);

// Datagrams that got no response for a protocol or policy reason (every core
// DropReason, an expired delegation, a batch that could not be signed, a
// response that could not be written, a full batch, an AF_XDP frame with
// wrong headers). Socket errors are counted apart, and so are the XDP
// sieve's drops (like the socket filter's, they never reach the server).
uint64_t TotalDropped(const StatsSnapshot& s);

// The summary (Log adds "roughtimed: " in front), e.g.
//   stats at=interval uptime_s=60 workers=2 received=10 ...
// Every field after "stats" is key=value; see docs/OPERATIONS.md.
std::string FormatStatsLine(const StatsSnapshot& s, absl::string_view at,
                            absl::Duration uptime, size_t workers);

// The key of counter `index` in the summary line ("drop_too_short", ...).
std::string StatName(size_t index);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_BASE_STATS_H_
