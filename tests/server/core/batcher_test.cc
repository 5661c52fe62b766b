// The pure batch policy: injected clock and keys, no sockets. Flushes on
// drained / full / deadline, counts everything, and every response verifies
// with the core's VerifyResponse for the client that asked.
#include "server/core/batcher.h"

#include <memory>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "batcher_fixture.h"
#include "client_behaviours.h"
#include "fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

// Counts operator new calls while `g_counting` is set, to show the batch
// path does not allocate per request.
namespace {
std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace roughtime::server {
namespace {

TEST_F(BatcherTest, EveryClientBehaviourInOneBatchVerifies) {
  auto batcher = MakeBatcher(64, absl::Milliseconds(1));
  const std::vector<ClientBehaviour> clients = DeployedClients();
  for (const ClientBehaviour& c : clients) {
    ASSERT_TRUE(batcher->Offer(Keep(BuildClientRequest(c, root_.public_key()))
                                   .packet))
        << c.name;
  }
  EXPECT_EQ(batcher->size(), clients.size());
  EXPECT_EQ(batcher->FlushDue(/*drained=*/false), std::nullopt);
  ASSERT_EQ(batcher->FlushDue(/*drained=*/true), FlushReason::kDrained);
  ASSERT_EQ(batcher->Flush(FlushReason::kDrained), clients.size());

  VersionSet present;
  for (size_t i = 0; i < clients.size(); ++i) {
    absl::StatusOr<VerifiedResponse> v = VerifyAsClient(
        clients[i], *requests_[i], root_.public_key(), batcher->response(i));
    ASSERT_TRUE(v.ok()) << clients[i].name << ": " << v.status();
    EXPECT_EQ(v->midpoint, absl::FromUnixSeconds(absl::ToUnixSeconds(
                               clock_.Now())))
        << clients[i].name;
    EXPECT_LE(batcher->response(i).size(), requests_[i]->packet.size());
    present.Add(clients[i].expected);
  }
  size_t versions_present = 0;
  for (const VersionSpec& s : AllVersions()) {
    versions_present += present.Contains(s.version);
  }
  // One tree and one signature per version present, not per request.
  EXPECT_EQ(stats_.Get(stat::kSignatures), versions_present);
  EXPECT_EQ(stats_.Get(stat::kBatches), 1u);
  EXPECT_EQ(stats_.Get(stat::kRequests), clients.size());
  EXPECT_EQ(stats_.Get(stat::kReceived), clients.size());
  EXPECT_EQ(stats_.Get(stat::kFlushBase +
                       static_cast<size_t>(FlushReason::kDrained)), 1u);
  EXPECT_EQ(stats_.Get(stat::kVersionBase +
                       static_cast<size_t>(Version::kGoogle)), 3u);
  EXPECT_EQ(stats_.Get(stat::kVersionBase +
                       static_cast<size_t>(Version::kRfc1)), 3u);
  EXPECT_EQ(stats_.Get(stat::kMaxBatch), clients.size());
}

TEST_F(BatcherTest, ResponseForOneRequestDoesNotVerifyForAnother) {
  auto batcher = MakeBatcher(8, absl::Milliseconds(1));
  const ClientBehaviour& rfc = Client("Rfc1");
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(batcher->Offer(
        Keep(BuildClientRequest(rfc, root_.public_key())).packet));
  }
  ASSERT_EQ(batcher->Flush(FlushReason::kDrained), 2u);
  EXPECT_TRUE(VerifyAsClient(rfc, *requests_[0], root_.public_key(),
                             batcher->response(0)).ok());
  EXPECT_FALSE(VerifyAsClient(rfc, *requests_[1], root_.public_key(),
                              batcher->response(0)).ok());
  // And not under another root key.
  EXPECT_FALSE(VerifyAsClient(rfc, *requests_[0],
                              SigningKey::Generate().public_key(),
                              batcher->response(0)).ok());
}

TEST_F(BatcherTest, FlushesWhenFull) {
  auto batcher = MakeBatcher(4, absl::Seconds(10));
  ASSERT_EQ(batcher->capacity(), 4u);
  const ClientBehaviour& c = Client("Pyroughtime");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(batcher->Offer(
        Keep(BuildClientRequest(c, root_.public_key())).packet));
    EXPECT_FALSE(batcher->full());
    EXPECT_EQ(batcher->FlushDue(false), std::nullopt);
  }
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_TRUE(batcher->full());
  ASSERT_EQ(batcher->FlushDue(false), FlushReason::kFull);
  ASSERT_EQ(batcher->Flush(FlushReason::kFull), 4u);
  for (size_t i = 0; i < 4; ++i) {
    absl::StatusOr<VerifiedResponse> v = VerifyAsClient(
        c, *requests_[i], root_.public_key(), batcher->response(i));
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->index, i);
    EXPECT_EQ(v->path_length, 2u);  // a tree of 4 leaves
  }
  EXPECT_EQ(stats_.Get(stat::kSignatures), 1u);
  EXPECT_EQ(stats_.Get(stat::kBatchHistBase + BatchBucket(4)), 1u);
  EXPECT_EQ(stats_.Get(stat::kFlushBase +
                       static_cast<size_t>(FlushReason::kFull)), 1u);

