#include "proc_cpu.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "roughtime/bytes.h"

namespace roughtime::loadgen {

long ClockTicksPerSecond() { return sysconf(_SC_CLK_TCK); }

absl::StatusOr<double> ParseProcStatCpuSeconds(std::string_view stat,
                                               long ticks_per_second) {
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) {
    return absl::InvalidArgumentError("malformed /proc stat line");
  }
  // After "pid (comm)": state is field 3, utime field 14, stime field 15
  // (proc(5)), i.e. the 12th and 13th tokens after the ')'.
  const std::vector<absl::string_view> fields =
      absl::StrSplit(AbslView(stat.substr(close + 1)), ' ', absl::SkipEmpty());
  constexpr size_t kUtime = 11;
  constexpr size_t kStime = 12;
  uint64_t utime = 0;
  uint64_t stime = 0;
  if (fields.size() <= kStime || !absl::SimpleAtoi(fields[kUtime], &utime) ||
      !absl::SimpleAtoi(fields[kStime], &stime)) {
    return absl::InvalidArgumentError(
        "malformed /proc stat line (utime/stime)");
  }
  return static_cast<double>(utime + stime) /
         static_cast<double>(ticks_per_second);
}

absl::StatusOr<double> ReadProcessCpuSeconds(int pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/stat");
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read ", path, ": ", std::strerror(errno),
        " (is process ", pid, " running?)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<double> s =
      ParseProcStatCpuSeconds(text.str(), ClockTicksPerSecond());
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", s.status().message()));
  }
  return s;
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace roughtime::loadgen
