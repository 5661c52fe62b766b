// The client library against in-test servers on loopback: every version,
// UDP and TCP, the UDP->TCP fallback, backoff and each kind of bad answer.
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "client/query.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query_options.h"
#include "roughtime/tags.h"
#include "test_server.h"

namespace roughtime::testing {
namespace {

using client::Offer;
using client::QueryOutcome;
using client::TransportKind;
using client::TransportMode;
using ::testing::HasSubstr;

std::unique_ptr<TestServer> StartServer(TestServerOptions o = {}) {
  absl::StatusOr<std::unique_ptr<TestServer>> s = TestServer::Start(o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

void ExpectPlausibleAnswer(const QueryOutcome& q, Version version) {
  ASSERT_TRUE(q.status.ok()) << q.status;
  ASSERT_TRUE(q.exchange.has_value());
  const client::Exchange& e = *q.exchange;
  EXPECT_EQ(e.verified.version, version);
  EXPECT_LT(absl::AbsDuration(e.verified.midpoint - absl::Now()),
            absl::Seconds(3));
  EXPECT_EQ(e.verified.radius, absl::Seconds(3));
  EXPECT_GT(e.rtt, absl::ZeroDuration());
  EXPECT_LT(e.rtt, absl::Seconds(1));
  // IETF versions round MIDP to whole seconds, so the offset stays within
  // half a second plus scheduling noise.
  EXPECT_LT(absl::AbsDuration(e.offset()), absl::Seconds(1));
  // The server's batch had 4 requests: PATH has 2 hashes and INDX is ours.
  EXPECT_EQ(e.verified.path_length, 2u);
  EXPECT_EQ(e.verified.index, 1u);
}

struct VersionCase {
  const char* name;
  Version version;
};

class EveryVersionTest : public ::testing::TestWithParam<VersionCase> {};

TEST_P(EveryVersionTest, UdpOnIpv4AndIpv6) {
  for (const char* host : {"127.0.0.1", "::1"}) {
    SCOPED_TRACE(host);
    TestServerOptions o;
    o.host = host;
    auto server = StartServer(o);
    ASSERT_NE(server, nullptr);
    absl::StatusOr<Version> v = ParseVersionName(GetParam().name);
    ASSERT_TRUE(v.ok()) << v.status();
    client::QueryOptions q =
        OptionsFor(*server, nullptr, client::SingleVersionOffer(*v));
    QueryOutcome outcome = client::Query(q);
    ExpectPlausibleAnswer(outcome, GetParam().version);
    EXPECT_EQ(outcome.exchange->transport, TransportKind::kUdp);
    EXPECT_EQ(server->udp_requests(), 1);
    EXPECT_EQ(server->tcp_requests(), 0);
  }
}

TEST_P(EveryVersionTest, TcpWhenFramed) {
  if (GetParam().version == Version::kGoogle) {
    // Google packets have no frame; the client refuses TCP for them.
    auto server = StartServer();
    client::QueryOptions q = OptionsFor(
        *server, nullptr, client::SingleVersionOffer(Version::kGoogle));
    q.retry.mode = TransportMode::kTcp;
    QueryOutcome outcome = client::Query(q);
    EXPECT_FALSE(outcome.status.ok());
    EXPECT_THAT(outcome.status.message(), HasSubstr("TCP"));
    EXPECT_EQ(server->tcp_requests(), 0);
    return;
  }
  for (const char* host : {"127.0.0.1", "::1"}) {
    SCOPED_TRACE(host);
    TestServerOptions o;
    o.host = host;
    auto server = StartServer(o);
    ASSERT_NE(server, nullptr);
    client::QueryOptions q = OptionsFor(
        *server, nullptr, client::SingleVersionOffer(GetParam().version));
    q.retry.mode = TransportMode::kTcp;
    QueryOutcome outcome = client::Query(q);
    ExpectPlausibleAnswer(outcome, GetParam().version);
    EXPECT_EQ(outcome.exchange->transport, TransportKind::kTcp);
    EXPECT_EQ(server->tcp_requests(), 1);
    EXPECT_EQ(server->udp_requests(), 0);
    // Requests on TCP are padded like datagrams (§5, §9.7).
    EXPECT_EQ(server->requests().at(0).size(), 1036u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Versions, EveryVersionTest,
    ::testing::Values(VersionCase{"google", Version::kGoogle},
                      VersionCase{"draft-08", Version::kDraft08},
                      VersionCase{"draft-09", Version::kDraft09},
                      VersionCase{"draft-10", Version::kDraft10},
                      VersionCase{"draft-11", Version::kDraft11},
                      VersionCase{"0x8000000c", Version::kDraft12},
                      VersionCase{"1", Version::kRfc1}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& c : n) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return n;
    });

TEST(QueryTest, DefaultOfferIsAnsweredWithVersion1In1036BytePackets) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  QueryOutcome outcome = client::Query(OptionsFor(*server, nullptr));
  ExpectPlausibleAnswer(outcome, Version::kRfc1);
  EXPECT_EQ(outcome.exchange->request.size(), 1036u);
  EXPECT_EQ(outcome.exchange->request, server->requests().at(0));
  EXPECT_EQ(outcome.exchange->response, server->replies().at(0));
}

TEST(QueryTest, FallsBackToTcpWhenUdpStaysSilent) {
  TestServerOptions o;
  o.udp_silent = true;
  auto server = StartServer(o);
  ASSERT_NE(server, nullptr);
  std::vector<absl::Duration> waits;
  client::QueryOptions q = OptionsFor(*server, &waits);
  q.retry.mode = TransportMode::kUdpThenTcp;
  q.retry.timeout = absl::Milliseconds(200);
  QueryOutcome outcome = client::Query(q);
  ExpectPlausibleAnswer(outcome, Version::kRfc1);
  EXPECT_EQ(outcome.exchange->transport, TransportKind::kTcp);
  ASSERT_EQ(outcome.attempts.size(), 3u);
  EXPECT_EQ(outcome.attempts[0].transport, TransportKind::kUdp);
  EXPECT_EQ(outcome.attempts[1].transport, TransportKind::kUdp);
  EXPECT_EQ(outcome.attempts[2].transport, TransportKind::kTcp);
  EXPECT_THAT(outcome.attempts[0].outcome.message(),
              HasSubstr("no answer within"));
  EXPECT_TRUE(outcome.attempts[2].outcome.ok());
  // RFC 10049 §5 backoff: 1 s after one failure, 1.5 s after two.
  EXPECT_THAT(waits, ::testing::ElementsAre(absl::Seconds(1),
                                            absl::Milliseconds(1500)));
  EXPECT_EQ(server->udp_requests(), 2);
  EXPECT_EQ(server->tcp_requests(), 1);
}

TEST(QueryTest, UdpOnlyModeDoesNotFallBack) {
  TestServerOptions o;
  o.udp_silent = true;
  auto server = StartServer(o);
  ASSERT_NE(server, nullptr);
  client::QueryOptions q = OptionsFor(*server, nullptr);
  q.retry.timeout = absl::Milliseconds(100);
  QueryOutcome outcome = client::Query(q);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_EQ(outcome.attempts.size(), 2u);
  EXPECT_EQ(server->tcp_requests(), 0);
  EXPECT_THAT(outcome.status.message(),
              HasSubstr("udp attempts 1-2: no answer within 100ms"));
}

// RFC 10049 §5: packets travel back to back on one stream; the transport
// reads each frame header and then exactly the announced message.
TEST(QueryTest, TcpTransportReadsBackToBackFrames) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  absl::StatusOr<client::HostPort> hp = client::ParseHostPort(server->address());
  ASSERT_TRUE(hp.ok());
  absl::StatusOr<std::unique_ptr<client::Transport>> tcp =
      client::OpenTcp(*hp, absl::Seconds(1));
  ASSERT_TRUE(tcp.ok()) << tcp.status();
  std::vector<BuiltRequest> sent;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<BuiltRequest> r = BuildRequest(client::MakeRequestOptions(
        client::DefaultOffer(), server->public_key(), {}));
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE((*tcp)->Send(r->packet).ok());
    sent.push_back(*std::move(r));
  }
  for (const BuiltRequest& r : sent) {
    absl::StatusOr<Bytes> reply = (*tcp)->Receive(absl::Seconds(2));
    ASSERT_TRUE(reply.ok()) << reply.status();
    VerifyOptions v;
    v.root_public_key = server->public_key();
    v.request_packet = r.packet;
    v.nonce = r.nonce;
    EXPECT_TRUE(VerifyResponse(*reply, v).ok());
  }
  EXPECT_EQ(server->tcp_requests(), 2);
  EXPECT_TRUE(absl::IsDeadlineExceeded(
      (*tcp)->Receive(absl::Milliseconds(50)).status()));
}

TEST(QueryTest, BackoffFollowsRfcFormulaAndIsCapped) {
  EXPECT_EQ(client::BackoffDelay(1, absl::Seconds(1)), absl::Seconds(1));
  EXPECT_EQ(client::BackoffDelay(2, absl::Seconds(1)),
            absl::Milliseconds(1500));
  EXPECT_EQ(client::BackoffDelay(3, absl::Seconds(1)),
            absl::Milliseconds(2250));
  EXPECT_EQ(client::BackoffDelay(60, absl::Seconds(1)), absl::Seconds(86400));
  EXPECT_EQ(client::BackoffDelay(0, absl::Seconds(1)), absl::ZeroDuration());
}

TEST(QueryTest, MaxWaitBoundsTheWholeQuery) {
  TestServerOptions o;
  o.fault = Fault::kSilent;
  o.tcp = false;
  auto server = StartServer(o);
  ASSERT_NE(server, nullptr);
  std::vector<absl::Duration> waits;
  client::QueryOptions q = OptionsFor(*server, &waits);
  q.retry.timeout = absl::Milliseconds(100);
  q.retry.retries = 10;
  q.retry.max_wait = absl::Seconds(3);
  QueryOutcome outcome = client::Query(q);
  EXPECT_FALSE(outcome.status.ok());
  // 0.1 + 1 + 0.1 + 1.5 + 0.1 = 2.8 s; the next wait (2.25 s) would pass 3 s.
  EXPECT_EQ(outcome.attempts.size(), 3u);
  EXPECT_EQ(waits.size(), 2u);
  EXPECT_THAT(outcome.status.message(), HasSubstr("gave up"));
  EXPECT_EQ(server->udp_requests(), 3);
}

TEST(QueryTest, ConnectionRefusedIsReportedPrecisely) {
  // Reserve a port, then close it so nothing listens there.
  uint16_t port;
  {
    auto server = StartServer();
    ASSERT_NE(server, nullptr);
    port = server->port();
  }
  client::QueryOptions q;
  q.target.udp = q.target.tcp = client::HostPort{"127.0.0.1", port};
  q.retry.retries = 0;
  q.retry.mode = TransportMode::kUdpThenTcp;
  q.sleep = [](absl::Duration) {};
  QueryOutcome outcome = client::Query(q);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_THAT(outcome.status.message(), HasSubstr("connection refused"));
  EXPECT_THAT(outcome.status.message(), HasSubstr("Connection refused"));
}

TEST(QueryTest, OffsetComparesServerTimeWithTheLocalClock) {
  TestServerOptions o;
  o.clock_offset = absl::Hours(2);
  auto server = StartServer(o);
  ASSERT_NE(server, nullptr);
  client::QueryOptions q = OptionsFor(*server, nullptr);
  // Our own clock is made to run 30 minutes slow as well.
  q.now = [] { return absl::Now() - absl::Minutes(30); };
  QueryOutcome outcome = client::Query(q);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_LT(absl::AbsDuration(outcome.exchange->offset() -
                              absl::Minutes(150)),
            absl::Seconds(1));
}

}  // namespace
}  // namespace roughtime::testing