  // A full batch takes nothing more until it is reset; that is counted.
  EXPECT_FALSE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_EQ(stats_.Get(stat::kOverflow), 1u);
  batcher->Reset();
  EXPECT_TRUE(batcher->empty());
  EXPECT_EQ(batcher->FlushDue(true), std::nullopt);
}

TEST_F(BatcherTest, FlushesAfterTheDeadlineOfTheOldestRequest) {
  auto batcher = MakeBatcher(64, absl::Milliseconds(2));
  EXPECT_EQ(batcher->TimeToDeadline(), absl::InfiniteDuration());
  const ClientBehaviour& c = Client("CloudflareIetf");
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_EQ(batcher->TimeToDeadline(), absl::Milliseconds(2));
  clock_.Advance(absl::Milliseconds(1));
  // A later request does not push the deadline back.
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_EQ(batcher->TimeToDeadline(), absl::Milliseconds(1));
  EXPECT_EQ(batcher->FlushDue(false), std::nullopt);
  // Stepping the wall clock (NTP, an operator) must not trigger a flush.
  clock_.StepWallClock(absl::Hours(-1) + absl::Minutes(30));
  EXPECT_EQ(batcher->FlushDue(false), std::nullopt);
  clock_.StepWallClock(absl::Minutes(30));
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(batcher->TimeToDeadline(), absl::ZeroDuration());
  ASSERT_EQ(batcher->FlushDue(false), FlushReason::kDeadline);
  ASSERT_EQ(batcher->Flush(FlushReason::kDeadline), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(VerifyAsClient(c, *requests_[i], root_.public_key(),
                               batcher->response(i)).ok());
  }
  EXPECT_EQ(stats_.Get(stat::kFlushBase +
                       static_cast<size_t>(FlushReason::kDeadline)), 1u);
  // The next batch starts a new deadline.
  batcher->Reset();
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_EQ(batcher->TimeToDeadline(), absl::Milliseconds(2));
}

TEST_F(BatcherTest, DropsAreCountedByReasonAndNeverBatched) {
  auto batcher = MakeBatcher(64, absl::Milliseconds(1));
  const ClientBehaviour& rfc = Client("Rfc1");
  // Undersized: a valid request of a 512-byte message.
  RequestOptions small;
  small.message_size = 512;
  small.server_key = root_.public_key();
  EXPECT_FALSE(batcher->Offer(Keep(*BuildRequest(small)).packet));
  // Another server's SRV.
  RequestOptions other = small;
  other.message_size = 1024;
  other.server_key = SigningKey::Generate().public_key();
  EXPECT_FALSE(batcher->Offer(Keep(*BuildRequest(other)).packet));
  // Only versions we do not speak.
  RequestOptions unknown;
  unknown.offered_wire_versions = {0x80000007};
  unknown.include_type = false;
  EXPECT_FALSE(batcher->Offer(Keep(*BuildRequest(unknown)).packet));
  // Garbage of an acceptable size.
  const Bytes garbage(1024, 0xab);
  EXPECT_FALSE(batcher->Offer(garbage));
  EXPECT_TRUE(batcher->empty());
  // A good one still goes in.
  EXPECT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(rfc, root_.public_key())).packet));

  EXPECT_EQ(stats_.Get(stat::kDropBase +
                       static_cast<size_t>(DropReason::kTooShort)), 1u);
  EXPECT_EQ(stats_.Get(stat::kDropBase +
                       static_cast<size_t>(DropReason::kWrongSrv)), 1u);
  EXPECT_EQ(stats_.Get(stat::kDropBase +
                       static_cast<size_t>(DropReason::kNoCommonVersion)), 1u);
  EXPECT_EQ(stats_.Get(stat::kReceived), 5u);
  EXPECT_EQ(stats_.Get(stat::kRequests), 1u);
  EXPECT_EQ(TotalDropped(stats_.Snapshot()), 4u);
}

