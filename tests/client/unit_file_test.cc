// dist/systemd/roughtime-sync.service: the boot unit passes
// `systemd-analyze verify` without a single warning (when the tool
// exists), and keeps the ordering and privilege settings docs/CLIENT.md
// promises.
#include <filesystem>
#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;

std::string Unit() { return ReadFile(PathFromEnv("ROUGHTIME_SYNC_UNIT")); }

TEST(SyncUnitTest, OrderingAndPrivileges) {
  const std::string u = Unit();
  for (const char* line :
       {"Type=oneshot", "Before=time-sync.target",
        "Wants=network-online.target time-sync.target",
        "After=network-online.target",
        "ExecStart=/usr/bin/roughtime sync --servers "
        "/etc/roughtime/servers.json",
        "CapabilityBoundingSet=CAP_SYS_TIME",
        "AmbientCapabilities=CAP_SYS_TIME", "DynamicUser=yes",
        "StateDirectory=roughtime", "ProtectSystem=strict",
        "ReadOnlyPaths=/etc/roughtime", "PrivateTmp=yes",
        "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_INET AF_INET6",
        "SystemCallFilter=@system-service @clock"}) {
    EXPECT_THAT(u, HasSubstr(std::string("\n") + line)) << line;
  }
  EXPECT_THAT(u, ::testing::Not(HasSubstr("--allow-backwards")));
}

TEST(SyncUnitTest, SystemdAnalyzeVerifyIsClean) {
  const char* tool = "/usr/bin/systemd-analyze";
  if (!std::filesystem::exists(tool)) {
    GTEST_SKIP() << "systemd-analyze is not installed; the unit file was not "
                    "verified (install systemd to run this check)";
  }
  // verify checks that ExecStart's binary exists: point it at ours.
  TempDir dir;
  const std::string unit = dir.File("roughtime-sync.service");
  WriteFile(unit, absl::StrReplaceAll(
                      Unit(),
                      {{"/usr/bin/roughtime", PathFromEnv("ROUGHTIME_CLI")}}));
  ProgramResult r =
      RunProgram({tool, "verify", unit}, {.timeout = absl::Seconds(60)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // Unknown keys and ordering cycles are only warnings: none allowed.
  EXPECT_EQ(r.out + r.err, "");
}

}  // namespace
}  // namespace roughtime::testing
