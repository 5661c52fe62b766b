// Server lists: the RFC 10049 §8.3 format and the Cloudflare and Google
// variants (fact sheet §8), unknown key types skipped, malformed lists
// refused with one clear line. Fixtures: tests/client/testdata/.
#include <algorithm>
#include <string>
#include <vector>

#include "client/endpoint.h"
#include "client/server_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using client::HostPort;
using client::ParseServerList;
using client::ReadServerList;
using client::ServerList;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  return PathFromEnv("ROUGHTIME_CLIENT_TESTDATA") + "/" + name;
}

TEST(ServerListTest, CloudflareShapeWithStringAndMissingVersions) {
  absl::StatusOr<ServerList> list =
      ReadServerList(Fixture("cloudflare-ecosystem.json"));
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->servers.size(), 3u);
  EXPECT_TRUE(list->notes.empty());
  const client::ListedServer& cf = list->servers[0];
  EXPECT_EQ(cf.name, "Cloudflare-Roughtime-2");
  EXPECT_EQ(cf.version_label, "IETF-Roughtime");
  EXPECT_EQ(cf.offer, client::AnyIetfOffer());
  EXPECT_THAT(cf.offer.wire_versions, ElementsAre(1u, 0x8000000bu, 0x8000000cu));
  EXPECT_EQ(HexEncode(cf.public_key),
            "d060fb737c8ff3111ce19976cdeb8dd9294bbc3555a1c8ec3d22fcfd197fef38");
  EXPECT_EQ(cf.udp, (HostPort{"roughtime.cloudflare.com", 2003}));
  EXPECT_FALSE(cf.tcp.has_value());
  // "Google-Roughtime" and a missing version both mean Google.
  EXPECT_TRUE(list->servers[1].offer.google);
  EXPECT_TRUE(list->servers[2].offer.google);
  EXPECT_EQ(list->servers[2].version_label, "(none)");
}

TEST(ServerListTest, RfcShapeWithIntegerVersionsUdpAndTcp) {
  absl::StatusOr<ServerList> list =
      ReadServerList(Fixture("rfc-servers.json"));
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->servers.size(), 3u);
  const client::ListedServer& v1 = list->servers[0];
  EXPECT_EQ(v1.offer, client::DefaultOffer());
  EXPECT_EQ(v1.udp, (HostPort{"192.0.2.1", 5319}));
  EXPECT_EQ(v1.tcp, (HostPort{"2001:db8::2:33", 5319}));
  client::ServerTarget t = v1.ToTarget();
  EXPECT_EQ(client::FormatHostPort(t.tcp), "[2001:db8::2:33]:5319");
  EXPECT_EQ(HexEncode(t.root_key),
            "231bbb82a8c9f5353a231b0ef30c59c40153e6d7ba15c65942ae6f5c5977e491");
  // 2147483660 = 0x8000000c, the number drafts 12-19 suggested.
  EXPECT_THAT(list->servers[1].offer.wire_versions, ElementsAre(0x8000000cu));
  EXPECT_FALSE(list->servers[1].tcp.has_value());  // "quic" ignored
  // A TCP-only entry queries over TCP.
  client::ServerTarget tcp_only = list->servers[2].ToTarget();
  EXPECT_FALSE(tcp_only.has_udp);
  EXPECT_EQ(tcp_only.tcp, (HostPort{"time.example", 5319}));
  EXPECT_EQ(list->reports_url, "https://lists.example/malfeasance");
}

TEST(ServerListTest, UnknownKeyTypesAndVersionsAreSkippedWithANote) {
  absl::StatusOr<ServerList> list =
      ReadServerList(Fixture("mixed-key-types.json"));
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->servers.size(), 2u);
  EXPECT_EQ(list->servers[0].name, "time.example-ed25519");
  EXPECT_EQ(list->servers[1].name, "pre-ietf-by-number");
  EXPECT_TRUE(list->servers[1].offer.google);
  ASSERT_EQ(list->notes.size(), 2u);
  EXPECT_THAT(list->notes[0], HasSubstr("key type 'ml-dsa-44'"));
  EXPECT_THAT(list->notes[1], HasSubstr("unknown version '7'"));
}

