// roughtime verify-report FILE [--draft-contexts]
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli_flags.h"
#include "client/malfeasance_report.h"
#include "client/output.h"
#include "client/report_check.h"
#include "commands.h"

namespace roughtime::cli {

int RunVerifyReport(const std::vector<std::string>& positional) {
  if (positional.size() != 1) {
    PrintError("verify-report: needs exactly one report FILE");
    return kExitUsage;
  }
  absl::StatusOr<std::vector<client::ReportEntry>> entries =
      client::ReadReport(positional[0]);
  if (!entries.ok()) {
    PrintError(absl::StrCat("report invalid: ", entries.status().message()));
    return kExitReportInvalid;
  }
  const bool draft = absl::GetFlag(FLAGS_draft_contexts);
  client::ReportVerdict verdict = client::CheckReport(*entries, draft);
  PrintOut(absl::GetFlag(FLAGS_json)
               ? client::ReportVerdictJson(verdict, draft)
               : client::ReportVerdictText(verdict, draft));
  if (!verdict.all_valid()) {
    for (size_t k = 0; k < verdict.entries.size(); ++k) {
      const client::EntryVerdict& e = verdict.entries[k];
      if (e.ok()) continue;
      PrintError(absl::StrCat(
          "report invalid: entry ", k, ": ",
          e.response.ok() ? e.chain.message() : e.response.message()));
      break;
    }
    return kExitReportInvalid;
  }
  return verdict.proves_inconsistency() ? kExitInconsistent : kExitOk;
}

}  // namespace roughtime::cli
