// The man pages (docs/man/*.scd) document every flag each program's --help
// lists, and nothing that is not a flag any more, so a flag added without
// its documentation fails the suite (issue #12). The rendered pages are a
// normal build output.
#include <filesystem>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "help_flags.h"
#include "support/files.h"
#include "support/run_program.h"

namespace roughtime::testing {
namespace {

std::string Scd(const std::string& page) {
  return ReadFile(PathFromEnv("ROUGHTIME_SOURCE_ROOT") + "/docs/man/" + page +
                  ".scd");
}

// Both directions: every --help flag has a heading, every heading is a flag
// (or --help/--version, which no help text lists as a flag line).
void ExpectSameFlags(const std::set<std::string>& help,
                     const std::string& page) {
  const std::set<std::string> man = ManPageOptionHeadings(Scd(page));
  ASSERT_GT(help.size(), 3u) << "could not read the flags from --help";
  for (const std::string& flag : help) {
    EXPECT_TRUE(man.count(flag)) << page << " does not document " << flag;
  }
  for (const std::string& flag : man) {
    if (flag == "--help" || flag == "--version") continue;
    EXPECT_TRUE(help.count(flag))
        << page << " documents " << flag << ", which --help does not list";
  }
  EXPECT_TRUE(man.count("--help")) << page;
  EXPECT_TRUE(man.count("--version")) << page;
}

TEST(ManPageTest, RoughtimedDocumentsEveryFlag) {
  ExpectSameFlags(
      ServerHelpFlags(OutputOf({PathFromEnv("ROUGHTIMED"), "--help"})),
      "roughtimed.8");
}

TEST(ManPageTest, RoughtimeDocumentsEveryFlag) {
  ExpectSameFlags(
      FlagTokens(OutputOf({PathFromEnv("ROUGHTIME_CLI"), "--help"})),
      "roughtime.1");
}

TEST(ManPageTest, RoughtimeKeygenDocumentsEveryFlag) {
  ExpectSameFlags(
      FlagTokens(OutputOf({PathFromEnv("ROUGHTIME_KEYGEN"), "--help"})),
      "roughtime-keygen.1");
}

TEST(ManPageTest, EveryPageHasTheSectionsOperatorsLookFor) {
  for (const char* page :
       {"roughtimed.8", "roughtime.1", "roughtime-keygen.1"}) {
    const std::string scd = Scd(page);
    for (const char* section : {"# NAME", "# SYNOPSIS", "# DESCRIPTION",
                                "# OPTIONS", "# EXIT STATUS", "# FILES",
                                "# SEE ALSO"}) {
      EXPECT_THAT(scd, ::testing::HasSubstr(std::string("\n") + section))
          << page;
    }
  }
  const std::string server = Scd("roughtimed.8");
  for (const char* text :
       {"# ENVIRONMENT", "# CONFIGURATION FILE", "# SIGNALS", "# SYSTEMD",
        "ROUGHTIMED\\_CONFIG", "/etc/roughtimed/keys/root.key",
        "/etc/roughtimed/roughtimed.toml", "systemctl restart"}) {
    EXPECT_THAT(server, ::testing::HasSubstr(text));
  }
  EXPECT_THAT(Scd("roughtime.1"), ::testing::HasSubstr("STATE\\_DIRECTORY"));
}

TEST(ManPageTest, PagesAreRenderedByTheBuild) {
  const char* dir = std::getenv("ROUGHTIME_MAN_DIR");
  if (dir == nullptr || *dir == '\0') {
    GTEST_SKIP() << "scdoc was not found at configure time; the man pages "
                    "were not built (install scdoc: tools/install-deps.sh)";
  }
  for (const auto& [page, title] :
       {std::pair{"roughtimed.8", ".TH \"roughtimed\" \"8\""},
        std::pair{"roughtime.1", ".TH \"roughtime\" \"1\""},
        std::pair{"roughtime-keygen.1", ".TH \"roughtime-keygen\" \"1\""}}) {
    const std::string path = std::string(dir) + "/" + page;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const std::string troff = ReadFile(path);
    EXPECT_THAT(troff, ::testing::HasSubstr(title)) << page;
    EXPECT_THAT(troff, ::testing::HasSubstr(".SH OPTIONS")) << page;
  }
}

}  // namespace
}  // namespace roughtime::testing
