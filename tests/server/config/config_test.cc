// Flags -> configuration, listen addresses, and the development-mode text,
// in process (the binary's exit codes are in cli_test.cc).
#include <sys/socket.h>

#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "server/config/command_line.h"
#include "server/keys/dev_key.h"
#include "server/keys/identity.h"
#include "server/config/server_config.h"
#include "server/net/socket_address.h"

namespace roughtime::server {
namespace {

// Parses `args` as roughtimed would (without exiting) into a config.
absl::StatusOr<ServerConfig> Configure(std::vector<std::string> args) {
  args.insert(args.begin(), "roughtimed");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  absl::StatusOr<NormalizedArgs> normalized =
      NormalizeArgs(static_cast<int>(argv.size()), argv.data());
  if (!normalized.ok()) return normalized.status();
  return ConfigFromFlags(normalized->listen_values);
}

class ConfigTest : public ::testing::Test {
 protected:
  absl::FlagSaver saver_;  // every test starts from the defaults
};

TEST_F(ConfigTest, DefaultsAreDevModeOnDualStackPort2002) {
  absl::StatusOr<ServerConfig> c = Configure({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->key_source, KeySource::kDev);
  EXPECT_EQ(c->key_path, "keys/dev-root.key");
  ASSERT_EQ(c->listen.size(), 1u);
  EXPECT_EQ(c->listen[0].ToString(), "[::]:2002");
  EXPECT_TRUE(c->default_listen);
  EXPECT_EQ(c->workers, AvailableCpus());
  EXPECT_EQ(c->io_mode, IoMode::kMmsg);
  EXPECT_EQ(c->batcher.radius, absl::Seconds(5));
  EXPECT_EQ(c->stats_interval, absl::Seconds(60));
  EXPECT_EQ(c->batcher.max_batch, 64u);
  EXPECT_EQ(c->batcher.served, VersionSet::All());
  EXPECT_TRUE(c->socket_options.reuse_addr);
  EXPECT_TRUE(c->socket_options.reuse_port);
}

TEST_F(ConfigTest, PortFlagMovesTheDefaultListenPortToTheRfcPort) {
  absl::StatusOr<ServerConfig> c = Configure({"--port=5319"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen[0].ToString(), "[::]:5319");
  // A listen host without a port takes --port too.
  c = Configure({"--port", "5319", "--listen=127.0.0.1,[::1]:7"});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->listen.size(), 2u);
  EXPECT_EQ(c->listen[0].ToString(), "127.0.0.1:5319");
  EXPECT_EQ(c->listen[1].ToString(), "[::1]:7");
  EXPECT_FALSE(c->default_listen);
}

TEST_F(ConfigTest, ListenIsRepeatableAndCommaSeparated) {
  absl::StatusOr<ServerConfig> c =
      Configure({"--listen=127.0.0.1:1", "--listen", "[::1]:2, [::]:3",
                 "-listen=0.0.0.0:4"});
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<std::string> got;
  for (const SocketAddress& a : c->listen) got.push_back(a.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{"127.0.0.1:1", "[::1]:2",
                                           "[::]:3", "0.0.0.0:4"}));
}

TEST_F(ConfigTest, DashesAndUnderscoresBothWork) {
  absl::FlagSaver first;
  absl::StatusOr<ServerConfig> c =
      Configure({"--root-key=/k", "--stats_interval=5s", "--max-batch", "8",
                 "--batch-delay=2ms", "--io=plain", "--workers=3",
                 "--radius=3s", "--versions=1,0x8000000c", "--rcvbuf=0"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->key_source, KeySource::kRootKey);
  EXPECT_EQ(c->key_path, "/k");
  EXPECT_EQ(c->stats_interval, absl::Seconds(5));
  EXPECT_EQ(c->batcher.max_batch, 8u);
  EXPECT_EQ(c->batcher.max_delay, absl::Milliseconds(2));
  EXPECT_EQ(c->io_mode, IoMode::kPlain);
  EXPECT_EQ(c->workers, 3u);
  EXPECT_EQ(c->batcher.radius, absl::Seconds(3));
  EXPECT_EQ(c->batcher.served,
            (VersionSet{Version::kRfc1, Version::kDraft12}));
  EXPECT_EQ(c->socket_options.receive_buffer, 0);

}

TEST_F(ConfigTest, ReuseAddrCanBeSwitchedOff) {
  for (const char* flag : {"--noreuse-addr", "--reuse-addr=false",
                           "--noreuse_addr"}) {
    absl::FlagSaver saver;
    absl::StatusOr<ServerConfig> c = Configure({flag});
    ASSERT_TRUE(c.ok()) << flag << ": " << c.status();
    EXPECT_FALSE(c->socket_options.reuse_addr) << flag;
    EXPECT_TRUE(c->socket_options.reuse_port) << flag;
  }
}

TEST_F(ConfigTest, KeySourceFlags) {
  {
    absl::FlagSaver saver;
    absl::StatusOr<ServerConfig> c = Configure({"--delegation", "/d"});
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->key_source, KeySource::kDelegation);
    EXPECT_EQ(c->key_path, "/d");
  }
  {
    absl::FlagSaver saver;
    absl::StatusOr<ServerConfig> c = Configure({"--dev", "--nodev"});
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->key_source, KeySource::kDev);
  }
  {
    absl::FlagSaver saver;
    absl::StatusOr<ServerConfig> c = Configure({"--dev"});
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->key_source, KeySource::kDev);
    EXPECT_EQ(c->key_path, "keys/dev-root.key");
  }
}

