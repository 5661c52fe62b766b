// roughtime-keygen delegate and inspect (delegations), run as a real
// process; the files it writes are checked with the library reader.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "support/files.h"
#include "support/keygen.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

int64_t Now() { return absl::ToUnixSeconds(absl::Now()); }

std::string Rfc3339(int64_t t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t),
                          absl::UTCTimeZone());
}

class KeygenDelegateTest : public GeneratedRootKeyTest {
 protected:
  ProgramResult Delegate(std::vector<std::string> extra) {
    std::vector<std::string> args = {"delegate", "--root", root_, "--out", out_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunKeygen(args);
  }

  std::string out_ = dir_.File("delegation.json");
};

TEST_F(KeygenDelegateTest, DefaultWindowAndEveryFamilyInA0600File) {
  const int64_t before = Now();
  const ProgramResult r = Delegate({});
  const int64_t after = Now();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FileMode(out_), 0600);
  EXPECT_THAT(ListDir(dir_.path()), ElementsAre("delegation.json", "root.key"));

  absl::StatusOr<OnlineIdentity> id = ReadDelegationFile(out_);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(Base64Encode(id->root_public_key), root_public_b64_);
  const int64_t mint = static_cast<int64_t>(id->window.mint_seconds);
  const int64_t maxt = static_cast<int64_t>(id->window.maxt_seconds);
  EXPECT_GE(mint, before - 3600);
  EXPECT_LE(mint, after - 3600);
  EXPECT_GE(maxt, before + 30 * 86400);
  EXPECT_LE(maxt, after + 30 * 86400);
  for (size_t i = 0; i < kNumCertFamilies; ++i) {
    EXPECT_FALSE(id->certs[i].empty()) << "family " << i;
  }
  EXPECT_TRUE(id->ValidAt(absl::Now()));
  EXPECT_EQ(ValueAfter(r.out, "online public key (base64)"),
            Base64Encode(id->online_key.public_key()));
  EXPECT_EQ(ValueAfter(r.out, "root public key (base64)"), root_public_b64_);
  EXPECT_EQ(ValueAfter(r.out, "not before (MINT)"),
            Rfc3339(mint) + " (" + std::to_string(mint) + ")");
  EXPECT_EQ(ValueAfter(r.out, "certificates"),
            "google draft-08-11 draft-12 rfc-1");
}

TEST_F(KeygenDelegateTest, EachTimeSyntaxGivesTheExactSeconds) {
  const int64_t start = Now() + 86400;
  const int64_t end = start + 7 * 86400;
  struct Case {
    std::string not_before, not_after;
    int64_t mint, maxt;
  };
  const std::vector<Case> cases = {
      {Rfc3339(start), Rfc3339(end), start, end},
      {std::to_string(start), std::to_string(end), start, end},
      {Rfc3339(start).substr(0, 19) + "+02:00", std::to_string(end),
       start - 7200, end},
  };
  for (const Case& c : cases) {
    const ProgramResult r = Delegate(
        {"--not-before", c.not_before, "--not-after", c.not_after, "--force"});
    ASSERT_EQ(r.exit_code, 0) << c.not_before << ": " << r.err;
    absl::StatusOr<OnlineIdentity> id = ReadDelegationFile(out_);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->window.mint_seconds, static_cast<uint64_t>(c.mint));
    EXPECT_EQ(id->window.maxt_seconds, static_cast<uint64_t>(c.maxt));
  }
  // Relative forms: within a few seconds of now.
  const int64_t t0 = Now();
  ASSERT_EQ(Delegate({"--not-before=now", "--not-after=+1d12h", "--force"})
                .exit_code, 0);
  absl::StatusOr<OnlineIdentity> id = ReadDelegationFile(out_);
  ASSERT_TRUE(id.ok());
  EXPECT_NEAR(static_cast<double>(id->window.mint_seconds), t0, 5);
  EXPECT_NEAR(static_cast<double>(id->window.maxt_seconds), t0 + 129600, 5);
}

