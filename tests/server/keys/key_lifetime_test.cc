// The signing key over time, with the real binary on loopback:
//  * automatic rotation (--root-key): with a 3-second online-key lifetime
//    and continuous traffic, the key changes at least twice, every request
//    is answered and every answer verifies (no expired delegation used);
//  * an offline delegation from roughtime-keygen with a very short window:
//    answered before MAXT with a warning printed, silent after, loudly.
#include <sys/socket.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "root_key_fixture.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

class KeyLifetimeTest : public RootKeyFixture<> {
 protected:
  uint16_t Start(std::vector<std::string> args) {
    args.insert(args.begin(), {"--port=0", "--listen=127.0.0.1",
                               "--stats-interval=0"});
    return StartListening(args, &server_);
  }

  size_t CountLines(const std::string& needle) const {
    size_t n = 0;
    for (const std::string& line : server_->Lines()) {
      n += line.find(needle) != std::string::npos;
    }
    return n;
  }
};

TEST_F(KeyLifetimeTest, OnlineKeyRotatesUnderTrafficWithoutLosingRequests) {
  const uint16_t port =
      Start({"--root-key", key_path_, "--workers=2",
             "--online-key-lifetime=3s", "--rotate-before=1s"});
  ASSERT_NE(port, 0);
  const std::vector<ClientBehaviour> clients = DeployedClients();
  std::set<std::string> keys;
  size_t answered = 0, sent = 0;
  const absl::Time end = absl::Now() + absl::Seconds(7);
  while (absl::Now() < end) {
    // Every deployed client in turn, Google's microsecond windows included.
    const ClientBehaviour& client = clients[sent % clients.size()];
    ++sent;
    absl::StatusOr<VerifiedResponse> verified = QueryAs(
        client, Loopback(AF_INET, port), root_.public_key(), absl::Seconds(2));
    ASSERT_TRUE(verified.ok())
        << "request " << sent << " (" << client.name
        << "): " << verified.status() << "\n" << server_->Output();
    ++answered;
    keys.insert(HexEncode(verified->online_key));
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(answered, sent);
  EXPECT_GE(keys.size(), 3u) << "expected at least two rotations";
  EXPECT_GE(CountLines("rotated: new online key"), 2u) << server_->Output();

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("responses"), sent);
  EXPECT_EQ(stats.at("expired"), 0u);
  EXPECT_EQ(stats.at("dropped"), 0u);
  // Each thread that served a batch after a publication switched.
  EXPECT_GE(stats.at("rotations"), 2u);
}

TEST_F(KeyLifetimeTest, ExpiredOfflineDelegationStopsSigningLoudly) {
  const std::string delegation = dir_.File("delegation.json");
  ASSERT_TRUE(DelegateUntil("+4s", delegation));

  const uint16_t port = Start({"--delegation", delegation, "--workers=1"});
  ASSERT_NE(port, 0);
  const ClientBehaviour client = DeployedClients().back();
  absl::StatusOr<VerifiedResponse> before =
      QueryAs(client, Loopback(AF_INET, port), root_.public_key());
  ASSERT_TRUE(before.ok()) << before.status() << server_->Output();
  // Inside the (default 7-day) warning period from the start.
  EXPECT_TRUE(
      server_->WaitForLine("warning: delegation", absl::Seconds(2)).has_value())
      << server_->Output();

  ASSERT_TRUE(server_->WaitForLine("EXPIRED", absl::Seconds(8)).has_value())
      << server_->Output();
  absl::StatusOr<VerifiedResponse> after = QueryAs(
      client, Loopback(AF_INET, port), root_.public_key(), absl::Seconds(1));
  EXPECT_FALSE(after.ok()) << "answered after MAXT";
  EXPECT_EQ(after.status().code(), absl::StatusCode::kDeadlineExceeded);

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("responses"), 1u);
  EXPECT_GE(stats.at("expired"), 1u);
  EXPECT_EQ(CountLines("EXPIRED"), 1u);
}

}  // namespace
}  // namespace roughtime::server::testing
