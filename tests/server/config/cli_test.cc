// The binary's command line and key sources: usage errors (one line, exit
// 2), --help, refused key files (exit 1), --delegation (offline root key),
// --radius, --versions, --port, and the periodic summary line.
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/keyfile.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

const ClientBehaviour& Client(const std::string& name) {
  static const std::vector<ClientBehaviour> clients = DeployedClients();
  for (const ClientBehaviour& c : clients) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << name;
  return clients.front();
}

// Runs the server expecting it to stop by itself; returns status and lines.
std::pair<int, std::vector<std::string>> RunToExit(
    const std::vector<std::string>& args) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start(args);
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return {-1, {}};
  const int status = (*server)->WaitForExit();
  return {status, (*server)->Lines()};
}

TEST(CliTest, UsageErrorsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--bogus"},
           {"--workers=many"},
           {"--listen=not-an-address"},
           {"--io=epoll"},
           {"--radius=0s"},
           {"--dev", "--root-key=/nonexistent"},
           {"positional"},
           {"--port"},
       }) {
    auto [status, lines] = RunToExit(args);
    EXPECT_EQ(status, 2) << args[0];
    ASSERT_EQ(lines.size(), 1u) << args[0];
    EXPECT_TRUE(absl::StartsWith(lines[0], "roughtimed: ")) << lines[0];
  }
}

TEST(CliTest, HelpListsTheFlagsAndExitsZero) {
  auto [status, lines] = RunToExit({"--help"});
  EXPECT_EQ(status, 0);
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  for (const char* flag :
       {"--dev", "--root-key", "--delegation", "--listen", "--port",
        "--workers", "--io", "--radius", "--stats-interval", "--max-batch",
        "--batch-delay", "--versions", "--rcvbuf"}) {
    EXPECT_TRUE(absl::StrContains(text, flag)) << flag;
  }
}

class KeyFileTest : public ::testing::Test {
 protected:
  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
};

TEST_F(KeyFileTest, UnsafeOrMissingRootKeyFilesAreRefused) {
  const std::string open_key = dir_.File("open.key");
  ASSERT_TRUE(WriteSeedHexFile(open_key, root_.seed(), 0644));
  const std::string good = dir_.File("good.key");
  ASSERT_TRUE(WriteSeedHexFile(good, root_.seed(), 0600));
  const std::string link = dir_.File("link.key");
  ASSERT_EQ(symlink(good.c_str(), link.c_str()), 0);
  for (const std::string& path :
       {open_key, link, dir_.File("missing.key")}) {
    auto [status, lines] = RunToExit({"--root-key", path, "--port=0"});
    EXPECT_EQ(status, 1) << path;
    ASSERT_EQ(lines.size(), 1u) << path;
    EXPECT_TRUE(absl::StrContains(lines[0], path)) << lines[0];
    EXPECT_FALSE(absl::StrContains(lines[0], HexEncode(root_.seed())));
  }
}

TEST_F(KeyFileTest, DelegationModeServesEveryClientWithoutTheRootKey) {
  const uint64_t now = absl::ToUnixSeconds(absl::Now());
  const OnlineIdentity identity =
      DelegateOnlineKey(root_, {now - 60, now + 3600});
  const std::string path = dir_.File("online.delegation");
  ASSERT_TRUE(WriteDelegationFile(path, identity, false).ok());

  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--delegation", path, "--port=0", "--stats-interval=0"});
  ASSERT_TRUE(server.ok());
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_TRUE((*server)->WaitForLine(
      "root public key " + Base64Encode(root_.public_key()),
      absl::Seconds(5)));
  for (int family : {AF_INET, AF_INET6}) {
    for (const ClientBehaviour& c : DeployedClients()) {
      absl::StatusOr<VerifiedResponse> v = QueryAs(
          c, Loopback(family, bound->front().port()), root_.public_key());
      ASSERT_TRUE(v.ok()) << c.name << ": " << v.status();
      // The delegated online key signs, with the default radius.
      EXPECT_EQ(v->online_key, identity.online_key.public_key());
      EXPECT_EQ(v->radius, absl::Seconds(5)) << c.name;
    }
  }
  ASSERT_EQ((*server)->Stop(SIGTERM), 0);
  EXPECT_FALSE(absl::StrContains((*server)->Output(),
                                 HexEncode(identity.online_key.seed())));
}