TEST_F(KeygenDelegateTest, AbsurdWindowsAreRefusedWithoutWritingAFile) {
  const int64_t now = Now();
  struct Case {
    std::vector<std::string> args;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {{"--not-before", "+2d", "--not-after", "+1d"}, "inverted window"},
      {{"--not-before", "+1d", "--not-after", "+1d"}, "inverted window"},
      {{"--not-before", "-3d", "--not-after", "-1d"}, "is in the past"},
      {{"--not-after", "+400d"}, "longer than 366 days"},
      {{"--not-after", "10000-01-01T00:00:00Z", "--allow-long-window"},
       "after 9999-12-31T23:59:59Z"},
      {{"--not-after", "253402300800", "--allow-long-window"},
       "after 9999-12-31T23:59:59Z"},
      {{"--not-before", "1969-12-31T00:00:00Z", "--allow-long-window"},
       "before 1970"},
      {{"--not-before", std::to_string(now + 10), "--not-after",
        std::to_string(now + 5)}, "inverted window"},
  };
  for (const Case& c : cases) {
    ExpectOneLineError(Delegate(c.args), 1, c.fragment);
    EXPECT_THAT(ListDir(dir_.path()), ElementsAre("root.key"));
  }
  // A repeated option is a usage error, not a silent override.
  ExpectOneLineError(Delegate({"--not-after", "+2d", "--not-after", "+1d"}), 2,
                     "more than once");
  // The long window is accepted once asked for.
  ASSERT_EQ(Delegate({"--not-after", "+400d", "--allow-long-window"}).exit_code,
            0);
  EXPECT_EQ(FileMode(out_), 0600);
}

TEST_F(KeygenDelegateTest, UnparseableTimesAreUsageErrors) {
  for (const char* bad : {"tomorrow", "+30x", "+", "now+", "now-d",
                          "2026-13-01T00:00:00Z", "2026-11-25T00:00:00.5Z",
                          "12:00", "99999999999999999999999"}) {
    ExpectOneLineError(Delegate({"--not-after", bad}), 2, "bad time");
  }
  ExpectOneLineError(Delegate({"--not-before", "soon"}), 2, "--not-before");
  EXPECT_THAT(ListDir(dir_.path()), ElementsAre("root.key"));
}

TEST_F(KeygenDelegateTest, NeverOverwritesWithoutForceNorTheRootKey) {
  ASSERT_EQ(Delegate({}).exit_code, 0);
  const std::string first = ReadFile(out_);
  const ProgramResult again = Delegate({});
  ExpectOneLineError(again, 1, "already exists");
  EXPECT_EQ(ReadFile(out_), first);
  ASSERT_EQ(Delegate({"--force"}).exit_code, 0);
  EXPECT_NE(ReadFile(out_), first);

  const std::string root_before = ReadFile(root_);
  ExpectOneLineError(RunKeygen({"delegate", "--root", root_, "--out", root_,
                                "--force"}),
                     1, "is the root key file itself");
  EXPECT_EQ(ReadFile(root_), root_before);
  EXPECT_THAT(ListDir(dir_.path()), ElementsAre("delegation.json", "root.key"));
}

TEST_F(KeygenDelegateTest, BadRootKeysAndOutputsFailCleanly) {
  ExpectOneLineError(RunKeygen({"delegate", "--out", out_}), 2, "--root");
  ASSERT_EQ(chmod(root_.c_str(), 0644), 0);
  ExpectOneLineError(Delegate({}), 1, "chmod 600 " + root_);
  ASSERT_EQ(chmod(root_.c_str(), 0600), 0);
  WriteFile(dir_.File("short.key"), ReadFile(root_).substr(0, 50),
                    0600);
  ExpectOneLineError(RunKeygen({"delegate", "--root", dir_.File("short.key"),
                                "--out", out_}),
                     1, "truncated");
  ASSERT_EQ(Delegate({}).exit_code, 0);
  ExpectOneLineError(RunKeygen({"delegate", "--root", out_, "--out",
                                dir_.File("d2.json")}),
                     1, "delegation file");
  // Output below a regular file: ENOTDIR, nothing left behind.
  ExpectOneLineError(RunKeygen({"delegate", "--root", root_, "--out",
                                dir_.File("root.key/d.json")}),
                     1, "Not a directory");
  EXPECT_THAT(ListDir(dir_.path()),
              ElementsAre("delegation.json", "root.key", "short.key"));
}

// ----- inspect on delegations -----

