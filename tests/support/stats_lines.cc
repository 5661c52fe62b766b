// Test support: parsing roughtimed's stats lines (stats_lines.h).
#include "support/stats_lines.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace roughtime::testing {

std::map<std::string, uint64_t> ParseStatsLine(const std::string& line) {
  std::map<std::string, uint64_t> fields;
  absl::string_view rest = line;
  if (!absl::ConsumePrefix(&rest, "roughtimed: stats ")) return fields;
  for (absl::string_view token : absl::StrSplit(rest, ' ', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(token, absl::MaxSplits('=', 1));
    uint64_t value = 0;
    if (kv.first == "at") {
      fields[absl::StrCat("at_", kv.second)] = 1;
    } else if (absl::SimpleAtoi(kv.second, &value)) {
      fields[std::string(kv.first)] = value;
    }
  }
  return fields;
}

std::optional<std::map<std::string, uint64_t>> NewestStats(
    const std::vector<std::string>& lines, const std::string& at) {
  // Only the newest line is current: the counters only grow.
  const std::string prefix = absl::StrCat("roughtimed: stats at=", at, " ");
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (absl::StartsWith(*it, prefix)) return ParseStatsLine(*it);
  }
  return std::nullopt;
}

std::map<std::string, uint64_t> ExitStats(
    const std::vector<std::string>& lines) {
  return NewestStats(lines, "exit").value_or(std::map<std::string, uint64_t>());
}

}  // namespace roughtime::testing
