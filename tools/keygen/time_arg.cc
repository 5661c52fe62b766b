#include "time_arg.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace roughtime::keygen {
namespace {

constexpr int64_t kDay = 86400;

absl::Status BadTime(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "bad time \"", text, "\": ", why,
      " (use RFC 3339 like 2026-11-25T00:00:00Z, Unix seconds, now, or an "
      "offset like +30d or -1h)"));
}

int64_t UnitSeconds(char unit) {
  switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return kDay;
    case 'w': return 7 * kDay;
    default: return 0;
  }
}

// "30d", "1d12h": a sum of <digits><unit> terms.
absl::StatusOr<int64_t> ParseOffset(absl::string_view body,
                                    absl::string_view text) {
  if (body.empty()) return BadTime(text, "offset without a length");
  int64_t total = 0;
  size_t i = 0;
  while (i < body.size()) {
    size_t j = i;
    while (j < body.size() && absl::ascii_isdigit(body[j])) ++j;
    if (j == i) return BadTime(text, "expected a number in the offset");
    if (j == body.size()) {
      return BadTime(text, "offset needs a unit (s, m, h, d or w)");
    }
    const int64_t unit = UnitSeconds(body[j]);
    if (unit == 0) {
      return BadTime(text, absl::StrCat("unknown unit '",
                                        absl::string_view(&body[j], 1),
                                        "' (use s, m, h, d or w)"));
    }
    int64_t n = 0;
    if (j - i > 12 || !absl::SimpleAtoi(body.substr(i, j - i), &n)) {
      return BadTime(text, "offset is too large");
    }
    total += n * unit;
    if (total > 1000 * 366 * kDay) return BadTime(text, "offset is too large");
    i = j + 1;
  }
  return total;
}

}  // namespace

absl::StatusOr<int64_t> ParseTimeArg(absl::string_view text, absl::Time now) {
  const int64_t now_s = absl::ToUnixSeconds(now);
  if (text.empty()) return BadTime(text, "empty");
  absl::string_view rest = text;
  if (absl::ConsumePrefix(&rest, "now")) {
    if (rest.empty()) return now_s;
  }
  if (rest.front() == '+' || rest.front() == '-') {
    const bool minus = rest.front() == '-';
    absl::StatusOr<int64_t> offset = ParseOffset(rest.substr(1), text);
    if (!offset.ok()) return offset.status();
    return minus ? now_s - *offset : now_s + *offset;
  }
  if (rest.size() != text.size()) {
    return BadTime(text, "after \"now\" expected +OFFSET or -OFFSET");
  }
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return absl::ascii_isdigit(c); })) {
    uint64_t seconds = 0;
    if (!absl::SimpleAtoi(text, &seconds) ||
        seconds > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return BadTime(text, "Unix seconds out of range");
    }
    return static_cast<int64_t>(seconds);
  }
  absl::Time t;
  std::string error;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    return absl::ToUnixSeconds(t);
  }
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return BadTime(text, "not a time");
  }
  if (t != absl::FromUnixSeconds(absl::ToUnixSeconds(t))) {
    return BadTime(text, "MINT/MAXT are whole seconds; drop the fraction");
  }
  return absl::ToUnixSeconds(t);
}

absl::Status CheckWindow(int64_t mint, int64_t maxt, absl::Time now,
                         const WindowPolicy& policy) {
  const int64_t now_s = absl::ToUnixSeconds(now);
  if (mint < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("not-before ", mint, " is before 1970"));
  }
  if (maxt > kLastRfc3339Second) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not-after ", maxt, " is after 9999-12-31T23:59:59Z"));
  }
  if (maxt <= mint) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inverted window: not-after ", FormatRfc3339(maxt),
        " is not after not-before ", FormatRfc3339(mint)));
  }
  if (maxt <= now_s) {
    return absl::InvalidArgumentError(
        absl::StrCat("not-after ", FormatRfc3339(maxt),
                     " is in the past; the delegation would be expired"));
  }
  if (!policy.allow_long_window && maxt - mint > kMaxWindowDays * kDay) {
    return absl::InvalidArgumentError(absl::StrCat(
        "window of ", FormatDuration(maxt - mint), " is longer than ",
        kMaxWindowDays,
        " days; a leaked online key stays usable that long (pass "
        "--allow-long-window to insist)"));
  }
  return absl::OkStatus();
}

std::string FormatRfc3339(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 0) seconds = -seconds;
  const int64_t d = seconds / kDay, h = seconds % kDay / 3600,
                m = seconds % 3600 / 60, s = seconds % 60;
  std::string out;
  if (d > 0) absl::StrAppend(&out, d, "d");
  if (h > 0) absl::StrAppend(&out, out.empty() ? "" : " ", h, "h");
  if (m > 0) absl::StrAppend(&out, out.empty() ? "" : " ", m, "m");
  if (s > 0 || out.empty()) absl::StrAppend(&out, out.empty() ? "" : " ", s, "s");
  return out;
}

}  // namespace roughtime::keygen
