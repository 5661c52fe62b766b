#include "server/core/rate_limiter.h"

#include <netinet/in.h>
#include <sodium.h>
#include <time.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"

namespace roughtime::server {
namespace {

static_assert(crypto_shorthash_KEYBYTES == sizeof(RateLimiter::Key));
static_assert(crypto_shorthash_BYTES == sizeof(uint64_t));

// A slot: the top 24 bits are a tag from the source's hash (never 0, so an
// empty slot belongs to nobody), the low 40 bits the bucket's theoretical
// arrival time (TAT) in microseconds modulo 2^40 (about 12.7 days). Times
// are compared modulo 2^40: the TAT of a live bucket is at most
// burst * interval ahead of now (the flags keep that under 2^37 us), so
// anything else is a TAT in the past, i.e. a full bucket. A slot untouched
// for a multiple of 12.7 days could read as "ahead" again; then its source
// loses at most one bucket's worth of requests once.
constexpr int kTimeBits = 40;
constexpr uint64_t kTimeMask = (uint64_t{1} << kTimeBits) - 1;
// Compare-and-swap retries before giving up (counted as a drop): only
// several threads updating one slot at the same moment fail, i.e. one
// source flooding every worker at once.
constexpr int kMaxAttempts = 8;

}  // namespace

absl::Status ValidateRateLimitOptions(const RateLimitOptions& o) {
  if (o.rate > kMaxRateLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate-limit must be 0..", kMaxRateLimit));
  }
  if (o.burst > kMaxRateLimitBurst) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate-limit-burst must be 0..", kMaxRateLimitBurst));
  }
  if (o.enabled() && o.effective_burst() > kMaxRateLimitBurst) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--rate-limit over ", kMaxRateLimitBurst,
        " needs --rate-limit-burst (at most ", kMaxRateLimitBurst, ")"));
  }
  if (o.table_size < kMinRateLimitTable || o.table_size > kMaxRateLimitTable) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate-limit-table-size must be ", kMinRateLimitTable,
                     "..", kMaxRateLimitTable));
  }
  return absl::OkStatus();
}

std::string RateLimitSummary(const RateLimitOptions& o) {
  const std::string tcp =
      o.tcp_connections_per_source == 0
          ? std::string("no cap")
          : absl::StrCat(o.tcp_connections_per_source);
  if (!o.enabled()) {
    return absl::StrCat("rate limit off; tcp connections per source: ", tcp);
  }
  const size_t slots = std::bit_ceil(o.table_size);
  return absl::StrCat("rate limit ", o.rate, "/s per source (burst ",
                      o.effective_burst(), "), ", slots, " sources in ",
                      slots * sizeof(uint64_t) / 1024,
                      " KiB; tcp connections per source: ", tcp);
}

SourceId SourceOf(const sockaddr* address, socklen_t size) {
  SourceId id;
  if (address->sa_family == AF_INET && size >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    uint32_t v4;
    std::memcpy(&v4, &in->sin_addr, sizeof(v4));
    id.bits = v4;
    id.family = 4;
  } else if (address->sa_family == AF_INET6 &&
             size >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    const uint8_t* bytes = in6->sin6_addr.s6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      // A dual-stack socket sees IPv4 clients as ::ffff:a.b.c.d; they are
      // the same source as on an IPv4 socket.
      uint32_t v4;
      std::memcpy(&v4, bytes + 12, sizeof(v4));
      id.bits = v4;
      id.family = 4;
    } else {
      std::memcpy(&id.bits, bytes, sizeof(id.bits));  // the /64 prefix
      id.family = 6;
    }
  }
  return id;
}

RateLimiter::RateLimiter(const RateLimitOptions& options)
    : RateLimiter(options, [] {
        Key key;
        RandomBytes(MutableByteSpan(key.data(), key.size()));
        return key;
      }()) {}

RateLimiter::RateLimiter(const RateLimitOptions& options, const Key& key)
    : key_(key) {
  const uint32_t rate = std::max<uint32_t>(1, options.rate);
  const uint32_t burst = std::max<uint32_t>(1, options.effective_burst());
  interval_us_ = std::max<uint64_t>(1, (1000000 + rate / 2) / rate);
  tolerance_us_ = (burst - 1) * interval_us_;
  const size_t size =
      std::bit_ceil(std::clamp<size_t>(options.table_size, 1,
                                       kMaxRateLimitTable));
  mask_ = size - 1;
  slots_ = std::make_unique<Slot[]>(size);  // value-initialized: all empty
}

uint64_t RateLimiter::Hash(SourceId source) const {
  uint8_t in[9];
  in[0] = source.family;
  StoreLE64(in + 1, source.bits);
  uint8_t out[8];
  crypto_shorthash(out, in, sizeof(in), key_.data());
  return LoadLE64(out);
}

bool RateLimiter::Allow(SourceId source, uint64_t now_us) {
  const uint64_t hash = Hash(source);
  Slot& slot = slots_[hash & mask_];
  const uint64_t tag = (hash >> kTimeBits) | 1;
  const uint64_t now = now_us & kTimeMask;
  uint64_t old = slot.load(std::memory_order_relaxed);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // GCRA: the bucket is empty up to its TAT; a request is allowed while
    // TAT - now <= tolerance, and pushes TAT one interval further.
    uint64_t start = now;  // another source's slot: take it, bucket full
    if ((old >> kTimeBits) == tag) {
      const uint64_t ahead = (old - now) & kTimeMask;
      if (ahead != 0 && ahead <= tolerance_us_ + interval_us_) {
        if (ahead > tolerance_us_) return false;
        start = now + ahead;
      }
      // Otherwise the TAT has passed: the bucket refilled completely.
    }
    const uint64_t next =
        (tag << kTimeBits) | ((start + interval_us_) & kTimeMask);
    if (slot.compare_exchange_weak(old, next, std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

uint64_t RateLimiter::NowMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000 +
         static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace roughtime::server
