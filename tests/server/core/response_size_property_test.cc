// Property: no response is ever larger than its request (RFC 10049 §9.7:
// a server must not amplify). Checked over random request sizes, from the
// smallest each version is accepted at (kMinRequestSize) to the largest
// (kMaxRequestSize), every version, mixed in batches of every size the
// server allows: first with the core's BatchResponder directly (many
// batches), then end to end through the real roughtimed over UDP and TCP.
// The seed is printed with every failure; ROUGHTIME_PROPERTY_SEED replays.
#include <sys/socket.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "server/core/batcher.h"
#include "shared_support.h"
#include "tcp_test_client.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

uint64_t PropertySeed() {
  if (const char* env = std::getenv("ROUGHTIME_PROPERTY_SEED")) {
    return std::strtoull(env, nullptr, 0);
  }
  return std::random_device{}() * uint64_t{0x100000001};
}

// The largest batch the server ever builds (--max-batch is capped by it).
size_t ServerMaxBatch() {
  return Batcher::BoundedMaxBatch(VersionSet::All(), 4096);
}

struct Generated {
  BuiltRequest request;
  RequestOptions options;
};

// A random version and a random packet size in [kMinRequestSize,
// kMaxRequestSize] (a multiple of 4, as the encoding requires).
Generated RandomRequest(std::mt19937_64& rng, const PublicKey& root) {
  const auto versions = AllVersions();
  const VersionSpec& spec =
      versions[std::uniform_int_distribution<size_t>(0, versions.size() - 1)(
          rng)];
  RequestOptions o;
  o.google = spec.version == Version::kGoogle;
  if (!o.google) o.offered_wire_versions = {spec.wire};
  o.include_type = spec.type_defined;
  if (spec.version >= Version::kDraft10) o.server_key = root;
  const size_t framing = spec.framed ? 12 : 0;
  const size_t packet = 4 * std::uniform_int_distribution<size_t>(
                                kMinRequestSize / 4, kMaxRequestSize / 4)(rng);
  o.message_size = packet - framing;
  Bytes nonce(spec.nonce_size);
  for (uint8_t& b : nonce) b = static_cast<uint8_t>(rng());
  o.nonce = nonce;
  absl::StatusOr<BuiltRequest> built = BuildRequest(o);
  EXPECT_TRUE(built.ok()) << spec.name << " " << packet << ": "
                          << built.status();
  return {built.ok() ? *built : BuiltRequest{}, o};
}

bool Verifies(ByteSpan response, const Generated& g, const PublicKey& root) {
  VerifyOptions v;
  v.root_public_key = root;
  v.request_packet = g.request.packet;
  v.nonce = g.request.nonce;
  v.offered_wire_versions = g.options.offered_wire_versions;
  v.google = g.options.google;
  absl::StatusOr<VerifiedResponse> r = VerifyResponse(response, v);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok();
}

