// Human-readable text and machine-readable JSON for the three commands.
// Times are RFC 3339 UTC with microseconds plus Unix seconds; offsets are
// server time minus the local clock.
#ifndef ROUGHTIME_CLIENT_OUTPUT_H_
#define ROUGHTIME_CLIENT_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/chain.h"
#include "client/query.h"
#include "client/report_check.h"
#include "roughtime/response.h"

namespace roughtime::client {

std::string FormatRfc3339(absl::Time t);   // 2026-10-06T12:00:00.000000Z
std::string FormatUnix(absl::Time t);      // 1791288000.000000
std::string FormatSeconds(absl::Duration d, bool sign);  // +0.000412
// "1 (RFC 10049)", "0x8000000c (drafts 12-19)", "draft-11 (0x8000000b)"...
std::string DescribeVersion(const VerifiedResponse& v);

std::string QueryText(const ServerTarget& target, const QueryOutcome& q);
std::string QueryJson(const ServerTarget& target, const QueryOutcome& q);

struct MeasureReportInfo {
  std::vector<std::string> notes;  // skipped servers, list notes
  std::string report_path;         // written report, empty if none
  std::string report_error;        // why writing it failed, if it did
};
std::string MeasureText(const Measurement& m, const MeasureReportInfo& info);
std::string MeasureJson(const Measurement& m, const MeasureReportInfo& info);

std::string ReportVerdictText(const ReportVerdict& v, bool draft_contexts);
std::string ReportVerdictJson(const ReportVerdict& v, bool draft_contexts);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_OUTPUT_H_
