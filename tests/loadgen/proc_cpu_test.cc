// The /proc CPU reader against a synthetic stat line and against this very
// process after it burned a known amount of CPU.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "proc_cpu.h"

namespace roughtime::loadgen {
namespace {

TEST(ProcCpuTest, ParsesUtimeAndStimeAfterAnAwkwardCommandName) {
  // comm "a) (b c" holds spaces and parentheses; utime=250, stime=50.
  const std::string line =
      "1234 (a) (b c) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 "
      "3 0 12345 1000000 100 18446744073709551615\n";
  absl::StatusOr<double> s = ParseProcStatCpuSeconds(line, 100);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(*s, 3.0);
}

TEST(ProcCpuTest, RejectsTruncatedLines) {
  EXPECT_FALSE(ParseProcStatCpuSeconds("1234 (x) S 1 2 3", 100).ok());
  EXPECT_FALSE(ParseProcStatCpuSeconds("no parenthesis", 100).ok());
}

TEST(ProcCpuTest, MissingProcessIsAnError) {
  // PIDs above pid_max (at most 2^22) never exist.
  absl::StatusOr<double> s = ReadProcessCpuSeconds(1 << 30);
  EXPECT_FALSE(s.ok());
}

TEST(ProcCpuTest, SeesCpuBurnedByThisProcess) {
  absl::StatusOr<double> before = ReadProcessCpuSeconds(getpid());
  ASSERT_TRUE(before.ok()) << before.status();
  const double self_before = SelfCpuSeconds();
  // Burn about 0.3 CPU-seconds (bounded by wall time too, in case the
  // machine is so loaded that we barely get scheduled).
  volatile uint64_t sink = 0;
  const auto wall_deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (SelfCpuSeconds() - self_before < 0.3 &&
         std::chrono::steady_clock::now() < wall_deadline) {
    for (int i = 0; i < 100000; ++i) sink = sink * 31 + i;
  }
  const double self_burned = SelfCpuSeconds() - self_before;
  absl::StatusOr<double> after = ReadProcessCpuSeconds(getpid());
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_GE(self_burned, 0.3);
  const double tick = 1.0 / static_cast<double>(ClockTicksPerSecond());
  // /proc counts whole ticks; allow two ticks of rounding and a little
  // scheduling accounting slack.
  EXPECT_NEAR(*after - *before, self_burned, 2 * tick + 0.02);
}

}  // namespace
}  // namespace roughtime::loadgen
