// The load gauge that decides when a worker holds its batches
// (server/load_gauge.h): utilization over windows, with hysteresis.
#include "server/core/load_gauge.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace roughtime::server {
namespace {

constexpr absl::Duration kWindow = absl::Milliseconds(20);

class LoadGaugeTest : public ::testing::Test {
 protected:
  // Runs the worker loop for one window in which it works `busy` out of
  // every `period` (awake, then waiting for the rest of the period).
  void RunWindow(absl::Duration busy, absl::Duration period) {
    const absl::Time end = now_ + kWindow;
    while (now_ < end) {
      gauge_.Woke(now_);
      now_ += busy;
      gauge_.Sleeping(now_);
      now_ += period - busy;
    }
  }

  LoadGauge gauge_{LoadGaugeOptions{kWindow, 0.8, 0.6}};
  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TEST_F(LoadGaugeTest, IdleUntilTheFirstWindowCloses) {
  EXPECT_FALSE(gauge_.busy());
  EXPECT_EQ(gauge_.utilization(), 0);
  // Fully busy, but for less than one window: no decision yet.
  gauge_.Woke(now_);
  now_ += kWindow / 2;
  gauge_.Sleeping(now_);
  EXPECT_FALSE(gauge_.busy());
  EXPECT_EQ(gauge_.utilization(), 0);
}

TEST_F(LoadGaugeTest, MeasuresTheFractionOfTimeAwake) {
  RunWindow(absl::Microseconds(30), absl::Microseconds(100));
  RunWindow(absl::Microseconds(30), absl::Microseconds(100));
  EXPECT_NEAR(gauge_.utilization(), 0.3, 0.02);
  EXPECT_FALSE(gauge_.busy());
}

TEST_F(LoadGaugeTest, BusyFromEnterAndIdleOnlyUnderLeave) {
  RunWindow(absl::Microseconds(79), absl::Microseconds(100));
  RunWindow(absl::Microseconds(79), absl::Microseconds(100));
  EXPECT_FALSE(gauge_.busy()) << gauge_.utilization();
  RunWindow(absl::Microseconds(85), absl::Microseconds(100));
  RunWindow(absl::Microseconds(85), absl::Microseconds(100));
  EXPECT_TRUE(gauge_.busy()) << gauge_.utilization();
  // Between leave and enter the state is kept (no flapping): holding
  // batches lowers the CPU per request, and with it the utilization.
  RunWindow(absl::Microseconds(65), absl::Microseconds(100));
  RunWindow(absl::Microseconds(65), absl::Microseconds(100));
  EXPECT_TRUE(gauge_.busy()) << gauge_.utilization();
  RunWindow(absl::Microseconds(50), absl::Microseconds(100));
  RunWindow(absl::Microseconds(50), absl::Microseconds(100));
  EXPECT_FALSE(gauge_.busy()) << gauge_.utilization();
  // And from idle, the middle band does not make it busy again.
  RunWindow(absl::Microseconds(70), absl::Microseconds(100));
  RunWindow(absl::Microseconds(70), absl::Microseconds(100));
  EXPECT_FALSE(gauge_.busy()) << gauge_.utilization();
}

TEST_F(LoadGaugeTest, NeverWaitingIsFullyBusy) {
  // A worker that never drains its sockets keeps calling Sleeping (its wait
  // returns at once); every moment counts as work.
  for (int i = 0; i < 100; ++i) {
    gauge_.Woke(now_);
    now_ += absl::Microseconds(500);
    gauge_.Sleeping(now_);
  }
  EXPECT_DOUBLE_EQ(gauge_.utilization(), 1.0);
  EXPECT_TRUE(gauge_.busy());
}

TEST_F(LoadGaugeTest, ALongQuietSpellEndsBusy) {
  RunWindow(absl::Microseconds(95), absl::Microseconds(100));
  RunWindow(absl::Microseconds(95), absl::Microseconds(100));
  ASSERT_TRUE(gauge_.busy());
  // One request after a quiet minute: the window that closes with it spans
  // the whole minute.
  now_ += absl::Minutes(1);
  gauge_.Woke(now_);
  now_ += absl::Microseconds(50);
  gauge_.Sleeping(now_);
  EXPECT_FALSE(gauge_.busy());
  EXPECT_LT(gauge_.utilization(), 0.01);
}

}  // namespace
}  // namespace roughtime::server
