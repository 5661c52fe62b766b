// The pure key-lifetime logic with injected times: rotation schedule,
// worker jitter, the identity store and followers, delegation warnings.
#include "server/keys/rotation.h"

#include <memory>

#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "server/keys/identity.h"
#include "server/core/identity_store.h"

namespace roughtime::server {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

std::shared_ptr<const OnlineIdentity> Identity(absl::Time now,
                                               absl::Duration lifetime) {
  static const SigningKey root = SigningKey::Generate();
  return std::make_shared<const OnlineIdentity>(
      DelegateFor(root, VersionSet::All(), now, lifetime));
}

TEST(RotationPolicyTest, Validation) {
  EXPECT_TRUE(ValidateRotationPolicy({}).ok());
  EXPECT_TRUE(
      ValidateRotationPolicy({absl::Seconds(3), absl::Seconds(1)}).ok());
  EXPECT_FALSE(
      ValidateRotationPolicy({absl::Seconds(2), absl::Seconds(1)}).ok());
  EXPECT_FALSE(
      ValidateRotationPolicy({absl::Seconds(10), absl::Seconds(6)}).ok());
  EXPECT_FALSE(ValidateRotationPolicy({absl::Seconds(10), absl::ZeroDuration()})
                   .ok());
}

TEST(RotationScheduleTest, NextKeyIsMadeTheOverlapBeforeMaxt) {
  const DelegationWindow w = OnlineKeyWindow(kT0, absl::Hours(24 * 7));
  EXPECT_EQ(w.maxt_seconds, 1'800'000'000u + 7 * 86400);
  EXPECT_EQ(w.mint_seconds, 1'800'000'000u - 3600);
  EXPECT_EQ(NextRotationTime(w, absl::Hours(24)),
            kT0 + absl::Hours(24 * 6));
}

TEST(RotationScheduleTest, JitterStaysInTheFirstHalfOfTheOverlap) {
  EXPECT_EQ(WorkerJitter(absl::Hours(2), 0.0), absl::ZeroDuration());
  EXPECT_EQ(WorkerJitter(absl::Hours(2), 0.5), absl::Minutes(30));
  EXPECT_LE(WorkerJitter(absl::Hours(2), 0.999999), absl::Hours(1));
  EXPECT_LE(WorkerJitter(absl::Hours(2), 7.0), absl::Hours(1));
}

TEST(ServableAtTest, WindowIsCheckedToTheMicrosecond) {
  auto id = Identity(kT0, absl::Seconds(10));
  const absl::Time maxt = kT0 + absl::Seconds(10);
  EXPECT_TRUE(ServableAt(*id, kT0));
  EXPECT_TRUE(ServableAt(*id, maxt));
  // Half a second past MAXT: Google clients (microsecond MAXT) would reject.
  EXPECT_FALSE(ServableAt(*id, maxt + absl::Milliseconds(500)));
  EXPECT_FALSE(ServableAt(*id, kT0 - absl::Hours(2)));
}

TEST(IdentityFollowerTest, SwitchesAfterItsJitterOrWhenTheOldKeyEnds) {
  auto first = Identity(kT0, absl::Seconds(100));
  IdentityStore store(first, kT0);
  IdentityFollower quick(&store, absl::ZeroDuration());
  IdentityFollower slow(&store, absl::Seconds(20));
  EXPECT_EQ(quick.current(), first.get());
  EXPECT_FALSE(quick.Refresh(kT0 + absl::Seconds(1)));

  auto second = Identity(kT0 + absl::Seconds(70), absl::Seconds(100));
  store.Publish(second, kT0 + absl::Seconds(70));
  EXPECT_TRUE(quick.Refresh(kT0 + absl::Seconds(70)));
  EXPECT_EQ(quick.current(), second.get());
  EXPECT_FALSE(quick.Refresh(kT0 + absl::Seconds(71)));  // nothing newer
  EXPECT_FALSE(slow.Refresh(kT0 + absl::Seconds(80)));
  EXPECT_EQ(slow.current(), first.get());
  EXPECT_TRUE(slow.Refresh(kT0 + absl::Seconds(90)));
  EXPECT_EQ(slow.current(), second.get());

  // A follower whose key has run out switches at once, jitter or not.
  auto third = Identity(kT0 + absl::Seconds(171), absl::Seconds(100));
  store.Publish(third, kT0 + absl::Seconds(171));
  IdentityFollower late(&store, absl::Hours(1));
  EXPECT_EQ(late.current(), third.get());  // starts with the newest
  EXPECT_TRUE(slow.Refresh(kT0 + absl::Seconds(171)));
  EXPECT_EQ(slow.current(), third.get());
}

TEST(ExpiryWatchTest, WarnsAheadThenAtIntervalsThenOnceExpired) {
  const absl::Time maxt = kT0 + absl::Hours(24 * 10);
  ExpiryWatch watch(maxt, absl::Hours(24 * 7), absl::Hours(24));
  EXPECT_EQ(watch.Check(kT0), ExpiryWatch::Event::kNone);
  EXPECT_EQ(watch.NextCheck(), kT0 + absl::Hours(24 * 3));
  const absl::Time first = kT0 + absl::Hours(24 * 3);
  EXPECT_EQ(watch.Check(first), ExpiryWatch::Event::kWarn);
  EXPECT_EQ(watch.Check(first + absl::Hours(1)), ExpiryWatch::Event::kNone);
  EXPECT_EQ(watch.NextCheck(), first + absl::Hours(24));
  EXPECT_EQ(watch.Check(first + absl::Hours(24)), ExpiryWatch::Event::kWarn);
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(watch.Check(maxt), ExpiryWatch::Event::kWarn);
  EXPECT_EQ(watch.Check(maxt + absl::Seconds(1)),
            ExpiryWatch::Event::kExpired);
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(watch.Check(maxt + absl::Hours(48)), ExpiryWatch::Event::kNone);
  EXPECT_EQ(watch.NextCheck(), absl::InfiniteFuture());
}

TEST(ExpiryWatchTest, AShortDelegationWarnsAtOnce) {
  ExpiryWatch watch(kT0 + absl::Seconds(5), absl::Hours(24 * 7),
                    absl::Hours(24));
  EXPECT_EQ(watch.Check(kT0), ExpiryWatch::Event::kWarn);
  EXPECT_EQ(watch.NextCheck(), kT0 + absl::Seconds(5) + absl::Milliseconds(1));
}

}  // namespace
}  // namespace roughtime::server
