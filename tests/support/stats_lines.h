// Test support: the counters roughtimed prints on its "stats" lines
// ("roughtimed: stats at=interval|exit name=value ..."), for the tests that
// compare what the server counted with what they sent.
#ifndef ROUGHTIME_TESTS_SUPPORT_STATS_LINES_H_
#define ROUGHTIME_TESTS_SUPPORT_STATS_LINES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roughtime::testing {

// Parses one stats line into its fields; "at=exit" becomes {"at_exit", 1}.
// Empty when `line` is not a stats line.
std::map<std::string, uint64_t> ParseStatsLine(const std::string& line);
// The fields of the newest "stats at=`at`" line of `lines`, if any.
std::optional<std::map<std::string, uint64_t>> NewestStats(
    const std::vector<std::string>& lines, const std::string& at);
// The fields of the last "stats at=exit" line of `lines` (empty if none).
std::map<std::string, uint64_t> ExitStats(
    const std::vector<std::string>& lines);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_STATS_LINES_H_
