// The per-source rate limiter's cost per packet (src/server/core/rate_limiter.h):
// the work a worker adds to every datagram when --rate-limit is on, i.e.
// SourceOf + a SipHash + one compare-and-swap on the shared table.
// Run: build/tools/bench/roughtime-rate-limit-bench
//      --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>
#include <vector>

#include "server/core/rate_limiter.h"

namespace roughtime::server {
namespace {

constexpr RateLimiter::Key kKey = {7, 7, 7, 7, 7, 7, 7, 7,
                                   7, 7, 7, 7, 7, 7, 7, 7};

// `count` distinct sources, IPv4 (as a dual-stack socket reports them,
// ::ffff:a.b.c.d) or native IPv6.
std::vector<sockaddr_storage> Sources(size_t count, bool v6) {
  std::vector<sockaddr_storage> out(count);
  for (size_t i = 0; i < count; ++i) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out[i]);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, v6 ? "2001:db8::1" : "::ffff:10.0.0.0",
              &in6->sin6_addr);
    const uint32_t n = htonl(static_cast<uint32_t>(i));
    // IPv4: the address; IPv6: the /64 (bytes 4..7 of the prefix).
    std::memcpy(in6->sin6_addr.s6_addr + (v6 ? 4 : 12), &n, sizeof(n));
  }
  return out;
}

// Range(0): distinct sources; Range(1): 1 for IPv6. Sources are allowed
// (a generous limit), so every packet pays the full path including the CAS.
void BM_RateLimitAllow(benchmark::State& state) {
  RateLimitOptions o;
  o.rate = 1000000;
  o.burst = 100000;
  o.table_size = 65536;
  RateLimiter limiter(o, kKey);
  const std::vector<sockaddr_storage> sources =
      Sources(static_cast<size_t>(state.range(0)), state.range(1) == 1);
  size_t i = 0;
  uint64_t now = RateLimiter::NowMicros();
  for (auto _ : state) {
    const sockaddr_storage& peer = sources[i];
    if (++i == sources.size()) {
      i = 0;
      now += 1000;  // time moves on, as it would between receive calls
    }
    benchmark::DoNotOptimize(
        limiter.Allow(SourceOf(peer, sizeof(sockaddr_in6)), now));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RateLimitAllow)->ArgsProduct({{1, 1024, 65536}, {0, 1}});

// A flood from one source that is over its limit: the drop path.
void BM_RateLimitDrop(benchmark::State& state) {
  RateLimitOptions o;
  o.rate = 1;
  o.burst = 1;
  RateLimiter limiter(o, kKey);
  const std::vector<sockaddr_storage> sources = Sources(1, false);
  const uint64_t now = RateLimiter::NowMicros();
  limiter.Allow(SourceOf(sources[0], sizeof(sockaddr_in6)), now);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        limiter.Allow(SourceOf(sources[0], sizeof(sockaddr_in6)), now));
  }
}
BENCHMARK(BM_RateLimitDrop);

// Several workers hitting one shared table (different sources each).
void BM_RateLimitShared(benchmark::State& state) {
  static RateLimiter* limiter = nullptr;
  if (state.thread_index() == 0) {
    RateLimitOptions o;
    o.rate = 1000000;
    o.burst = 100000;
    limiter = new RateLimiter(o, kKey);
  }
  const std::vector<sockaddr_storage> sources = Sources(4096, false);
  size_t i = static_cast<size_t>(state.thread_index()) * 1024;
  uint64_t now = RateLimiter::NowMicros();
  for (auto _ : state) {
    if (++i == sources.size()) {
      i = 0;
      now += 1000;
    }
    benchmark::DoNotOptimize(
        limiter->Allow(SourceOf(sources[i], sizeof(sockaddr_in6)), now));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete limiter;
    limiter = nullptr;
  }
}
BENCHMARK(BM_RateLimitShared)->Threads(1)->Threads(2);

// The clock read a worker makes once per receive call.
void BM_NowMicros(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(RateLimiter::NowMicros());
}
BENCHMARK(BM_NowMicros);

}  // namespace
}  // namespace roughtime::server

BENCHMARK_MAIN();
