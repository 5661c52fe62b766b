// The measurement shared by `check` and `sync`: read --servers, select,
// measure in a chain (RFC 10049 §8.2) on the given clock, write a
// malfeasance report when the answers contradict each other (as `measure`
// does), and pick the clock (the real one, or the test hook's fake).
#ifndef ROUGHTIME_TOOLS_CLIENT_CLOCK_MEASURE_H_
#define ROUGHTIME_TOOLS_CLIENT_CLOCK_MEASURE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/chain.h"
#include "client/clock_check.h"
#include "client/output.h"
#include "client/system_clock.h"

namespace roughtime::cli {

// The machine's clock, or the fake clock named by the environment variable
// ROUGHTIME_FAKE_CLOCK_FILE (tests; the real clock is then neither judged
// nor set).
absl::StatusOr<std::unique_ptr<client::SystemClock>> ClockFromEnvironment();

struct ClockMeasurement {
  client::Measurement measurement;
  client::MeasureReportInfo info;
  client::ClockCheckOptions check;
};

// Errors are usage errors (bad flags, unreadable list), already prefixed
// with `command`.
absl::StatusOr<ClockMeasurement> MeasureForClock(
    const std::string& command, const std::vector<std::string>& positional,
    client::SystemClock& clock);

}  // namespace roughtime::cli

#endif  // ROUGHTIME_TOOLS_CLIENT_CLOCK_MEASURE_H_
