// The README's run command (tools/run-server.sh runs
// `build/src/server/roughtimed --dev` from the repository root): in a fresh
// directory the server creates keys/dev-root.key (mode 0600), prints its
// public key (base64 and hex) and the exact client command to query it, and
// the answers verify against that key. No flags at all means the same.
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/keyfile.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

constexpr char kQueryPrefix[] = "roughtimed: query this server with: ";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ValueAfter(ServerProcess& server, const std::string& prefix) {
  std::optional<std::string> line =
      server.WaitForLine(prefix, absl::Seconds(10));
  if (!line.has_value()) return "";
  absl::string_view rest = *line;
  rest.remove_prefix(rest.find(prefix) + prefix.size());
  return std::string(rest);
}

class DevModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The repository layout run-server.sh uses: build/src/server/roughtimed
    // and build/tools/client/roughtime, run from the top directory.
    ASSERT_EQ(mkdir(dir_.File("build").c_str(), 0700), 0);
    ASSERT_EQ(mkdir(dir_.File("build/src").c_str(), 0700), 0);
    ASSERT_EQ(mkdir(dir_.File("build/src/server").c_str(), 0700), 0);
    ASSERT_EQ(mkdir(dir_.File("build/tools").c_str(), 0700), 0);
    ASSERT_EQ(mkdir(dir_.File("build/tools/client").c_str(), 0700), 0);
    ASSERT_EQ(symlink(RoughtimedPath().c_str(),
                      dir_.File("build/src/server/roughtimed").c_str()),
              0);
    const char* client = getenv("ROUGHTIME_CLIENT");
    if (client != nullptr) {
      client_ = client;
      ASSERT_EQ(symlink(client, dir_.File("build/tools/client/roughtime")
                                    .c_str()),
                0);
    }
    for (const ClientBehaviour& c : DeployedClients()) {
      if (c.name == "Rfc1") rfc_ = c;
    }
  }

  std::unique_ptr<ServerProcess> Run(std::vector<std::string> args) {
    args.push_back("--port=0");
    args.push_back("--stats-interval=0");
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args, dir_.path(), "build/src/server/roughtimed");
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  TempDir dir_;
  std::string client_;
  ClientBehaviour rfc_;
};

TEST_F(DevModeTest, CreatesTheKeyAndPrintsTheKeyAndTheQueryCommand) {
  auto server = Run({"--dev"});
  ASSERT_NE(server, nullptr);
  absl::StatusOr<std::vector<SocketAddress>> bound = server->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  const uint16_t port = bound->front().port();

  const std::string base64 =
      ValueAfter(*server, "root public key (base64): ");
  const std::string hex = ValueAfter(*server, "root public key (hex): ");
  const std::string command = ValueAfter(*server, kQueryPrefix);
  ASSERT_FALSE(command.empty()) << server->Output();
  EXPECT_TRUE(server->WaitForLine("keys/dev-root.key (created, mode 0600)",
                                  absl::Seconds(1)))
      << server->Output();

  // The key file: private to the user, and the key printed is its key.
  const std::string key_file = dir_.File("keys/dev-root.key");
  EXPECT_EQ(FileMode(key_file), 0600);
  EXPECT_EQ(FileMode(dir_.File("keys")), 0700);
  absl::StatusOr<Seed> seed = ReadSeedFile(key_file);
  ASSERT_TRUE(seed.ok()) << seed.status();
  const PublicKey root = SigningKey::FromSeed(*seed).public_key();
  EXPECT_EQ(base64, Base64Encode(root));
  EXPECT_EQ(hex, HexEncode(root));

  // The exact command, as run-server.sh users type it from the top.
  EXPECT_EQ(command, "build/tools/client/roughtime query 127.0.0.1:" +
                         std::to_string(port) + " --key " + base64);

  // The answers verify against the printed key, over both families.
  for (int family : {AF_INET, AF_INET6}) {
    absl::StatusOr<VerifiedResponse> v =
        QueryAs(rfc_, Loopback(family, port), root);
    EXPECT_TRUE(v.ok()) << v.status();
  }

  // The printed command works with the real client CLI.
  ASSERT_FALSE(client_.empty()) << "ROUGHTIME_CLIENT is not set";
  const std::vector<std::string> words =
      absl::StrSplit(command, ' ', absl::SkipEmpty());
  ASSERT_GE(words.size(), 2u);
  absl::StatusOr<std::unique_ptr<ServerProcess>> query = ServerProcess::Start(
      std::vector<std::string>(words.begin() + 1, words.end()), dir_.path(),
      words[0]);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ((*query)->WaitForExit(absl::Seconds(15)), 0)
      << (*query)->Output();

  ASSERT_EQ(server->Stop(SIGTERM), 0);
  // The private key never reaches the output.
  const std::string output = server->Output();
  const std::string file_text(
      absl::StripAsciiWhitespace(ReadAll(key_file)));
  ASSERT_FALSE(file_text.empty());
  EXPECT_EQ(output.find(file_text), std::string::npos);
  EXPECT_EQ(output.find(HexEncode(*seed)), std::string::npos);
  EXPECT_EQ(output.find(Base64Encode(*seed)), std::string::npos);
}

TEST_F(DevModeTest, NoFlagsMeansDevModeAndTheKeyIsKept) {
  auto first = Run({"--dev"});
  ASSERT_NE(first, nullptr);
  const std::string key1 = ValueAfter(*first, "root public key (base64): ");
  ASSERT_FALSE(key1.empty()) << first->Output();
  ASSERT_EQ(first->Stop(SIGTERM), 0);

  auto second = Run({});
  ASSERT_NE(second, nullptr);
  absl::StatusOr<std::vector<SocketAddress>> bound = second->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_TRUE(second->WaitForLine("keys/dev-root.key (existing)",
                                  absl::Seconds(5)))
      << second->Output();
  const std::string key2 = ValueAfter(*second, "root public key (base64): ");
  EXPECT_EQ(key1, key2);
  absl::StatusOr<Bytes> root = Base64Decode(key2);
  ASSERT_TRUE(root.ok() && root->size() == kPublicKeySize);
  PublicKey pk;
  std::copy(root->begin(), root->end(), pk.begin());
  absl::StatusOr<VerifiedResponse> v =
      QueryAs(rfc_, Loopback(AF_INET, bound->front().port()), pk);
  EXPECT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(second->Stop(SIGINT), 0);
}

TEST_F(DevModeTest, RefusesAKeyFileReadableByOthers) {
  ASSERT_EQ(mkdir(dir_.File("keys").c_str(), 0700), 0);
  ASSERT_TRUE(WriteSeedHexFile(dir_.File("keys/dev-root.key"),
                               SigningKey::Generate().seed(), 0644));
  auto server = Run({"--dev"});
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->WaitForExit(), 1) << server->Output();
  const std::vector<std::string> lines = server->Lines();
  ASSERT_EQ(lines.size(), 1u) << server->Output();
  EXPECT_NE(lines[0].find("keys/dev-root.key"), std::string::npos);
  // Left as it was: never overwritten.
  EXPECT_EQ(FileMode(dir_.File("keys/dev-root.key")), 0644);
}

}  // namespace
}  // namespace roughtime::server::testing
