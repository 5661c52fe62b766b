// Offline verification of a malfeasance report (RFC 10049 §8.4): every
// response against its own request and public key, every chained nonce,
// and which pairs of answers contradict each other.
#ifndef ROUGHTIME_CLIENT_REPORT_CHECK_H_
#define ROUGHTIME_CLIENT_REPORT_CHECK_H_

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "client/consistency.h"
#include "client/malfeasance_report.h"
#include "client/packet_fields.h"
#include "roughtime/response.h"

namespace roughtime::client {

struct EntryVerdict {
  absl::Status response;  // VerifyResponse's verdict (or why it could not run)
  absl::Status chain;     // entry k's NONC == H(response k-1 || rand k)
  std::optional<VerifiedResponse> verified;
  bool ok() const { return response.ok() && chain.ok(); }
};

struct ReportVerdict {
  std::vector<EntryVerdict> entries;
  // Pairs among the entries whose responses verified, in report indices.
  std::vector<InconsistentPair> violations;
  bool all_valid() const;
  // The report proves malfeasance: every entry valid and a pair fails.
  bool proves_inconsistency() const {
    return all_valid() && !violations.empty();
  }
};

// `draft_contexts`: accept version-1 answers signed with the capital-T
// contexts of drafts 12-19 (VerifyOptions.allow_pre_rfc_contexts); RFC
// 10049's own Appendix B example verifies only that way.
ReportVerdict CheckReport(const std::vector<ReportEntry>& entries,
                          bool draft_contexts);

// The nonce a chained request must carry (§8.2): the first 32 bytes of
// SHA-512(previous response packet || rand).
Bytes ChainedNonce(ByteSpan previous_response, ByteSpan rand);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_REPORT_CHECK_H_
