// In-process tests of roughtime-keygen's time and address parsing, with a
// fixed "now" so every expected value is exact.
#include <string>

#include "absl/time/time.h"
#include "address.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "time_arg.h"

namespace roughtime::keygen {
namespace {

using ::testing::HasSubstr;

// 2026-11-25T00:00:00Z
constexpr int64_t kNow = 1795564800;
const absl::Time now = absl::FromUnixSeconds(kNow);

TEST(ParseTimeArgTest, AbsoluteForms) {
  EXPECT_EQ(*ParseTimeArg("2026-11-25T00:00:00Z", now), kNow);
  EXPECT_EQ(*ParseTimeArg("2026-11-25t01:00:00+01:00", now), kNow);
  EXPECT_EQ(*ParseTimeArg("2026-11-25", now), kNow);
  EXPECT_EQ(*ParseTimeArg("1795564800", now), kNow);
  EXPECT_EQ(*ParseTimeArg("0", now), 0);
  EXPECT_EQ(*ParseTimeArg("1969-12-31T23:59:59Z", now), -1);
}

TEST(ParseTimeArgTest, RelativeForms) {
  EXPECT_EQ(*ParseTimeArg("now", now), kNow);
  EXPECT_EQ(*ParseTimeArg("+30d", now), kNow + 30 * 86400);
  EXPECT_EQ(*ParseTimeArg("-1h", now), kNow - 3600);
  EXPECT_EQ(*ParseTimeArg("now+2w", now), kNow + 14 * 86400);
  EXPECT_EQ(*ParseTimeArg("now-90s", now), kNow - 90);
  EXPECT_EQ(*ParseTimeArg("+1d12h30m", now), kNow + 86400 + 43200 + 1800);
}

TEST(ParseTimeArgTest, RejectsWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"tomorrow", "not a time"},
      {"+30", "needs a unit"},
      {"+30y", "unknown unit 'y'"},
      {"+d", "expected a number"},
      {"+", "offset without a length"},
      {"nowish", "after \"now\""},
      {"+9999999999999d", "too large"},
      {"2026-11-25T00:00:00.250Z", "whole seconds"},
      {"2026-02-30T00:00:00Z", "not a time"},
      {"99999999999999999999", "out of range"},
  };
  for (const auto& [text, fragment] : cases) {
    absl::StatusOr<int64_t> t = ParseTimeArg(text, now);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(fragment)) << text;
  }
}

TEST(CheckWindowTest, AcceptsSensibleWindowsAndRefusesAbsurdOnes) {
  const WindowPolicy strict, lenient{.allow_long_window = true};
  EXPECT_TRUE(CheckWindow(kNow - 3600, kNow + 30 * 86400, now, strict).ok());
  EXPECT_TRUE(CheckWindow(kNow, kNow + 366 * 86400, now, strict).ok());
  EXPECT_FALSE(CheckWindow(kNow, kNow + 366 * 86400 + 1, now, strict).ok());
  EXPECT_TRUE(CheckWindow(kNow, kNow + 3660 * 86400, now, lenient).ok());
  EXPECT_TRUE(CheckWindow(0, kLastRfc3339Second, now, lenient).ok());
  const std::pair<absl::Status, const char*> refused[] = {
      {CheckWindow(kNow + 10, kNow + 5, now, strict), "inverted window"},
      {CheckWindow(kNow + 10, kNow + 10, now, strict), "inverted window"},
      {CheckWindow(kNow - 100, kNow, now, strict), "in the past"},
      {CheckWindow(-1, kNow + 10, now, lenient), "before 1970"},
      {CheckWindow(kNow, kLastRfc3339Second + 1, now, lenient), "after 9999"},
      {CheckWindow(kNow, kNow + 400 * 86400, now, strict),
       "window of 400d is longer than 366 days"},
  };
  for (const auto& [status, fragment] : refused) {
    EXPECT_THAT(std::string(status.message()), HasSubstr(fragment));
  }
}

TEST(FormatTest, Rfc3339AndDurations) {
  EXPECT_EQ(FormatRfc3339(kNow), "2026-11-25T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(kLastRfc3339Second), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(90061), "1d 1h 1m 1s");
  EXPECT_EQ(FormatDuration(30 * 86400 + 3600), "30d 1h");
}

TEST(CheckServerAddressTest, RfcForms) {
  EXPECT_TRUE(CheckServerAddress("192.0.2.7:5319").ok());
  EXPECT_TRUE(CheckServerAddress("[2001:db8::2:33]:5319").ok());
  EXPECT_TRUE(CheckServerAddress("roughtime.example.org:1").ok());
  EXPECT_FALSE(CheckServerAddress("[2001:db8::2:33]").ok());
  EXPECT_FALSE(CheckServerAddress("2001:db8::2:33:5319").ok());
  EXPECT_FALSE(CheckServerAddress("example.org:99999").ok());
  EXPECT_FALSE(CheckServerAddress("example.org:00000").ok());
  EXPECT_FALSE(CheckServerAddress(std::string(64, 'a') + ".org:1").ok());
  EXPECT_TRUE(CheckServerAddress(std::string(63, 'a') + ".org:1").ok());
}

}  // namespace
}  // namespace roughtime::keygen
