#include "server_group.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace roughtime::testing {
namespace {

std::string Entry(const std::string& name, const TestServer& s) {
  return absl::StrCat(
      R"({"name":")", name, R"(","version":1,"publicKeyType":"ed25519",)",
      R"("publicKey":")", s.public_key_base64(),
      R"(","addresses":[{"protocol":"udp","address":")", s.address(),
      R"("}]})");
}

}  // namespace

ServerGroup StartGroup(std::vector<TestServerOptions> options,
                       std::vector<size_t> duplicate_of) {
  ServerGroup g;
  const char* hosts[] = {"127.0.0.1", "::1"};
  std::vector<std::string> entries;
  for (size_t i = 0; i < options.size(); ++i) {
    options[i].host = hosts[i % 2];
    auto s = TestServer::Start(options[i]);
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return g;
    g.servers.push_back(*std::move(s));
  }
  auto add = [&](const std::string& name, const TestServer& s) {
    client::ListedServer l;
    l.name = name;
    l.public_key = s.public_key();
    l.udp = *client::ParseHostPort(s.address());
    g.listed.push_back(l);
    entries.push_back(Entry(name, s));
  };
  for (size_t i = 0; i < g.servers.size(); ++i) {
    add(absl::StrCat("server-", i), *g.servers[i]);
  }
  for (size_t d : duplicate_of) {
    add(absl::StrCat("server-", d, "-again"), *g.servers[d]);
  }
  g.list_json =
      absl::StrCat(R"({"servers":[)", absl::StrJoin(entries, ","), "]}");
  return g;
}

}  // namespace roughtime::testing
