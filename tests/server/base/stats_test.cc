// Per-worker counters: buckets, summing, and the summary line format other
// tools parse (docs/OPERATIONS.md).
#include "server/base/stats.h"

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "shared_support.h"

namespace roughtime::server {
namespace {

using ::roughtime::server::testing::ParseStatsLine;

TEST(StatsTest, BatchBucketsArePowersOfTwo) {
  EXPECT_EQ(BatchBucket(1), 0u);
  EXPECT_EQ(BatchBucket(2), 1u);
  EXPECT_EQ(BatchBucket(3), 1u);
  EXPECT_EQ(BatchBucket(4), 2u);
  EXPECT_EQ(BatchBucket(63), 5u);
  EXPECT_EQ(BatchBucket(64), 6u);
  EXPECT_EQ(BatchBucket(255), 7u);
  EXPECT_EQ(BatchBucket(256), 8u);
  EXPECT_EQ(BatchBucket(100000), 8u);
}

TEST(StatsTest, WorkersAreSummedAndTheLineIsKeyValue) {
  WorkerStats a, b;
  a.Add(stat::kReceived, 10);
  a.Add(stat::kRequests, 7);
  a.CountDrop(DropReason::kTooShort);
  a.CountDrop(DropReason::kTooShort);
  a.CountDrop(DropReason::kWrongSrv);
  a.CountVersion(Version::kRfc1);
  a.RecordBatch(7, 2);
  a.CountFlush(FlushReason::kFull);
  b.Add(stat::kReceived, 5);
  b.Add(stat::kRequests, 4);
  b.CountDrop(DropReason::kBadType);
  b.Add(stat::kExpired, 1);
  b.CountVersion(Version::kGoogle);
  b.CountVersion(Version::kDraft12);
  b.RecordBatch(3, 1);
  b.CountFlush(FlushReason::kDrained);

  StatsSnapshot total{};
  Accumulate(total, a.Snapshot());
  Accumulate(total, b.Snapshot());
  EXPECT_EQ(total[stat::kReceived], 15u);
  EXPECT_EQ(total[stat::kMaxBatch], 7u);  // a maximum, not a sum
  EXPECT_EQ(TotalDropped(total), 5u);

  const std::string line =
      "roughtimed: " + FormatStatsLine(total, "exit", absl::Seconds(61), 2);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  std::map<std::string, uint64_t> f = ParseStatsLine(line);
  EXPECT_EQ(f["at_exit"], 1u);
  EXPECT_EQ(f["uptime_s"], 61u);
  EXPECT_EQ(f["workers"], 2u);
  EXPECT_EQ(f["received"], 15u);
  EXPECT_EQ(f["requests"], 11u);
  EXPECT_EQ(f["dropped"], 5u);
  EXPECT_EQ(f["drop_too_short"], 2u);
  EXPECT_EQ(f["drop_wrong_srv"], 1u);
  EXPECT_EQ(f["drop_bad_type"], 1u);
  EXPECT_EQ(f["expired"], 1u);
  EXPECT_EQ(f["ver_1"], 1u);
  EXPECT_EQ(f["ver_google"], 1u);
  EXPECT_EQ(f["ver_0x8000000c"], 1u);
  EXPECT_EQ(f["batches"], 2u);
  EXPECT_EQ(f["signatures"], 3u);
  EXPECT_EQ(f["max_batch"], 7u);
  EXPECT_EQ(f["batch_4_7"], 1u);
  EXPECT_EQ(f["batch_2_3"], 1u);
  EXPECT_EQ(f["flush_full"], 1u);
  EXPECT_EQ(f["flush_drained"], 1u);
  EXPECT_EQ(f.count("drop_none"), 0u);
  // Every counter has a field.
  for (size_t i = 0; i < stat::kCount; ++i) {
    if (i == stat::kDropBase) continue;  // DropReason::kNone
    EXPECT_EQ(f.count(StatName(i)), 1u) << StatName(i);
  }
}

}  // namespace
}  // namespace roughtime::server
