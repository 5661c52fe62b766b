// roughtimed over TCP (RFC 10049 §5), the real binary on loopback: every
// framed version answered and verified, many requests on one connection,
// and the limits: oversized packets, garbage, idle connections and the
// connection count each close a connection and are counted.
#include <sys/socket.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "roughtime/wire.h"
#include "root_key_fixture.h"
#include "shared_support.h"
#include "tcp_test_client.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

class TcpTest : public RootKeyFixture<> {
 protected:
  // Starts the server and returns its port (0 on failure).
  uint16_t Start(std::vector<std::string> args) {
    args.insert(args.begin(), "--stats-interval=0");
    return StartWithRootKey(std::move(args));
  }

  std::map<std::string, uint64_t> StopAndStats() {
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
    return ExitStats(server_->Lines());
  }
};

std::vector<ClientBehaviour> FramedClients() {
  std::vector<ClientBehaviour> framed;
  for (ClientBehaviour& c : DeployedClients()) {
    if (!c.google) framed.push_back(std::move(c));
  }
  return framed;
}

TEST_F(TcpTest, EveryFramedVersionIsAnsweredOverIpv4AndIpv6) {
  const uint16_t port = Start({});
  ASSERT_NE(port, 0);
  EXPECT_TRUE(server_->WaitForLine("listening on tcp [::]:", absl::Seconds(1)))
      << server_->Output();
  const std::vector<ClientBehaviour> clients = FramedClients();
  ASSERT_GE(clients.size(), 4u);
  for (int family : {AF_INET, AF_INET6}) {
    for (const ClientBehaviour& client : clients) {
      absl::StatusOr<TcpTestClient> tcp =
          TcpTestClient::Connect(Loopback(family, port));
      ASSERT_TRUE(tcp.ok()) << tcp.status();
      const BuiltRequest request = BuildClientRequest(client, root_.public_key());
      ASSERT_TRUE(tcp->Send(request.packet));
      std::optional<Bytes> reply = tcp->ReceivePacket(absl::Seconds(3));
      ASSERT_TRUE(reply.has_value()) << client.name;
      // Never more than the request (RFC 10049 §9.7).
      EXPECT_LE(reply->size(), request.packet.size());
      absl::StatusOr<VerifiedResponse> verified =
          VerifyAsClient(client, request, root_.public_key(), *reply);
      EXPECT_TRUE(verified.ok()) << client.name << ": " << verified.status();
    }
  }
  const auto stats = StopAndStats();
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("responses"), 2 * clients.size());
  EXPECT_EQ(stats.at("tcp_accepted"), 2 * clients.size());
  EXPECT_EQ(stats.at("tcp_garbage"), 0u);
}

TEST_F(TcpTest, ManyRequestsOnOneConnectionAreAllAnswered) {
  const uint16_t port = Start({});
  ASSERT_NE(port, 0);
  absl::StatusOr<TcpTestClient> tcp =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(tcp.ok()) << tcp.status();
  const ClientBehaviour client = FramedClients().front();
  constexpr size_t kRequests = 100;
  std::vector<BuiltRequest> requests;
  Bytes stream;
  for (size_t i = 0; i < kRequests; ++i) {
    requests.push_back(BuildClientRequest(client, root_.public_key()));
    stream.insert(stream.end(), requests.back().packet.begin(),
                  requests.back().packet.end());
  }
  // All back to back in one write: the server must cut them apart (and
  // will batch them).
  ASSERT_TRUE(tcp->Send(stream));
  std::vector<bool> answered(kRequests, false);
  for (size_t got = 0; got < kRequests; ++got) {
    std::optional<Bytes> reply = tcp->ReceivePacket(absl::Seconds(5));
    ASSERT_TRUE(reply.has_value()) << "after " << got << " answers";
    // Answers may come in any order: find the request it verifies for.
    bool matched = false;
    for (size_t i = 0; i < kRequests && !matched; ++i) {
      if (answered[i]) continue;
      if (VerifyAsClient(client, requests[i], root_.public_key(), *reply)
              .ok()) {
        answered[i] = matched = true;
      }
    }
    EXPECT_TRUE(matched) << "answer " << got << " verifies for no request";
  }
  const auto stats = StopAndStats();
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("responses"), kRequests);
  EXPECT_EQ(stats.at("tcp_accepted"), 1u);
  // Sent in one write, so they shared signatures.
  EXPECT_LT(stats.at("signatures"), kRequests);
}

