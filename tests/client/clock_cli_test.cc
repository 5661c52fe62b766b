// roughtime check and roughtime sync through the CLI, against in-test
// servers on loopback. The local clock is the CLI's fake clock
// (ROUGHTIME_FAKE_CLOCK_FILE holds its offset from the real clock and
// receives the steps): the machine's clock is never set. The only run on
// the real clock is a --dry-run, which never calls clock_settime.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server_group.h"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TestServerOptions Honest() {
  TestServerOptions o;
  o.radius = absl::Seconds(10);
  return o;
}

class ClockCliTest : public ::testing::Test {
 protected:
  void UseServers(const ServerGroup& g) { WriteFile(list(), g.list_json); }
  std::string list() const { return dir_.File("list.json"); }
  std::string clock_file() const { return dir_.File("clock"); }
  void SetFakeClock(double offset_seconds) {
    WriteFile(clock_file(), absl::StrCat(offset_seconds, "\n"));
  }
  double FakeClockOffset() {
    std::vector<std::string> lines =
        absl::StrSplit(ReadFile(clock_file()), '\n');
    double v = 0;
    EXPECT_TRUE(absl::SimpleAtod(lines[0], &v)) << lines[0];
    return v;
  }
  // The CLI with the fake clock, in `dir_`; check and sync get the list
  // and fast timeouts.
  ProgramResult Cli(const std::vector<std::string>& args, bool fake = true) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    if (fake) argv.push_back("ROUGHTIME_FAKE_CLOCK_FILE=" + clock_file());
    argv.push_back("STATE_DIRECTORY=");
    argv.push_back(PathFromEnv("ROUGHTIME_CLI"));
    argv.insert(argv.end(), args.begin(), args.end());
    if (args[0] != "verify-report") {
      argv.insert(argv.end(), {"--servers", list(), "--timeout=0.3",
                               "--retries=0", "--no-tcp-fallback"});
    }
    return RunProgram(argv, {.cwd = dir_.path()});
  }
  std::vector<std::string> FilesStartingWith(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& f : std::filesystem::directory_iterator(dir_.path())) {
      if (f.path().filename().string().rfind(prefix, 0) == 0) {
        out.push_back(f.path().string());
      }
    }
    return out;
  }
  TempDir dir_;
};

