// The local clock behind an interface, so `roughtime check` and `roughtime
// sync` can be tested with a fake clock and never touch the machine's real
// clock in tests. Three readings are needed: the wall clock (what is being
// judged), a monotonic clock (to carry a measurement forward to the moment
// of the step without trusting the wall clock in between), and the step.
#ifndef ROUGHTIME_CLIENT_SYSTEM_CLOCK_H_
#define ROUGHTIME_CLIENT_SYSTEM_CLOCK_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace roughtime::client {

class SystemClock {
 public:
  virtual ~SystemClock() = default;
  virtual absl::Time Now() = 0;              // CLOCK_REALTIME
  virtual absl::Duration Monotonic() = 0;    // CLOCK_MONOTONIC since boot
  virtual absl::Status StepTo(absl::Time target) = 0;  // set the wall clock
  // Text for the output naming which clock this is.
  virtual std::string Describe() const = 0;
};

// The machine's clock: clock_gettime / clock_settime(CLOCK_REALTIME), which
// needs CAP_SYS_TIME.
std::unique_ptr<SystemClock> RealSystemClock();

// A fake wall clock that runs at the real clock's rate, `offset` away from
// it; the monotonic clock is the real one. StepTo changes only the offset.
// With a state file (the CLI's test hook ROUGHTIME_FAKE_CLOCK_FILE) the
// offset is read from the file's first line (decimal seconds, e.g.
// "-3600.5") and a step rewrites the file: the new offset on line 1, then
// "stepped <from unix> <to unix>". The real clock is never read for
// judging nor set.
class OffsetClock : public SystemClock {
 public:
  explicit OffsetClock(absl::Duration offset) : offset_(offset) {}
  static absl::StatusOr<std::unique_ptr<OffsetClock>> FromFile(
      const std::string& path);

  absl::Time Now() override { return absl::Now() + offset_; }
  absl::Duration Monotonic() override;
  absl::Status StepTo(absl::Time target) override;
  std::string Describe() const override;
  absl::Duration offset() const { return offset_; }
  int steps() const { return steps_; }

 private:
  absl::Duration offset_;
  std::optional<std::string> path_;
  int steps_ = 0;
};

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_SYSTEM_CLOCK_H_
