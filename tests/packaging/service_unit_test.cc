// dist/systemd/roughtimed.service (issue #7 item 6, issue #12): the
// hardening it promises, a command line the server accepts with the
// shipped configuration and a key shaped like a systemd credential, and a
// clean `systemd-analyze verify` where the tool exists.
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "help_flags.h"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;

std::string Source(const std::string& relative) {
  return PathFromEnv("ROUGHTIME_SOURCE_ROOT") + "/" + relative;
}
std::string Unit() {
  return ReadFile(Source("dist/systemd/roughtimed.service"));
}

// The value of the (last) `key=` line.
std::string Setting(const std::string& unit, const std::string& key) {
  std::string value;
  for (absl::string_view line : absl::StrSplit(unit, '\n')) {
    if (absl::StartsWith(line, key + "=")) {
      value = std::string(line.substr(key.size() + 1));
    }
  }
  return value;
}

TEST(ServiceUnitTest, RunsUnprivilegedOnAReadOnlySystem) {
  const std::string u = Unit();
  for (const char* line :
       {"User=_roughtimed", "Group=_roughtimed", "CapabilityBoundingSet=\n",
        "AmbientCapabilities=\n", "NoNewPrivileges=yes",
        "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
        "PrivateDevices=yes", "InaccessiblePaths=-/etc/roughtimed/keys",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes",
        "LockPersonality=yes", "RestrictNamespaces=yes",
        "WantedBy=multi-user.target"}) {
    EXPECT_THAT(u, HasSubstr(std::string("\n") + line)) << line;
  }
  EXPECT_THAT(u, ::testing::Not(HasSubstr("\nDynamicUser=")));
  // No capability at all (the comment above them may name one).
  EXPECT_EQ(Setting(u, "CapabilityBoundingSet"), "");
  EXPECT_EQ(Setting(u, "AmbientCapabilities"), "");
  // The user the unit names is the one the package creates.
  EXPECT_THAT(ReadFile(Source("dist/sysusers.d/roughtimed.conf")),
              HasSubstr("\nu _roughtimed "));
}

TEST(ServiceUnitTest, TheKeyIsACredentialAndItsAbsenceKeepsTheUnitInactive) {
  const std::string u = Unit();
  const std::string key = "/etc/roughtimed/keys/root.key";
  EXPECT_EQ(Setting(u, "ConditionPathExists"), key);
  EXPECT_EQ(Setting(u, "LoadCredential"), "root.key:" + key);
  EXPECT_THAT(Setting(u, "ExecStart"), HasSubstr(" --root-key=%d/root.key"));
}

// The ExecStart line with the paths of this build: the built server, the
// shipped example configuration and `credentials` for %d.
std::vector<std::string> ExecStart(const std::string& credentials) {
  const std::string line = absl::StrReplaceAll(
      Setting(Unit(), "ExecStart"),
      {{"/usr/bin/roughtimed", PathFromEnv("ROUGHTIMED")},
       {"/etc/roughtimed/roughtimed.toml", Source("dist/roughtimed.toml")},
       {"%d", credentials}});
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

TEST(ServiceUnitTest, ExecStartUsesOnlyFlagsTheServerHas) {
  const std::set<std::string> flags =
      ServerHelpFlags(OutputOf({PathFromEnv("ROUGHTIMED"), "--help"}));
  for (const std::string& arg : ExecStart("/creds")) {
    if (arg.rfind("--", 0) != 0) continue;
    EXPECT_TRUE(flags.count(arg.substr(0, arg.find('='))))
        << "roughtimed has no " << arg;
  }
}

TEST(ServiceUnitTest, ServerAcceptsTheUnitsCommandLineWithACredentialKey) {
  // systemd 252 (Debian 12) copies a credential into a fresh directory as a
  // 0400 file owned by the service user: the server must take that file.
  TempDir dir;
  const std::string made = dir.File("made.key");
  const ProgramResult gen =
      RunProgram({PathFromEnv("ROUGHTIME_KEYGEN"), "generate", "--out", made});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string credentials = dir.File("credentials");
  std::filesystem::create_directory(credentials);
  WriteFile(credentials + "/root.key", ReadFile(made));
  ASSERT_EQ(chmod((credentials + "/root.key").c_str(), 0400), 0);
  std::vector<std::string> argv = ExecStart(credentials);
  argv.push_back("--check-config");
  const ProgramResult r = RunProgram(argv, {.timeout = absl::Seconds(60)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("configuration OK"));
  EXPECT_THAT(r.out, HasSubstr("root.key"));
}

TEST(ServiceUnitTest, SystemdAnalyzeVerifyIsClean) {
  const char* tool = "/usr/bin/systemd-analyze";
  if (!std::filesystem::exists(tool)) {
    GTEST_SKIP() << "systemd-analyze is not installed; the unit was not "
                    "verified (tools/package-test.sh verifies the installed "
                    "unit too)";
  }
  // verify checks that ExecStart's binary exists: point it at ours. The
  // man page is checked by tools/package-test.sh, where it is installed.
  TempDir dir;
  const std::string unit = dir.File("roughtimed.service");
  WriteFile(unit, absl::StrReplaceAll(Unit(), {{"/usr/bin/roughtimed",
                                                PathFromEnv("ROUGHTIMED")}}));
  const ProgramResult r = RunProgram({tool, "verify", "--man=no", unit},
                                     {.timeout = absl::Seconds(60)});
  // The exposure score systemd computes from the sandboxing (0 best, 10
  // worst); 2.0 or less is what the settings above give.
  const ProgramResult security =
      RunProgram({tool, "security", "--offline=true", "--no-pager", unit},
                 {.timeout = absl::Seconds(60)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out + r.err, "");
  std::smatch m;
  const std::string text = security.out + security.err;
  if (!std::regex_search(text, m,
                         std::regex("Overall exposure level for "
                                    "roughtimed.service: ([0-9.]+)"))) {
    GTEST_SKIP() << "this systemd-analyze has no offline security report";
  }
  EXPECT_LE(std::stod(m[1].str()), 2.0) << text;
}

}  // namespace
}  // namespace roughtime::testing
