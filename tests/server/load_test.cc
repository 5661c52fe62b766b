// Many requests at once: 200 requests sent in one burst are all answered,
// every answer verifies, and the counters show far fewer signatures than
// requests (batches share one Merkle tree and signature per version).
#include <sys/socket.h>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

constexpr size_t kRequests = 200;

// Sends kRequests RFC requests at once to a server started with `args`,
// checks every answer, and returns the server's exit counters.
std::map<std::string, uint64_t> RunBurst(std::vector<std::string> args) {
  TempDir dir;
  const SigningKey root = SigningKey::Generate();
  const std::string key = dir.File("root.key");
  EXPECT_TRUE(WriteSeedHexFile(key, root.seed(), 0600));
  args.insert(args.end(), {"--root-key", key, "--listen=127.0.0.1:0",
                           "--workers=2", "--stats-interval=0"});
  std::unique_ptr<ServerProcess> server;
  const std::optional<SocketAddress> bound = StartServer(args, &server);
  if (!bound) return {};
  const SocketAddress target = *bound;

  // An RFC client (the common case); every response carries NONC, which
  // matches it to its request.
  ClientBehaviour client;
  for (const ClientBehaviour& c : DeployedClients()) {
    if (c.name == "Rfc1") client = c;
  }
  std::vector<BuiltRequest> requests;
  std::map<Bytes, size_t> by_nonce;
  for (size_t i = 0; i < kRequests; ++i) {
    requests.push_back(BuildClientRequest(client, root.public_key()));
    by_nonce[requests.back().nonce] = i;
  }
  absl::StatusOr<UdpTestClient> socket = UdpTestClient::Open(AF_INET);
  EXPECT_TRUE(socket.ok());
  if (!socket.ok()) return {};

  // Receive concurrently so no answer waits in a full socket buffer.
  std::vector<Datagram> replies;
  std::thread receiver([&] {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (replies.size() < kRequests && absl::Now() < deadline) {
      std::optional<Datagram> d = socket->Receive(absl::Milliseconds(200));
      if (d.has_value()) replies.push_back(*std::move(d));
    }
  });
  for (const BuiltRequest& r : requests) {
    EXPECT_TRUE(socket->SendTo(target, r.packet));
  }
  receiver.join();
  EXPECT_EQ(replies.size(), kRequests);

  std::vector<bool> answered(kRequests, false);
  size_t verified = 0;
  for (const Datagram& d : replies) {
    absl::StatusOr<ByteSpan> message = UnwrapFrame(d.data);
    if (!message.ok()) continue;
    absl::StatusOr<MessageView> view = MessageView::Parse(*message);
    if (!view.ok()) continue;
    std::optional<ByteSpan> nonce = view->Find(kTagNonc);
    if (!nonce.has_value()) continue;
    auto it = by_nonce.find(Bytes(nonce->begin(), nonce->end()));
    if (it == by_nonce.end() || answered[it->second]) continue;
    answered[it->second] = true;
    absl::StatusOr<VerifiedResponse> v =
        VerifyAsClient(client, requests[it->second], root.public_key(), d.data);
    EXPECT_TRUE(v.ok()) << v.status();
    verified += v.ok();
  }
  EXPECT_EQ(verified, kRequests);

  EXPECT_EQ(server->Stop(SIGTERM), 0) << server->Output();
  auto stats = ExitStats(server->Lines());
  EXPECT_FALSE(stats.empty()) << server->Output();
  if (stats.empty()) return {};
  EXPECT_EQ(stats.at("requests"), kRequests);
  EXPECT_EQ(stats.at("responses"), kRequests);
  EXPECT_EQ(stats.at("ver_1"), kRequests);
  // One version, so one signature per batch.
  EXPECT_EQ(stats.at("signatures"), stats.at("batches"));
  std::cout << "signatures for " << kRequests << " requests: "
            << stats.at("signatures") << ", largest batch "
            << stats.at("max_batch") << "\n";
  return stats;
}

class LoadTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LoadTest, BurstOf200IsAnsweredWithFewSignatures) {
  const auto stats = RunBurst({"--io=" + GetParam()});
  ASSERT_FALSE(stats.empty());
  // Far fewer signatures than requests: batches were shared.
  EXPECT_LE(stats.at("signatures"), kRequests / 4);
  EXPECT_GT(stats.at("max_batch"), 1u);
}

TEST_P(LoadTest, MaxBatchBoundsEveryBatch) {
  const auto stats = RunBurst({"--io=" + GetParam(), "--max-batch=8"});
  ASSERT_FALSE(stats.empty());
  EXPECT_LE(stats.at("max_batch"), 8u);
  EXPECT_GE(stats.at("signatures"), kRequests / 8);
  EXPECT_GE(stats.at("flush_full"), 1u);
  EXPECT_EQ(stats.at("batch_16_31") + stats.at("batch_32_63") +
                stats.at("batch_64_127"),
            0u);
}

TEST_P(LoadTest, ZeroBatchDelaySendsEveryReadAtOnce) {
  // The deadline is due as soon as a batch has a request: batches are sent
  // after each read, never held until the socket is drained.
  const auto stats = RunBurst({"--io=" + GetParam(), "--batch-delay=0"});
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("flush_drained"), 0u);
  EXPECT_GE(stats.at("flush_deadline"), 1u);
  EXPECT_EQ(stats.at("flush_deadline") + stats.at("flush_full"),
            stats.at("batches"));
}

INSTANTIATE_TEST_SUITE_P(Loops, LoadTest, ::testing::Values("plain", "mmsg"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace roughtime::server::testing
