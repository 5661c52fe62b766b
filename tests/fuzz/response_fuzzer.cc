// The client's response verifier (RFC 10049 §5.4) on arbitrary bytes, with
// the fixed options of one of the vector cases (response_cases.h): the first
// input byte picks the case, the rest is the response packet. It must never
// crash or read out of bounds, and must accept nothing but the genuine
// response: any other bytes that verify would mean a forged time.
#include <cstddef>
#include <cstdint>

#include "response_cases.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace roughtime;
  using namespace roughtime::fuzz;
  if (size < 1) return 0;
  const std::vector<ResponseCase>& cases = ResponseCases();
  const ResponseCase& c = cases[data[0] % cases.size()];
  const ByteSpan response(data + 1, size - 1);
  absl::StatusOr<VerifiedResponse> verified =
      VerifyResponse(response, c.options());
  if (verified.ok()) {
    // Signatures cover SREP and DELE, NONC/ROOT tie the answer to the
    // request; other bytes (tag order, extra unsigned tags) may differ, but
    // the signed time must be the genuine one.
    absl::StatusOr<VerifiedResponse> genuine =
        VerifyResponse(c.response, c.options());
    if (verified->raw_midpoint != genuine->raw_midpoint ||
        verified->raw_radius != genuine->raw_radius ||
        verified->online_key != genuine->online_key) {
      InvariantFailed(c.name + ": a different signed time verified");
    }
  } else if (verified.status().message().empty()) {
    InvariantFailed("rejection without a reason");
  }
  return 0;
}
