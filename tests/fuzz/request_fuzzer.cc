// The server's whole per-request path on one datagram: ParseRequest with the
// production policy, then (when accepted) a one-request batch through
// BatchResponder Add/Sign/WriteResponse. Beyond "no crash, no sanitizer
// report", it checks what the server promises (RFC 10049 §5.2, §9.7): an
// accepted request always gets a response no larger than itself, and that
// response verifies with the client's VerifyResponse against exactly the
// request sent (every version answers what it was asked in its own dialect).
// And the kernel filter (src/server/net/bpf_filter.cc, run here by a user-space
// classic BPF interpreter) never drops a datagram the server would accept:
// such a filter would lose clients silently.
#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"
#include "classic_bpf.h"
#include "fuzz_support.h"
#include "roughtime/request.h"
#include "roughtime/response.h"

namespace roughtime::fuzz {
namespace {

struct State {
  RequestPolicy policy;
  BatchResponder responder{&FixedIdentity(), VersionSet::All(), 1};
  State() { policy.srv = ComputeSrv(FixedIdentity().root_public_key); }
};

void Check(ByteSpan packet) {
  static State* state = new State;
  ParsedRequest parsed;
  const DropReason reason = ParseRequest(packet, state->policy, &parsed);
  const std::optional<bool> filter_passes =
      server::testing::RequestFilterPasses(packet);
  if (!filter_passes) InvariantFailed("the kernel filter did not run");
  if (reason == DropReason::kNone && !*filter_passes) {
    InvariantFailed("the kernel filter drops a request the server accepts");
  }
  if (reason != DropReason::kNone) {
    if (DropReasonName(reason).empty()) InvariantFailed("unnamed drop reason");
    return;
  }
  // The parsed views must lie inside the datagram.
  if (parsed.nonce.data() < packet.data() ||
      parsed.nonce.data() + parsed.nonce.size() >
          packet.data() + packet.size()) {
    InvariantFailed("nonce view outside the packet");
  }
  BatchResponder& responder = state->responder;
  responder.Reset();
  if (!responder.Add(parsed)) InvariantFailed("Add refused the first request");
  const absl::Status signed_ok =
      responder.Sign(absl::FromUnixSeconds(kFixedMidpoint), absl::Seconds(5));
  if (!signed_ok.ok()) InvariantFailed("Sign: " + signed_ok.ToString());
  uint8_t out[kMaxResponseSize];
  absl::StatusOr<size_t> size = responder.WriteResponse(0, MutableByteSpan(out));
  if (!size.ok()) {
    InvariantFailed("accepted request got no response: " +
                    size.status().ToString());
  }
  if (*size > packet.size()) InvariantFailed("response larger than request");

  std::optional<RequestFacts> facts = FactsOfRequest(packet);
  if (!facts) InvariantFailed("accepted request has no NONC/VER a client sees");
  const VerifyOptions options =
      OptionsFor(*facts, FixedIdentity().root_public_key, false);
  absl::StatusOr<VerifiedResponse> verified =
      VerifyResponse(ByteSpan(out, *size), options);
  if (!verified.ok()) {
    InvariantFailed("our own response does not verify: " +
                    verified.status().ToString());
  }
  if (verified->version != parsed.version) {
    InvariantFailed("client sees another version than the server chose");
  }
}

}  // namespace
}  // namespace roughtime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roughtime::fuzz::Check(roughtime::ByteSpan(data, size));
  return 0;
}
