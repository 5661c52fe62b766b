// roughtime check/sync at library level: the local clock is a fake
// (OffsetClock, or a hand-driven clock for the monotonic carry-forward),
// the servers are real in-test servers on loopback with real signatures.
// The machine's clock is never set.
#include <string>
#include <vector>

#include "client/chain.h"
#include "client/clock_check.h"
#include "client/clock_sync.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server_group.h"

namespace roughtime::testing {
namespace {

using client::ClockState;
using client::SyncAction;
using ::testing::HasSubstr;

// Radii of 10 s: version-1 MIDP has whole seconds, so each answer's offset
// is up to 1 s early; the cases below keep well clear of that.
TestServerOptions Honest() {
  TestServerOptions o;
  o.radius = absl::Seconds(10);
  return o;
}
TestServerOptions Ahead(absl::Duration d) {
  TestServerOptions o = Honest();
  o.clock_offset = d;
  return o;
}
TestServerOptions Silent() {
  TestServerOptions o = Honest();
  o.fault = Fault::kSilent;
  return o;
}

client::Measurement MeasureOn(const ServerGroup& g, client::SystemClock& c) {
  client::MeasureOptions o;
  o.retry.timeout = absl::Milliseconds(300);
  o.retry.retries = 0;
  o.retry.mode = client::TransportMode::kUdp;
  o.sleep = [](absl::Duration) {};
  o.now = [&c] { return c.Now(); };
  return client::Measure(g.listed, o);
}

client::ClockVerdict Judge(const ServerGroup& g, absl::Duration local_offset,
                           client::ClockCheckOptions opt = {}) {
  client::OffsetClock clock(local_offset);
  return client::JudgeClock(MeasureOn(g, clock), opt);
}

TEST(JudgeClockTest, InsideNearEdgeAndOutside) {
  ServerGroup g = StartGroup({Honest(), Honest(), Honest()});
  ASSERT_EQ(g.listed.size(), 3u);

  client::ClockVerdict in = Judge(g, absl::ZeroDuration());
  EXPECT_EQ(in.state, ClockState::kInside) << in.reason;
  EXPECT_EQ(in.independent, 3u);
  ASSERT_TRUE(in.interval.has_value());
  EXPECT_LT(absl::AbsDuration(in.offset), absl::Seconds(1.5));
  EXPECT_GT(in.edge_distance, absl::Seconds(8));

  // 7 s ahead: the servers say about -7 s; the upper edge is 2-3 s away.
  client::ClockCheckOptions wide;
  wide.warn_margin = absl::Seconds(5);
  client::ClockVerdict near = Judge(g, absl::Seconds(7), wide);
  EXPECT_EQ(near.state, ClockState::kNearEdge) << near.reason;
  EXPECT_GT(near.edge_distance, absl::ZeroDuration());
  EXPECT_LT(near.edge_distance, absl::Seconds(5));
  EXPECT_THAT(near.reason, HasSubstr("from an edge"));
  // The same clock with the default margin (0.5 s) is plainly inside.
  EXPECT_EQ(Judge(g, absl::Seconds(7)).state, ClockState::kInside);

  client::ClockVerdict out = Judge(g, -absl::Hours(1));
  EXPECT_EQ(out.state, ClockState::kOutside) << out.reason;
  EXPECT_LT(absl::AbsDuration(out.offset - absl::Hours(1)), absl::Seconds(1.5));
  EXPECT_LT(out.edge_distance, -absl::Minutes(59));
}

TEST(JudgeClockTest, LiarWithValidSignaturesMakesItUnknown) {
  ServerGroup g = StartGroup({Honest(), Ahead(absl::Hours(2)), Honest()});
  ASSERT_EQ(g.listed.size(), 3u);
  client::ClockVerdict v = Judge(g, absl::ZeroDuration());
  EXPECT_EQ(v.state, ClockState::kUnknown);
  EXPECT_TRUE(v.malfeasance);
  EXPECT_FALSE(v.interval.has_value());
  EXPECT_THAT(v.reason, HasSubstr("contradict"));
}

TEST(JudgeClockTest, QuorumCountsDistinctKeysThatAnswered) {
  ServerGroup g = StartGroup({Honest(), Silent(), Silent()});
  ASSERT_EQ(g.listed.size(), 3u);
  client::OffsetClock clock(absl::ZeroDuration());
  client::Measurement m = MeasureOn(g, clock);
  client::ClockVerdict two = client::JudgeClock(m, {});
  EXPECT_EQ(two.state, ClockState::kUnknown);
  EXPECT_EQ(two.independent, 1u);
  EXPECT_THAT(two.reason, HasSubstr("only 1 independent server(s)"));
  client::ClockCheckOptions one;
  one.quorum = 1;
  EXPECT_EQ(client::JudgeClock(m, one).state, ClockState::kInside);

  // One server listed twice under two names is still one server.
  ServerGroup twice = StartGroup({Honest()}, {0});
  ASSERT_EQ(twice.listed.size(), 2u);
  client::Measurement mt = MeasureOn(twice, clock);
  EXPECT_EQ(mt.answers.size(), 4u);
  client::ClockVerdict vt = client::JudgeClock(mt, {});
  EXPECT_EQ(vt.independent, 1u);
  EXPECT_EQ(vt.state, ClockState::kUnknown);
}

client::SyncPlan Plan(const ServerGroup& g, client::SystemClock& clock,
                      bool allow_backwards) {
  client::Measurement m = MeasureOn(g, clock);
  client::ClockAnchor a = client::TakeAnchor(clock);
  return client::PlanSync(client::JudgeClock(m, {}), a, allow_backwards);
}

TEST(SyncTest, StepsForwardToTheMidpoint) {
  ServerGroup g = StartGroup({Honest(), Honest(), Honest()});
  client::OffsetClock clock(-absl::Hours(1));
  client::SyncPlan p = Plan(g, clock, false);
  ASSERT_EQ(p.action, SyncAction::kStep) << p.reason;
  EXPECT_LT(absl::AbsDuration(p.step - absl::Hours(1)), absl::Seconds(1.5));
  absl::StatusOr<client::StepRecord> r = client::ExecuteStep(p, clock);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(clock.steps(), 1);
  EXPECT_LT(absl::AbsDuration(clock.offset()), absl::Seconds(1.5));
  EXPECT_LT(absl::AbsDuration(r->step - absl::Hours(1)), absl::Seconds(1.5));
  // Now inside: nothing more to do.
  client::SyncPlan again = Plan(g, clock, false);
  EXPECT_EQ(again.action, SyncAction::kNone) << again.reason;
  EXPECT_FALSE(client::ExecuteStep(again, clock).ok());
  EXPECT_EQ(clock.steps(), 1);
}

TEST(SyncTest, BackwardsOnlyWhenAllowed) {
  ServerGroup g = StartGroup({Honest(), Honest(), Honest()});
  client::OffsetClock clock(absl::Hours(1));
  client::SyncPlan p = Plan(g, clock, false);
  EXPECT_EQ(p.action, SyncAction::kRefuseBackwards);
  EXPECT_THAT(p.reason, HasSubstr("without --allow-backwards"));
  EXPECT_FALSE(client::ExecuteStep(p, clock).ok());
  EXPECT_EQ(clock.steps(), 0);
  EXPECT_EQ(clock.offset(), absl::Hours(1));

  client::SyncPlan allowed = Plan(g, clock, true);
  ASSERT_EQ(allowed.action, SyncAction::kStep);
  ASSERT_TRUE(client::ExecuteStep(allowed, clock).ok());
  EXPECT_LT(absl::AbsDuration(clock.offset()), absl::Seconds(1.5));
}

TEST(SyncTest, RefusesWithoutQuorumAndOnMalfeasance) {
  ServerGroup lonely = StartGroup({Honest(), Silent(), Silent()});
  client::OffsetClock clock(-absl::Hours(1));
  client::SyncPlan p = Plan(lonely, clock, true);
  EXPECT_EQ(p.action, SyncAction::kRefuseNoQuorum) << p.reason;
  EXPECT_FALSE(client::ExecuteStep(p, clock).ok());

  ServerGroup liar = StartGroup({Honest(), Ahead(absl::Hours(2)), Honest()});
  client::SyncPlan q = Plan(liar, clock, true);
  EXPECT_EQ(q.action, SyncAction::kRefuseMalfeasance) << q.reason;
  EXPECT_FALSE(client::ExecuteStep(q, clock).ok());
  EXPECT_EQ(clock.steps(), 0);
  EXPECT_EQ(clock.offset(), -absl::Hours(1));
}

// A clock driven by hand: wall and monotonic time move only when told.
class ManualClock : public client::SystemClock {
 public:
  absl::Time Now() override { return wall; }
  absl::Duration Monotonic() override { return mono; }
  absl::Status StepTo(absl::Time t) override {
    stepped_to.push_back(t);
    wall = t;
    return absl::OkStatus();
  }
  std::string Describe() const override { return "manual"; }
  absl::Time wall = absl::FromUnixSeconds(1000000);
  absl::Duration mono = absl::Seconds(50);
  std::vector<absl::Time> stepped_to;
};

TEST(SyncTest, TargetIsCarriedForwardOnTheMonotonicClock) {
  client::ClockVerdict v;
  v.state = ClockState::kOutside;
  v.offset = absl::Hours(3);
  v.interval = client::DurationInterval{absl::Hours(3) - absl::Seconds(1),
                                        absl::Hours(3) + absl::Seconds(1)};
  ManualClock clock;
  const absl::Time measured = clock.wall;
  client::SyncPlan p = client::PlanSync(v, client::TakeAnchor(clock), false);
  ASSERT_EQ(p.action, SyncAction::kStep);
  // 4 s pass, and meanwhile someone moved the wall clock 20 s forward: the
  // target must not inherit that jump.
  clock.mono += absl::Seconds(4);
  clock.wall += absl::Seconds(24);
  absl::StatusOr<client::StepRecord> r = client::ExecuteStep(p, clock);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(clock.stepped_to.size(), 1u);
  EXPECT_EQ(clock.stepped_to[0], measured + absl::Hours(3) + absl::Seconds(4));
  EXPECT_EQ(r->step, absl::Hours(3) - absl::Seconds(20));

  // If the wall clock was moved past the target, the planned forward step
  // would now go backwards: refused.
  client::SyncPlan p2 = client::PlanSync(v, client::TakeAnchor(clock), false);
  clock.wall += absl::Hours(5);
  EXPECT_FALSE(client::ExecuteStep(p2, clock).ok());
  EXPECT_EQ(clock.stepped_to.size(), 1u);
}

}  // namespace
}  // namespace roughtime::testing
