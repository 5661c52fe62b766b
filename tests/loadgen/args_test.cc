// Option parsing, and above all the refusal of every non-loopback target.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "args.h"

namespace roughtime::loadgen {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<BenchOptions> Parse(std::vector<std::string> args) {
  return ParseBenchArgs(args);
}

TEST(LoopbackAddressTest, AcceptsLoopbackOnly) {
  for (const char* ok : {"127.0.0.1:2002", "127.1.2.3:1", "localhost:5319",
                         "[::1]:2002"}) {
    absl::StatusOr<LoopbackAddress> a = ParseLoopbackAddress(ok, false);
    EXPECT_TRUE(a.ok()) << ok << ": " << a.status();
  }
  EXPECT_EQ(ParseLoopbackAddress("[::1]:2002", false)->ToString(),
            "[::1]:2002");
  EXPECT_EQ(ParseLoopbackAddress("localhost:7", false)->ToString(),
            "127.0.0.1:7");
  for (const char* bad :
       {"10.0.0.1:2002", "192.168.1.1:2002", "172.16.0.1:2002",
        "8.8.8.8:53", "0.0.0.0:2002", "128.0.0.1:2002", "[::]:2002",
        "[2001:db8::1]:2002", "[::ffff:127.0.0.1]:2002",
        "example.com:2002", "roughtime.example:2002"}) {
    absl::StatusOr<LoopbackAddress> a = ParseLoopbackAddress(bad, false);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_THAT(std::string(a.status().message()), HasSubstr("refusing"))
        << bad;
  }
}

TEST(LoopbackAddressTest, RejectsMalformedAddressesAndPorts) {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:70000",
                          "127.0.0.1:x", "[::1]2002", "::1:2002", ""}) {
    EXPECT_FALSE(ParseLoopbackAddress(bad, false).ok()) << bad;
  }
  EXPECT_FALSE(ParseLoopbackAddress("127.0.0.1:0", false).ok());
  EXPECT_TRUE(ParseLoopbackAddress("127.0.0.1:0", true).ok());
}

TEST(BenchArgsTest, DefaultsAreClosedLoopVersionOne) {
  absl::StatusOr<BenchOptions> o = Parse({"--server", "127.0.0.1:2002"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, LoopMode::kClosed);
  EXPECT_EQ(o->version, Version::kRfc1);
  EXPECT_EQ(o->request_size, 1036u);
  EXPECT_EQ(o->concurrency, 64u);
}

TEST(BenchArgsTest, ParsesEveryOption) {
  absl::StatusOr<BenchOptions> o = Parse(
      {"--server=[::1]:5319", "--version", "google", "--rate", "2500",
       "--duration", "1.5", "--requests=100", "--timeout", "250ms",
       "--verify-fraction", "0.5", "--key",
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "--server-pid", "42",
       "--sockets", "2", "--batch", "8", "--json"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->server.ToString(), "[::1]:5319");
  EXPECT_EQ(o->version, Version::kGoogle);
  EXPECT_EQ(o->request_size, 1024u);
  EXPECT_EQ(o->mode, LoopMode::kOpen);
  EXPECT_DOUBLE_EQ(o->rate, 2500);
  EXPECT_EQ(o->duration, absl::Milliseconds(1500));
  EXPECT_EQ(o->max_requests, 100u);
  EXPECT_EQ(o->timeout, absl::Milliseconds(250));
  EXPECT_DOUBLE_EQ(o->verify_fraction, 0.5);
  ASSERT_TRUE(o->key.has_value());
  EXPECT_EQ(o->server_pid, 42);
  EXPECT_EQ(o->sockets, 2u);
  EXPECT_EQ(o->batch, 8u);
  EXPECT_TRUE(o->json);
}

TEST(BenchArgsTest, DraftVersionsUse1024ByteDatagrams) {
  for (const char* v : {"draft-08", "draft-11"}) {
    absl::StatusOr<BenchOptions> o =
        Parse({"--server", "127.0.0.1:1", "--version", v});
    ASSERT_TRUE(o.ok()) << v;
    EXPECT_EQ(o->request_size, 1024u) << v;
  }
  absl::StatusOr<BenchOptions> o =
      Parse({"--server", "127.0.0.1:1", "--version", "0x8000000c"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->request_size, 1036u);
}

TEST(BenchArgsTest, UsageErrorsAreOneLine) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"--server", "10.0.0.1:2002"},
      {"--server", "127.0.0.1:2002", "--rate", "10", "--concurrency", "4"},
      {"--server", "127.0.0.1:2002", "--verify-fraction", "0.1"},
      {"--server", "127.0.0.1:2002", "--version", "draft-99"},
      {"--server", "127.0.0.1:2002", "--duration", "-1"},
      {"--server", "127.0.0.1:2002", "--rate", "abc"},
      {"--server", "127.0.0.1:2002", "--key", "short"},
      {"--server", "127.0.0.1:2002", "--request-size", "1035"},
      {"--server", "127.0.0.1:2002", "--bogus", "1"},
      {"--server"},
      {"127.0.0.1:2002"},
  };
  for (const auto& args : bad) {
    absl::StatusOr<BenchOptions> o = Parse(args);
    ASSERT_FALSE(o.ok()) << ::testing::PrintToString(args);
    const std::string msg(o.status().message());
    EXPECT_FALSE(msg.empty());
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(EchoArgsTest, ParsesAndRefusesNonLoopback) {
  absl::StatusOr<EchoOptions> o = ParseEchoArgs(
      {"--listen", "127.0.0.1:0", "--pid-file", "/tmp/x", "--reply-size",
       "100"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->reply_size, 100u);
  EXPECT_EQ(o->pid_file, "/tmp/x");
  EXPECT_FALSE(ParseEchoArgs({"--listen", "0.0.0.0:0"}).ok());
  EXPECT_FALSE(ParseEchoArgs({}).ok());
}

}  // namespace
}  // namespace roughtime::loadgen
