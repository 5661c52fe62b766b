// roughtime measure --servers FILE [--count N] [--report FILE]
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli_flags.h"
#include "client/chain.h"
#include "client/output.h"
#include "commands.h"

namespace roughtime::cli {

int RunMeasure(const std::vector<std::string>& positional) {
  if (!positional.empty()) {
    PrintError(absl::StrCat("measure: unexpected argument '", positional[0],
                            "' (the servers come from --servers FILE)"));
    return kExitUsage;
  }
  const std::string path = absl::GetFlag(FLAGS_servers);
  if (path.empty()) {
    PrintError("measure: needs --servers FILE");
    return kExitUsage;
  }
  const int32_t count = absl::GetFlag(FLAGS_count);
  if (count < 0) {
    PrintError("measure: --count must be 0 (all) or more");
    return kExitUsage;
  }
  absl::StatusOr<client::RetryPolicy> retry = RetryPolicyFromFlags();
  if (!retry.ok()) {
    PrintError(retry.status().message());
    return kExitUsage;
  }
  absl::StatusOr<client::ServerList> list = client::ReadServerList(path);
  if (!list.ok()) {
    PrintError(list.status().message());
    return kExitUsage;
  }
  absl::StatusOr<client::Selection> selection = client::SelectServers(
      *list, count == 0 ? std::nullopt
                        : std::optional<size_t>(static_cast<size_t>(count)));
  if (!selection.ok()) {
    PrintError(absl::StrCat(path, ": ", selection.status().message()));
    return kExitUsage;
  }
  client::MeasureOptions options;
  options.retry = *retry;
  options.allow_pre_rfc_contexts = absl::GetFlag(FLAGS_allow_pre_rfc_contexts);
  client::Measurement m = client::Measure(selection->servers, options);

  client::MeasureReportInfo info;
  info.notes = list->notes;
  info.notes.insert(info.notes.end(), selection->notes.begin(),
                    selection->notes.end());
  // RFC 10049 §8.2: valid answers that contradict each other are evidence;
  // keep them as a §8.4.1 report. Protocol errors never make a report.
  const bool inconsistent = !m.consistency.consistent();
  if (inconsistent) {
    std::string report = absl::GetFlag(FLAGS_report);
    if (report.empty()) {
      report = absl::StrCat("roughtime-malfeasance-",
                            absl::ToUnixSeconds(absl::Now()), ".json");
    }
    absl::Status written =
        client::WriteNewFile(report, client::EncodeReport(m.ToReport()));
    if (written.ok()) {
      info.report_path = report;
    } else {
      info.report_error = std::string(written.message());
    }
  }
  PrintOut(absl::GetFlag(FLAGS_json) ? client::MeasureJson(m, info)
                                     : client::MeasureText(m, info));
  if (inconsistent) {
    PrintError(absl::StrCat(
        "malfeasance: ", m.consistency.violations.size(),
        " pair(s) of valid answers contradict each other; ",
        info.report_path.empty()
            ? absl::StrCat("report NOT written: ", info.report_error)
            : absl::StrCat("report written to ", info.report_path)));
    return kExitInconsistent;
  }
  if (!m.success()) {
    PrintError(absl::StrCat("measure: ", m.failures.size(), " of ",
                            m.failures.size() + m.answers.size(),
                            " queries got no valid answer"));
    return kExitNoValidAnswer;
  }
  return kExitOk;
}

}  // namespace roughtime::cli