TEST(ResponseSizeProperty, BatchResponderNeverAmplifies) {
  const uint64_t seed = PropertySeed();
  SCOPED_TRACE(absl::StrCat("seed=", seed, " (ROUGHTIME_PROPERTY_SEED)"));
  std::mt19937_64 rng(seed);
  Seed root_seed;
  for (uint8_t& b : root_seed) b = static_cast<uint8_t>(rng());
  const SigningKey root = SigningKey::FromSeed(root_seed);
  const OnlineIdentity identity =
      DelegateOnlineKey(root, {1700000000, 1900000000});
  const size_t max_batch = ServerMaxBatch();
  ASSERT_GE(max_batch, 1u);
  BatchResponder responder(&identity, VersionSet::All(), max_batch);
  RequestPolicy policy;
  policy.srv = ComputeSrv(root.public_key());

  std::vector<size_t> batch_sizes;  // every size, then random ones
  for (size_t b = 1; b <= max_batch; ++b) batch_sizes.push_back(b);
  for (int i = 0; i < 200; ++i) {
    batch_sizes.push_back(
        std::uniform_int_distribution<size_t>(1, max_batch)(rng));
  }
  size_t checked = 0;
  Bytes out(kMaxResponseSize + kMaxRequestSize);
  for (size_t batch : batch_sizes) {
    responder.Reset();
    std::vector<Generated> requests;
    for (size_t i = 0; i < batch; ++i) {
      requests.push_back(RandomRequest(rng, root.public_key()));
    }
    for (const Generated& g : requests) {
      ParsedRequest parsed;
      ASSERT_EQ(ParseRequest(g.request.packet, policy, &parsed),
                DropReason::kNone);
      ASSERT_TRUE(responder.Add(parsed));
    }
    ASSERT_TRUE(responder.Sign(absl::FromUnixSeconds(1800000000),
                               absl::Seconds(5))
                    .ok());
    for (size_t i = 0; i < batch; ++i) {
      SCOPED_TRACE(absl::StrCat("batch ", batch, " entry ", i, " size ",
                                requests[i].request.packet.size()));
      absl::StatusOr<size_t> n = responder.WriteResponse(i, MutableByteSpan(out));
      ASSERT_TRUE(n.ok()) << n.status();
      ASSERT_LE(*n, requests[i].request.packet.size());
      // Verifying every response would dominate the run; a sample shows
      // the responses measured are real ones.
      if (i == 0 || i + 1 == batch) {
        EXPECT_TRUE(Verifies(ByteSpan(out.data(), *n), requests[i],
                             root.public_key()));
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, max_batch * max_batch / 2);
}

class ServerResponseSizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string key = dir_.File("root.key");
    ASSERT_TRUE(WriteSeedHexFile(key, root_.seed(), 0600));
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start({"--root-key", key, "--port=0", "--workers=1",
                              "--stats-interval=0", "--max-batch=4096",
                              "--batch-delay=20ms"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    absl::StatusOr<std::vector<SocketAddress>> bound =
        server_->WaitForListening();
    ASSERT_TRUE(bound.ok()) << bound.status();
    ASSERT_TRUE(server_->WaitForLine("serving versions", absl::Seconds(5)));
    port_ = bound->front().port();
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
  std::unique_ptr<ServerProcess> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerResponseSizeTest, UdpBurstsNeverAmplify) {
  const uint64_t seed = PropertySeed();
  SCOPED_TRACE(absl::StrCat("seed=", seed, " (ROUGHTIME_PROPERTY_SEED)"));
  std::mt19937_64 rng(seed);
  // One socket per request, so each answer is known to be its request's.
  constexpr size_t kBurst = 24;
  for (int round = 0; round < 4; ++round) {
    std::vector<UdpTestClient> clients;
    std::vector<Generated> requests;
    for (size_t i = 0; i < kBurst; ++i) {
      absl::StatusOr<UdpTestClient> c = UdpTestClient::Open(AF_INET);
      ASSERT_TRUE(c.ok());
      clients.push_back(*std::move(c));
      requests.push_back(RandomRequest(rng, root_.public_key()));
    }
    for (size_t i = 0; i < kBurst; ++i) {
      ASSERT_TRUE(clients[i].SendTo(Loopback(AF_INET, port_),
                                    requests[i].request.packet));
    }
    for (size_t i = 0; i < kBurst; ++i) {
      std::optional<Datagram> reply = clients[i].Receive(absl::Seconds(3));
      ASSERT_TRUE(reply.has_value()) << "request " << i;
      EXPECT_LE(reply->data.size(), requests[i].request.packet.size());
      EXPECT_TRUE(Verifies(reply->data, requests[i], root_.public_key()));
    }
  }
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_GT(ExitStats(server_->Lines()).at("max_batch"), 1u);
}

TEST_F(ServerResponseSizeTest, TcpBatchesNeverAmplify) {
  const uint64_t seed = PropertySeed();
  SCOPED_TRACE(absl::StrCat("seed=", seed, " (ROUGHTIME_PROPERTY_SEED)"));
  std::mt19937_64 rng(seed);
  absl::StatusOr<TcpTestClient> tcp =
      TcpTestClient::Connect(Loopback(AF_INET6, port_));
  ASSERT_TRUE(tcp.ok());
  // Framed versions only (Google has no TCP); all in one write, so the
  // server reads them together and answers them in one or a few batches.
  std::vector<Generated> requests;
  Bytes stream;
  while (requests.size() < 48) {
    Generated g = RandomRequest(rng, root_.public_key());
    if (g.options.google) continue;
    stream.insert(stream.end(), g.request.packet.begin(),
                  g.request.packet.end());
    requests.push_back(std::move(g));
  }
  ASSERT_TRUE(tcp->Send(stream));
  for (size_t i = 0; i < requests.size(); ++i) {
    std::optional<Bytes> reply = tcp->ReceivePacket(absl::Seconds(3));
    ASSERT_TRUE(reply.has_value()) << "request " << i;
    EXPECT_LE(reply->size(), requests[i].request.packet.size());
    EXPECT_TRUE(Verifies(*reply, requests[i], root_.public_key()));
  }
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_GT(ExitStats(server_->Lines()).at("max_batch"), 1u);
}

}  // namespace
}  // namespace roughtime::server::testing
