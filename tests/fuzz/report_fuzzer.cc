// Malfeasance reports (RFC 10049 §8.4.1) come from strangers and are checked
// offline: ParseReport on any text, then CheckReport on whatever parsed
// (every response verified against its request and key, every chained
// nonce). Also: what we encode, we parse back unchanged.
#include <cstddef>
#include <cstdint>

#include "client/malfeasance_report.h"
#include "client/report_check.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace roughtime;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<client::ReportEntry>> entries =
      client::ParseReport(text);
  if (!entries.ok()) {
    if (entries.status().message().empty()) {
      fuzz::InvariantFailed("report rejected without a reason");
    }
    return 0;
  }
  // Keep the work per input bounded (each entry costs two signature checks).
  if (entries->size() > 16) return 0;
  const client::ReportVerdict verdict =
      client::CheckReport(*entries, /*draft_contexts=*/size % 2 == 0);
  if (verdict.entries.size() != entries->size()) {
    fuzz::InvariantFailed("verdict count differs from entry count");
  }
  if (verdict.proves_inconsistency() && !verdict.all_valid()) {
    fuzz::InvariantFailed("inconsistency claimed from invalid entries");
  }
  absl::StatusOr<std::vector<client::ReportEntry>> again =
      client::ParseReport(client::EncodeReport(*entries));
  if (!again.ok()) {
    fuzz::InvariantFailed("our own report encoding does not parse: " +
                          again.status().ToString());
  }
  if (again->size() != entries->size()) fuzz::InvariantFailed("round trip size");
  for (size_t i = 0; i < again->size(); ++i) {
    const client::ReportEntry& a = (*entries)[i];
    const client::ReportEntry& b = (*again)[i];
    if (a.rand != b.rand || a.public_key != b.public_key ||
        a.request != b.request || a.response != b.response) {
      fuzz::InvariantFailed("report round trip changed entry " +
                            std::to_string(i));
    }
  }
  return 0;
}