TEST_F(BatcherTest, MaxBatchIsBoundedSoNoResponseExceedsItsRequest) {
  const size_t bound = Batcher::BoundedMaxBatch(VersionSet::All(), 1 << 20);
  EXPECT_EQ(bound, MaxBatchForRequestSize(VersionSet::All(), kMinRequestSize));
  EXPECT_GE(bound, 64u);
  EXPECT_EQ(Batcher::BoundedMaxBatch(VersionSet::All(), 8), 8u);
  EXPECT_EQ(Batcher::BoundedMaxBatch(VersionSet::All(), 0), 1u);

  // A full batch of the largest size, made of the smallest acceptable
  // requests of every client, answers every one within its request size.
  auto batcher = MakeBatcher(1 << 20, absl::Seconds(1));
  ASSERT_EQ(batcher->capacity(), bound);
  const std::vector<ClientBehaviour> clients = DeployedClients();
  std::vector<const ClientBehaviour*> who;
  for (size_t i = 0; i < bound; ++i) {
    const ClientBehaviour& c = clients[i % clients.size()];
    ASSERT_TRUE(batcher->Offer(
        Keep(BuildClientRequest(c, root_.public_key())).packet));
    who.push_back(&c);
  }
  ASSERT_EQ(batcher->FlushDue(false), FlushReason::kFull);
  ASSERT_EQ(batcher->Flush(FlushReason::kFull), bound);
  EXPECT_EQ(stats_.Get(stat::kWriteErrors), 0u);
  for (size_t i = 0; i < bound; ++i) {
    EXPECT_LE(batcher->response(i).size(), requests_[i]->packet.size());
    absl::StatusOr<VerifiedResponse> v = VerifyAsClient(
        *who[i], *requests_[i], root_.public_key(), batcher->response(i));
    ASSERT_TRUE(v.ok()) << who[i]->name << " #" << i << ": " << v.status();
  }
}

TEST_F(BatcherTest, OfferFlushAndResetDoNotAllocate) {
  auto batcher = MakeBatcher(64, absl::Milliseconds(1));
  const std::vector<ClientBehaviour> clients = DeployedClients();
  for (size_t i = 0; i < 3 * 64; ++i) {
    Keep(BuildClientRequest(clients[i % clients.size()], root_.public_key()));
  }
  // Drops the parser rejects before building an error message.
  RequestOptions small;
  small.message_size = 512;
  const Bytes too_short = Keep(*BuildRequest(small)).packet;
  RequestOptions other;
  other.server_key = SigningKey::Generate().public_key();
  const Bytes wrong_srv = Keep(*BuildRequest(other)).packet;
  const size_t valid = 3 * 64;

  g_allocations = 0;
  g_counting = true;
  size_t written = 0;
  for (size_t i = 0; i < valid; ++i) {
    batcher->Offer(requests_[i]->packet);
    batcher->Offer(i % 2 == 0 ? too_short : wrong_srv);
    if (batcher->FlushDue(false).has_value()) {
      written += batcher->Flush(FlushReason::kFull);
      batcher->Reset();
    }
  }
  g_counting = false;
  EXPECT_EQ(written, valid);
  EXPECT_EQ(stats_.Get(stat::kBatches), 3u);
  EXPECT_EQ(g_allocations.load(), 0u);
}

