// The real roughtimed binary ($ROUGHTIMED) configured by a TOML file and
// ROUGHTIMED_* environment variables: it serves what the file says on
// loopback, the environment beats the file and the command line beats the
// environment, and --check-config prints a summary and exits 0, or prints
// one line and exits 2. The example dist/roughtimed.toml is checked too.
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/keyfile.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

// Sets an environment variable for the servers started in its lifetime.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

class ConfigCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteSeedHexFile(root_key_, root_.seed(), 0600));
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }

  // Runs the server to its exit; the status and every output line.
  std::pair<int, std::vector<std::string>> RunToExit(
      const std::vector<std::string>& args, const std::string& cwd = "") {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args, cwd);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return {-1, {}};
    const int status = (*server)->WaitForExit();
    return {status, (*server)->Lines()};
  }

  // Expects exit status 2 and exactly one "roughtimed: " line containing
  // `needle`.
  void ExpectOneLineError(const std::vector<std::string>& args,
                          const std::string& needle) {
    auto [status, lines] = RunToExit(args);
    EXPECT_EQ(status, 2) << needle;
    ASSERT_EQ(lines.size(), 1u) << needle;
    EXPECT_TRUE(absl::StartsWith(lines[0], "roughtimed: ")) << lines[0];
    EXPECT_TRUE(absl::StrContains(lines[0], needle)) << lines[0];
    EXPECT_FALSE(absl::StrContains(lines[0], HexEncode(root_.seed())));
  }

  // Starts the server and returns the radius of a verified RFC answer.
  absl::StatusOr<absl::Duration> ServedRadius(
      const std::vector<std::string>& args) {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args);
    if (!server.ok()) return server.status();
    absl::StatusOr<std::vector<SocketAddress>> bound =
        (*server)->WaitForListening();
    if (!bound.ok()) return bound.status();
    absl::StatusOr<VerifiedResponse> v =
        QueryAs(RfcClient(), bound->front(), root_.public_key());
    if (!v.ok()) return v.status();
    return v->radius;
  }

  static const ClientBehaviour& RfcClient() {
    static const std::vector<ClientBehaviour> clients = DeployedClients();
    for (const ClientBehaviour& c : clients) {
      if (c.expected == Version::kRfc1 && !c.google) return c;
    }
    ADD_FAILURE() << "no RFC 10049 client";
    return clients.front();
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
  const std::string root_key_ = dir_.File("root.key");
};

TEST_F(ConfigCliTest, ServesWhatTheFileSaysOnLoopback) {
  const std::string config = WriteFile("roughtimed.toml", absl::StrCat(R"(
# one IPv4 loopback address, a free port, RFC 10049 only
root-key = ")", root_key_, R"("
listen = ["127.0.0.1"]
port = 0
versions = "1"
radius = "7s"
stats_interval = "0s"
tcp = false
workers = 1
)"));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({"--config", config});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status() << (*server)->Output();
  ASSERT_EQ(bound->size(), 1u);
  EXPECT_EQ(bound->front().HostString(), "127.0.0.1");
  EXPECT_NE(bound->front().port(), 0);
  absl::StatusOr<VerifiedResponse> v =
      QueryAs(RfcClient(), bound->front(), root_.public_key());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->version, Version::kRfc1);
  EXPECT_EQ(v->radius, absl::Seconds(7));
  // versions = "1": a Google-Roughtime request is not answered.
  for (const ClientBehaviour& c : DeployedClients()) {
    if (!c.google) continue;
    EXPECT_FALSE(QueryAs(c, bound->front(), root_.public_key(),
                         absl::Milliseconds(300))
                     .ok());
    break;
  }
  // No TCP listener (tcp = false).
  EXPECT_FALSE((*server)->WaitForLine("listening on tcp",
                                      absl::Milliseconds(200)));
  EXPECT_EQ((*server)->Stop(SIGTERM), 0);
}

TEST_F(ConfigCliTest, EnvironmentBeatsFileAndFlagBeatsEnvironment) {
  const std::string config = WriteFile("r.toml", absl::StrCat(
      "root-key = \"", root_key_, "\"\nlisten = \"127.0.0.1\"\nport = 0\n"
      "radius = \"7s\"\nstats-interval = \"0s\"\ntcp = false\n"));
  absl::StatusOr<absl::Duration> radius = ServedRadius({"--config", config});
  ASSERT_TRUE(radius.ok()) << radius.status();
  EXPECT_EQ(*radius, absl::Seconds(7));
  {
    ScopedEnv env("ROUGHTIMED_RADIUS", "8s");
    ScopedEnv file("ROUGHTIMED_CONFIG", config);  // instead of --config
    radius = ServedRadius({});
    ASSERT_TRUE(radius.ok()) << radius.status();
    EXPECT_EQ(*radius, absl::Seconds(8));
    radius = ServedRadius({"--radius=9s"});
    ASSERT_TRUE(radius.ok()) << radius.status();
    EXPECT_EQ(*radius, absl::Seconds(9));
  }
}

