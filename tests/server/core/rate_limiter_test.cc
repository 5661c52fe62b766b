// The per-source rate limiter (src/server/core/rate_limiter.h): the bucket's
// arithmetic on an injected clock, who counts as one source, collisions in a
// tiny table, the 40-bit clock's wrap, and the limit holding when several
// threads take tokens from one source at once.
#include "server/core/rate_limiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace roughtime::server {
namespace {

constexpr RateLimiter::Key kKey = {1, 2, 3, 4, 5, 6, 7, 8,
                                   9, 10, 11, 12, 13, 14, 15, 16};
constexpr uint64_t kSecond = 1000000;

RateLimitOptions Options(uint32_t rate, uint32_t burst, size_t table = 1024) {
  RateLimitOptions o;
  o.rate = rate;
  o.burst = burst;
  o.table_size = table;
  return o;
}

sockaddr_storage V4(const char* text, uint16_t port) {
  sockaddr_storage ss{};
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  EXPECT_EQ(inet_pton(AF_INET, text, &in->sin_addr), 1) << text;
  return ss;
}

sockaddr_storage V6(const char* text, uint16_t port) {
  sockaddr_storage ss{};
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  EXPECT_EQ(inet_pton(AF_INET6, text, &in6->sin6_addr), 1) << text;
  return ss;
}

SourceId Of(const sockaddr_storage& ss) {
  return SourceOf(ss, ss.ss_family == AF_INET ? sizeof(sockaddr_in)
                                              : sizeof(sockaddr_in6));
}

size_t CountAllowed(RateLimiter& limiter, SourceId s, uint64_t now, int n) {
  size_t allowed = 0;
  for (int i = 0; i < n; ++i) allowed += limiter.Allow(s, now);
  return allowed;
}

TEST(SourceOfTest, Ipv4MappedIsTheIpv4SourceAndPortsDoNotMatter) {
  EXPECT_EQ(Of(V4("192.0.2.7", 1)), Of(V4("192.0.2.7", 65000)));
  EXPECT_EQ(Of(V4("192.0.2.7", 1)), Of(V6("::ffff:192.0.2.7", 9)));
  EXPECT_EQ(Of(V4("192.0.2.7", 1)).family, 4);
  EXPECT_FALSE(Of(V4("192.0.2.7", 1)) == Of(V4("192.0.2.8", 1)));
}

TEST(SourceOfTest, Ipv6CountsBySlash64) {
  EXPECT_EQ(Of(V6("2001:db8:1:2::1", 1)), Of(V6("2001:db8:1:2:ffff::9", 2)));
  EXPECT_FALSE(Of(V6("2001:db8:1:2::1", 1)) == Of(V6("2001:db8:1:3::1", 1)));
  EXPECT_EQ(Of(V6("2001:db8:1:2::1", 1)).family, 6);
  // The IPv6 prefix 0:0:c000:207::/64 is not the IPv4 address 192.0.2.7.
  EXPECT_FALSE(Of(V6("::c000:207", 1)) == Of(V4("192.0.2.7", 1)));
}

TEST(SourceOfTest, TruncatedAddressIsTheUnknownSource) {
  const sockaddr_storage v6 = V6("2001:db8::1", 1);
  EXPECT_EQ(SourceOf(v6, 8).family, 0);
}

TEST(RateLimiterTest, BurstThenRateThenFullAgainAfterQuiet) {
  RateLimiter limiter(Options(10, 5), kKey);  // one token every 100 ms
  const SourceId s = Of(V4("192.0.2.1", 1));
  const uint64_t t0 = 50 * kSecond;
  EXPECT_EQ(CountAllowed(limiter, s, t0, 20), 5u);
  // 99 ms later no token has come back yet; at 100 ms exactly one.
  EXPECT_FALSE(limiter.Allow(s, t0 + 99000));
  EXPECT_TRUE(limiter.Allow(s, t0 + 100000));
  EXPECT_FALSE(limiter.Allow(s, t0 + 100000));
  // A flood keeps getting the rate: 10 per second over 3 seconds.
  size_t allowed = 0;
  for (uint64_t t = t0 + 100001; t <= t0 + 3100001; t += 1000) {
    allowed += CountAllowed(limiter, s, t, 3);
  }
  EXPECT_EQ(allowed, 30u);
  // Quiet for a second: the burst is back, not more.
  EXPECT_EQ(CountAllowed(limiter, s, t0 + 5 * kSecond, 20), 5u);
}

TEST(RateLimiterTest, SourcesHaveTheirOwnBuckets) {
  RateLimiter limiter(Options(1, 2), kKey);
  const SourceId a = Of(V4("192.0.2.1", 1));
  const SourceId b = Of(V6("2001:db8::1", 1));
  EXPECT_EQ(CountAllowed(limiter, a, kSecond, 10), 2u);
  EXPECT_EQ(CountAllowed(limiter, b, kSecond, 10), 2u);
  // The same IPv4 client seen through a dual-stack socket shares a's bucket.
  EXPECT_FALSE(limiter.Allow(Of(V6("::ffff:192.0.2.1", 7)), kSecond));
}

TEST(RateLimiterTest, BurstDefaultsToTheRate) {
  RateLimiter limiter(Options(7, 0), kKey);
  EXPECT_EQ(CountAllowed(limiter, Of(V4("192.0.2.1", 1)), kSecond, 50), 7u);
}

TEST(RateLimiterTest, CollisionsFailOpenInATinyTable) {
  // One slot: every source collides with every other. A newcomer takes the
  // slot over with a full bucket, so nobody is limited by someone else.
  RateLimiter limiter(Options(1, 1, /*table=*/1), kKey);
  EXPECT_EQ(limiter.table_size(), 1u);
  const SourceId a = Of(V4("192.0.2.1", 1));
  const SourceId b = Of(V4("192.0.2.2", 1));
  EXPECT_TRUE(limiter.Allow(a, kSecond));
  EXPECT_FALSE(limiter.Allow(a, kSecond));  // alone in the slot: limited
  EXPECT_TRUE(limiter.Allow(b, kSecond));
  EXPECT_TRUE(limiter.Allow(a, kSecond));  // b evicted a: a's bucket is new
}

TEST(RateLimiterTest, TableSizeIsRoundedToAPowerOfTwoAndBoundsMemory) {
  RateLimiter limiter(Options(1, 1, 1000), kKey);
  EXPECT_EQ(limiter.table_size(), 1024u);
  EXPECT_EQ(limiter.memory_bytes(), 8192u);
}

TEST(RateLimiterTest, WorksAcrossTheWrapOfTheSlotClock) {
  RateLimiter limiter(Options(10, 3), kKey);
  const SourceId s = Of(V4("192.0.2.1", 1));
  const uint64_t wrap = uint64_t{1} << 40;
  const uint64_t t0 = wrap - 150000;  // 150 ms before the slot clock wraps
  EXPECT_EQ(CountAllowed(limiter, s, t0, 10), 3u);  // TAT is past the wrap
  EXPECT_FALSE(limiter.Allow(s, t0 + 90000));
  EXPECT_TRUE(limiter.Allow(s, t0 + 100000));  // one token back
  EXPECT_FALSE(limiter.Allow(s, wrap + 10));  // TAT now past the wrap
  EXPECT_EQ(CountAllowed(limiter, s, wrap + 10 * kSecond, 10), 3u);
}

TEST(RateLimiterTest, DifferentKeysPlaceSourcesDifferently) {
  // With a 1024-slot table and two keys, some of 64 sources must land in
  // different slots: observable as a collision under one key only.
  RateLimiter::Key other = kKey;
  other[0] ^= 0xff;
  int differing = 0;
  for (int i = 0; i < 64; ++i) {
    RateLimiter a(Options(1, 1, 2), kKey);
    RateLimiter b(Options(1, 1, 2), other);
    const SourceId x = Of(V4("192.0.2.1", 1));
    const SourceId y{static_cast<uint64_t>(i) + 1000, 4};
    a.Allow(x, kSecond);
    b.Allow(x, kSecond);
    a.Allow(y, kSecond);
    b.Allow(y, kSecond);
    // x is still limited where y took another slot, renewed where it did not.
    differing += a.Allow(x, kSecond) != b.Allow(x, kSecond);
  }
  EXPECT_GT(differing, 0);
}

TEST(RateLimiterTest, ThreadsSharingOneSourceNeverExceedTheBurst) {
  RateLimiter limiter(Options(1, 100), kKey);
  const SourceId s = Of(V4("192.0.2.1", 1));
  std::atomic<size_t> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        if (limiter.Allow(s, kSecond)) allowed.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // Every token is taken exactly once, however the threads race.
  EXPECT_EQ(allowed.load(), 100u);
}

TEST(RateLimitOptionsTest, ValidationNamesTheFlag) {
  EXPECT_TRUE(ValidateRateLimitOptions(Options(100, 0, 65536)).ok());
  EXPECT_TRUE(ValidateRateLimitOptions(Options(0, 0, 65536)).ok());
  const absl::Status small = ValidateRateLimitOptions(Options(1, 1, 16));
  EXPECT_NE(std::string(small.message()).find("--rate-limit-table-size"),
            std::string::npos);
  const absl::Status fast = ValidateRateLimitOptions(Options(2000000, 0));
  EXPECT_NE(std::string(fast.message()).find("--rate-limit"),
            std::string::npos);
  EXPECT_FALSE(ValidateRateLimitOptions(Options(200000, 0)).ok());
  EXPECT_TRUE(ValidateRateLimitOptions(Options(200000, 1000)).ok());
}

TEST(RateLimitOptionsTest, SummaryStatesTheMemoryBound) {
  EXPECT_EQ(RateLimitSummary(Options(0, 0)),
            "rate limit off; tcp connections per source: no cap");
  RateLimitOptions o = Options(100, 0, 65536);
  o.tcp_connections_per_source = 8;
  EXPECT_EQ(RateLimitSummary(o),
            "rate limit 100/s per source (burst 100), 65536 sources in 512 "
            "KiB; tcp connections per source: 8");
}

}  // namespace
}  // namespace roughtime::server
