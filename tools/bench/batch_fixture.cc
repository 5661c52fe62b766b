#include "batch_fixture.h"

namespace roughtime::bench {

std::string FamilyName(Family f) {
  switch (f) {
    case Family::kRfc1: return "v1";
    case Family::kDraft12: return "0x8000000c";
    case Family::kDraft08To11: return "draft-11";
    case Family::kGoogle: return "google";
  }
  return "?";
}

BatchFixture::BatchFixture(Family family, size_t num_requests)
    : root(SigningKey::Generate()),
      identity(DelegateOnlineKey(root, {1700000000, 1900000000})) {
  policy.srv = ComputeSrv(root.public_key());
  RequestOptions o;
  switch (family) {
    case Family::kRfc1: o.offered_wire_versions = {1}; break;
    case Family::kDraft12: o.offered_wire_versions = {0x8000000c}; break;
    case Family::kDraft08To11:
      o.offered_wire_versions = {0x8000000b};
      o.include_type = false;
      o.message_size = 1012;
      break;
    case Family::kGoogle: o.google = true; break;
  }
  for (size_t i = 0; i < num_requests; ++i) {
    packets.push_back(BuildRequest(o)->packet);
  }
}

size_t BatchFixture::RunBatch(BatchResponder& responder) const {
  uint8_t out[kMaxResponseSize];
  size_t written = 0;
  responder.Reset();
  for (const Bytes& p : packets) {
    ParsedRequest parsed;
    if (ParseRequest(p, policy, &parsed) == DropReason::kNone) {
      responder.Add(parsed);
    }
  }
  if (!responder.Sign(absl::FromUnixSeconds(1800000000), absl::Seconds(3)).ok()) {
    return 0;
  }
  for (size_t i = 0; i < responder.size(); ++i) {
    if (responder.WriteResponse(i, MutableByteSpan(out)).ok()) ++written;
  }
  return written;
}

}  // namespace roughtime::bench
