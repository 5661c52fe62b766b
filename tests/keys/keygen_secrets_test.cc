// Private key bytes never reach stdout or stderr: every command, on success
// and on failure, is run and its output scanned for the root and online
// seeds in every encoding the tool reads or writes.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "support/files.h"
#include "support/keygen.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

// Every way a seed could show up, including half of it (a truncated key
// file quoted in an error) and the start of libsodium's seed||pk secret.
std::vector<std::string> Encodings(const Seed& seed) {
  const std::string hex = HexEncode(seed);
  const std::string b64 = Base64Encode(seed);
  std::string url = b64;
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return {hex,
          Upper(hex),
          hex.substr(0, 32),
          hex.substr(32),
          b64.substr(0, 40),
          url.substr(0, 40),
          std::string(reinterpret_cast<const char*>(seed.data()), 16)};
}

class KeygenSecretsTest : public ::testing::Test {
 protected:
  void Run(const std::vector<std::string>& args) {
    const ProgramResult r = RunKeygen(args);
    ASSERT_FALSE(r.timed_out);
    outputs_.push_back({args, r.out + r.err});
  }

  void ExpectNoSecretIn(const Seed& seed, const char* what) {
    for (const std::string& secret : Encodings(seed)) {
      for (const auto& [args, text] : outputs_) {
        std::string command;
        for (const std::string& a : args) command += a + " ";
        EXPECT_EQ(text.find(secret), std::string::npos)
            << what << " leaked by: " << command;
      }
    }
  }

  TempDir dir_;
  std::vector<std::pair<std::vector<std::string>, std::string>> outputs_;
};

TEST_F(KeygenSecretsTest, NoCommandEverPrintsASeed) {
  const std::string root = dir_.File("root.key");
  const std::string del = dir_.File("delegation.json");
  Run({"generate", "--out", root});
  ASSERT_EQ(outputs_.size(), 1u);
  absl::StatusOr<Seed> root_seed = ReadSeedFile(root);
  ASSERT_TRUE(root_seed.ok()) << outputs_[0].second;
  const std::string hex = ReadFile(root);

  Run({"generate", "--out", root});  // refused: exists
  Run({"public", root});
  Run({"inspect", root});
  Run({"delegate", "--root", root, "--out", del});
  Run({"delegate", "--root", root, "--out", del});  // refused: exists
  Run({"delegate", "--root", root, "--out", dir_.File("x"), "--not-after",
       "-1d"});
  Run({"inspect", del});
  Run({"server-entry", "--name", "n", "--address", "h:1", "--key", root});
  Run({"delegate", "--root", del, "--out", dir_.File("y")});  // not a key

  // Damaged or exposed copies of the keys: the errors must not quote them.
  const std::vector<std::pair<std::string, std::string>> bad_roots = {
      {"half.key", hex.substr(0, 32)},
      {"long.key", hex.substr(0, 64) + hex.substr(0, 64)},
      {"junk.key", hex.substr(0, 64) + "!!"},
      {"b64.key", Base64Encode(*root_seed).substr(0, 40)},
      {"spaced.key", hex.substr(0, 32) + " " + hex.substr(32)},
  };
  for (const auto& [name, contents] : bad_roots) {
    WriteFile(dir_.File(name), contents, 0600);
    Run({"public", dir_.File(name)});
    Run({"inspect", dir_.File(name)});
    Run({"delegate", "--root", dir_.File(name), "--out", dir_.File("z")});
  }
  WriteFile(dir_.File("open.key"), hex, 0644);
  Run({"public", dir_.File("open.key")});
  Run({"server-entry", "--name", "n", "--address", "h:1", "--key",
       dir_.File("open.key")});

  absl::StatusOr<OnlineIdentity> id = ReadDelegationFile(del);
  ASSERT_TRUE(id.ok()) << id.status();
  const Seed online_seed = id->online_key.seed();
  nlohmann::json j = nlohmann::json::parse(ReadFile(del));
  j["certs"]["rfc-1"] = "00";
  WriteFile(dir_.File("broken.json"), j.dump(), 0600);
  Run({"inspect", dir_.File("broken.json")});
  j = nlohmann::json::parse(ReadFile(del));
  j["online_private_seed"] = HexEncode(online_seed).substr(0, 60);
  WriteFile(dir_.File("short-seed.json"), j.dump(), 0600);
  Run({"inspect", dir_.File("short-seed.json")});
  WriteFile(dir_.File("open.json"), ReadFile(del), 0640);
  Run({"inspect", dir_.File("open.json")});

  // The scan is only meaningful if the commands produced real output.
  ASSERT_GE(outputs_.size(), 25u);
  ExpectNoSecretIn(*root_seed, "root seed");
  ExpectNoSecretIn(online_seed, "online seed");
}

}  // namespace
}  // namespace roughtime::testing
