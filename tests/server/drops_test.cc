// Bad input: malformed, undersized, oversized, wrong-SRV, unknown-version,
// TYPE != 0 and other unacceptable requests get no answer at all (RFC 10049
// §5.2: no error replies), each is counted under its reason, and the server
// keeps answering good requests.
#include <sys/socket.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

// A framed request with TYPE = `type` (the core's builder only writes 0).
Bytes RequestWithType(uint32_t version, uint32_t type) {
  constexpr size_t kMessageSize = 1024;
  Bytes packet(kFrameHeaderSize + kMessageSize, 0);
  WriteFrameHeader(packet.data(), kMessageSize);
  MessageBuilder b(MutableByteSpan(packet).subspan(kFrameHeaderSize), 4);
  Bytes nonce(32);
  RandomBytes(MutableByteSpan(nonce));
  const size_t fixed = EncodedMessageSize({4, 32, 4, 0});
  (void)b.AddU32(kTagVer, version);
  (void)b.AddBytes(kTagNonc, nonce);
  (void)b.AddU32(kTagType, type);
  (void)b.Add(kTagZzzz, kMessageSize - fixed);
  EXPECT_TRUE(b.Finish().ok());
  return packet;
}

BuiltRequest Build(RequestOptions o) {
  absl::StatusOr<BuiltRequest> r = BuildRequest(o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : BuiltRequest{};
}

class DropsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DropsTest, BadRequestsGetNoAnswerAndAreCountedByReason) {
  TempDir dir;
  const SigningKey root = SigningKey::Generate();
  const std::string key = dir.File("root.key");
  ASSERT_TRUE(WriteSeedHexFile(key, root.seed(), 0600));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key, "--io=" + GetParam(), "--port=0", "--workers=1",
       "--stats-interval=0",
       // The kernel filter would drop most of these before the server
       // counts them (bpf_e2e_test covers that).
       "--no-kernel-filter"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  const SocketAddress target = Loopback(AF_INET6, bound->front().port());

  RequestOptions good;  // [1, 0x8000000c], TYPE, SRV, 1024-byte message
  good.server_key = root.public_key();

  std::map<std::string, uint64_t> expected;  // counter -> drops
  std::vector<Bytes> bad;
  auto add = [&](const std::string& reason, Bytes packet) {
    bad.push_back(std::move(packet));
    ++expected["drop_" + reason];
  };
  {  // Undersized: a 512-byte IETF message and a 512-byte Google request.
    RequestOptions o = good;
    o.message_size = 512;
    add("too_short", Build(o).packet);
    RequestOptions g;
    g.google = true;
    g.message_size = 512;
    add("too_short", Build(g).packet);
  }
  add("too_long", Bytes(1600, 0));
  {  // The frame's length field disagrees with the datagram.
    Bytes p = Build(good).packet;
    StoreLE32(p.data() + 8, 1000);
    add("bad_frame", p);
  }
  {  // A frame around a message whose tags are not ascending.
    Bytes p = Build(good).packet;
    StoreLE32(p.data() + kFrameHeaderSize + 4 * 5, kTagZzzz);  // first tag
    add("malformed", p);
  }
  {  // Another server's SRV.
    RequestOptions o = good;
    o.server_key = SigningKey::Generate().public_key();
    add("wrong_srv", Build(o).packet);
  }
  {  // Only versions we do not speak.
    RequestOptions o = good;
    o.offered_wire_versions = {0x80000007, 0xc0000001};
    add("no_common_version", Build(o).packet);
  }
  add("bad_type", RequestWithType(0x00000001, 1));
  add("bad_type", RequestWithType(0x8000000c, 0xffffffff));
  {  // Version 1 without TYPE.
    RequestOptions o = good;
    o.offered_wire_versions = {0x00000001};
    o.include_type = false;
    add("missing_type", Build(o).packet);
  }
  {  // Descending list where the version requires ascending order.
    RequestOptions o = good;
    o.offered_wire_versions = {0x8000000c, 0x00000001};
    add("unsorted_versions", Build(o).packet);
  }

  absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(AF_INET6);
  ASSERT_TRUE(client.ok());
  for (int round = 0; round < 2; ++round) {
    for (const Bytes& p : bad) ASSERT_TRUE(client->SendTo(target, p));
    // The server keeps serving: a good request sent after them is answered,
    // and it is the only answer.
    const BuiltRequest ok = Build(good);
    ASSERT_TRUE(client->SendTo(target, ok.packet));
    std::optional<Datagram> reply = client->Receive(absl::Seconds(3));
    ASSERT_TRUE(reply.has_value()) << (*server)->Output();
    VerifyOptions v;
    v.root_public_key = root.public_key();
    v.request_packet = ok.packet;
    v.nonce = ok.nonce;
    EXPECT_TRUE(VerifyResponse(reply->data, v).ok());
    EXPECT_FALSE(client->Receive(absl::Milliseconds(300)).has_value())
        << "a bad request was answered";
  }

  ASSERT_EQ((*server)->Stop(SIGTERM), 0) << (*server)->Output();
  const auto stats = ExitStats((*server)->Lines());
  ASSERT_FALSE(stats.empty()) << (*server)->Output();
  uint64_t total = 0;
  for (const auto& [name, count] : expected) {
    EXPECT_EQ(stats.at(name), 2 * count) << name;
    total += 2 * count;
  }
  EXPECT_EQ(stats.at("dropped"), total);
  EXPECT_EQ(stats.at("received"), total + 2);
  EXPECT_EQ(stats.at("responses"), 2u);
}

INSTANTIATE_TEST_SUITE_P(Loops, DropsTest, ::testing::Values("plain", "mmsg"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace roughtime::server::testing
