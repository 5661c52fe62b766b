#include "client/system_clock.h"

#include <time.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace roughtime::client {
namespace {

absl::Duration MonotonicNow() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::DurationFromTimespec(ts);
}

class RealClock : public SystemClock {
 public:
  absl::Time Now() override {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return absl::TimeFromTimespec(ts);
  }
  absl::Duration Monotonic() override { return MonotonicNow(); }
  absl::Status StepTo(absl::Time target) override {
    struct timespec ts = absl::ToTimespec(target);
    if (clock_settime(CLOCK_REALTIME, &ts) != 0) {
      const int err = errno;
      return absl::PermissionDeniedError(absl::StrCat(
          "clock_settime(CLOCK_REALTIME): ", std::strerror(err),
          err == EPERM ? " (needs CAP_SYS_TIME)" : ""));
    }
    return absl::OkStatus();
  }
  std::string Describe() const override { return "system clock"; }
};

}  // namespace

std::unique_ptr<SystemClock> RealSystemClock() {
  return std::make_unique<RealClock>();
}

absl::StatusOr<std::unique_ptr<OffsetClock>> OffsetClock::FromFile(
    const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in.good() || !std::getline(in, line)) {
    return absl::NotFoundError(
        absl::StrCat("fake clock file ", path, ": cannot read it"));
  }
  double seconds = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(line), &seconds)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake clock file ", path, ": first line is not an offset in seconds"));
  }
  auto clock = std::make_unique<OffsetClock>(absl::Seconds(seconds));
  clock->path_ = path;
  return clock;
}

absl::Duration OffsetClock::Monotonic() { return MonotonicNow(); }

absl::Status OffsetClock::StepTo(absl::Time target) {
  const absl::Time from = Now();
  offset_ = target - absl::Now();
  ++steps_;
  if (!path_.has_value()) return absl::OkStatus();
  std::ofstream out(*path_, std::ios::trunc);
  out << absl::StrFormat("%.6f\nstepped %.6f %.6f\n",
                         absl::FDivDuration(offset_, absl::Seconds(1)),
                         absl::ToDoubleSeconds(from - absl::UnixEpoch()),
                         absl::ToDoubleSeconds(target - absl::UnixEpoch()));
  out.flush();
  if (!out.good()) {
    return absl::InternalError(
        absl::StrCat("fake clock file ", *path_, ": cannot write it"));
  }
  return absl::OkStatus();
}

std::string OffsetClock::Describe() const {
  return path_.has_value()
             ? absl::StrCat("fake clock (", *path_, ")")
             : "fake clock";
}

}  // namespace roughtime::client
