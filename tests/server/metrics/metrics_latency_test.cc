// The batcher's latency recording (metrics_histograms.h) with an injected
// clock: each answered request records acceptance -> Reset() (the worker
// calls Reset after sending), unanswered ones (expired delegation) record
// nothing, and the batch-size sum follows the signed batches.
#include <memory>
#include <string>
#include <vector>

#include "client_behaviours.h"
#include "fake_clock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "server/core/batcher.h"
#include "server/core/clock.h"
#include "server/base/stats.h"

namespace roughtime::server {
namespace {

using ::roughtime::server::testing::BuildClientRequest;
using ::roughtime::server::testing::DeployedClients;
using ::roughtime::server::testing::FakeClock;

class MetricsLatencyTest : public ::testing::Test {
 protected:
  MetricsLatencyTest()
      : root_(SigningKey::Generate()),
        identity_(DelegateOnlineKey(
            root_, {1'790'000'000 - 10, 1'790'000'000 + 10})) {
    BatcherOptions options;
    options.max_batch = 16;
    options.max_delay = absl::Milliseconds(50);
    batcher_ = std::make_unique<Batcher>(&identity_, &clock_, options, &stats_);
  }

  void OfferOne() {
    requests_.push_back(std::make_unique<BuiltRequest>(
        BuildClientRequest(DeployedClients().front(), root_.public_key())));
    ASSERT_TRUE(batcher_->Offer(requests_.back()->packet));
  }

  FakeClock clock_;
  SigningKey root_;
  OnlineIdentity identity_;
  WorkerStats stats_;
  std::unique_ptr<Batcher> batcher_;
  std::vector<std::unique_ptr<BuiltRequest>> requests_;
};

TEST_F(MetricsLatencyTest, EachAnsweredRequestRecordsItsOwnWait) {
  OfferOne();                           // waits 3ms + 200µs
  clock_.Advance(absl::Milliseconds(3));
  OfferOne();                           // waits 200µs
  clock_.Advance(absl::Microseconds(150));
  ASSERT_EQ(batcher_->Flush(FlushReason::kDrained), 2u);
  clock_.Advance(absl::Microseconds(50));  // "sending"
  batcher_->Reset();

  const HistogramsSnapshot s = stats_.histograms().Snapshot();
  EXPECT_EQ(s.latency_count(), 2u);
  EXPECT_EQ(s.latency_buckets[LatencyBucket(absl::Microseconds(200))], 1u);
  EXPECT_EQ(s.latency_buckets[LatencyBucket(absl::Microseconds(3200))], 1u);
  EXPECT_EQ(s.latency_sum_ns, 3'400'000u);
  EXPECT_EQ(s.batch_size_sum, 2u);
  EXPECT_EQ(stats_.Get(stat::kBatchHistBase + BatchBucket(2)), 1u);
}

TEST_F(MetricsLatencyTest, UnansweredRequestsRecordNothing) {
  clock_.Advance(absl::Seconds(30));  // past MAXT: the batch is not signed
  OfferOne();
  EXPECT_EQ(batcher_->Flush(FlushReason::kDrained), 0u);
  batcher_->Reset();
  const HistogramsSnapshot s = stats_.histograms().Snapshot();
  EXPECT_EQ(s.latency_count(), 0u);
  EXPECT_EQ(s.batch_size_sum, 0u);
  EXPECT_EQ(stats_.Get(stat::kExpired), 1u);
  // An empty batch's Reset records nothing either.
  batcher_->Reset();
  EXPECT_EQ(stats_.histograms().Snapshot().latency_count(), 0u);
}

}  // namespace
}  // namespace roughtime::server