TEST_F(KeyFileTest, DelegationServesOnlyTheFamiliesItCarries) {
  const uint64_t now = absl::ToUnixSeconds(absl::Now());
  const OnlineIdentity identity = DelegateOnlineKey(
      root_, {now - 60, now + 3600}, VersionSet{Version::kRfc1});
  const std::string path = dir_.File("v1.delegation");
  ASSERT_TRUE(WriteDelegationFile(path, identity, false).ok());
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--delegation", path, "--listen=127.0.0.1:0", "--stats-interval=0"});
  ASSERT_TRUE(server.ok());
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_TRUE((*server)->WaitForLine("serving versions 1 with",
                                     absl::Seconds(5)))
      << (*server)->Output();
  EXPECT_TRUE(QueryAs(Client("Roughly"), bound->front(), root_.public_key())
                  .ok());
  EXPECT_FALSE(QueryAs(Client("GoogleClient"), bound->front(),
                       root_.public_key(), absl::Milliseconds(300))
                   .ok());
  ASSERT_EQ((*server)->Stop(SIGTERM), 0);
  EXPECT_EQ(ExitStats((*server)->Lines()).at("drop_no_common_version"), 1u);
}

TEST_F(KeyFileTest, ExpiredDelegationIsRefusedAtStart) {
  const uint64_t now = absl::ToUnixSeconds(absl::Now());
  const OnlineIdentity identity =
      DelegateOnlineKey(root_, {now - 7200, now - 3600});
  const std::string path = dir_.File("old.delegation");
  ASSERT_TRUE(WriteDelegationFile(path, identity, false).ok());
  auto [status, lines] = RunToExit({"--delegation", path, "--port=0"});
  EXPECT_EQ(status, 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(absl::StrContains(lines[0], "not valid now")) << lines[0];
}

TEST_F(KeyFileTest, RadiusVersionsPortAndPeriodicStats) {
  const std::string key = dir_.File("root.key");
  ASSERT_TRUE(WriteSeedHexFile(key, root_.seed(), 0600));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key, "--radius=3s", "--versions=1,0x8000000c",
       "--port=5319", "--listen=[::1]", "--stats-interval=200ms",
       "--workers=1"});
  ASSERT_TRUE(server.ok());
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  // A host without a port takes --port: the RFC's 5319.
  EXPECT_EQ(bound->front().ToString(), "[::1]:5319");
  absl::StatusOr<VerifiedResponse> v =
      QueryAs(Client("Pyroughtime"), bound->front(), root_.public_key());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->radius, absl::Seconds(3));
  EXPECT_EQ(v->raw_radius, 3u);
  EXPECT_FALSE(QueryAs(Client("CloudflareIetf"), bound->front(),
                       root_.public_key(), absl::Milliseconds(300))
                   .ok());
  const std::optional<std::string> interval =
      (*server)->WaitForLine("roughtimed: stats at=interval", absl::Seconds(5));
  ASSERT_TRUE(interval.has_value()) << (*server)->Output();
  EXPECT_EQ(ParseStatsLine(*interval).at("workers"), 1u);
  ASSERT_EQ((*server)->Stop(SIGINT), 0);
  EXPECT_TRUE((*server)->WaitForLine("stopping on SIGINT", absl::Seconds(1)));
  const auto stats = ExitStats((*server)->Lines());
  EXPECT_EQ(stats.at("responses"), 1u);
  EXPECT_EQ(stats.at("drop_no_common_version"), 1u);
}

}  // namespace
}  // namespace roughtime::server::testing
