// Every installed program answers --version with its name and the meson
// project version, and debian/changelog packages that same version
// (issue #12).
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/run_program.h"

namespace roughtime::testing {
namespace {

std::string Version() { return PathFromEnv("ROUGHTIME_VERSION"); }

TEST(VersionTest, EveryProgramPrintsItsNameAndTheProjectVersion) {
  ASSERT_FALSE(Version().empty());
  for (const auto& [env, name] :
       {std::pair{"ROUGHTIMED", "roughtimed"},
        std::pair{"ROUGHTIME_CLI", "roughtime"},
        std::pair{"ROUGHTIME_KEYGEN", "roughtime-keygen"}}) {
    const ProgramResult r = RunProgram({PathFromEnv(env), "--version"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, std::string(name) + " " + Version() + "\n");
    EXPECT_EQ(r.err, "") << name;
  }
}

TEST(VersionTest, AfterAClientCommandVersionIsStillTheProtocolVersion) {
  // `roughtime query --version 1` offers protocol version 1: with --help
  // the command prints its usage instead of the program version.
  const ProgramResult r = RunProgram(
      {PathFromEnv("ROUGHTIME_CLI"), "query", "--version", "1", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("Usage:"));
  EXPECT_NE(r.out, "roughtime " + Version() + "\n");
  const ProgramResult bad =
      RunProgram({PathFromEnv("ROUGHTIME_CLI"), "query", "--version"});
  EXPECT_EQ(bad.exit_code, 2) << "--version after a command needs a value";
}

TEST(VersionTest, DebianChangelogPackagesTheProjectVersion) {
  std::ifstream in(PathFromEnv("ROUGHTIME_SOURCE_ROOT") +
                   "/debian/changelog");
  std::string first;
  ASSERT_TRUE(std::getline(in, first)) << "debian/changelog is missing";
  // "roughtime (0.1.0) unstable; urgency=medium": a native package, so the
  // Debian version is the project version (or it plus a -N revision).
  EXPECT_THAT(first, ::testing::AnyOf(
                         ::testing::StartsWith("roughtime (" + Version() + ")"),
                         ::testing::StartsWith("roughtime (" + Version() + "-")));
}

}  // namespace
}  // namespace roughtime::testing
