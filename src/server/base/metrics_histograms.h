// Per-worker histograms for the /metrics endpoint (metrics_endpoint.h):
// the server-side latency of every answered request (from the moment the
// batcher accepted it, right after recvmmsg/read returned it, to the moment
// its batch was signed and sent) and the sum of signed batch sizes (the
// batch-size buckets themselves are counters in stats.h).
//
// Like WorkerStats, each worker is the only writer of its own instance:
// plain relaxed loads and stores, no locked instruction, no allocation, so
// recording stays off the latency it measures. The metrics thread reads
// with relaxed loads; a scrape may see a bucket a few requests behind the
// sum, which Prometheus tolerates.
#ifndef ROUGHTIME_SERVER_BASE_METRICS_HISTOGRAMS_H_
#define ROUGHTIME_SERVER_BASE_METRICS_HISTOGRAMS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"

namespace roughtime::server {

// Upper bounds (inclusive) of the latency buckets in microseconds; one more
// bucket (+Inf) follows. From 25µs (a lone request on an idle server) to 1s
// (something is badly wrong).
inline constexpr std::array<int64_t, 14> kLatencyBoundsUs = {
    25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
    250000, 1000000};
inline constexpr size_t kNumLatencyBuckets = kLatencyBoundsUs.size() + 1;

// A plain copy for formatting and summing. buckets are per bucket (not
// cumulative); the formatter accumulates them.
struct HistogramsSnapshot {
  std::array<uint64_t, kNumLatencyBuckets> latency_buckets{};
  uint64_t latency_sum_ns = 0;
  uint64_t batch_size_sum = 0;

  uint64_t latency_count() const {
    uint64_t n = 0;
    for (uint64_t b : latency_buckets) n += b;
    return n;
  }
  void Add(const HistogramsSnapshot& other) {
    for (size_t i = 0; i < kNumLatencyBuckets; ++i) {
      latency_buckets[i] += other.latency_buckets[i];
    }
    latency_sum_ns += other.latency_sum_ns;
    batch_size_sum += other.batch_size_sum;
  }
};

// The bucket of a latency (negative clamps to the first).
inline size_t LatencyBucket(absl::Duration latency) {
  const int64_t us = absl::ToInt64Microseconds(latency);
  size_t i = 0;
  while (i < kLatencyBoundsUs.size() && us > kLatencyBoundsUs[i]) ++i;
  return i;
}

class ServiceHistograms {
 public:
  // Single writer (the owning worker).
  void RecordLatency(absl::Duration latency) {
    Bump(latency_buckets_[LatencyBucket(latency)], 1);
    const int64_t ns = absl::ToInt64Nanoseconds(latency);
    Bump(latency_sum_ns_, ns > 0 ? static_cast<uint64_t>(ns) : 0);
  }
  void AddBatchSize(size_t size) { Bump(batch_size_sum_, size); }

  // Any thread.
  HistogramsSnapshot Snapshot() const {
    HistogramsSnapshot s;
    for (size_t i = 0; i < kNumLatencyBuckets; ++i) {
      s.latency_buckets[i] = latency_buckets_[i].load(std::memory_order_relaxed);
    }
    s.latency_sum_ns = latency_sum_ns_.load(std::memory_order_relaxed);
    s.batch_size_sum = batch_size_sum_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  static void Bump(std::atomic<uint64_t>& c, uint64_t n) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::array<std::atomic<uint64_t>, kNumLatencyBuckets> latency_buckets_{};
  std::atomic<uint64_t> latency_sum_ns_{0};
  std::atomic<uint64_t> batch_size_sum_{0};
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_BASE_METRICS_HISTOGRAMS_H_
