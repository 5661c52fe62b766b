// Times and windows for `roughtime-keygen delegate`: parsing --not-before /
// --not-after, checking the window is sensible, and printing times.
// MINT/MAXT are whole Unix seconds (RFC 10049 §5.2.5).
#ifndef ROUGHTIME_TOOLS_KEYGEN_TIME_ARG_H_
#define ROUGHTIME_TOOLS_KEYGEN_TIME_ARG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace roughtime::keygen {

// 9999-12-31T23:59:59Z, the last second RFC 3339 can write.
inline constexpr int64_t kLastRfc3339Second = 253402300799;
inline constexpr int64_t kMaxWindowDays = 366;

// Accepts RFC 3339 ("2026-11-25T00:00:00Z", offsets allowed, whole seconds
// only), a date ("2026-11-25", midnight UTC), Unix seconds ("1764028800"),
// "now", and offsets from now: "+30d", "-1h", "now+2w", "+1d12h" (units s,
// m, h, d, w). Returns Unix seconds (negative before 1970).
absl::StatusOr<int64_t> ParseTimeArg(absl::string_view text, absl::Time now);

struct WindowPolicy {
  bool allow_long_window = false;
};

// Refuses windows that make no sense for a delegation: before 1970 or after
// year 9999, inverted or empty, already over, or longer than 366 days
// (unless allowed). Messages name the offending values.
absl::Status CheckWindow(int64_t mint, int64_t maxt, absl::Time now,
                         const WindowPolicy& policy);

// "2026-11-25T00:00:00Z".
std::string FormatRfc3339(int64_t unix_seconds);
// "30d 1h 5m", "59s": for window lengths and time left.
std::string FormatDuration(int64_t seconds);

}  // namespace roughtime::keygen

#endif  // ROUGHTIME_TOOLS_KEYGEN_TIME_ARG_H_