TEST_F(BatcherTest, ClockGateSetsTheRadiusOrRefusesToSign) {
  ClockGate gate(absl::Seconds(5));
  auto batcher = MakeBatcher(64, absl::Milliseconds(1), &gate);
  const ClientBehaviour& c = Client("Rfc1");
  gate.Set({true, absl::Seconds(9), true});  // e.g. widened
  const BuiltRequest& first = Keep(BuildClientRequest(c, root_.public_key()));
  ASSERT_TRUE(batcher->Offer(first.packet));
  ASSERT_EQ(batcher->Flush(FlushReason::kDrained), 1u);
  absl::StatusOr<VerifiedResponse> v =
      VerifyAsClient(c, first, root_.public_key(), batcher->response(0));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->radius, absl::Seconds(9));
  batcher->Reset();

  gate.Set({false, absl::Seconds(5), true});  // refuse
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_EQ(batcher->Flush(FlushReason::kDrained), 0u);
  EXPECT_TRUE(batcher->response(0).empty());
  EXPECT_EQ(stats_.Get(stat::kUnsynced), 1u);
  EXPECT_EQ(TotalDropped(stats_.Snapshot()), 1u);
}

TEST_F(BatcherTest, FollowerRotationSwitchesKeysBetweenBatches) {
  auto first = std::make_shared<const OnlineIdentity>(identity_);
  IdentityStore store(first, clock_.Now());
  IdentityFollower follower(&store, absl::ZeroDuration());
  auto batcher = MakeBatcher(64, absl::Milliseconds(1));
  batcher->set_follower(&follower);
  const ClientBehaviour& c = Client("Rfc1");
  auto answer_key = [&]() -> std::string {
    const BuiltRequest& r = Keep(BuildClientRequest(c, root_.public_key()));
    EXPECT_TRUE(batcher->Offer(r.packet));
    EXPECT_EQ(batcher->Flush(FlushReason::kDrained), 1u);
    absl::StatusOr<VerifiedResponse> v =
        VerifyAsClient(c, r, root_.public_key(), batcher->response(0));
    batcher->Reset();
    return v.ok() ? HexEncode(v->online_key) : "unverified";
  };
  const std::string before = answer_key();
  EXPECT_EQ(before, HexEncode(identity_.online_key.public_key()));
  auto second = std::make_shared<const OnlineIdentity>(
      DelegateOnlineKey(root_, Window()));
  store.Publish(second, clock_.Now());
  const std::string after = answer_key();
  EXPECT_EQ(after, HexEncode(second->online_key.public_key()));
  EXPECT_EQ(stats_.Get(stat::kRotations), 1u);
}

TEST_F(BatcherTest, ExpiredDelegationAnswersNothingAndCountsIt) {
  auto batcher = MakeBatcher(64, absl::Milliseconds(1));
  const ClientBehaviour& c = Client("Rfc1");
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  clock_.Advance(absl::Hours(2));  // past MAXT
  EXPECT_EQ(batcher->Flush(FlushReason::kDrained), 0u);
  EXPECT_TRUE(batcher->response(0).empty());
  EXPECT_EQ(stats_.Get(stat::kExpired), 2u);
  EXPECT_EQ(stats_.Get(stat::kSignatures), 0u);
  EXPECT_EQ(TotalDropped(stats_.Snapshot()), 2u);
}

TEST_F(BatcherTest, ServesOnlyTheConfiguredVersions) {
  BatcherOptions options;
  options.served = VersionSet{Version::kRfc1};
  Batcher batcher(&identity_, &clock_, options, &stats_);
  EXPECT_FALSE(batcher.Offer(
      Keep(BuildClientRequest(Client("CloudflareGoogle"), root_.public_key()))
          .packet));
  EXPECT_FALSE(batcher.Offer(
      Keep(BuildClientRequest(Client("Pyroughtime"), root_.public_key()))
          .packet));
  // Roughly offers 1 among others: answered with 1.
  ASSERT_TRUE(batcher.Offer(
      Keep(BuildClientRequest(Client("Roughly"), root_.public_key())).packet));
  ASSERT_EQ(batcher.Flush(FlushReason::kDrained), 1u);
  EXPECT_TRUE(VerifyAsClient(Client("Roughly"), *requests_[2],
                             root_.public_key(), batcher.response(0)).ok());
  EXPECT_EQ(stats_.Get(stat::kRequests), 1u);
  EXPECT_EQ(TotalDropped(stats_.Snapshot()), 2u);
}

}  // namespace
}  // namespace roughtime::server
