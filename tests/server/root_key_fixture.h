// The base of the server tests that start the real roughtimed with a root
// key of their own: a fresh key, written as a 0600 seed file in a temporary
// directory before each test, and the server process (if any) it starts.
// `Base` is ::testing::Test or a parameterised ::testing::TestWithParam<T>.
// Tests of an expiring delegation make one from that key (DelegateUntil).
#ifndef ROUGHTIME_TESTS_SERVER_ROOT_KEY_FIXTURE_H_
#define ROUGHTIME_TESTS_SERVER_ROOT_KEY_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "shared_support.h"

namespace roughtime::server::testing {

template <typename Base = ::testing::Test>
class RootKeyFixture : public Base {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    key_path_ = dir_.File("root.key");
    ASSERT_TRUE(WriteSeedHexFile(key_path_, root_.seed(), 0600));
  }

  // Starts roughtimed with this key on an ephemeral port with one worker,
  // `args` after those; returns the port (0 on failure).
  uint16_t StartWithRootKey(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--root-key", key_path_, "--port=0", "--workers=1"});
    return StartListening(args, &server_, "", /*wait_serving=*/true);
  }

  // Writes to `path` a delegation of the root key, made by roughtime-keygen
  // and valid from an hour ago until `not_after` ("+4s"): for the tests of
  // what the server does when it expires. False when the tool failed (its
  // stderr is in the recorded failure).
  bool DelegateUntil(const std::string& not_after, const std::string& path) {
    const ProgramResult r =
        RunKeygen({"delegate", "--root", key_path_, "--not-before", "-1h",
                   "--not-after", not_after, "--out", path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0;
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
  std::string key_path_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_ROOT_KEY_FIXTURE_H_