TEST_F(ClockCliTest, CheckExitStatusFollowsThePluginConvention) {
  ServerGroup g = StartGroup({Honest(), Honest(), Honest()});
  ASSERT_EQ(g.listed.size(), 3u);
  UseServers(g);

  SetFakeClock(0);
  ProgramResult ok = Cli({"check"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_THAT(ok.out, StartsWith("ROUGHTIME OK - local clock inside"));
  EXPECT_THAT(ok.out, HasSubstr("| offset="));
  EXPECT_THAT(ok.out, HasSubstr("6 valid from 3 independent server(s)"));

  SetFakeClock(7);  // 7 s ahead: 2-3 s inside the upper edge
  ProgramResult warn = Cli({"check", "--warn-margin=5s"});
  EXPECT_EQ(warn.exit_code, 1) << warn.out << warn.err;
  EXPECT_THAT(warn.out, StartsWith("ROUGHTIME WARNING - local clock inside "
                                   "but "));
  EXPECT_EQ(Cli({"check"}).exit_code, 0);  // default margin 0.5 s

  SetFakeClock(-3600);
  ProgramResult crit = Cli({"check"});
  EXPECT_EQ(crit.exit_code, 2) << crit.out << crit.err;
  EXPECT_THAT(crit.out, StartsWith("ROUGHTIME CRITICAL - local clock outside "
                                   "the agreed interval by 35"));
  ProgramResult json = Cli({"check", "--json"});
  EXPECT_EQ(json.exit_code, 2);
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["status"], "CRITICAL");
  EXPECT_EQ(j["exit_status"], 2);
  EXPECT_NEAR(j["offset_seconds"].get<double>(), 3600, 1.5);
  EXPECT_LT(j["interval"]["low_seconds"].get<double>(), 3600);
  EXPECT_GT(j["interval"]["high_seconds"].get<double>(), 3600);
  EXPECT_EQ(j["independent_servers"], 3);
  EXPECT_EQ(FakeClockOffset(), -3600);  // check never steps

  // More servers demanded than exist: UNKNOWN; so is a usage error.
  ProgramResult unknown = Cli({"check", "--quorum=4"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_THAT(unknown.out, StartsWith("ROUGHTIME UNKNOWN - only 3 independent"));
  ProgramResult usage = Cli({"check", "--no-such-flag"});
  EXPECT_EQ(usage.exit_code, 3);
  EXPECT_THAT(usage.err, HasSubstr("unknown flag '--no-such-flag'"));
}

TEST_F(ClockCliTest, CheckWithSilentServersHasNoQuorum) {
  TestServerOptions silent = Honest();
  silent.fault = Fault::kSilent;
  ServerGroup g = StartGroup({Honest(), silent, silent});
  UseServers(g);
  SetFakeClock(0);
  ProgramResult r = Cli({"check"});
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr("only 1 independent server(s) answered "
                               "validly; quorum is 2"));
  EXPECT_EQ(Cli({"check", "--quorum=1"}).exit_code, 0);
}

TEST_F(ClockCliTest, LiarIsUnknownForCheckAndRefusedBySync) {
  TestServerOptions liar = Honest();
  liar.clock_offset = absl::Hours(2);  // valid signatures, wrong time
  ServerGroup g = StartGroup({Honest(), liar, Honest()});
  UseServers(g);
  SetFakeClock(-3600);
  ProgramResult c = Cli({"check", "--report", dir_.File("check-report.json")});
  EXPECT_EQ(c.exit_code, 3) << c.out << c.err;
  EXPECT_THAT(c.out, HasSubstr("contradict each other (malfeasance)"));
  EXPECT_THAT(c.out, HasSubstr("malfeasance report written to " +
                               dir_.File("check-report.json")));
  ProgramResult v = Cli({"verify-report", dir_.File("check-report.json")});
  EXPECT_EQ(v.exit_code, 3) << v.err;  // the report proves it

  ProgramResult s = Cli({"sync"});
  EXPECT_EQ(s.exit_code, 3) << s.out << s.err;
  EXPECT_THAT(s.out, StartsWith("decision  refused-malfeasance"));
  EXPECT_EQ(FilesStartingWith("roughtime-malfeasance-").size(), 1u);
  EXPECT_TRUE(FilesStartingWith("roughtime-sync-evidence-").empty());
  EXPECT_EQ(FakeClockOffset(), -3600);
}

TEST_F(ClockCliTest, SyncStepsForwardWithEvidenceThatVerifies) {
  ServerGroup g = StartGroup({Honest(), Honest(), Honest()});
  UseServers(g);
  SetFakeClock(-3600);

  ProgramResult dry = Cli({"sync", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_THAT(dry.out, StartsWith("decision  step: step by +3"));
  EXPECT_THAT(dry.out, HasSubstr("dry run   would step the clock by +3"));
  EXPECT_THAT(dry.out, HasSubstr("nothing changed"));
  EXPECT_EQ(FakeClockOffset(), -3600);
  EXPECT_TRUE(FilesStartingWith("roughtime-sync-evidence-").empty());

  const std::string evidence = dir_.File("evidence.json");
  ProgramResult s = Cli({"sync", "--evidence", evidence});
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_THAT(s.out, HasSubstr("stepped   the clock by +3"));
  EXPECT_THAT(s.err, HasSubstr("sync: stepped the clock by +3"));
  EXPECT_THAT(s.err, HasSubstr("evidence in " + evidence));
  EXPECT_NEAR(FakeClockOffset(), 0, 1.5);
  EXPECT_THAT(ReadFile(clock_file()), HasSubstr("\nstepped "));

  // The evidence is a §8.4.1 report of the six chained answers plus the
  // step, and verify-report accepts it as valid and consistent.
  nlohmann::json doc = nlohmann::json::parse(ReadFile(evidence));
  EXPECT_EQ(doc["responses"].size(), 6u);
  EXPECT_THAT(doc["roughtimeSync"]["stepSeconds"].get<std::string>(),
              StartsWith("+3"));
  EXPECT_EQ(doc["roughtimeSync"]["independentServers"], 3);
  ProgramResult v = Cli({"verify-report", evidence});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("valid"));

  // Inside now: nothing to do; the evidence is never overwritten.
  ProgramResult again = Cli({"sync", "--evidence", evidence, "--json"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json j = nlohmann::json::parse(again.out);
  EXPECT_EQ(j["action"], "none");
  EXPECT_FALSE(j["stepped"].get<bool>());

  // Default evidence name when no --evidence is given (no STATE_DIRECTORY).
  SetFakeClock(-600);
  ProgramResult def = Cli({"sync"});
  ASSERT_EQ(def.exit_code, 0) << def.err;
  EXPECT_EQ(FilesStartingWith("roughtime-sync-evidence-").size(), 1u);
  // An evidence path that already exists: no step at all, status 5.
  SetFakeClock(-600);
  ProgramResult taken = Cli({"sync", "--evidence", evidence});
  EXPECT_EQ(taken.exit_code, 5) << taken.out;
  EXPECT_THAT(taken.err, HasSubstr("clock NOT stepped: evidence not written"));
  EXPECT_EQ(FakeClockOffset(), -600);
}

TEST_F(ClockCliTest, SyncRefusesBackwardsUnlessAllowed) {
  ServerGroup g = StartGroup({Honest(), Honest(), Honest()});
  UseServers(g);
  SetFakeClock(3600);
  ProgramResult dry = Cli({"sync", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 4) << dry.out;
  EXPECT_THAT(dry.out, StartsWith("decision  refused-backwards: not stepping "
                                  "backwards by 3"));
  ProgramResult s = Cli({"sync"});
  EXPECT_EQ(s.exit_code, 4);
  EXPECT_THAT(s.err, HasSubstr("without --allow-backwards"));
  EXPECT_EQ(FakeClockOffset(), 3600);
  EXPECT_TRUE(FilesStartingWith("roughtime-sync-evidence-").empty());

  ProgramResult back = Cli({"sync", "--allow-backwards", "--dry-run"});
  EXPECT_EQ(back.exit_code, 0);
  EXPECT_THAT(back.out, HasSubstr("would step the clock by -3"));
  EXPECT_EQ(FakeClockOffset(), 3600);
  ProgramResult done = Cli({"sync", "--allow-backwards"});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NEAR(FakeClockOffset(), 0, 1.5);
  EXPECT_EQ(FilesStartingWith("roughtime-sync-evidence-").size(), 1u);
}

TEST_F(ClockCliTest, SyncRefusesWithoutQuorum) {
  TestServerOptions silent = Honest();
  silent.fault = Fault::kSilent;
  ServerGroup g = StartGroup({Honest(), silent}, {0});  // server-0 twice
  UseServers(g);
  SetFakeClock(-3600);
  ProgramResult dry = Cli({"sync", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 1) << dry.out;
  EXPECT_THAT(dry.out, StartsWith("decision  refused-no-quorum: not stepping: "
                                  "only 1 independent server(s)"));
  ProgramResult s = Cli({"sync", "--allow-backwards"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(FakeClockOffset(), -3600);
  EXPECT_TRUE(FilesStartingWith("roughtime-sync-evidence-").empty());
  // With --quorum 1 the one answering server suffices.
  ProgramResult one = Cli({"sync", "--quorum=1", "--dry-run"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_THAT(one.out, HasSubstr("would step the clock by +3"));
}

TEST_F(ClockCliTest, DryRunOnTheRealClockDecidesNothingToDo) {
  // The servers and the CLI share this machine's clock, so it is inside;
  // --dry-run guarantees clock_settime is never called.
  ServerGroup g = StartGroup({Honest(), Honest()});
  UseServers(g);
  ProgramResult r = Cli({"sync", "--dry-run"}, /*fake=*/false);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, StartsWith("decision  none: no step needed"));
  EXPECT_THAT(r.out, HasSubstr("clock     system clock"));
}

}  // namespace
}  // namespace roughtime::testing
