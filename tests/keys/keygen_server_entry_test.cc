// roughtime-keygen server-entry: the RFC 10049 §8.3 server-list entry.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "support/keygen.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ServerEntryTest = GeneratedRootKeyTest;

TEST_F(ServerEntryTest, PrintsTheRfcEntryFromAKeyFile) {
  const ProgramResult r = RunKeygen(
      {"server-entry", "--name", "Example Roughtime", "--address",
       "127.0.0.1:2002", "--address", "[::1]:5319", "--tcp-address",
       "time.example.org:5319", "--key", root_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.out);
  const nlohmann::ordered_json expected = {
      {"name", "Example Roughtime"},
      {"version", 1},
      {"publicKeyType", "ed25519"},
      {"publicKey", root_public_b64_},
      {"addresses",
       {{{"protocol", "udp"}, {"address", "127.0.0.1:2002"}},
        {{"protocol", "udp"}, {"address", "[::1]:5319"}},
        {{"protocol", "tcp"}, {"address", "time.example.org:5319"}}}}};
  EXPECT_EQ(j, expected) << r.out;
  // Field order as in the RFC's example.
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_THAT(keys, ::testing::ElementsAre("name", "version", "publicKeyType",
                                           "publicKey", "addresses"));
}

TEST_F(ServerEntryTest, PublicKeyOptionAcceptsBase64AndHex) {
  const std::vector<std::string> base = {"server-entry", "--name", "n",
                                         "--address", "localhost:5319"};
  std::vector<std::string> with_b64 = base, with_hex = base, with_key = base;
  with_b64.insert(with_b64.end(), {"--public-key", root_public_b64_});
  with_hex.insert(with_hex.end(), {"--public-key=" + root_public_hex_});
  with_key.insert(with_key.end(), {"--key", root_});
  const ProgramResult a = RunKeygen(with_b64), b = RunKeygen(with_hex),
                      c = RunKeygen(with_key);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out, c.out);
  ExpectOneLineError(
      RunKeygen({"server-entry", "--name", "n", "--address", "h:1",
                 "--public-key", root_public_b64_.substr(0, 20)}),
      2, "--public-key");
}

TEST_F(ServerEntryTest, AcceptsEveryAddressFormOfTheRfc) {
  for (const char* good :
       {"127.0.0.1:2002", "192.0.2.1:1", "[::1]:5319", "[2001:db8::2:33]:5319",
        "roughtime.example.org:65535", "time.example.:5319", "localhost:2002",
        "a-b.c1:7"}) {
    const ProgramResult r = RunKeygen({"server-entry", "--name", "n",
                                       "--address", good, "--key", root_});
    EXPECT_EQ(r.exit_code, 0) << good << ": " << r.err;
  }
}

TEST_F(ServerEntryTest, RefusesBadAddressesWithOneLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1.2.3:5", "not a valid IPv4"},
      {"256.1.1.1:5", "not a valid IPv4"},
      {"host", "expected HOST:PORT"},
      {"host:", "missing port"},
      {":5319", "missing host"},
      {"host:0", "out of range"},
      {"host:65536", "out of range"},
      {"host:12a", "decimal number"},
      {"host:-1", "decimal number"},
      {"::1:5319", "[ADDRESS]:PORT"},
      {"[::1]5319", "expected :PORT"},
      {"[::1:5319", "missing ']'"},
      {"[fe80::1%eth0]:5319", "zone ids"},
      {"[zz::1]:5319", "not a valid IPv6"},
      {"[127.0.0.1]:5319", "not a valid IPv6"},
      {"-bad-.example:1", "neither an IP address nor a DNS name"},
      {"a..b:1", "neither an IP address nor a DNS name"},
      {"under_score.example:1", "neither an IP address nor a DNS name"},
  };
  for (const auto& [address, fragment] : cases) {
    SCOPED_TRACE(address);
    const ProgramResult r = RunKeygen({"server-entry", "--name", "n",
                                       "--address", address, "--key", root_});
    ExpectOneLineError(r, 2, fragment);
    EXPECT_EQ(r.out, "");
    ExpectOneLineError(RunKeygen({"server-entry", "--name", "n", "--address",
                                  "h:1", "--tcp-address", address, "--key",
                                  root_}),
                       2, fragment);
  }
}

TEST_F(ServerEntryTest, MissingOrConflictingOptions) {
  ExpectOneLineError(
      RunKeygen({"server-entry", "--address", "h:1", "--key", root_}), 2,
      "--name");
  ExpectOneLineError(RunKeygen({"server-entry", "--name", "n", "--key", root_}),
                     2, "--address");
  ExpectOneLineError(
      RunKeygen({"server-entry", "--name", "n", "--address", "h:1"}), 2,
      "exactly one of --key");
  ExpectOneLineError(RunKeygen({"server-entry", "--name", "n", "--address",
                                "h:1", "--key", root_, "--public-key",
                                root_public_b64_}),
                     2, "exactly one of --key");
  ExpectOneLineError(RunKeygen({"server-entry", "--name", "n", "--address",
                                "h:1,h:2", "--key", root_}),
                     2, "repeat it");
  ExpectOneLineError(RunKeygen({"server-entry", "--name", "n", "--address",
                                "h:1", "--key", dir_.File("missing.key")}),
                     1, "No such file");
}

}  // namespace
}  // namespace roughtime::testing