TEST_F(TcpTest, OversizedPacketClosesTheConnection) {
  const uint16_t port = Start({});
  ASSERT_NE(port, 0);
  absl::StatusOr<TcpTestClient> tcp =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(tcp.ok());
  // A header announcing a 4000-byte message: more than a request may be.
  uint8_t header[kFrameHeaderSize];
  WriteFrameHeader(header, 4000);
  ASSERT_TRUE(tcp->Send(ByteSpan(header, sizeof(header))));
  EXPECT_TRUE(tcp->WaitForClose(absl::Seconds(3)));
  const auto stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_oversize"), 1u);
  EXPECT_EQ(stats.at("responses"), 0u);
}

TEST_F(TcpTest, GarbageAndGoogleRequestsCloseTheConnection) {
  const uint16_t port = Start({});
  ASSERT_NE(port, 0);
  {
    absl::StatusOr<TcpTestClient> tcp =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    ASSERT_TRUE(tcp.ok());
    const std::string http = "GET / HTTP/1.0\r\n\r\n";
    ASSERT_TRUE(tcp->Send(ByteSpan(
        reinterpret_cast<const uint8_t*>(http.data()), http.size())));
    EXPECT_TRUE(tcp->WaitForClose(absl::Seconds(3)));
  }
  {
    // Google-Roughtime has no frame, so a stream cannot carry it.
    ClientBehaviour google;
    for (const ClientBehaviour& c : DeployedClients()) {
      if (c.google) google = c;
    }
    ASSERT_TRUE(google.google);
    absl::StatusOr<TcpTestClient> tcp =
        TcpTestClient::Connect(Loopback(AF_INET6, port));
    ASSERT_TRUE(tcp.ok());
    ASSERT_TRUE(
        tcp->Send(BuildClientRequest(google, root_.public_key()).packet));
    EXPECT_TRUE(tcp->WaitForClose(absl::Seconds(3)));
  }
  const auto stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_garbage"), 2u);
  EXPECT_EQ(stats.at("responses"), 0u);
}

TEST_F(TcpTest, IdleConnectionsAreClosed) {
  const uint16_t port = Start({"--tcp-idle-timeout=300ms"});
  ASSERT_NE(port, 0);
  absl::StatusOr<TcpTestClient> tcp =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(tcp.ok());
  // A client that answers once, then falls silent, is closed too.
  const ClientBehaviour client = FramedClients().front();
  ASSERT_TRUE(tcp->Send(BuildClientRequest(client, root_.public_key()).packet));
  EXPECT_TRUE(tcp->ReceivePacket(absl::Seconds(3)).has_value());
  const absl::Time start = absl::Now();
  EXPECT_TRUE(tcp->WaitForClose(absl::Seconds(5)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
  const auto stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_idle"), 1u);
}

TEST_F(TcpTest, ConnectionsOverTheLimitAreRefused) {
  const uint16_t port = Start({"--tcp-max-connections=2"});
  ASSERT_NE(port, 0);
  std::vector<TcpTestClient> open;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<TcpTestClient> tcp =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    ASSERT_TRUE(tcp.ok());
    open.push_back(*std::move(tcp));
  }
  // Make sure the server has taken both before the third arrives.
  const ClientBehaviour client = FramedClients().front();
  for (TcpTestClient& tcp : open) {
    ASSERT_TRUE(tcp.Send(BuildClientRequest(client, root_.public_key()).packet));
    EXPECT_TRUE(tcp.ReceivePacket(absl::Seconds(3)).has_value());
  }
  absl::StatusOr<TcpTestClient> third =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(third.ok());  // the kernel accepts; the server then closes
  EXPECT_TRUE(third->WaitForClose(absl::Seconds(3)));
  const auto stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_refused"), 1u);
  EXPECT_EQ(stats.at("tcp_accepted"), 2u);
}

TEST_F(TcpTest, NoTcpServesUdpOnly) {
  const uint16_t port = Start({"--notcp"});
  ASSERT_NE(port, 0);
  EXPECT_FALSE(TcpTestClient::Connect(Loopback(AF_INET, port)).ok());
  EXPECT_EQ(server_->Output().find("listening on tcp"), std::string::npos);
  StopAndStats();
}

}  // namespace
}  // namespace roughtime::server::testing
