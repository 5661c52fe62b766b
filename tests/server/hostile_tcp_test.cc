// The adversarial corpus over TCP, and the versions a server does not
// serve, against the real roughtimed on loopback. No hostile stream gets a
// single response, none stops the server, and each is counted exactly by
// its reason (drop_* for whole frames the parser refused, tcp_* for streams
// cut off before a frame), read from the interval stats lines.
#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "adversarial_fixture.h"
#include "gtest/gtest.h"
#include "hostile_packets.h"
#include "hostile_tcp.h"

namespace roughtime::server::testing {
namespace {

constexpr uint64_t kCopies = 3;

uint64_t DropCounters(const std::vector<std::string>& counters) {
  uint64_t n = 0;
  for (const std::string& c : counters) n += absl::StartsWith(c, "drop_");
  return n;
}

Bytes Repeated(const Bytes& bytes, uint64_t times) {
  Bytes out;
  for (uint64_t i = 0; i < times; ++i) {
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

TEST_F(AdversarialTest, EveryHostileStreamIsUnansweredAndCountedExactly) {
  const uint16_t port = Start({"--tcp-idle-timeout=500ms"});
  ASSERT_NE(port, 0);
  Stats expected;
  // A valid request on its own connection, closed by us afterwards.
  auto expect_alive = [&] {
    absl::StatusOr<TcpTestClient> fresh =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    EXPECT_TRUE(AnsweredOverTcp(*fresh)) << server_->Output();
    for (const char* c : {"tcp_accepted", "tcp_closed", "received",
                          "requests", "responses"}) {
      ++expected[c];
    }
  };

  const std::vector<HostileTcpRow> rows = HostileTcpRows(root_.public_key());
  ASSERT_GT(rows.size(), HostileUdpRows(root_.public_key()).size());
  for (const HostileTcpRow& row : rows) {
    SCOPED_TRACE(row.name);
    {
      absl::StatusOr<TcpTestClient> tcp =
          TcpTestClient::Connect(Loopback(AF_INET6, port));
      ASSERT_TRUE(tcp.ok()) << tcp.status();
      ++expected["tcp_accepted"];
      if (row.fate == TcpFate::kKeptOpen) {
        ASSERT_TRUE(IsOneFrame(row.stream)) << "the table is wrong";
        // The hostile frames, then a valid request on the same connection:
        // the first packet back must be the valid request's answer.
        const BuiltRequest request = Good();
        Bytes stream = Repeated(row.stream, kCopies);
        stream.insert(stream.end(), request.packet.begin(),
                      request.packet.end());
        ASSERT_TRUE(tcp->Send(stream));
        std::optional<Bytes> reply = tcp->ReceivePacket(absl::Seconds(3));
        ASSERT_TRUE(reply.has_value()) << server_->Output();
        EXPECT_TRUE(Verifies(*reply, request))
            << "the first reply does not answer the valid request";
        EXPECT_FALSE(tcp->ReceivePacket(absl::Milliseconds(100)).has_value())
            << "a hostile frame was answered";
        EXPECT_FALSE(tcp->closed());
        for (const std::string& c : row.counters) expected[c] += kCopies;
        expected["received"] += kCopies * DropCounters(row.counters) + 1;
        ++expected["requests"];
        ++expected["responses"];
        ++expected["tcp_closed"];  // by us, below
      } else {
        // A send may fail: the server can close while the bytes still go.
        static_cast<void>(tcp->Send(row.stream));
        const absl::Time start = absl::Now();
        EXPECT_FALSE(tcp->ReceivePacket(absl::Seconds(3)).has_value())
            << "a hostile stream was answered";
        EXPECT_TRUE(tcp->closed()) << "still open after "
                                   << absl::Now() - start;
        for (const std::string& c : row.counters) ++expected[c];
        expected["received"] += DropCounters(row.counters);
      }
    }  // closes the connection
    expect_alive();
    ExpectCountersSettle(expected);
    if (HasFailure()) break;  // the later counters would all differ too
  }
  EXPECT_EQ(StopAndStats()["responses"], expected["responses"]);
}

// --versions=1: requests offering only drafts or Google-Roughtime are
// dropped (RFC 10049 §5.1.1: nothing offered that the server speaks) over
// UDP and over TCP, and counted as drop_no_common_version.
TEST_F(AdversarialTest, VersionsNotServedAreDroppedAndCounted) {
  const uint16_t port = Start({"--versions=1", "--no-kernel-filter"});
  ASSERT_NE(port, 0);
  absl::StatusOr<UdpTestClient> udp = UdpTestClient::Open(AF_INET);
  ASSERT_TRUE(udp.ok());
  const SocketAddress target = Loopback(AF_INET, port);
  Stats expected;
  for (const UnservedVersionRow& row :
       UnservedVersionRows(root_.public_key())) {
    SCOPED_TRACE(row.name);
    ASSERT_FALSE(row.request.packet.empty());
    for (uint64_t i = 0; i < kCopies; ++i) {
      ASSERT_TRUE(udp->SendTo(target, row.request.packet));
    }
    // The valid request (versions 1 and 0x8000000c offered) sent after
    // them is the only datagram answered.
    EXPECT_TRUE(Answered(*udp, target)) << server_->Output();
    EXPECT_FALSE(udp->Receive(absl::Milliseconds(100)).has_value())
        << "a request for an unserved version was answered";
    expected["drop_no_common_version"] += kCopies;
    expected["received"] += kCopies + 1;
    ++expected["requests"];
    ++expected["responses"];
    if (!row.google) {  // Google-Roughtime has no frame, so no TCP
      absl::StatusOr<TcpTestClient> tcp = TcpTestClient::Connect(target);
      ASSERT_TRUE(tcp.ok());
      const BuiltRequest request = Good();
      Bytes stream = Repeated(row.request.packet, kCopies);
      stream.insert(stream.end(), request.packet.begin(),
                    request.packet.end());
      ASSERT_TRUE(tcp->Send(stream));
      std::optional<Bytes> reply = tcp->ReceivePacket(absl::Seconds(3));
      ASSERT_TRUE(reply.has_value());
      EXPECT_TRUE(Verifies(*reply, request));
      EXPECT_FALSE(tcp->ReceivePacket(absl::Milliseconds(100)).has_value());
      expected["drop_no_common_version"] += kCopies;
      expected["received"] += kCopies + 1;
      ++expected["requests"];
      ++expected["responses"];
      ++expected["tcp_accepted"];
      ++expected["tcp_closed"];  // by us, at the end of this block
    }
    ExpectCountersSettle(expected);
  }
  // Version 1 alone is answered, as version 1.
  RequestOptions v1_only;
  v1_only.offered_wire_versions = {0x00000001};
  v1_only.server_key = root_.public_key();
  absl::StatusOr<BuiltRequest> request = BuildRequest(v1_only);
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(udp->SendTo(target, request->packet));
  std::optional<Datagram> reply = udp->Receive(absl::Seconds(3));
  ASSERT_TRUE(reply.has_value());
  VerifyOptions v;
  v.root_public_key = root_.public_key();
  v.request_packet = request->packet;
  v.nonce = request->nonce;
  v.offered_wire_versions = v1_only.offered_wire_versions;
  absl::StatusOr<VerifiedResponse> verified = VerifyResponse(reply->data, v);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->version, Version::kRfc1);
  const Stats stats = StopAndStats();
  EXPECT_EQ(stats.at("drop_no_common_version"),
            expected["drop_no_common_version"]);
  EXPECT_EQ(stats.at("responses"), expected["responses"] + 1);
}

// The control for the test above: the same requests are well-formed, so a
// server serving every version answers each with the version offered.
TEST_F(AdversarialTest, UnservedVersionRowsAreAnsweredWhenServed) {
  const uint16_t port = Start({"--no-kernel-filter"});
  ASSERT_NE(port, 0);
  absl::StatusOr<UdpTestClient> udp = UdpTestClient::Open(AF_INET6);
  ASSERT_TRUE(udp.ok());
  for (const UnservedVersionRow& row :
       UnservedVersionRows(root_.public_key())) {
    SCOPED_TRACE(row.name);
    ASSERT_TRUE(udp->SendTo(Loopback(AF_INET6, port), row.request.packet));
    std::optional<Datagram> reply = udp->Receive(absl::Seconds(3));
    ASSERT_TRUE(reply.has_value()) << server_->Output();
    VerifyOptions v;
    v.root_public_key = root_.public_key();
    v.request_packet = row.request.packet;
    v.nonce = row.request.nonce;
    v.offered_wire_versions = row.offered;
    v.google = row.google;
    absl::StatusOr<VerifiedResponse> verified =
        VerifyResponse(reply->data, v);
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_EQ(verified->version, row.answered_with);
  }
  EXPECT_EQ(StopAndStats().at("drop_no_common_version"), 0u);
}

}  // namespace
}  // namespace roughtime::server::testing