TEST_F(KeygenDelegateTest, InspectShowsWindowFamiliesAndValidity) {
  ASSERT_EQ(Delegate({}).exit_code, 0);
  absl::StatusOr<OnlineIdentity> id = ReadDelegationFile(out_);
  ASSERT_TRUE(id.ok());
  const ProgramResult r = RunKeygen({"inspect", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("type: delegation"));
  EXPECT_EQ(ValueAfter(r.out, "online public key (base64)"),
            Base64Encode(id->online_key.public_key()));
  EXPECT_EQ(ValueAfter(r.out, "root public key (base64)"), root_public_b64_);
  const int64_t mint = static_cast<int64_t>(id->window.mint_seconds);
  const int64_t maxt = static_cast<int64_t>(id->window.maxt_seconds);
  EXPECT_EQ(ValueAfter(r.out, "not before (MINT)"),
            Rfc3339(mint) + " (" + std::to_string(mint) + ")");
  EXPECT_EQ(ValueAfter(r.out, "not after (MAXT)"),
            Rfc3339(maxt) + " (" + std::to_string(maxt) + ")");
  EXPECT_THAT(ValueAfter(r.out, "status"), HasSubstr("valid now"));
  for (const char* family : {"google", "draft-08-11", "draft-12", "rfc-1"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("certificate ") + family));
  }
  EXPECT_EQ(ValueAfter(r.out, "online key matches its seed"), "yes");
}

TEST_F(KeygenDelegateTest, InspectReportsExpiredAndNotYetValidWindows) {
  absl::StatusOr<Seed> seed = ReadSeedFile(root_);
  ASSERT_TRUE(seed.ok());
  const SigningKey root = SigningKey::FromSeed(*seed);
  const uint64_t now = static_cast<uint64_t>(Now());
  const std::vector<std::pair<DelegationWindow, std::string>> cases = {
      {{now - 10 * 86400, now - 86400}, "expired (1d"},
      {{now + 2 * 86400 + 3600, now + 3 * 86400}, "not yet valid (starts in 2d"},
  };
  for (const auto& [window, expected] : cases) {
    ASSERT_TRUE(
        WriteDelegationFile(out_, DelegateOnlineKey(root, window), true).ok());
    const ProgramResult r = RunKeygen({"inspect", out_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(ValueAfter(r.out, "status"), HasSubstr(expected));
  }
}

TEST_F(KeygenDelegateTest, InspectFlagsABadSignatureAndAbsentFamilies) {
  absl::StatusOr<Seed> seed = ReadSeedFile(root_);
  ASSERT_TRUE(seed.ok());
  const uint64_t now = static_cast<uint64_t>(Now());
  const OnlineIdentity only_v1 =
      DelegateOnlineKey(SigningKey::FromSeed(*seed), {now, now + 86400},
                        VersionSet{Version::kRfc1, Version::kDraft12});
  ASSERT_TRUE(WriteDelegationFile(out_, only_v1, false).ok());
  nlohmann::json j = nlohmann::json::parse(ReadFile(out_));
  std::string cert = j["certs"]["rfc-1"];
  cert[60] = cert[60] == 'a' ? 'b' : 'a';  // inside SIG
  j["certs"]["rfc-1"] = cert;
  WriteFile(out_, j.dump(2), 0600);

  const ProgramResult r = RunKeygen({"inspect", out_});
  ExpectOneLineError(r, 1, "1 problem(s)");
  EXPECT_THAT(r.out, HasSubstr("google (versions Google-Roughtime"));
  EXPECT_EQ(ValueAfter(r.out, "certificate google (versions "
                              "Google-Roughtime, context \"RoughTime v1 "
                              "delegation signature--\\0\", microseconds)"),
            "absent");
  EXPECT_THAT(r.out, HasSubstr("seconds): INVALID: CERT rfc-1 does not verify"));
  EXPECT_THAT(r.out, HasSubstr("0x8000000c, context \"RoughTime v1 delegation "
                               "signature\\0\", seconds): signature OK"));
}

TEST_F(KeygenDelegateTest, InspectRefusesGarbageAndOpenFiles) {
  WriteFile(out_, "{\"format\": \"roughtime-delegation\"", 0600);
  ExpectOneLineError(RunKeygen({"inspect", out_}), 1, "not valid JSON");
  ASSERT_EQ(Delegate({"--force"}).exit_code, 0);
  ASSERT_EQ(chmod(out_.c_str(), 0604), 0);
  ExpectOneLineError(RunKeygen({"inspect", out_}), 1, "mode 0604");
  ExpectOneLineError(RunKeygen({"inspect"}), 2, "exactly one FILE");
}

}  // namespace
}  // namespace roughtime::testing
