// Malfeasance reports (RFC 10049 §8.4.1, media type
// application/roughtime-malfeasance+json): every request and response of a
// chained measurement, in receive order, with the random bytes each chained
// nonce was made from, so anyone can re-verify them offline.
#ifndef ROUGHTIME_CLIENT_MALFEASANCE_REPORT_H_
#define ROUGHTIME_CLIENT_MALFEASANCE_REPORT_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "roughtime/bytes.h"

namespace roughtime::client {

struct ReportEntry {
  std::optional<Bytes> rand;  // omitted for the first entry
  Bytes public_key;           // the server's long-term key
  Bytes request;              // whole packets, ROUGHTIM frame included
  Bytes response;
};

// {"responses":[{"rand":..,"publicKey":..,"request":..,"response":..}]}
// with standard base64 and padding (RFC 4648 §4).
std::string EncodeReport(const std::vector<ReportEntry>& entries);

// Errors name the JSON path ("responses[1].request: not base64").
absl::StatusOr<std::vector<ReportEntry>> ParseReport(absl::string_view json);
absl::StatusOr<std::vector<ReportEntry>> ReadReport(const std::string& path);

// Writes `contents` to `path` without ever replacing an existing file (a
// report is evidence): a temporary file in the same directory, flushed,
// then hard-linked into place, which fails if the name is taken.
absl::Status WriteNewFile(const std::string& path, absl::string_view contents);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_MALFEASANCE_REPORT_H_
