// Grease (grease.h): the choice policy, and the real binary with a high
// rate answering every deployed client: a strict client (core
// VerifyResponse) rejects exactly the responses the server counts as
// greased, and accepts those that only carry an undefined tag.
#include "server/core/grease.h"

#include <sys/socket.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server {
namespace {

TEST(GreasePolicyTest, RateZeroNeverAndRateOneAlways) {
  const GreasePolicy off(0);
  const GreasePolicy all(1);
  for (uint64_t r : {uint64_t{0}, uint64_t{1} << 40, ~uint64_t{0}}) {
    EXPECT_FALSE(off.Choose(r).has_value());
    EXPECT_TRUE(all.Choose(r).has_value());
  }
}

TEST(GreasePolicyTest, RateIsTheFractionOfTheRandomRangeAndKindsAreEven) {
  const GreasePolicy half(0.5);
  EXPECT_TRUE(half.Choose(uint64_t{0x7fffffff} << 32).has_value());
  EXPECT_FALSE(half.Choose(uint64_t{0x80000000} << 32).has_value());
  std::array<int, static_cast<size_t>(GreaseKind::kCount)> seen{};
  for (uint64_t low = 0; low < 50; ++low) {
    ++seen[static_cast<size_t>(*half.Choose(low))];
  }
  for (int n : seen) EXPECT_EQ(n, 10);
  // Out-of-range rates are clamped.
  EXPECT_EQ(GreasePolicy(7).rate(), 1.0);
  EXPECT_EQ(GreasePolicy(-1).rate(), 0.0);
}

TEST(GreaseRandomTest, ValuesDiffer) {
  GreaseRandom random;
  const uint64_t a = random.Next();
  EXPECT_NE(a, random.Next());
}

}  // namespace

namespace testing {
namespace {

TEST(GreaseEndToEndTest, StrictClientsRejectExactlyTheGreasedResponses) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const SigningKey root = SigningKey::Generate();
  const std::string key = dir.File("root.key");
  ASSERT_TRUE(WriteSeedHexFile(key, root.seed(), 0600));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key, "--port=0", "--listen=127.0.0.1", "--workers=1",
       "--stats-interval=0", "--grease-rate=0.5"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();

  const std::vector<ClientBehaviour> clients = DeployedClients();
  constexpr size_t kQueries = 300;
  size_t rejected = 0;
  for (size_t i = 0; i < kQueries; ++i) {
    const ClientBehaviour& client = clients[i % clients.size()];
    absl::StatusOr<VerifiedResponse> verified =
        QueryAs(client, Loopback(AF_INET, bound->front().port()),
                root.public_key());
    // Every request is answered; only verification may fail.
    ASSERT_NE(verified.status().code(), absl::StatusCode::kDeadlineExceeded)
        << verified.status();
    if (!verified.ok()) {
      ++rejected;
    } else {
      // An accepted answer carries the true time.
      EXPECT_LT(absl::AbsDuration(verified->midpoint - absl::Now()),
                absl::Seconds(10));
    }
  }
  ASSERT_EQ((*server)->Stop(SIGTERM), 0) << (*server)->Output();
  const auto stats = ExitStats((*server)->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("responses"), kQueries);
  EXPECT_EQ(stats.at("greased"), rejected);
  // About 40% invalid and 10% undefined-tag at rate 0.5; both clearly seen.
  EXPECT_GT(rejected, kQueries / 5);
  EXPECT_LT(rejected, kQueries * 3 / 5);
  EXPECT_GT(stats.at("greased_valid"), 0u);
}

}  // namespace
}  // namespace testing
}  // namespace roughtime::server
