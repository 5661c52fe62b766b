// Per-source rate limiting (docs/OPERATIONS.md "Rate limiting"). A Roughtime
// response is never larger than its request (RFC 10049 §9.7), but a spoofed
// source can still make the server reflect traffic at a victim, and one
// client can take more than its share of signatures. The limiter caps the
// requests answered per source: an IPv4 address, or an IPv6 /64 (one
// customer's usual allocation; IPv4-mapped IPv6 addresses count as IPv4).
//
// Memory is bounded: a fixed table of 8-byte slots, each a GCRA bucket
// ("theoretical arrival time", equivalent to a token bucket of `burst`
// tokens refilled at `rate` per second) tagged with part of the source's
// hash. The slot is chosen by SipHash (libsodium crypto_shorthash) under a
// random per-process key, so a remote attacker cannot aim sources at one
// slot. A source whose slot holds another source's tag takes the slot over
// with a full bucket: a collision never punishes an innocent client (it
// fails open), at the price that two sources sharing a slot can each reset
// the other's bucket. With the table larger than the number of sources
// active at once, collisions are rare.
//
// One table is shared by every UDP worker and the TCP thread; each slot is
// updated with one relaxed compare-and-swap, so the limit holds per source
// however SO_REUSEPORT spreads that source's datagrams over the workers.
// Allow() never allocates, takes no lock and costs a SipHash and a CAS
// (see tools/bench/rate_limit_bench.cc).
#ifndef ROUGHTIME_SERVER_CORE_RATE_LIMITER_H_
#define ROUGHTIME_SERVER_CORE_RATE_LIMITER_H_

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace roughtime::server {

struct RateLimitOptions {
  // Requests per second per source; 0 turns the limiter off.
  uint32_t rate = 0;
  // Requests a source may send at once after being quiet; 0 means `rate`.
  uint32_t burst = 0;
  // Slots in the table (rounded up to a power of two); 8 bytes each.
  size_t table_size = 65536;
  // TCP connections one source may hold open at once; 0: no per-source cap
  // (the global --tcp-max-connections still applies).
  uint32_t tcp_connections_per_source = 0;

  bool enabled() const { return rate > 0; }
  uint32_t effective_burst() const { return burst == 0 ? rate : burst; }
};

// Limits the flags accept (also what keeps the 40-bit clock of a slot from
// wrapping within one bucket's window, see rate_limiter.cc).
inline constexpr uint32_t kMaxRateLimit = 1000000;
inline constexpr uint32_t kMaxRateLimitBurst = 100000;
inline constexpr size_t kMinRateLimitTable = 1024;
inline constexpr size_t kMaxRateLimitTable = size_t{1} << 26;
absl::Status ValidateRateLimitOptions(const RateLimitOptions& options);
// The start-up line, e.g. "rate limit 100/s per source (burst 200), 65536
// sources in 512 KiB; tcp connections per source: 8" or "rate limit off".
std::string RateLimitSummary(const RateLimitOptions& options);

// Who sent a packet, as the limiter counts sources: the IPv4 address, or
// the first 64 bits of an IPv6 address. family is 4, 6, or 0 (unknown
// address family: all such packets share one source).
struct SourceId {
  uint64_t bits = 0;
  uint8_t family = 0;

  friend bool operator==(const SourceId& a, const SourceId& b) {
    return a.bits == b.bits && a.family == b.family;
  }
  template <typename H>
  friend H AbslHashValue(H h, const SourceId& s) {
    return H::combine(std::move(h), s.bits, s.family);
  }
};
SourceId SourceOf(const sockaddr* address, socklen_t size);
inline SourceId SourceOf(const sockaddr_storage& address, socklen_t size) {
  return SourceOf(reinterpret_cast<const sockaddr*>(&address), size);
}

class RateLimiter {
 public:
  using Key = std::array<uint8_t, 16>;  // crypto_shorthash_KEYBYTES

  // A random hash key (production).
  explicit RateLimiter(const RateLimitOptions& options);
  // A given key (tests and benchmarks). Any table size >= 1 is accepted here
  // (rounded up to a power of two); the flags demand kMinRateLimitTable.
  RateLimiter(const RateLimitOptions& options, const Key& key);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Whether `source` may have one more request at `now_us` (microseconds
  // on any monotonic clock, e.g. NowMicros()); takes the token if so.
  // Thread-safe, allocation-free.
  bool Allow(SourceId source, uint64_t now_us);

  // CLOCK_MONOTONIC in microseconds.
  static uint64_t NowMicros();

  size_t table_size() const { return mask_ + 1; }
  size_t memory_bytes() const { return table_size() * sizeof(Slot); }

 private:
  using Slot = std::atomic<uint64_t>;
  uint64_t Hash(SourceId source) const;

  Key key_;
  uint64_t interval_us_;  // 1/rate: what one request costs
  uint64_t tolerance_us_;  // (burst - 1) * interval: how far ahead TAT may be
  uint64_t mask_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_RATE_LIMITER_H_
