// What a SIGHUP reload accepts (reload.h), on real key files with real
// crypto: a new delegation is taken, the same one changes nothing, one
// without a CERT for a version being served is refused; a root seed that
// did not change keeps the online key, a new seed delegates from it.
#include "server/keys/reload.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/keyfile.h"
#include "server/keys/identity.h"
#include "shared_support.h"

namespace roughtime::server {
namespace {

using testing::TempDir;
using testing::WriteSeedHexFile;

class ReloadKeysTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  // A delegation valid around now for `served`, written to `name`.
  OnlineIdentity WriteDelegation(const std::string& name, VersionSet served) {
    const uint64_t now = absl::ToUnixSeconds(absl::Now());
    OnlineIdentity id = DelegateOnlineKey(
        root_, DelegationWindow{now - 3600, now + 3600}, served);
    EXPECT_TRUE(WriteDelegationFile(dir_.File(name), id, true).ok());
    return id;
  }

  ServerConfig Config(KeySource source, const std::string& name) {
    ServerConfig config;
    config.key_source = source;
    config.key_path = dir_.File(name);
    return config;
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
};

TEST_F(ReloadKeysTest, NewDelegationIsTakenAndTheSameOneChangesNothing) {
  const OnlineIdentity current = WriteDelegation("d.json", VersionSet::All());
  const ServerConfig config = Config(KeySource::kDelegation, "d.json");
  absl::StatusOr<ReloadedKeys> same =
      ReadReplacementKeys(config, VersionSet::All(), current, absl::Now());
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_FALSE(same->identity.has_value());

  const OnlineIdentity next = WriteDelegation("d.json", VersionSet::All());
  absl::StatusOr<ReloadedKeys> changed =
      ReadReplacementKeys(config, VersionSet::All(), current, absl::Now());
  ASSERT_TRUE(changed.ok()) << changed.status();
  ASSERT_TRUE(changed->identity.has_value());
  EXPECT_EQ(changed->identity->online_key.public_key(),
            next.online_key.public_key());
  EXPECT_FALSE(changed->root.has_value());
}

TEST_F(ReloadKeysTest, DelegationWithoutAServedVersionIsRefused) {
  const OnlineIdentity current = WriteDelegation("d.json", VersionSet::All());
  WriteDelegation("d.json", VersionSet{Version::kRfc1});
  const ServerConfig config = Config(KeySource::kDelegation, "d.json");
  absl::StatusOr<ReloadedKeys> keys =
      ReadReplacementKeys(config, VersionSet::All(), current, absl::Now());
  ASSERT_FALSE(keys.ok());
  EXPECT_TRUE(absl::StrContains(keys.status().message(),
                                "no certificate for version"))
      << keys.status();
  // Serving only RFC 10049, the same file is fine.
  EXPECT_TRUE(ReadReplacementKeys(config, VersionSet{Version::kRfc1}, current,
                                  absl::Now())
                  .ok());
}

TEST_F(ReloadKeysTest, RootSeedChangedOrNot) {
  ASSERT_TRUE(WriteSeedHexFile(dir_.File("root.key"), root_.seed(), 0600));
  const ServerConfig config = Config(KeySource::kRootKey, "root.key");
  const OnlineIdentity current =
      DelegateFor(root_, VersionSet::All(), absl::Now(), absl::Hours(1));
  absl::StatusOr<ReloadedKeys> same =
      ReadReplacementKeys(config, VersionSet::All(), current, absl::Now());
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_FALSE(same->identity.has_value());
  ASSERT_TRUE(same->root.has_value());
  EXPECT_EQ(same->root->public_key(), root_.public_key());

  const SigningKey other = SigningKey::Generate();
  ASSERT_EQ(unlink(config.key_path.c_str()), 0);
  ASSERT_TRUE(WriteSeedHexFile(dir_.File("root.key"), other.seed(), 0600));
  absl::StatusOr<ReloadedKeys> changed =
      ReadReplacementKeys(config, VersionSet::All(), current, absl::Now());
  ASSERT_TRUE(changed.ok()) << changed.status();
  ASSERT_TRUE(changed->identity.has_value());
  EXPECT_EQ(changed->identity->root_public_key, other.public_key());
  EXPECT_TRUE(changed->identity->ValidAt(absl::Now()));

  // Group-readable: refused exactly as at start.
  ASSERT_EQ(unlink(config.key_path.c_str()), 0);
  ASSERT_TRUE(WriteSeedHexFile(dir_.File("root.key"), other.seed(), 0640));
  EXPECT_FALSE(
      ReadReplacementKeys(config, VersionSet::All(), current, absl::Now())
          .ok());
}

}  // namespace
}  // namespace roughtime::server
