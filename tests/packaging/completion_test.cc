// The bash completions (dist/bash-completion/) offer exactly the commands
// and flags the programs have: each completion function runs in a real
// bash against the built programs (issue #12).
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "help_flags.h"
#include "support/run_program.h"

namespace roughtime::testing {
namespace {

using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

std::string CompletionFile(const std::string& program) {
  return PathFromEnv("ROUGHTIME_SOURCE_ROOT") + "/dist/bash-completion/" +
         program;
}

TEST(CompletionTest, RoughtimedOffersEveryFlagOfItsHelp) {
  const std::string server = PathFromEnv("ROUGHTIMED");
  std::set<std::string> expected =
      ServerHelpFlags(OutputOf({server, "--help"}));
  ASSERT_GT(expected.size(), 20u);
  expected.insert({"--help", "--version"});
  EXPECT_EQ(Complete(CompletionFile("roughtimed"), "_roughtimed",
                     {server, "--"}),
            expected);
  // A prefix narrows the list to the flags it starts.
  EXPECT_THAT(Complete(CompletionFile("roughtimed"), "_roughtimed",
                       {server, "--rate-limit"}),
              UnorderedElementsAre("--rate-limit", "--rate-limit-burst",
                                   "--rate-limit-table-size"));
}

TEST(CompletionTest, RoughtimedOffersTheValuesOfEnumeratedFlags) {
  const std::string server = PathFromEnv("ROUGHTIMED");
  const std::string help = OutputOf({server, "--help"});
  const auto complete = [&](const std::string& flag) {
    return Complete(CompletionFile("roughtimed"), "_roughtimed",
                    {server, flag, ""});
  };
  EXPECT_THAT(complete("--io"), UnorderedElementsAre("mmsg", "plain", "xdp"));
  EXPECT_THAT(complete("--xdp-mode"),
              UnorderedElementsAre("auto", "native", "generic"));
  EXPECT_THAT(complete("--unsync-policy"),
              UnorderedElementsAre("warn", "widen", "refuse"));
  for (const char* word : {"mmsg", "plain", "xdp", "native", "generic",
                           "warn", "widen", "refuse",
                           "draft-08", "draft-11", "0x8000000c"}) {
    EXPECT_THAT(help, ::testing::HasSubstr(word)) << word;
  }
  EXPECT_THAT(complete("--versions"),
              IsSupersetOf({"all", "google", "draft-08", "1"}));
}

TEST(CompletionTest, RoughtimeOffersItsCommands) {
  const std::string cli = PathFromEnv("ROUGHTIME_CLI");
  const std::string help = OutputOf({cli, "--help"});
  const std::set<std::string> commands =
      Complete(CompletionFile("roughtime"), "_roughtime", {cli, ""});
  EXPECT_THAT(commands,
              UnorderedElementsAre("query", "measure", "check", "sync",
                                   "verify-report", "--help", "--version"));
  for (const std::string& c : commands) {
    if (c.rfind("--", 0) == 0) continue;
    EXPECT_THAT(help, ::testing::HasSubstr("  roughtime " + c + " ")) << c;
  }
}

// Whether `roughtime command flag` parses: with --help the program prints
// its usage after parsing instead of running, so nothing is queried.
bool Accepts(const std::string& cli, const std::string& command,
             const std::string& flag) {
  return RunProgram({cli, command, flag + "=1", "--help"}).exit_code == 0 ||
         RunProgram({cli, command, "--help", flag}).exit_code == 0;
}

TEST(CompletionTest, RoughtimeOffersOnlyFlagsEachCommandAccepts) {
  const std::string cli = PathFromEnv("ROUGHTIME_CLI");
  ASSERT_FALSE(Accepts(cli, "query", "--no-such-flag"));  // the probe can fail
  ASSERT_FALSE(Accepts(cli, "verify-report", "--servers"));
  std::set<std::string> offered;
  for (const char* command :
       {"query", "measure", "check", "sync", "verify-report"}) {
    const std::set<std::string> flags = Complete(
        CompletionFile("roughtime"), "_roughtime", {cli, command, "--"});
    EXPECT_GT(flags.size(), 2u) << command;
    for (const std::string& flag : flags) {
      if (flag == "--help") continue;
      EXPECT_TRUE(Accepts(cli, command, flag))
          << "roughtime " << command << " rejects " << flag;
      offered.insert(flag);
    }
  }
  // Together the commands offer every flag the help text lists.
  std::set<std::string> listed = FlagTokens(OutputOf({cli, "--help"}));
  listed.erase("--help");
  EXPECT_EQ(offered, listed);
}

// roughtime-keygen's commands, from the "  roughtime-keygen NAME" lines of
// its usage.
std::set<std::string> KeygenCommands(const std::string& help) {
  return LineCaptures(help, "^  roughtime-keygen ([a-z][a-z-]*)");
}

TEST(CompletionTest, RoughtimeKeygenOffersItsCommandsAndTheirFlags) {
  const std::string keygen = PathFromEnv("ROUGHTIME_KEYGEN");
  const std::set<std::string> commands =
      KeygenCommands(OutputOf({keygen, "--help"}));
  ASSERT_EQ(commands.size(), 5u);
  std::set<std::string> expected = commands;
  expected.insert({"help", "--help", "--version"});
  EXPECT_EQ(Complete(CompletionFile("roughtime-keygen"), "_roughtime_keygen",
                     {keygen, ""}),
            expected);
  for (const std::string& command : commands) {
    std::set<std::string> flags =
        FlagTokens(OutputOf({keygen, "help", command}));
    flags.insert("--help");
    EXPECT_EQ(Complete(CompletionFile("roughtime-keygen"),
                       "_roughtime_keygen", {keygen, command, "--"}),
              flags)
        << command;
  }
  EXPECT_THAT(Complete(CompletionFile("roughtime-keygen"), "_roughtime_keygen",
                       {keygen, "delegate", "--not-"}),
              UnorderedElementsAre("--not-before", "--not-after"));
}

}  // namespace
}  // namespace roughtime::testing
