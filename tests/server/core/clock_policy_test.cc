// The kernel-clock policy with injected kernel states (the real clock is
// never read or touched here): radius from maxerror, warn / widen / refuse
// when unsynchronised, and the watch handing decisions to the gate.
#include "server/core/clock_policy.h"

#include "gtest/gtest.h"
#include "server/core/clock_watch.h"

namespace roughtime::server {
namespace {

const KernelClockState kSynced{true, absl::Milliseconds(300)};
const KernelClockState kSyncedBadly{true, absl::Seconds(7)};
const KernelClockState kUnsynced{false, absl::Seconds(16)};

TEST(DecideClockTest, RadiusFromKernelIsAtLeastMaxerrorWhileSynchronised) {
  ClockPolicyOptions o;
  o.radius_from_kernel = true;
  EXPECT_EQ(DecideClock(o, absl::Seconds(5), kSynced).radius,
            absl::Seconds(5));
  EXPECT_EQ(DecideClock(o, absl::Seconds(5), kSyncedBadly).radius,
            absl::Seconds(7));
  o.radius_from_kernel = false;
  EXPECT_EQ(DecideClock(o, absl::Seconds(5), kSyncedBadly).radius,
            absl::Seconds(5));
}

TEST(DecideClockTest, UnsynchronisedPolicies) {
  ClockPolicyOptions o;
  o.radius_from_kernel = true;  // maxerror of an unsynced kernel is ignored
  o.unsync = UnsyncPolicy::kWarn;
  ClockDecision d = DecideClock(o, absl::Seconds(5), kUnsynced);
  EXPECT_TRUE(d.sign);
  EXPECT_TRUE(d.unsynchronized);
  EXPECT_EQ(d.radius, absl::Seconds(5));
  o.unsync = UnsyncPolicy::kWiden;
  d = DecideClock(o, absl::Seconds(5), kUnsynced);
  EXPECT_TRUE(d.sign);
  EXPECT_EQ(d.radius, absl::Seconds(6));
  o.unsync = UnsyncPolicy::kRefuse;
  d = DecideClock(o, absl::Seconds(5), kUnsynced);
  EXPECT_FALSE(d.sign);
  // Synchronised: every policy signs.
  EXPECT_TRUE(DecideClock(o, absl::Seconds(5), kSynced).sign);
  EXPECT_FALSE(DecideClock(o, absl::Seconds(5), kSynced).unsynchronized);
}

TEST(DecideClockTest, PolicyNames) {
  EXPECT_EQ(*ParseUnsyncPolicy("refuse"), UnsyncPolicy::kRefuse);
  EXPECT_EQ(*ParseUnsyncPolicy("widen"), UnsyncPolicy::kWiden);
  EXPECT_EQ(UnsyncPolicyName(*ParseUnsyncPolicy("warn")), "warn");
  EXPECT_FALSE(ParseUnsyncPolicy("ignore").ok());
}

class FakeKernelClock final : public KernelClock {
 public:
  absl::StatusOr<KernelClockState> Query() const override { return state; }
  KernelClockState state = kSynced;
};

TEST(ClockWatchTest, GateFollowsTheKernelState) {
  FakeKernelClock kernel;
  ClockPolicyOptions o;
  o.unsync = UnsyncPolicy::kRefuse;
  ClockGate gate(absl::Seconds(5));
  ClockWatch watch(&kernel, o, absl::Seconds(5), &gate);
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_EQ(watch.Tick(t0), t0 + absl::Seconds(1));
  EXPECT_TRUE(gate.sign());
  kernel.state = kUnsynced;
  watch.Tick(t0 + absl::Seconds(1));
  EXPECT_FALSE(gate.sign());
  kernel.state = kSyncedBadly;
  watch.Tick(t0 + absl::Seconds(2));
  EXPECT_TRUE(gate.sign());
  EXPECT_EQ(gate.radius(), absl::Seconds(5));  // radius_from_kernel is off
}

}  // namespace
}  // namespace roughtime::server