TEST_F(ConfigTest, UsageErrorsNameTheProblem) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--bogus"}, "unknown flag --bogus"},
      {{"--workers=abc"}, "--workers"},
      {{"--workers=-1"}, "--workers"},
      {{"--port=70000"}, "--port"},
      {{"--listen=1.2.3:5"}, "1.2.3:5"},
      {{"--listen=[::1"}, "]"},
      {{"--listen=127.0.0.1:99999"}, "port"},
      {{"--io=epoll"}, "--io"},
      {{"--radius=0s"}, "--radius"},
      {{"--radius=2h"}, "--radius"},
      {{"--versions=draft-99"}, "--versions"},
      {{"--max-batch=0"}, "--max-batch"},
      {{"--batch-delay=-1ms"}, "--batch-delay"},
      {{"--stats-interval=-1s"}, "--stats-interval"},
      {{"--dev", "--root-key=x"}, "exclude"},
      {{"--root-key=x", "--delegation=y"}, "exclude"},
      {{"--root-key"}, "missing its value"},
      {{"--nodev=1"}, "takes no value"},
  };
  for (const auto& [args, needle] : bad) {
    absl::FlagSaver saver;
    absl::StatusOr<ServerConfig> c = Configure(args);
    ASSERT_FALSE(c.ok()) << args[0];
    EXPECT_NE(c.status().message().find(needle), std::string::npos)
        << args[0] << ": " << c.status();
    EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
  }
}

TEST(SocketAddressTest, ParsesAndFormatsNumericAddresses) {
  struct Case {
    std::string text;
    std::string want;
    int family;
  };
  for (const Case& c : std::vector<Case>{
           {"127.0.0.1:40123", "127.0.0.1:40123", AF_INET},
           {"127.0.0.1", "127.0.0.1:2002", AF_INET},
           {"[::1]:5319", "[::1]:5319", AF_INET6},
           {"[::]", "[::]:2002", AF_INET6},
           {"::1", "[::1]:2002", AF_INET6},
           {"0.0.0.0:0", "0.0.0.0:0", AF_INET},
       }) {
    absl::StatusOr<SocketAddress> a = ParseSocketAddress(c.text, 2002);
    ASSERT_TRUE(a.ok()) << c.text << ": " << a.status();
    EXPECT_EQ(a->ToString(), c.want);
    EXPECT_EQ(a->family(), c.family);
  }
  for (const char* bad : {"", "localhost:2002", "[::1]x", "1.2.3.4:", ":2002",
                          "[127.0.0.1]:1", "1.2.3.4:65536", "[::1]:-1"}) {
    EXPECT_FALSE(ParseSocketAddress(bad, 2002).ok()) << bad;
  }
  EXPECT_TRUE(SocketAddress::AnyV6(1).is_wildcard());
  EXPECT_TRUE(SocketAddress::AnyV4(1).is_wildcard());
  EXPECT_TRUE(ParseSocketAddress("[::1]", 1)->is_loopback());
  EXPECT_FALSE(ParseSocketAddress("[::1]", 1)->is_wildcard());
}

TEST(DevKeyTest, ClientPathFollowsTheBuildTree) {
  EXPECT_EQ(ClientPathFor("build/src/server/roughtimed"),
            "build/tools/client/roughtime");
  EXPECT_EQ(ClientPathFor("/x/b/src/server/roughtimed"),
            "/x/b/tools/client/roughtime");
  EXPECT_EQ(ClientPathFor("src/server/roughtimed"), "tools/client/roughtime");
  EXPECT_EQ(ClientPathFor("roughtimed"), "roughtime");
  EXPECT_EQ(ClientPathFor("/usr/sbin/roughtimed"), "roughtime");
}

TEST(DevKeyTest, QueryCommandUsesLoopbackForAWildcard) {
  const SigningKey key = SigningKey::Generate();
  EXPECT_EQ(QueryCommand("build/tools/client/roughtime",
                         QueryAddressFor(SocketAddress::AnyV6(2002)),
                         key.public_key()),
            "build/tools/client/roughtime query 127.0.0.1:2002 --key " +
                Base64Encode(key.public_key()));
  EXPECT_EQ(QueryAddressFor(*ParseSocketAddress("[::1]:9", 0)).ToString(),
            "[::1]:9");
}

TEST(IdentityTest, OnlineKeyWindowCoversAnHourBackAndAWeekAhead) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  const DelegationWindow w = OnlineKeyWindow(now);
  EXPECT_EQ(w.mint_seconds, 1'800'000'000u - 3600);
  EXPECT_EQ(w.maxt_seconds, 1'800'000'000u + 7 * 86400);
}

}  // namespace
}  // namespace roughtime::server