TEST_F(ConfigCliTest, CheckConfigPrintsASummaryAndExitsZero) {
  const std::string config = WriteFile("r.toml", absl::StrCat(
      "root-key = \"", root_key_, "\"\nlisten = [\"127.0.0.1:2002\", "
      "\"[::1]:5319\"]\nversions = \"1\"\ntcp = false\nworkers = 3\n"));
  auto [status, lines] = RunToExit({"--check-config", "--config", config});
  EXPECT_EQ(status, 0);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "configuration OK");
  EXPECT_EQ(lines[1], "config file: " + config);
  EXPECT_EQ(lines[2], "key: root-key " + root_key_ + " (root public key " +
                          Base64Encode(root_.public_key()) + ")");
  EXPECT_EQ(lines[3], "listen: 127.0.0.1:2002 [::1]:5319 (udp)");
  EXPECT_EQ(lines[4], "versions: 1");
  EXPECT_EQ(lines[5], "workers: 3");
}

TEST_F(ConfigCliTest, CheckConfigShowsEachLayerWinning) {
  const std::string config = WriteFile("r.toml", absl::StrCat(
      "root-key = \"", root_key_, "\"\nversions = \"1\"\n"));
  auto versions_line = [&](const std::vector<std::string>& args) {
    auto [status, lines] = RunToExit(args);
    EXPECT_EQ(status, 0);
    return lines.size() == 6 ? lines[4] : "";
  };
  EXPECT_EQ(versions_line({"--check-config", "--config", config}),
            "versions: 1");
  ScopedEnv env("ROUGHTIMED_VERSIONS", "draft-11");
  EXPECT_EQ(versions_line({"--check-config", "--config", config}),
            "versions: draft-11");
  EXPECT_EQ(versions_line({"--check-config", "--config", config,
                           "--versions=google"}),
            "versions: google");
}

TEST_F(ConfigCliTest, CheckConfigDoesNotCreateTheDevelopmentKey) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({"--check-config"}, dir_.path());
  ASSERT_TRUE(server.ok());
  EXPECT_EQ((*server)->WaitForExit(), 0) << (*server)->Output();
  EXPECT_TRUE(absl::StrContains((*server)->Output(),
                                "key: development key keys/dev-root.key "
                                "(missing: it will be created at start)"));
  struct stat st;
  EXPECT_NE(lstat(dir_.File("keys").c_str(), &st), 0);
}

TEST_F(ConfigCliTest, CheckConfigFailuresAreOneLineAndExitTwo) {
  const std::string open_key = dir_.File("open.key");
  ASSERT_TRUE(WriteSeedHexFile(open_key, root_.seed(), 0644));
  ExpectOneLineError({"--check-config", "--root-key", open_key}, open_key);
  const std::string missing = dir_.File("missing.key");
  ExpectOneLineError({"--check-config", "--root-key", missing}, missing);
  const std::string unknown =
      WriteFile("unknown.toml", "versions = \"1\"\nlisen = \"[::]:2002\"\n");
  ExpectOneLineError({"--check-config", "--config", unknown},
                     unknown + ":2: unknown key 'lisen'");
  ExpectOneLineError({"--check-config", "--config", dir_.File("none.toml")},
                     dir_.File("none.toml"));
  const std::string typed = WriteFile("typed.toml", "tcp = \"no\"\n");
  ExpectOneLineError({"--check-config", "--config", typed},
                     typed + ":1: key 'tcp' must be a boolean");
  {
    ScopedEnv env("ROUGHTIMED_BOGUS", "1");
    ExpectOneLineError({"--check-config", "--root-key", root_key_},
                       "environment variable ROUGHTIMED_BOGUS");
  }
  {
    ScopedEnv env("ROUGHTIMED_WORKERS", "many");
    ExpectOneLineError({"--check-config", "--root-key", root_key_},
                       "ROUGHTIMED_WORKERS: bad value 'many'");
  }
  // An expired delegation is refused at start, so also by the check.
  const uint64_t now = absl::ToUnixSeconds(absl::Now());
  const std::string expired = dir_.File("old.delegation");
  ASSERT_TRUE(WriteDelegationFile(
                  expired, DelegateOnlineKey(root_, {now - 7200, now - 3600}),
                  false)
                  .ok());
  ExpectOneLineError({"--check-config", "--delegation", expired},
                     "not valid now");
  // The same problems stop the server itself with status 2.
  ExpectOneLineError({"--config", unknown}, "unknown key 'lisen'");
}

TEST_F(ConfigCliTest, TheExampleConfigurationIsValid) {
  const char* example = getenv("ROUGHTIME_EXAMPLE_CONFIG");
  ASSERT_NE(example, nullptr) << "run by meson test";
  // The example names files under /etc/roughtimed/; point the key source
  // at a real delegation (the command line beats the file).
  const uint64_t now = absl::ToUnixSeconds(absl::Now());
  const std::string delegation = dir_.File("online.delegation");
  ASSERT_TRUE(WriteDelegationFile(
                  delegation, DelegateOnlineKey(root_, {now - 60, now + 3600}),
                  false)
                  .ok());
  auto [status, lines] = RunToExit({"--check-config", "--config", example,
                                    "--delegation", delegation});
  std::string output;
  for (const std::string& l : lines) output += l + "\n";
  EXPECT_EQ(status, 0) << output;
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "configuration OK");
  EXPECT_TRUE(absl::StrContains(output, std::string("config file: ") +
                                            example));
  EXPECT_TRUE(absl::StrContains(output, "key: delegation " + delegation));
}

}  // namespace
}  // namespace roughtime::server::testing
