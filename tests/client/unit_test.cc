// Pure pieces of the client: consistency, request options per offer,
// failure summaries, list version mapping, and time formatting.
#include <vector>

#include "client/consistency.h"
#include "client/offer.h"
#include "client/output.h"
#include "client/query.h"
#include "client/server_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace roughtime::client {
namespace {

using ::testing::ElementsAre;

absl::Time T(int64_t s) { return absl::FromUnixSeconds(s); }

TEST(ConsistencyTest, PairsFollowReceiveOrder) {
  // Second answer is 100 s earlier than the first: only (0,1) fails; a
  // later answer may be far ahead of an earlier one (time passes).
  std::vector<TimeSample> s = {{T(1000), absl::Seconds(3), std::nullopt},
                               {T(900), absl::Seconds(3), std::nullopt},
                               {T(2000), absl::Seconds(3), std::nullopt}};
  ConsistencyResult r = CheckConsistency(s);
  EXPECT_THAT(r.violations, ElementsAre(InconsistentPair{0, 1}));
  EXPECT_FALSE(r.agreed.has_value());
  EXPECT_FALSE(r.local_offset.has_value());
}

TEST(ConsistencyTest, TouchingIntervalsAreConsistent) {
  // MIDP_i - RADI_i == MIDP_j + RADI_j is allowed (<=).
  std::vector<TimeSample> s = {{T(1006), absl::Seconds(3), std::nullopt},
                               {T(1000), absl::Seconds(3), std::nullopt}};
  ConsistencyResult r = CheckConsistency(s);
  EXPECT_TRUE(r.consistent());
  ASSERT_TRUE(r.agreed.has_value());
  EXPECT_EQ(r.agreed->earliest, T(1003));
  EXPECT_EQ(r.agreed->latest, T(1003));
}

TEST(ConsistencyTest, LocalOffsetIntersectsOffsetIntervals) {
  // Local clock 10 s behind; answers 1 s apart in local time.
  std::vector<TimeSample> s = {
      {T(1010), absl::Seconds(3), T(1000)},
      {T(1012), absl::Seconds(2), T(1001)},
  };
  ConsistencyResult r = CheckConsistency(s);
  ASSERT_TRUE(r.local_offset.has_value());
  EXPECT_EQ(r.local_offset->low, absl::Seconds(9));
  EXPECT_EQ(r.local_offset->high, absl::Seconds(13));
  ASSERT_TRUE(r.agreed.has_value());
  EXPECT_EQ(r.agreed->earliest, T(1010));
  EXPECT_EQ(r.agreed->latest, T(1013));
}

TEST(OfferTest, RequestOptionsFollowTheOfferedVersions) {
  PublicKey key{};
  key[0] = 7;
  RequestOptions def = MakeRequestOptions(DefaultOffer(), key, {});
  EXPECT_THAT(def.offered_wire_versions, ElementsAre(1u, 0x8000000cu));
  EXPECT_TRUE(def.server_key.has_value());
  EXPECT_TRUE(def.include_type);
  EXPECT_EQ(def.message_size, 1024u);

  RequestOptions d8 =
      MakeRequestOptions(SingleVersionOffer(Version::kDraft08), key, {});
  EXPECT_FALSE(d8.server_key.has_value());  // SRV arrived in draft-10
  EXPECT_FALSE(d8.include_type);            // TYPE arrived in draft-14

  RequestOptions d11 =
      MakeRequestOptions(SingleVersionOffer(Version::kDraft11), key, {});
  EXPECT_TRUE(d11.server_key.has_value());
  EXPECT_FALSE(d11.include_type);

  RequestOptions g =
      MakeRequestOptions(SingleVersionOffer(Version::kGoogle), key, {});
  EXPECT_TRUE(g.google);
  EXPECT_EQ(NonceSize(SingleVersionOffer(Version::kGoogle)), 64u);
  EXPECT_FALSE(IsChainable(SingleVersionOffer(Version::kGoogle)));
  EXPECT_TRUE(IsChainable(AnyIetfOffer()));
  EXPECT_EQ(DescribeOffer(DefaultOffer()), "1, 0x8000000c");
}

TEST(OfferTest, ListedVersionsMapToOffers) {
  EXPECT_EQ(OfferForListedVersion(1, std::nullopt, true), DefaultOffer());
  EXPECT_EQ(OfferForListedVersion(0x8000000b, std::nullopt, true),
            SingleVersionOffer(Version::kDraft11));
  EXPECT_EQ(OfferForListedVersion(3000600613u, std::nullopt, true),
            SingleVersionOffer(Version::kGoogle));
  EXPECT_EQ(OfferForListedVersion(std::nullopt, "ietf-roughtime", true),
            AnyIetfOffer());
  EXPECT_EQ(OfferForListedVersion(std::nullopt, std::nullopt, false),
            SingleVersionOffer(Version::kGoogle));
  EXPECT_FALSE(OfferForListedVersion(2, std::nullopt, true).has_value());
  EXPECT_FALSE(
      OfferForListedVersion(std::nullopt, "NTP", true).has_value());
}

TEST(SummaryTest, MergesConsecutiveIdenticalFailures) {
  std::vector<AttemptRecord> a(4);
  for (int i = 0; i < 4; ++i) a[i].number = i + 1;
  a[0].outcome = a[1].outcome = absl::DeadlineExceededError("no answer");
  a[2].outcome = absl::InvalidArgumentError("rejected reply: x");
  a[3].transport = TransportKind::kTcp;
  a[3].outcome = absl::UnavailableError("refused");
  EXPECT_EQ(SummarizeFailures(a),
            "udp attempts 1-2: no answer; udp attempt 3: rejected reply: x; "
            "tcp attempt 4: refused");
}

TEST(FormatTest, TimesAndDurations) {
  absl::Time t = absl::FromUnixMicros(1773685571'250000);
  EXPECT_EQ(FormatRfc3339(t), "2026-03-16T18:26:11.250000Z");
  EXPECT_EQ(FormatUnix(t), "1773685571.250000");
  EXPECT_EQ(FormatUnix(absl::FromUnixMicros(-1)), "-1.999999");
  EXPECT_EQ(FormatSeconds(absl::Milliseconds(-1500), true), "-1.500000");
  EXPECT_EQ(FormatSeconds(absl::Microseconds(412), true), "+0.000412");
  EXPECT_EQ(FormatSeconds(absl::Seconds(3), false), "3.000000");
}

}  // namespace
}  // namespace roughtime::client
