// Each kind of bad answer is rejected with its own reason; grease that only
// adds undefined tags is accepted; a rejected answer counts as a failed
// attempt and the next attempt is a fresh request after the backoff.
#include <string>
#include <vector>

#include "client/packet_fields.h"
#include "client/query.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query_options.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"
#include "test_server.h"

namespace roughtime::testing {
namespace {

using client::QueryOutcome;
using ::testing::HasSubstr;

struct FaultCase {
  const char* name;
  Fault fault;
  uint32_t missing_tag;
  bool expired_delegation;
  bool force_draft12_offer_only_v1;
  const char* reason;
};

TestServerOptions ServerOptionsFor(const FaultCase& c) {
  TestServerOptions o;
  o.fault = c.fault;
  o.missing_tag = c.missing_tag;
  o.expired_delegation = c.expired_delegation;
  if (c.force_draft12_offer_only_v1) o.force_version = Version::kDraft12;
  return o;
}

client::Offer OfferFor(const FaultCase& c) {
  return c.force_draft12_offer_only_v1
             ? client::SingleVersionOffer(Version::kRfc1)
             : client::DefaultOffer();
}

class RejectedTest : public ::testing::TestWithParam<FaultCase> {};

TEST_P(RejectedTest, EveryAttemptIsRejectedWithTheReason) {
  const FaultCase& c = GetParam();
  auto server = TestServer::Start(ServerOptionsFor(c));
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<absl::Duration> waits;
  client::QueryOptions q = OptionsFor(**server, &waits, OfferFor(c));
  QueryOutcome outcome = client::Query(q);
  ASSERT_FALSE(outcome.status.ok());
  ASSERT_EQ(outcome.attempts.size(), 2u);
  for (const client::AttemptRecord& a : outcome.attempts) {
    EXPECT_THAT(a.outcome.message(), HasSubstr("rejected reply: "));
    EXPECT_THAT(a.outcome.message(), HasSubstr(c.reason));
  }
  EXPECT_THAT(outcome.status.message(), HasSubstr(c.reason));
  // A rejection is a failure: the client backed off, then sent a fresh
  // request (a new nonce), §5.
  EXPECT_THAT(waits, ::testing::ElementsAre(absl::Seconds(1)));
  std::vector<Bytes> requests = (*server)->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(client::ParseRequestFields(requests[0])->nonce,
            client::ParseRequestFields(requests[1])->nonce);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RejectedTest,
    ::testing::Values(
        FaultCase{"BadSrepSignature", Fault::kBadSrepSignature, 0, false,
                  false, "response signature (SIG over SREP) does not verify"},
        FaultCase{"BadDeleSignature", Fault::kBadDeleSignature, 0, false,
                  false, "delegation signature (CERT.SIG) does not verify"},
        FaultCase{"ExpiredDelegation", Fault::kNone, 0, true, false,
                  "outside the delegation window"},
        FaultCase{"WrongPath", Fault::kWrongPath, 0, false, false,
                  "Merkle proof fails"},
        FaultCase{"WrongIndex", Fault::kWrongIndex, 0, false, false,
                  "Merkle proof fails"},
        FaultCase{"VersionNotOffered", Fault::kNone, 0, false, true,
                  "version not offered: server chose 0x8000000c"},
        FaultCase{"MissingCert", Fault::kMissingTag, kTagCert, false, false,
                  "missing tag CERT"},
        FaultCase{"MissingSrep", Fault::kMissingTag, kTagSrep, false, false,
                  "missing tag SREP"},
        FaultCase{"MissingSig", Fault::kMissingTag, kTagSig, false, false,
                  "missing tag SIG"},
        FaultCase{"MissingType", Fault::kMissingTag, kTagType, false, false,
                  "missing tag TYPE"},
        FaultCase{"MissingPath", Fault::kMissingTag, kTagPath, false, false,
                  "missing tag PATH"},
        FaultCase{"MissingIndx", Fault::kMissingTag, kTagIndx, false, false,
                  "missing tag INDX"},
        FaultCase{"MissingNonc", Fault::kMissingTag, kTagNonc, false, false,
                  "missing tag NONC"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(GreaseTest, UndefinedExtraTagsAreAccepted) {
  TestServerOptions o;
  o.fault = Fault::kUndefinedTag;
  auto server = TestServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status();
  QueryOutcome outcome = client::Query(OptionsFor(**server, nullptr));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_EQ(outcome.attempts.size(), 1u);
  // The answer accepted really carried the undefined tag.
  absl::StatusOr<ByteSpan> msg =
      client::TopLevelMessage(outcome.exchange->response);
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(MessageView::Parse(*msg)->Has(MakeTag('G', 'R', 'E', 'A')));
}

TEST(GreaseTest, GreasedAnswerIsRejectedAndTheNextAttemptSucceeds) {
  TestServerOptions o;
  o.fault = Fault::kBadDeleSignature;
  o.faulty_replies = 1;
  auto server = TestServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<absl::Duration> waits;
  QueryOutcome outcome = client::Query(OptionsFor(**server, &waits));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  ASSERT_EQ(outcome.attempts.size(), 2u);
  EXPECT_THAT(outcome.attempts[0].outcome.message(),
              HasSubstr("delegation signature"));
  EXPECT_TRUE(outcome.attempts[1].outcome.ok());
  EXPECT_THAT(waits, ::testing::ElementsAre(absl::Seconds(1)));
}

TEST(NonceTest, ReplyForAnotherNonceIsIgnoredAndWaitingContinues) {
  TestServerOptions o;
  o.fault = Fault::kStrayThenValid;
  auto server = TestServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status();
  QueryOutcome outcome = client::Query(OptionsFor(**server, nullptr));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  ASSERT_EQ(outcome.attempts.size(), 1u);
  EXPECT_EQ(outcome.attempts[0].ignored_replies, 1);
  EXPECT_EQ((*server)->replies().size(), 2u);
}

TEST(NonceTest, OnlyWrongNoncesMeansNoAnswer) {
  TestServerOptions o;
  o.fault = Fault::kWrongNonce;
  auto server = TestServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status();
  QueryOutcome outcome = client::Query(OptionsFor(**server, nullptr));
  ASSERT_FALSE(outcome.status.ok());
  ASSERT_EQ(outcome.attempts.size(), 2u);
  EXPECT_THAT(outcome.attempts[0].outcome.message(),
              HasSubstr("no answer within 300ms (ignored 1 reply whose "
                        "NONC was not ours)"));
}

TEST(SilenceTest, NoAnswerIsATimeout) {
  TestServerOptions o;
  o.fault = Fault::kSilent;
  auto server = TestServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status();
  client::QueryOptions q = OptionsFor(**server, nullptr);
  q.retry.mode = client::TransportMode::kUdpThenTcp;
  q.retry.timeout = absl::Milliseconds(150);
  QueryOutcome outcome = client::Query(q);
  ASSERT_FALSE(outcome.status.ok());
  EXPECT_THAT(outcome.status.message(),
              HasSubstr("udp attempts 1-2: no answer within 150ms; tcp "
                        "attempt 3: no answer within 150ms"));
  EXPECT_EQ((*server)->udp_requests(), 2);
  EXPECT_EQ((*server)->tcp_requests(), 1);
}

}  // namespace
}  // namespace roughtime::testing

namespace roughtime::testing {
namespace {

TEST(PreRfcContextsTest, RejectedByDefaultAcceptedWhenAllowed) {
  TestServerOptions o;
  o.pre_rfc_contexts = true;
  auto server = TestServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status();
  client::QueryOptions q = OptionsFor(**server, nullptr);
  q.retry.retries = 0;
  QueryOutcome strict = client::Query(q);
  ASSERT_FALSE(strict.status.ok());
  EXPECT_THAT(strict.status.message(),
              HasSubstr("pre-RFC 'RoughTime' (capital T) context"));

  q.allow_pre_rfc_contexts = true;
  QueryOutcome lenient = client::Query(q);
  ASSERT_TRUE(lenient.status.ok()) << lenient.status;
  EXPECT_TRUE(lenient.exchange->verified.pre_rfc_contexts);
  EXPECT_EQ(lenient.exchange->verified.version, Version::kRfc1);
}

}  // namespace
}  // namespace roughtime::testing
