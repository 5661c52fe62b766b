// The kernel filter and CPU steering with the real roughtimed on loopback:
// with the filter on (the default) undersized datagrams and request-sized
// datagrams of other protocols never reach the server (its drop counters
// stay at zero) while every deployed client is answered; with
// --no-kernel-filter the same junk is counted by reason. --pin-workers runs
// one pinned worker per CPU and every worker answers the requests that
// arrive on its CPU.
#include <sys/socket.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/wire.h"
#include "server/net/reuseport_steering.h"
#include "shared_support.h"
#include "udp_test_client.h"

// Linux only: elsewhere the server runs without BPF (and says so).
#ifdef __linux__
namespace roughtime::server::testing {
namespace {

struct Junk {
  std::vector<Bytes> packets;
  size_t undersized = 0;  // the server counts these as drop_too_short
};

Junk MakeJunk(const PublicKey& root) {
  Junk junk;
  RequestOptions small;  // a well-formed RFC request, but 512 bytes
  small.server_key = root;
  small.message_size = 512;
  junk.packets.push_back(BuildRequest(small)->packet);
  Bytes framed(1023, 0);  // one byte short of the minimum
  WriteFrameHeader(framed.data(), 1023 - kFrameHeaderSize);
  junk.packets.push_back(framed);
  junk.packets.push_back(Bytes(100, 0x41));
  junk.undersized = junk.packets.size();
  junk.packets.push_back(Bytes(1024, 0));  // zeros
  Bytes get(1024, ' ');
  std::memcpy(get.data(), "GET / HTTP/1.1\r\n", 16);
  junk.packets.push_back(get);
  Bytes dns(1024, 0);  // DNS-like header: id, flags, one question
  const uint8_t header[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
  std::memcpy(dns.data(), header, sizeof(header));
  junk.packets.push_back(dns);
  return junk;
}

// Starts a server with `extra` flags, sends the junk and one request of
// every deployed client (each must be answered and verify), stops it and
// returns the exit counters.
std::map<std::string, uint64_t> SendJunkAndRequests(
    const std::vector<std::string>& extra, Junk* junk_out) {
  TempDir dir;
  const auto root = std::make_unique<SigningKey>(SigningKey::Generate());
  *junk_out = MakeJunk(root->public_key());
  const Junk* junk = junk_out;
  const std::string key = dir.File("root.key");
  EXPECT_TRUE(WriteSeedHexFile(key, root->seed(), 0600));
  std::vector<std::string> args = {"--root-key", key, "--listen=127.0.0.1:0",
                                   "--workers=1", "--stats-interval=0"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::unique_ptr<ServerProcess> server;
  const std::optional<SocketAddress> bound = StartServer(args, &server);
  if (!bound) return {};
  const SocketAddress target = *bound;
  absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(AF_INET);
  EXPECT_TRUE(client.ok());
  if (!client.ok()) return {};

  for (const ClientBehaviour& c : DeployedClients()) {
    for (const Bytes& p : junk->packets) EXPECT_TRUE(client->SendTo(target, p));
    const BuiltRequest request = BuildClientRequest(c, root->public_key());
    EXPECT_TRUE(client->SendTo(target, request.packet));
    std::optional<Datagram> reply = client->Receive(absl::Seconds(3));
    EXPECT_TRUE(reply.has_value()) << c.name << "\n" << server->Output();
    if (!reply.has_value()) continue;
    absl::StatusOr<VerifiedResponse> v =
        VerifyAsClient(c, request, root->public_key(), reply->data);
    EXPECT_TRUE(v.ok()) << c.name << ": " << v.status();
  }
  EXPECT_FALSE(client->Receive(absl::Milliseconds(200)).has_value())
      << "junk was answered";
  EXPECT_EQ(server->Stop(SIGTERM), 0) << server->Output();
  return ExitStats(server->Lines());
}

TEST(KernelFilterE2eTest, JunkNeverReachesTheServerAndRequestsAreAnswered) {
  Junk junk;
  const auto stats = SendJunkAndRequests({}, &junk);
  ASSERT_FALSE(stats.empty());
  const uint64_t clients = DeployedClients().size();
  EXPECT_EQ(stats.at("drop_too_short"), 0u);
  EXPECT_EQ(stats.at("drop_malformed"), 0u);
  EXPECT_EQ(stats.at("dropped"), 0u);
  EXPECT_EQ(stats.at("received"), clients);
  EXPECT_EQ(stats.at("responses"), clients);
}

TEST(KernelFilterE2eTest, WithoutTheFilterJunkIsCountedByReason) {
  Junk junk;
  const auto stats = SendJunkAndRequests({"--no-kernel-filter"}, &junk);
  ASSERT_FALSE(stats.empty());
  const uint64_t clients = DeployedClients().size();
  EXPECT_EQ(stats.at("drop_too_short"), clients * junk.undersized);
  // The request-sized junk fails the message rules (how exactly depends
  // on its bytes); every one of them is a counted drop.
  EXPECT_EQ(stats.at("dropped"), clients * junk.packets.size());
  EXPECT_GE(stats.at("drop_malformed"), clients);
  EXPECT_EQ(stats.at("received"), clients * (junk.packets.size() + 1));
  EXPECT_EQ(stats.at("responses"), clients);
}

TEST(KernelFilterE2eTest, StartLineSaysWhetherTheFilterIsOn) {
  TempDir dir;
  for (const bool on : {true, false}) {
    std::vector<std::string> args = {"--dev", "--listen=127.0.0.1:0",
                                     "--workers=1", "--stats-interval=0"};
    if (!on) args.push_back("--no-kernel-filter");
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args, dir.path());
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_TRUE((*server)
                    ->WaitForLine(on ? "kernel filter on" : "kernel filter off",
                                  absl::Seconds(10))
                    .has_value())
        << (*server)->Output();
    EXPECT_EQ((*server)->Stop(SIGTERM), 0);
  }
}

// --pin-workers: one worker per CPU. A sender pinned to CPU c is answered
// by the worker pinned to c (loopback processes a datagram on the sending
// CPU, and the steering program keeps it there), so every worker answers
// exactly the requests sent from its CPU.
TEST(PinWorkersE2eTest, EveryPinnedWorkerAnswersTheRequestsOfItsCpu) {
  TempDir dir;
  const SigningKey root = SigningKey::Generate();
  const std::string key = dir.File("root.key");
  ASSERT_TRUE(WriteSeedHexFile(key, root.seed(), 0600));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key, "--listen=127.0.0.1:0", "--pin-workers",
       "--stats-interval=0"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  ASSERT_TRUE((*server)->WaitForLine("pinned one per CPU", absl::Seconds(5)))
      << (*server)->Output();

  ClientBehaviour rfc;
  for (const ClientBehaviour& c : DeployedClients()) {
    if (c.name == "Rfc1") rfc = c;
  }
  const std::vector<int> cpus = WorkerCpus();
  constexpr int kPerCpu = 10;  // each from its own source port
  for (const int cpu : cpus) {
    std::thread sender([&] {
      ASSERT_TRUE(PinCurrentThreadToCpu(cpu).ok());
      for (int i = 0; i < kPerCpu; ++i) {
        absl::StatusOr<VerifiedResponse> v =
            QueryAs(rfc, bound->front(), root.public_key());
        EXPECT_TRUE(v.ok()) << "cpu " << cpu << ": " << v.status();
      }
    });
    sender.join();
  }
  ASSERT_EQ((*server)->Stop(SIGTERM), 0) << (*server)->Output();
  const auto stats = ExitStats((*server)->Lines());
  ASSERT_FALSE(stats.empty()) << (*server)->Output();
  EXPECT_EQ(stats.at("workers"), cpus.size());
  EXPECT_EQ(stats.at("responses"), cpus.size() * kPerCpu);

  std::map<std::string, uint64_t> per_worker;
  for (const std::string& line : (*server)->Lines()) {
    constexpr absl::string_view kPrefix = "roughtimed: pinned workers ";
    if (absl::StartsWith(line, absl::StrCat(kPrefix, "at=exit "))) {
      per_worker = ParseStatsLine(
          absl::StrCat("roughtimed: stats ", line.substr(kPrefix.size())));
    }
  }
  ASSERT_FALSE(per_worker.empty()) << (*server)->Output();
  for (const int cpu : cpus) {
    EXPECT_EQ(per_worker[absl::StrCat("cpu", cpu, "_responses")],
              static_cast<uint64_t>(kPerCpu))
        << (*server)->Output();
  }
}

}  // namespace
}  // namespace roughtime::server::testing

#endif  // __linux__
