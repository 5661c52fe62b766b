// End to end: the real roughtimed, on loopback, answers every deployed
// client behaviour with a verified response, over IPv4 and IPv6, through
// both packet loops (plain and mmsg).
#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "root_key_fixture.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

class ClientsEndToEndTest
    : public RootKeyFixture<::testing::TestWithParam<std::string>> {
 protected:
  std::unique_ptr<ServerProcess> StartServer(std::vector<std::string> args) {
    args.insert(args.begin(), {"--root-key", key_path_, "--io=" + GetParam(),
                               "--workers=2", "--stats-interval=0"});
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }
};

TEST_P(ClientsEndToEndTest, EveryClientGetsAVerifiedAnswerOverIpv4AndIpv6) {
  auto server = StartServer({"--port=0"});
  ASSERT_NE(server, nullptr);
  absl::StatusOr<std::vector<SocketAddress>> bound = server->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  // The default is the dual-stack wildcard.
  EXPECT_EQ(bound->front().HostString(), "[::]");
  const uint16_t port = bound->front().port();
  ASSERT_NE(port, 0);
  EXPECT_TRUE(server->WaitForLine("io " + GetParam(), absl::Seconds(5)))
      << server->Output();

  const std::vector<ClientBehaviour> clients = DeployedClients();
  for (int family : {AF_INET, AF_INET6}) {
    for (const ClientBehaviour& client : clients) {
      absl::StatusOr<VerifiedResponse> verified =
          QueryAs(client, Loopback(family, port), root_.public_key());
      EXPECT_TRUE(verified.ok())
          << client.name << " over " << (family == AF_INET ? "IPv4" : "IPv6")
          << ": " << verified.status();
    }
  }

  ASSERT_EQ(server->Stop(SIGTERM), 0) << server->Output();
  const auto stats = ExitStats(server->Lines());
  ASSERT_FALSE(stats.empty()) << server->Output();
  const uint64_t n = 2 * clients.size();
  EXPECT_EQ(stats.at("received"), n);
  EXPECT_EQ(stats.at("requests"), n);
  EXPECT_EQ(stats.at("responses"), n);
  EXPECT_EQ(stats.at("dropped"), 0u);
  EXPECT_EQ(stats.at("send_errors"), 0u);
  // Three Google clients, two answered with version 1, ... on each family.
  size_t google = 0, rfc = 0, draft12 = 0, draft11 = 0, draft08 = 0;
  for (const ClientBehaviour& c : clients) {
    google += c.expected == Version::kGoogle;
    rfc += c.expected == Version::kRfc1;
    draft12 += c.expected == Version::kDraft12;
    draft11 += c.expected == Version::kDraft11;
    draft08 += c.expected == Version::kDraft08;
  }
  EXPECT_EQ(stats.at("ver_google"), 2 * google);
  EXPECT_EQ(stats.at("ver_1"), 2 * rfc);
  EXPECT_EQ(stats.at("ver_0x8000000c"), 2 * draft12);
  EXPECT_EQ(stats.at("ver_0x8000000b"), 2 * draft11);
  EXPECT_EQ(stats.at("ver_0x80000008"), 2 * draft08);
  // One query at a time (light load): each is answered as soon as the
  // socket is drained, alone in its batch, not held for a deadline.
  EXPECT_EQ(stats.at("batches"), n);
  EXPECT_EQ(stats.at("batch_1"), n);
  EXPECT_EQ(stats.at("flush_drained"), n);
  EXPECT_EQ(stats.at("signatures"), n);
}

TEST_P(ClientsEndToEndTest, ServesEverySpecificListenAddress) {
  // Repeated and comma-separated --listen, one per family.
  auto server = StartServer(
      {"--listen=127.0.0.1:0", "--listen", "[::1]:0,127.0.0.1:0"});
  ASSERT_NE(server, nullptr);
  absl::StatusOr<std::vector<SocketAddress>> bound =
      server->WaitForListening(3);
  ASSERT_TRUE(bound.ok()) << bound.status();
  ASSERT_EQ(bound->size(), 3u);
  EXPECT_EQ((*bound)[0].HostString(), "127.0.0.1");
  EXPECT_EQ((*bound)[1].HostString(), "[::1]");
  EXPECT_EQ((*bound)[2].HostString(), "127.0.0.1");
  const std::vector<ClientBehaviour> clients = DeployedClients();
  for (const SocketAddress& address : *bound) {
    ASSERT_NE(address.port(), 0);
    for (const ClientBehaviour& client : {clients[0], clients[1], clients[7]}) {
      absl::StatusOr<VerifiedResponse> verified =
          QueryAs(client, address, root_.public_key());
      EXPECT_TRUE(verified.ok()) << client.name << " at "
                                 << address.ToString() << ": "
                                 << verified.status();
    }
  }
  ASSERT_EQ(server->Stop(SIGINT), 0) << server->Output();
  EXPECT_EQ(ExitStats(server->Lines()).at("responses"), 9u);
}

INSTANTIATE_TEST_SUITE_P(Loops, ClientsEndToEndTest,
                         ::testing::Values("plain", "mmsg"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace roughtime::server::testing