TEST(ServerListTest, MalformedListsGiveOneClearLine) {
  struct Case {
    const char* json;
    const char* error;
  };
  const std::string key = "\"0GD7c3yP8xEc4Zl2zeuN2SlLvDVVocjsPSL8/Rl/7zg=\"";
  const std::string addr =
      "\"addresses\":[{\"protocol\":\"udp\",\"address\":\"a.example:1\"}]";
  std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not JSON"},
      {"{\"servers\": [", "not JSON: parse error at line 1"},
      // A number no double holds: nlohmann throws out_of_range, not
      // parse_error (server_list_fuzzer crash, 2026-11-26).
      {"{\"servers\": [1e999]}", "not JSON: number overflow parsing '1e999'"},
      {"{\"servers\": [" + std::string(400, '6') + "e633]}",
       "not JSON: number overflow parsing '666"},
      {"[]", "not a JSON object"},
      {"{}", "no \"servers\" array"},
      {"{\"servers\": {}}", "no \"servers\" array"},
      {"{\"servers\": [42]}", "servers[0]: not an object"},
      {"{\"servers\": [{\"publicKey\":" + key + "," + addr + "}]}",
       "servers[0]: no string \"name\""},
      {"{\"servers\": [{\"name\":\"a\"," + addr + "}]}",
       "servers[0]: no string \"publicKey\""},
      {"{\"servers\": [{\"name\":\"a\",\"publicKey\":\"AAAA\"," + addr + "}]}",
       "servers[0].publicKey: not base64 of a 32-byte key"},
      {"{\"servers\": [{\"name\":\"a\",\"version\":[1],\"publicKey\":" + key +
           "," + addr + "}]}",
       "servers[0].version: neither a non-negative integer nor a string"},
      {"{\"servers\": [{\"name\":\"a\",\"publicKey\":" + key + "}]}",
       "servers[0]: no \"addresses\""},
      {"{\"servers\": [{\"name\":\"a\",\"publicKey\":" + key +
           ",\"addresses\":[{\"protocol\":\"udp\",\"address\":\"a.example\"}]}]}",
       "servers[0].addresses[0].address: address 'a.example' is not host:port"},
      {"{\"servers\": [], \"reports\": 5}", "\"reports\" is not a string"},
  };
  for (const auto& [json, error] : cases) {
    SCOPED_TRACE(json);
    absl::StatusOr<ServerList> list = ParseServerList(json);
    ASSERT_FALSE(list.ok());
    EXPECT_THAT(list.status().message(), HasSubstr(error));
    EXPECT_EQ(list.status().message().find('\n'), absl::string_view::npos);
    EXPECT_LT(list.status().message().size(), 200u);
  }
}

TEST(ServerListTest, CliRejectsMalformedAndUnchainableLists) {
  const std::string cli = PathFromEnv("ROUGHTIME_CLI");
  ProgramResult r = RunProgram(
      {cli, "measure", "--servers", Fixture("malformed-truncated.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_THAT(r.err, HasSubstr("malformed-truncated.json: not JSON: parse "
                               "error at line 3"));
  // The input the fuzzer found, as a file: one line and exit 2, no abort.
  TempDir overflow_dir;
  WriteFile(overflow_dir.File("overflow.json"),
            "{\"servers\": [{},\n 1e999]}\n");
  ProgramResult o = RunProgram(
      {cli, "measure", "--servers", overflow_dir.File("overflow.json")});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  EXPECT_THAT(o.err, HasSubstr("overflow.json: not JSON: number overflow"));
  // Only Google servers: nothing can be chained, so nothing is queried.
  TempDir dir;
  WriteFile(
      dir.File("google.json"),
      R"({"servers":[{"name":"g","publicKey":"etPaaIxcBMY1oUeGpwvPMCJMwlRVNxv51KK/tktoJTQ=",
                 "addresses":[{"protocol":"udp","address":"127.0.0.1:9"}]}]})");
  ProgramResult g =
      RunProgram({cli, "measure", "--servers", dir.File("google.json")});
  EXPECT_EQ(g.exit_code, 2);
  EXPECT_THAT(g.err, HasSubstr("no server that speaks an IETF version"));
}

TEST(EndpointTest, ParsesHostPortForms) {
  EXPECT_EQ(*client::ParseHostPort("127.0.0.1:2002"),
            (HostPort{"127.0.0.1", 2002}));
  EXPECT_EQ(*client::ParseHostPort("[::1]:5319"), (HostPort{"::1", 5319}));
  EXPECT_EQ(*client::ParseHostPort("time.example:1"),
            (HostPort{"time.example", 1}));
  for (const char* bad : {"", "host", ":1", "host:0", "host:65536", "host:x",
                          "[::1]", "[::1]5319", "::1:5319", "[fe80::1%eth0]:1",
                          "host:+1"}) {
    EXPECT_FALSE(client::ParseHostPort(bad).ok()) << bad;
  }
  EXPECT_EQ(client::FormatHostPort({"::1", 7}), "[::1]:7");
  EXPECT_EQ(client::FormatHostPort({"127.0.0.1", 7}), "127.0.0.1:7");
}

}  // namespace
}  // namespace roughtime::testing
