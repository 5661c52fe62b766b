// Open-loop pacing and the in-flight table.
#include <cstdint>

#include "gtest/gtest.h"
#include "in_flight_table.h"
#include "pacing.h"

namespace roughtime::loadgen {
namespace {

constexpr int64_t kMs = 1000000;

TEST(PacingTest, BurstIsAboutOneMillisecondOfRequests) {
  EXPECT_EQ(DefaultBurst(100, 32), 1u);
  EXPECT_EQ(DefaultBurst(20000, 32), 20u);
  EXPECT_EQ(DefaultBurst(1e6, 32), 32u);
}

TEST(PacingTest, ReleasesWholeBurstsOnSchedule) {
  const int64_t start = 1000 * kMs;
  OpenLoopPacer p(/*rate=*/10000, start, /*burst=*/10);  // a burst per ms
  EXPECT_EQ(p.DueBy(start - 1), 0u);
  EXPECT_EQ(p.DueBy(start), 10u);
  EXPECT_EQ(p.DueBy(start + kMs - 1), 10u);
  EXPECT_EQ(p.DueBy(start + kMs), 20u);
  EXPECT_EQ(p.DueBy(start + 1000 * kMs), 10010u);
  EXPECT_EQ(p.DueTime(0), start);
  EXPECT_EQ(p.DueTime(9), start);
  EXPECT_EQ(p.DueTime(10), start + kMs);
  EXPECT_EQ(p.DueTime(25), start + 2 * kMs);
}

TEST(PacingTest, LowRateSendsSingleRequests) {
  OpenLoopPacer p(/*rate=*/100, 0, 1);
  // 100/s for half a second: requests 0..49 are due at 0, 10, ..., 490 ms.
  EXPECT_EQ(p.DueBy(500 * kMs - 1), 50u);
  EXPECT_EQ(p.DueTime(49), 490 * kMs);
}

TEST(InFlightTableTest, MatchesAnswersAndMeasuresLatency) {
  InFlightTable t(4);
  EXPECT_EQ(t.capacity(), 4u);
  const uint64_t a = t.Sent(100);
  const uint64_t b = t.Sent(200);
  EXPECT_EQ(t.in_flight(), 2u);
  EXPECT_EQ(t.Answered(b, 250), 50);
  EXPECT_EQ(t.Answered(b, 260), std::nullopt);  // duplicate
  EXPECT_EQ(t.Answered(7, 260), std::nullopt);  // never sent
  EXPECT_EQ(t.Answered(a, 400), 300);
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(InFlightTableTest, ExpiresOnlyOldRequestsAndIgnoresTheirLateAnswers) {
  InFlightTable t(8);
  const uint64_t a = t.Sent(100);
  const uint64_t b = t.Sent(200);
  const uint64_t c = t.Sent(300);
  EXPECT_EQ(t.Answered(a, 150), 50);
  EXPECT_EQ(t.ExpireSentBefore(250), 1u);  // b only
  EXPECT_EQ(t.Answered(b, 400), std::nullopt);
  EXPECT_EQ(t.OldestSendTime(), 300);
  EXPECT_EQ(t.ExpireAll(), 1u);  // c
  EXPECT_EQ(t.Answered(c, 500), std::nullopt);
  EXPECT_EQ(t.OldestSendTime(), std::nullopt);
}

TEST(InFlightTableTest, ReusesSlotsOnlyAfterMakingRoom) {
  InFlightTable t(4);
  for (int i = 0; i < 4; ++i) t.Sent(i);
  EXPECT_FALSE(t.HasRoom());
  EXPECT_EQ(t.Answered(0, 10), 10);
  EXPECT_EQ(t.MakeRoomFor(1), 0u);  // answered slot 0 is free
  EXPECT_EQ(t.MakeRoomFor(2), 1u);  // request 1 must go
  const uint64_t four = t.Sent(50);
  const uint64_t five = t.Sent(60);
  EXPECT_EQ(t.Answered(1, 70), std::nullopt);  // evicted, slot reused
  EXPECT_EQ(t.Answered(four, 70), 20);
  EXPECT_EQ(t.Answered(five, 70), 10);
  EXPECT_EQ(t.in_flight(), 2u);  // requests 2 and 3
}

}  // namespace
}  // namespace roughtime::loadgen
