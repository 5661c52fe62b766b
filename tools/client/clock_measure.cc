#include "clock_measure.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli_flags.h"
#include "clock_flags.h"
#include "commands.h"

namespace roughtime::cli {

absl::StatusOr<std::unique_ptr<client::SystemClock>> ClockFromEnvironment() {
  const char* fake = std::getenv("ROUGHTIME_FAKE_CLOCK_FILE");
  if (fake == nullptr || *fake == '\0') return client::RealSystemClock();
  absl::StatusOr<std::unique_ptr<client::OffsetClock>> c =
      client::OffsetClock::FromFile(fake);
  if (!c.ok()) return c.status();
  return std::unique_ptr<client::SystemClock>(*std::move(c));
}

absl::StatusOr<ClockMeasurement> MeasureForClock(
    const std::string& command, const std::vector<std::string>& positional,
    client::SystemClock& clock) {
  auto usage = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(command, ": ", what));
  };
  if (!positional.empty()) {
    return usage(absl::StrCat("unexpected argument '", positional[0],
                              "' (the servers come from --servers FILE)"));
  }
  const std::string path = absl::GetFlag(FLAGS_servers);
  if (path.empty()) return usage("needs --servers FILE");
  ClockMeasurement out;
  const int32_t quorum = absl::GetFlag(FLAGS_quorum);
  if (quorum < 1) return usage("--quorum must be at least 1");
  out.check.quorum = static_cast<size_t>(quorum);
  out.check.warn_margin = absl::GetFlag(FLAGS_warn_margin);
  if (out.check.warn_margin < absl::ZeroDuration()) {
    return usage("--warn-margin must not be negative");
  }
  absl::StatusOr<client::RetryPolicy> retry = RetryPolicyFromFlags();
  if (!retry.ok()) return usage(retry.status().message());
  absl::StatusOr<client::ServerList> list = client::ReadServerList(path);
  if (!list.ok()) return usage(list.status().message());
  absl::StatusOr<client::Selection> selection =
      client::SelectServers(*list, std::nullopt);
  if (!selection.ok()) {
    return usage(absl::StrCat(path, ": ", selection.status().message()));
  }
  client::MeasureOptions options;
  options.retry = *retry;
  options.allow_pre_rfc_contexts = absl::GetFlag(FLAGS_allow_pre_rfc_contexts);
  // The local times of the answers come from the clock being judged.
  options.now = [&clock] { return clock.Now(); };
  out.measurement = client::Measure(selection->servers, options);

  out.info.notes = list->notes;
  out.info.notes.insert(out.info.notes.end(), selection->notes.begin(),
                        selection->notes.end());
  // RFC 10049 §8.2: contradicting valid answers are evidence, kept as a
  // §8.4.1 report exactly as `measure` keeps them.
  if (!out.measurement.consistency.consistent()) {
    std::string report = absl::GetFlag(FLAGS_report);
    if (report.empty()) {
      report = absl::StrCat("roughtime-malfeasance-",
                            absl::ToUnixSeconds(absl::Now()), ".json");
    }
    absl::Status written = client::WriteNewFile(
        report, client::EncodeReport(out.measurement.ToReport()));
    if (written.ok()) {
      out.info.report_path = report;
    } else {
      out.info.report_error = std::string(written.message());
    }
  }
  return out;
}

}  // namespace roughtime::cli
