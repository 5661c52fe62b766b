// The server's per-request path (parse, add to batch, sign, write) must not
// touch the heap once a BatchResponder exists: allocation under load is
// latency jitter and a denial-of-service lever. Counted by replacing the
// global operator new in this test binary.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/wire.h"

// GCC cannot see that the replaced operator new below pairs with free().
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (counting.load(std::memory_order_relaxed)) {
    allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace roughtime {
namespace {

TEST(AllocationTest, SteadyStateBatchPathNeverAllocates) {
  const SigningKey root = SigningKey::Generate();
  const OnlineIdentity identity =
      DelegateOnlineKey(root, {1700000000, 1900000000});
  RequestPolicy policy;
  policy.srv = ComputeSrv(root.public_key());
  // One request per deployed client shape, so every version's tree, SREP
  // and response writer are exercised.
  std::vector<Bytes> packets;
  for (auto [offered, google, type, size] :
       std::vector<std::tuple<std::vector<uint32_t>, bool, bool, size_t>>{
           {{1, 0x8000000c}, false, true, 1024},
           {{0x8000000c}, false, false, 1024},
           {{0x8000000b, 0x80000008}, false, false, 1012},
           {{}, true, false, 1024}}) {
    RequestOptions o;
    o.offered_wire_versions = offered;
    o.google = google;
    o.include_type = type;
    o.message_size = size;
    for (int i = 0; i < 16; ++i) packets.push_back(BuildRequest(o)->packet);
  }
  BatchResponder responder(&identity, VersionSet::All(), 64);
  uint8_t out[kMaxResponseSize];
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  size_t answered = 0;
  auto run_batch = [&] {
    responder.Reset();
    for (const Bytes& p : packets) {
      ParsedRequest parsed;
      if (ParseRequest(p, policy, &parsed) != DropReason::kNone) return false;
      if (!responder.Add(parsed)) return false;
    }
    if (!responder.Sign(now, absl::Seconds(3)).ok()) return false;
    for (size_t i = 0; i < responder.size(); ++i) {
      if (!responder.WriteResponse(i, MutableByteSpan(out)).ok()) return false;
      ++answered;
    }
    return true;
  };
  ASSERT_TRUE(run_batch());  // warm-up (libsodium initialisation etc.)
  counting = true;
  bool ok = true;
  for (int round = 0; round < 20 && ok; ++round) ok = run_batch();
  counting = false;
  ASSERT_TRUE(ok);
  EXPECT_EQ(answered, 21 * packets.size());
  EXPECT_EQ(allocations.load(), 0u)
      << allocations.load() << " heap allocations for " << 20 * packets.size()
      << " requests";
}

TEST(AllocationTest, DroppingGarbageNeverAllocates) {
  // A flood of junk must cost no more than its parse: every drop reason
  // below is decided without building an error message.
  RequestPolicy policy;
  std::vector<Bytes> junk;
  Bytes p(1100);
  for (int i = 0; i < 64; ++i) {
    RandomBytes(MutableByteSpan(p));
    if (i % 2 == 0) std::memcpy(p.data(), kFrameMagic, 8);
    if (i % 4 == 0) StoreLE32(p.data() + 8, 1100 - 12);
    if (i % 8 == 0) StoreLE32(p.data() + 12, 3);  // plausible tag count
    junk.push_back(p);
  }
  junk.push_back(Bytes(100, 0));  // too short
  RequestOptions o;
  o.server_key = SigningKey::Generate().public_key();  // wrong SRV
  junk.push_back(BuildRequest(o)->packet);
  ParsedRequest parsed;
  counting = true;
  size_t dropped = 0;
  for (int round = 0; round < 10; ++round) {
    for (const Bytes& j : junk) {
      dropped += ParseRequest(j, policy, &parsed) != DropReason::kNone;
    }
  }
  counting = false;
  EXPECT_EQ(dropped, 10 * junk.size());
  EXPECT_EQ(allocations.load(), 0u);
}

TEST(AllocationTest, CounterSeesAllocations) {
  // Guards the test above against a counter that never counts.
  counting = true;
  const size_t before = allocations.load();
  auto* v = new std::vector<int>(100);
  counting = false;
  delete v;
  EXPECT_GE(allocations.load() - before, 1u);
}

}  // namespace
}  // namespace roughtime
