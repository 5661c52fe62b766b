// Adaptive batching in the batcher (batcher.h, load_gauge.h): a lingering
// batch is not flushed by a drained socket, only when full or at its
// deadline, and HoldTime says how long a busy worker lets datagrams gather.
#include "absl/time/time.h"
#include "batcher_fixture.h"
#include "gtest/gtest.h"
#include "server/core/batcher.h"

namespace roughtime::server {

TEST_F(BatcherTest, ALingeringBatchWaitsForFullOrDeadlineNotForADrain) {
  auto batcher = MakeBatcher(4, absl::Milliseconds(1));
  const ClientBehaviour& c = Client("CloudflareIetf");
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  batcher->set_lingering(true);
  EXPECT_EQ(batcher->FlushDue(/*drained=*/true), std::nullopt);
  clock_.Advance(absl::Microseconds(999));
  EXPECT_EQ(batcher->FlushDue(true), std::nullopt);
  EXPECT_EQ(batcher->TimeToDeadline(), absl::Microseconds(1));
  clock_.Advance(absl::Microseconds(1));
  EXPECT_EQ(batcher->FlushDue(true), FlushReason::kDeadline);
  EXPECT_EQ(batcher->HoldTime(), absl::ZeroDuration());
  // Full still flushes at once.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(batcher->Offer(
        Keep(BuildClientRequest(c, root_.public_key())).packet));
  }
  EXPECT_EQ(batcher->FlushDue(true), FlushReason::kFull);
  ASSERT_EQ(batcher->Flush(FlushReason::kFull), 4u);
  batcher->Reset();
  // No longer busy: a drained socket is answered at once again.
  batcher->set_lingering(false);
  ASSERT_TRUE(batcher->Offer(
      Keep(BuildClientRequest(c, root_.public_key())).packet));
  EXPECT_EQ(batcher->FlushDue(true), FlushReason::kDrained);
}

TEST_F(BatcherTest, HoldTimeIsTheTimeToFillAtTheArrivalRateSoFar) {
  auto batcher = MakeBatcher(64, absl::Milliseconds(1));
  const ClientBehaviour& c = Client("CloudflareIetf");
  EXPECT_EQ(batcher->HoldTime(), absl::ZeroDuration());  // nothing to hold
  // 8 requests over 80 us: 56 more need 560 us at that rate.
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(batcher->Offer(
        Keep(BuildClientRequest(c, root_.public_key())).packet));
    clock_.Advance(absl::Microseconds(10));
  }
  EXPECT_EQ(batcher->HoldTime(), absl::Microseconds(560));
  // Never past the deadline (slow arrivals) ...
  clock_.Advance(absl::Microseconds(720));
  EXPECT_EQ(batcher->HoldTime(), absl::Microseconds(200));
  // ... and never so short that the worker would spin.
  batcher->Reset();
  for (int i = 0; i < 32; ++i) {
    ASSERT_TRUE(batcher->Offer(
        Keep(BuildClientRequest(c, root_.public_key())).packet));
  }
  clock_.Advance(absl::Microseconds(1));
  EXPECT_EQ(batcher->HoldTime(), Batcher::kMinHold);
}

}  // namespace roughtime::server
